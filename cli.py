"""Operator commands: `flask regions load|find`, `flask create-admin`, `flask create-user`,
`flask holidays ...`, `flask clock due`, `flask seed` and `flask translate ...`; `flask ledger
export|import` live in cli_ledger.py.
`flask holidays ...`, `flask clock due`, `flask stats`, `flask seed` and `flask translate ...`.

A deployment starts from an empty database with `flask regions load` (the national codes that
ship in data/regions/) and `flask create-admin` (the first administrator and the body they work
for); everything else is done in the browser. `flask seed` loads the demo world of the demo
package (development only); the other commands work on any database.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import time
import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from cli_jobs import jobs_cli
from cli_ledger import ledger_cli
from demo import CITY_CODE, DEMO_PASSWORD, DemoConflict, load_demo
from domain import dashboard, holidays, passwords, stat_summary, statistics
from domain import regions as region_codes
from domain.calendar import CHINA, FIRST_DAY, LAST_DAY, add_days, local_today, unknown_years
from domain.errors import DomainError
from domain.organisations import ADMINISTERING_KINDS, OrgData, found_organisation
from domain.states import CaseState
from extensions import db
from models import Organisation, Region, User
from models.enums import DisputeType, OrgKind, RegionLevel, Role

BASE_DIR = Path(__file__).resolve().parent


def _check_password(password: str, **words: str | None) -> None:
    """The password rule of the portal's own forms (domain.passwords), in English."""
    with force_locale("en"):
        try:
            passwords.check_new_password(password, passwords.user_words(**words))
        except DomainError as exc:
            raise click.BadParameter(str(exc.message), param_hint="'--password'") from exc


