"""`flask ledger export` and `flask ledger import`: the case ledger (台账) from the command line,
the same files as the oversight list's export and the admin page's import (domain.ledger)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from flask_babel import force_locale

from domain.errors import DomainError
from domain.ledger.columns import BY_KEY
from domain.ledger.export import FORMATS, ExportSpec, start_export
from domain.ledger.importing import MAX_CLI_ROWS, import_ledger
from domain.ledger.reading import LedgerRefused, read_ledger
from domain.ledger.rows import period_condition
from extensions import db
from models import Case, Organisation, Region, User, code_range
from models.enums import Role

ledger_cli = AppGroup("ledger", help="The case ledger (台账): export to XLSX or CSV, import back.")

# What a file given to the import may weigh (an upload is limited to 10 MB).
MAX_IMPORT_BYTES = 512 * 1024 * 1024


def _cases(n: int) -> str:
    return f"{n} case" if n == 1 else f"{n} cases"


def _day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("a date such as 2026-01-31.", param_hint=name) from None


def _scope(organisation: str | None, region: str | None) -> tuple[sa.ColumnElement, str, str]:
    """(condition, the scope in words, the scope for the record)."""
    if organisation and region:
        raise click.UsageError("Give --organisation or --region, not both.")
    if organisation:
        org = db.session.scalar(sa.select(Organisation).where(Organisation.name == organisation))
        if org is None:
            raise click.BadParameter(
                "no organisation has this name.", param_hint="'--organisation'"
            )
        return Case.handling_org_id == org.id, f"Cases handled by {org.name}", f"org:{org.id}"
    if region:
        found = db.session.scalar(sa.select(Region).where(Region.code == region))
        if found is None:
            raise click.BadParameter("no region has this code.", param_hint="'--region'")
        low, high = code_range(found.code)
        condition = sa.and_(Case.region_code >= low, Case.region_code < high)
        return condition, f"Cases of {found.full_name()}", found.code
    return sa.true(), "Every case in the database", "all"


@ledger_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--from", "start", default=None, help="First day of the period (YYYY-MM-DD).")
@click.option("--to", "end", default=None, help="Last day of the period (YYYY-MM-DD).")
@click.option(
    "--format",
    "file_format",
    type=click.Choice(FORMATS),
    default=None,
    help="xlsx or csv (default: from FILE's suffix, else xlsx).",
)
@click.option("--organisation", default=None, help="Only the cases this organisation handles.")
@click.option("--region", default=None, help="Only the cases inside this region (its code).")
@click.option(
    "--full",
    is_flag=True,
    help="ID numbers and phones in full (default: masked, as a leader sees them).",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", help="Language of the file.")
def ledger_export(
    file: Path,
    start: str | None,
    end: str | None,
    file_format: str | None,
    organisation: str | None,
    region: str | None,
    full: bool,
    lang: str,
) -> None:
    """Write the case ledger to FILE: every case of the period (registered, accepted, ended,
    ruled on or visited in it), in the whole database or one organisation or region."""
    period = (_day(start, "'--from'"), _day(end, "'--to'"))
    if period[0] and period[1] and period[1] < period[0]:
        raise click.BadParameter("the period ends before it starts.", param_hint="'--to'")
    file_format = file_format or ("csv" if file.suffix.lower() == ".csv" else "xlsx")
    condition, scope, scope_key = _scope(organisation, region)
    with force_locale("zh_Hans" if lang == "zh" else "en"):
        export = start_export(
            ExportSpec(
                condition=sa.and_(condition, period_condition(*period)),
                scope=scope,
                scope_key=scope_key,
                file_format=file_format,
                via="cli",
                period=period,
                reveal=sa.true() if full else None,
            )
        )
        db.session.commit()
        # Written beside FILE and moved into place: no half-written ledger under its name.
        with tempfile.NamedTemporaryFile(
            "wb", dir=file.resolve().parent, prefix=".ledger-", delete=False
        ) as out:
            if file_format == "csv":
                for chunk in export.csv_chunks():
                    out.write(chunk.encode("utf-8"))
            else:
                export.write_xlsx(out)
        Path(out.name).replace(file)
    click.echo(f"Exported {_cases(export.rows_count)} to {file}.")


def _importer(username: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.username == username.strip().lower()))
    if user is None or user.role != Role.ADMIN or not user.active:
        raise click.BadParameter("not an active administrator's username.", param_hint="'--by'")
    return user


def _report(refused: LedgerRefused) -> str:
    lines = [str(refused.message)]
    for e in refused.errors:
        where = f"row {e.row}" if e.row else "file"
        if e.column:
            where += f", {BY_KEY[e.column].en}"
        lines.append(f"  {where}: {e.message}")
    if refused.more:
        lines.append(f"  … and {refused.more} more.")
    return "\n".join(lines)


@ledger_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--by",
    "username",
    required=True,
    help="The administrator importing: named on each case's timeline; the cases must lie "
    "in their area.",
)
@click.option("--dry-run", is_flag=True, help="Check every row, import nothing.")
def ledger_import(file: Path, username: str, dry_run: bool) -> None:
    """Import the cases of the ledger FILE (XLSX or CSV, the columns of an export): every row
    is checked, then all are imported, or none."""
    actor = _importer(username)
    with file.open("rb") as handle:
        raw = handle.read(MAX_IMPORT_BYTES + 1)
    if len(raw) > MAX_IMPORT_BYTES:
        raise click.ClickException(f"{file.name}: larger than 512 MB; split it in parts.")
    # Operator commands speak English, like the rest of the commands.
    with force_locale("en"):
        try:
            sheet = read_ledger(raw, MAX_CLI_ROWS)
            result = import_ledger(
                sheet,
                actor,
                via="cli",
                file_format="xlsx" if raw.startswith(b"PK") else "csv",
                raw=raw,
            )
        except LedgerRefused as refused:
            db.session.rollback()
            raise click.ClickException(f"{file.name}: {_report(refused)}") from None
        except DomainError as exc:
            db.session.rollback()
            raise click.ClickException(f"{file.name}: {exc.message}") from None
        for w in result.warnings:
            column = f", {BY_KEY[w.column].en}" if w.column else ""
            click.echo(f"  warning: row {w.row}{column}: {w.message}")
        if result.more_warnings:
            click.echo(f"  … and {result.more_warnings} more warnings.")
    if dry_run:
        db.session.rollback()
        click.echo(f"Checked {_cases(result.imported)}: all can be imported (nothing imported).")
        return
    db.session.commit()
    click.echo(f"Imported {_cases(result.imported)} from {file.name}.")