def register(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(regions)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(translate)
    app.cli.add_command(holidays_cli)
    app.cli.add_command(clock_cli)
    app.cli.add_command(ledger_cli)
    app.cli.add_command(stats_command)
    app.cli.add_command(jobs_cli)


# --------------------------------------------------------------------------------------------
# flask seed
# --------------------------------------------------------------------------------------------


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Load the demo world (development only; safe to run again)."""
    if not current_app.config.get("SEED_ALLOWED"):
        raise click.ClickException(
            "Seeding is disabled in this configuration (SEED_ALLOWED is false). The demo world "
            "is for development only: run with JIEFEN_ENV=development."
        )
    started = time.perf_counter()
    try:
        world = load_demo()
    except DemoConflict as exc:
        raise click.ClickException(str(exc)) from exc
    result = world.result
    elapsed = time.perf_counter() - started
    if not any(result.created.values()):
        click.echo(
            f"The demo world is already present (region {CITY_CODE} {world.city_name} exists "
            "with its organisations, staff and cases): nothing to do."
        )
        return
    click.echo(f"Demo world loaded in {elapsed:.1f} s.")
    for what, count in result.created.items():
        click.echo(f"  {what:<14} {count:>5} created")
    if result.state_counts:
        click.echo("Cases by state:")
        for state in CaseState:
            click.echo(f"  {state.value:<14} {result.state_counts.get(state, 0):>5}")
    if result.sample_codes:
        click.echo("Sample citizen query codes (shown once, stored hashed):")
        for state, number, code in result.sample_codes:
            click.echo(f"  {state.value:<14} {number}  {code}")
    if result.invitation_codes:
        click.echo("Respondent invitation codes (open /respond; shown once, stored hashed):")
        for number, name, code in result.invitation_codes:
            click.echo(f"  {number}  {name}  {code}")
    click.echo("")
    click.echo(f"Demo logins (password for every account: {DEMO_PASSWORD}):")
    rows = [(u.username, u.role.value, u.organisation.name) for u in world.login_users()]
    width = max(len(r[0]) for r in rows)
    click.echo(f"  {'username':<{width}}  {'role':<8}  {'password':<16}  organisation")
    for username, role, org in rows:
        click.echo(f"  {username:<{width}}  {role:<8}  {DEMO_PASSWORD:<16}  {org}")


# --------------------------------------------------------------------------------------------
# flask create-user
# --------------------------------------------------------------------------------------------

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--org", "org_name", required=True, help="Exact name of the organisation.")
@click.option("--name", required=True, help="Full name shown in the portal.")
@click.option("--phone", default=None, help="Contact phone.")
@click.option(
    "--specialty",
    "specialties",
    multiple=True,
    type=click.Choice([d.value for d in DisputeType]),
    help="Dispute-type code a mediator specialises in (repeatable).",
)
@click.option("--full-time/--part-time", default=False, help="Mediators: full- or part-time.")
@click.password_option("--password", help="Prompted for (hidden, twice) when not given.")
@with_appcontext
def create_user_command(
    username: str,
    role: str,
    org_name: str,
    name: str,
    phone: str | None,
    specialties: tuple[str, ...],
    full_time: bool,
    password: str,
) -> None:
    """Create a staff account USERNAME at an organisation."""
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise click.BadParameter(
            "2-64 characters: lower-case letters, digits, dot, dash, underscore.",
            param_hint="USERNAME",
        )
    if db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise click.ClickException(f"A user named {username!r} already exists.")
    org = db.session.scalar(sa.select(Organisation).where(Organisation.name == org_name.strip()))
    if org is None:
        similar = db.session.scalars(
            sa.select(Organisation.name)
            .where(Organisation.name.contains(org_name.strip()[:4]))
            .order_by(Organisation.name)
            .limit(5)
        ).all()
        hint = ("; did you mean: " + ", ".join(similar)) if similar else ""
        raise click.ClickException(
            f"No organisation named {org_name!r}{hint}. On a new database, start with "
            "`flask regions load` and `flask create-admin` (README: Deploy for your county)."
        )
    _check_password(password, username=username, name=name, organisation=org.name, phone=phone)
    user = User(
        username=username,
        name=name.strip(),
        role=Role(role),
        organisation=org,
        active=True,
        phone=(phone or "").strip() or None,
        specialties=list(specialties),
        full_time=full_time,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {username!r} ({user.name}) at {org.name}.")


# --------------------------------------------------------------------------------------------
# flask regions load | find
# --------------------------------------------------------------------------------------------

regions = AppGroup("regions", help="Load the national region codes that ship with the project.")


@regions.command("load")
@click.option("--province", help="2-digit province code: all its cities, counties, townships.")
@click.option("--city", help="4-digit city code: the city, its counties and townships.")
@click.option("--county", help="6-digit county code: the county (and its city) and townships.")
@with_appcontext
def regions_load(province: str | None, city: str | None, county: str | None) -> None:
    """Copy a subtree of the national codes (down to townships) into the database.

    Safe to run again: regions already present are kept. Villages, communities and groups are
    added afterwards by an administrator (Admin → Regions).
    """
    given = [
        (flag, code)
        for flag, code in (("--province", province), ("--city", city), ("--county", county))
        if code
    ]
    if len(given) != 1:
        raise click.UsageError("Give exactly one of --province, --city or --county.")
    flag, code = given[0]
    code = region_codes.normalise_code(code)
    digits = {"--province": 2, "--city": 4, "--county": 6}[flag]
    if len(code) != digits or not code.isdigit():
        raise click.BadParameter(
            f"{digits} digits (find a code with `flask regions find NAME`).", param_hint=flag
        )
    try:
        result = region_codes.load_national(code)
    except DomainError as exc:
        raise click.ClickException(
            f"{exc.message} Find the code with `flask regions find NAME`."
        ) from exc
    db.session.commit()
    created = ", ".join(
        f"{level.value} {result.created.get(level, 0)}"
        for level in (RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP)
    )
    click.echo(
        f"{code} {region_codes.national_path(code)}: created {created}; "
        f"{result.kept} already present."
    )


@regions.command("find")
@click.argument("text")
@with_appcontext
def regions_find(text: str) -> None:
    """Print the codes of national regions whose name contains TEXT (or whose code starts with
    it), e.g. `flask regions find 公安县`."""
    found = region_codes.find_national(text)
    if not found:
        raise click.ClickException(f"No province, city, county or township matches {text!r}.")
    for code, path in found:
        click.echo(f"{code:<9}  {path}")


# --------------------------------------------------------------------------------------------
# flask create-admin
# --------------------------------------------------------------------------------------------


@click.command("create-admin")
@click.argument("username")
@click.option(
    "--region",
    "region_code",
    required=True,
    help="Code of the county (6 digits) or city (4) the administrator manages.",
)
@click.option(
    "--org-name",
    required=True,
    help="The administering body, e.g. 公安县矛盾纠纷调处中心 (created there if new).",
)
@click.option(
    "--org-kind",
    type=click.Choice([k.value for k in ADMINISTERING_KINDS]),
    default=OrgKind.CENTRE.value,
    show_default=True,
    help="Kind of a new administering body: a centre or a justice office (bureau).",
)
@click.option("--name", required=True, help="The administrator's full name.")
@click.option("--phone", default=None, help="Contact phone.")
@click.password_option("--password", help="Prompted for (hidden, twice) when not given.")
@with_appcontext
def create_admin_command(
    username: str,
    region_code: str,
    org_name: str,
    org_kind: str,
    name: str,
    phone: str | None,
    password: str,
) -> None:
    """Create the first administrator USERNAME of a county or city, and the body they work for.

    Needs the region loaded first (`flask regions load`). The administrator then manages the
    regions, organisations and accounts inside that region in the browser.
    """
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise click.BadParameter(
            "2-64 characters: lower-case letters, digits, dot, dash, underscore.",
            param_hint="USERNAME",
        )
    _check_password(password, username=username, name=name, organisation=org_name, phone=phone)
    if not name.strip():
        raise click.BadParameter("the administrator's name.", param_hint="'--name'")
    code = region_codes.normalise_code(region_code)
    region = (
        db.session.scalar(sa.select(Region).where(Region.code == code)) if code.isdigit() else None
    )
    if region is None:
        load = {4: "--city", 6: "--county"}.get(len(code))
        if load and code in region_codes.national_regions():
            hint = f"load it first: flask regions load {load} {code}"
        else:
            hint = "find the county or city code with `flask regions find NAME`"
        raise click.ClickException(f"No region {code!r} in the database; {hint}.")
    if region.level not in (RegionLevel.CITY, RegionLevel.COUNTY):
        raise click.BadParameter(
            f"{region.code} {region.name} is a {region.level.value}: give the code of the county "
            "or city the administrator manages.",
            param_hint="'--region'",
        )
    if db.session.scalar(sa.select(User.id).where(sa.func.lower(User.username) == username)):
        raise click.ClickException(f"A user named {username!r} already exists.")
    org = db.session.scalar(
        sa.select(Organisation).where(Organisation.name == " ".join(org_name.split()))
    )
    if org is not None:
        if org.region_id != region.id or not org.active:
            raise click.ClickException(
                f"{org.name} exists in region {org.region.code} {org.region.name}"
                f"{'' if org.active else ' (deactivated)'}: choose another name for the body "
                f"of {region.code} {region.name}."
            )
        made = False
    else:
        try:
            org = found_organisation(
                OrgData(name=org_name, kind=OrgKind(org_kind), region_code=region.code)
            )
        except DomainError as exc:
            raise click.ClickException(str(exc.message)) from exc
        made = True
    user = User(
        username=username,
        name=name.strip(),
        role=Role.ADMIN,
        organisation=org,
        active=True,
        phone=(phone or "").strip() or None,
        specialties=[],
    )
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(
        f"{'Created' if made else 'Using'} {org.name} ({org.kind.value}) in {region.code} "
        f"{region.name}."
    )
    click.echo(f"Created administrator {username!r} ({user.name}) at {org.name}.")
    click.echo(
        "Next: start the server, log in as this administrator and add the villages, "
        "organisations and staff under Admin (README: Deploy for your county)."
    )


# --------------------------------------------------------------------------------------------
# flask translate
# --------------------------------------------------------------------------------------------

translate = AppGroup("translate", help="Extract, update, compile and add translations (pybabel).")

POT = "translations/messages.pot"
LANG_RE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]{2,8})*$")


def _pybabel(*args: str) -> None:
    """Run pybabel from this interpreter's environment in the project directory."""
    script = Path(sys.executable).with_name("pybabel")
    command = (
        [str(script)] if script.exists() else [sys.executable, "-m", "babel.messages.frontend"]
    )
    completed = subprocess.run([*command, *args], cwd=BASE_DIR, check=False)  # noqa: S603
    if completed.returncode != 0:
        raise click.ClickException(f"pybabel {args[0]} failed (exit {completed.returncode}).")


@translate.command("extract", with_appcontext=False)
def translate_extract() -> None:
    """Extract messages into translations/messages.pot."""
    _pybabel(
        "extract",
        "-F",
        "translations/babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "-k",
        "_ln:1,2",
        "-k",
        "_lp:1c,2",
        "--add-comments=Translators:",
        "-o",
        POT,
        ".",
    )


@translate.command("update", with_appcontext=False)
def translate_update() -> None:
    """Merge messages.pot into every language's messages.po."""
    _pybabel("update", "-i", POT, "-d", "translations")


@translate.command("compile", with_appcontext=False)
def translate_compile() -> None:
    """Compile every messages.po into messages.mo."""
    _pybabel("compile", "-d", "translations")


@translate.command("init", with_appcontext=False)
@click.argument("lang")
def translate_init(lang: str) -> None:
    """Start a new language LANG (e.g. en) from messages.pot."""
    if not LANG_RE.match(lang):
        raise click.BadParameter("a locale such as en or zh_Hans.", param_hint="LANG")
    _pybabel("init", "-i", POT, "-d", "translations", "-l", lang)


# --------------------------------------------------------------------------------------------
# flask holidays import / list, flask clock due
# --------------------------------------------------------------------------------------------

holidays_cli = AppGroup("holidays", help="The State Council's holiday schedule, year by year.")


def _admin(username: str | None) -> User | None:
    if username is None:
        return None
    user = db.session.scalar(sa.select(User).where(User.username == username.strip().lower()))
    if user is None or user.role != Role.ADMIN or not user.active:
        raise click.BadParameter("not an active administrator's username.", param_hint="'--by'")
    return user


@holidays_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--by",
    "username",
    default=None,
    help="Administrator named on the timeline of each case whose deadline moves "
    "(default: the server command).",
)
def holidays_import(file: Path, username: str | None) -> None:
    """Import FILE (CSV: date,kind,name; kind = holiday or workday).

    Each year in the file replaces that year's entries; a malformed line refuses the whole
    file. The deadlines of open working-day cases are recomputed.
    """
    actor = _admin(username)
    with file.open("rb") as handle:
        data = handle.read(holidays.MAX_FILE_BYTES + 1)
    # Operator commands speak English, like the rest of this file.
    with force_locale("en"):
        try:
            outcome = holidays.import_schedule(actor, holidays.parse_csv(data), via="command")
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            raise click.ClickException(f"{file.name}: {exc.message}") from None
        except StaleDataError:
            db.session.rollback()
            raise click.ClickException(
                "A case or a day of the schedule changed while importing: nothing was "
                "imported. Run the command again."
            ) from None
    years = ", ".join(str(y) for y in outcome.years)
    click.echo(f"Imported {outcome.entries} days for {years} (replacing earlier entries).")
    if not outcome.moved:
        click.echo("No open case's deadline moved.")
    for m in outcome.moved:
        click.echo(f"  {m.case.number}: deadline {m.before.isoformat()} -> {m.after.isoformat()}")


@holidays_cli.command("list")
@click.argument("year", type=click.IntRange(holidays.FIRST_YEAR, holidays.LAST_YEAR))
def holidays_list(year: int) -> None:
    """List the entered holidays and make-up working days of YEAR."""
    rows = holidays.entries_for_year(year)
    status = holidays.year_status(year)
    for row in rows:
        click.echo(f"{row.day.isoformat()}  {row.day:%a}  {row.kind.value:<7}  {row.name}")
    if rows and status.packaged:
        click.echo(f"{len(rows)} entries; other days of {year} as the calendar package has them.")
    elif rows:
        click.echo(f"{len(rows)} entries; other days of {year}: Monday to Friday are working days.")
    elif status.packaged:
        click.echo(f"No entries for {year}: the calendar package's schedule applies.")
    else:
        click.echo(
            f"No entries for {year}, and the calendar package does not know it: working days "
            f"are counted Monday to Friday. Import the schedule when the State Council "
            f"publishes it."
        )


clock_cli = AppGroup("clock", help="Check a deadline as the case clocks compute it.")


@clock_cli.command("due")
@click.argument("start", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("days", type=click.IntRange(0, 3650))
@click.option("--working-days", is_flag=True, help="Count working days (skip weekends, holidays).")
def clock_due(start, days: int, working_days: bool) -> None:
    """Print the due date of a limit of DAYS days starting on START (YYYY-MM-DD): the day the
    clock starts is not counted."""
    first = start.date()
    if not holidays.FIRST_YEAR <= first.year <= holidays.LAST_YEAR:
        raise click.BadParameter(
            f"a date of {holidays.FIRST_YEAR} to {holidays.LAST_YEAR}.", param_hint="START"
        )
    due = add_days(first, days, working_days)
    click.echo(due.isoformat())
    if working_days:
        missing = unknown_years(first + timedelta(days=1), due)
        if missing:
            listed = ", ".join(str(y) for y in missing)
            click.echo(
                f"Warning: holidays for {listed} not yet entered: Monday to Friday counted as "
                f"working days there (flask holidays import FILE.csv).",
                err=True,
            )


# --------------------------------------------------------------------------------------------
# flask stats
# --------------------------------------------------------------------------------------------

STATS_BY = {
    "source": statistics.Dimension.SOURCE,
    "type": statistics.Dimension.TYPE,
    "level": statistics.Dimension.LEVEL,
    "organisation": statistics.Dimension.ORGANISATION,
    "region": statistics.Dimension.REGION,
    "mediator": statistics.Dimension.MEDIATOR,
}


def _cell(value, kind: str, machine: bool) -> str:
    if value is None:
        return "" if machine else "—"
    if kind == "rate":
        return f"{value:f}" if machine else statistics.format_percent(value)
    if kind == "amount":
        return f"{value:.2f}"
    return str(value)


@click.command("stats")
@click.option(
    "--from", "start", type=click.DateTime(formats=["%Y-%m-%d"]), help="First day (YYYY-MM-DD)."
)
@click.option("--to", "end", type=click.DateTime(formats=["%Y-%m-%d"]), help="Last day, included.")
@click.option("--by", "by", type=click.Choice(sorted(STATS_BY)), help="One row per value of this.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "xlsx"]), default="table")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="The file to write (--format xlsx).",
)
@click.option("--region", help="Count only the cases of this region code (e.g. 421022).")
@click.option("--lang", default="en", help="Language of the labels (en, zh_Hans).")
@click.option(
    "--rebuild",
    is_flag=True,
    help="Sum every case into the monthly summary again and exit (after an upgrade on a "
    "database with cases, or cases loaded around the application).",
)
@with_appcontext
def stats_command(
    start,
    end,
    by: str | None,
    fmt: str,
    output: Path | None,
    region: str | None,
    lang: str,
    rebuild: bool,
) -> None:
    """Print the statistics of a period (default: this year to date): every indicator of the
    dashboard, counted by the same definitions (domain.statistics), for the whole database
    or one region, in total and --by a breakdown.

    csv: one row per breakdown value (and the total), one column per indicator, rates as
    percentages without the sign. table: one line per indicator with its formula. xlsx
    (with --output FILE): the dashboard's workbook, one sheet per table; with --by, one
    sheet of every indicator by that breakdown."""
    if rebuild:
        started = time.perf_counter()
        written = stat_summary.rebuild()
        db.session.commit()
        click.echo(
            f"Monthly summary rebuilt: {written} rows in {time.perf_counter() - started:.1f} s."
        )
        return
    today = local_today()
    first = start.date() if start else None
    last = end.date() if end else None
    if first is None and last is None:
        first, last = date(today.year, 1, 1), today
    first = first or date(last.year, 1, 1)
    last = last or max(first, min(today, date(first.year, 12, 31)))
    for day, hint in ((first, "'--from'"), (last, "'--to'")):
        if not FIRST_DAY <= day <= LAST_DAY:
            raise click.BadParameter(
                f"a date of {FIRST_DAY.year} to {LAST_DAY.year}.", param_hint=hint
            )
    if last < first:
        raise click.BadParameter("the period ends before it starts.", param_hint="'--to'")
    if (last - first).days > statistics.MAX_PERIOD_YEARS * 366:
        raise click.BadParameter(
            f"a period of at most {statistics.MAX_PERIOD_YEARS} years.", param_hint="'--to'"
        )
    if region is not None and not re.fullmatch(r"\d{4,15}", region):
        raise click.BadParameter("a region code of 4 to 15 digits.", param_hint="'--region'")
    if not LANG_RE.match(lang):
        raise click.BadParameter("a locale such as en or zh_Hans.", param_hint="'--lang'")
    if (fmt == "xlsx") != (output is not None):
        raise click.BadParameter("--format xlsx writes to --output FILE (and only it).")
    period = statistics.Period(first, last)
    filters = statistics.Filters(region=region)
    dimension = STATS_BY.get(by) if by else None
    with force_locale(lang):
        if fmt == "xlsx":
            custom = start is not None or end is not None
            _stats_xlsx(output, period, region, dimension, today, custom)
            click.echo(f"Written: {output}")
            return
        result = statistics.compute(
            None,
            period,
            filters,
            by=dimension,
            today=today,
            region_depth=dashboard.region_depth(region),
        )
        columns = statistics.columns()
        rows = [(str(row.label), row.figures) for row in result.rows]
        rows.append((str(_l("Total")), result.total))
        if fmt == "csv":
            _stats_csv(columns, rows, by)
        else:
            _stats_table(columns, rows, period, region)


def _stats_xlsx(output: Path, period, region: str | None, dimension, today, custom) -> None:
    """The dashboard's workbook for the whole database or a region, or one sheet of every
    indicator by `dimension`."""
    if region:
        place = db.session.scalar(sa.select(Region).where(Region.code == region))
        scope = str(_l("Cases of %(region)s", region=place.full_name() if place else region))
    else:
        scope = str(_l("The whole database"))
    block = dashboard.workbook_block(
        period,
        today,
        scope=scope,
        filters="",
        by=str(_l("The command line (flask stats)")),
        at=datetime.now(CHINA).strftime("%Y-%m-%d %H:%M"),
    )
    filters = statistics.Filters(region=region)
    with output.open("wb") as out:
        if dimension is None:
            board = dashboard.build(
                None, period, filters, today, with_month=not custom, area=region
            )
            dashboard.write_workbook(out, board, block, custom=custom)
            return
        result = statistics.compute(
            None,
            period,
            filters,
            by=dimension,
            today=today,
            region_depth=dashboard.region_depth(region),
        )
        dashboard.write_breakdown_sheet(out, result, block)


def _stats_csv(columns, rows, by: str | None) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([by or "scope", *(c.key for c in columns)])
    for label, figures in rows:
        values = statistics.values(figures)
        writer.writerow(
            [label, *(_cell(v, c.kind, True) for c, v in zip(columns, values, strict=True))]
        )
    click.echo(out.getvalue(), nl=False)


def _stats_table(columns, rows, period, region: str | None) -> None:
    click.echo(
        f"{period.start.isoformat()} to {period.end.isoformat()}"
        + (f", region {region}" if region else ", whole database")
    )
    values = [statistics.values(figures) for _label, figures in rows]
    labels = [str(c.label) for c in columns]
    head = [""] + [label for label, _f in rows]
    body = [
        [label, *(_cell(v[i], c.kind, False) for v in values)]
        for i, (c, label) in enumerate(zip(columns, labels, strict=True))
    ]
    widths = [max(_width(r[k]) for r in [head, *body]) for k in range(len(head))]
    for line in [head, *body]:
        cells = [_pad(line[0], widths[0], left=True)]
        cells += [_pad(cell, widths[k + 1]) for k, cell in enumerate(line[1:])]
        click.echo("  ".join(cells).rstrip())
    formulas = [(str(c.label), str(c.formula)) for c in columns if c.formula is not None]
    click.echo("")
    for label, formula in formulas:
        click.echo(f"{label}: {formula}")


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, left: bool = False) -> str:
    fill = " " * (width - _width(text))
    return text + fill if left else fill + text
