"""The front desk: the intake queue and the registration of walk-ins, phone calls and
referrals. Screening and dispatch on the case page are in screening.py."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import selectinload

from blueprints.actions import attach_error, run_action
from blueprints.appointments.views import appointment_to_register, prefill_from_appointment
from blueprints.desk import LAST_NUMBER_KEY, REGISTERED_KEY, bp
from blueprints.desk.forms import REFERRAL_FORMS, RegisterForm
from blueprints.htmx import htmx_target, render
from blueprints.pagination import keyset_page
from domain.appointments import registered as appointment_registered
from domain.errors import ValidationFailed
from domain.identity import IdentifierError
from domain.ids import row_id
from domain.intake import register_case
from domain.leadership import get_booking_for, visit_registered
from domain.links import link_at_registration, repeat_case_ids
from domain.people import find_earlier_cases
from domain.permissions import case_scope, may_register
from domain.referrals import BODY_KINDS, register_referral
from extensions import db
from models import Case, Organisation, Region, User, code_range
from models.enums import Channel, PartyKind, PartyRole, ReferralKind, RegionLevel, Source
from models.leadership import BookingStatus
from models.states import CaseState

PAGE_SIZE = 25
QUEUES = {"registered": CaseState.REGISTERED, "accepted": CaseState.ACCEPTED}


# ---- intake queue --------------------------------------------------------------------------
@bp.route("/")
def queue():
    """Intake queue: registered cases to screen, accepted cases to dispatch (clerk, leader)."""
    tab = request.args.get("tab", "registered")
    if tab not in QUEUES:
        tab = "registered"
    stmt = (
        sa.select(Case)
        .where(Case.state == QUEUES[tab], case_scope(current_user))
        .options(selectinload(Case.parties))
    )
    # The state leads the order (it is fixed by the filter) so every database reads the
    # (state, created_at, id) index in order instead of walking all cases by date.
    page = keyset_page(
        stmt,
        [Case.state, Case.created_at, Case.id],
        [str, datetime, int],
        request.args.get("after"),
        current_app.config.get("DESK_PAGE_SIZE", PAGE_SIZE),
        key=lambda c: [c.state.value, c.created_at, c.id],
    )
    return render(
        "desk/queue.html",
        "desk/partials/queue_rows.html",
        targets=(f"queue-more-{tab}",),
        page=page,
        tab=tab,
        places=place_names(page.items),
        age=age,
        now=datetime.now(UTC),
        repeats=repeat_case_ids([c.id for c in page.items]),
    )


def place_names(cases: list[Case]) -> dict[int, str]:
    """County-to-village names of each case's place, in one query for the whole page."""
    codes = {c.region_code[:n] for c in cases for n in (6, 9, 12, 15) if len(c.region_code) >= n}
    names = (
        dict(
            db.session.execute(
                sa.select(Region.code, Region.name).where(Region.code.in_(codes))
            ).all()
        )
        if codes
        else {}
    )
    return {
        c.id: "".join(
            names.get(c.region_code[:n], "") for n in (6, 9, 12, 15) if len(c.region_code) >= n
        )
        for c in cases
    }


def age(since: datetime, now: datetime) -> str:
    """How long a case has waited, in whole days (hours on its first day)."""
    waited = now - since
    if waited.days >= 1:
        return ngettext("%(num)d day", "%(num)d days", waited.days)
    hours = waited.seconds // 3600
    if hours >= 1:
        return ngettext("%(num)d hour", "%(num)d hours", hours)
    return _("under an hour")


# ---- registration --------------------------------------------------------------------------
def area_regions(user: User) -> list[Region]:
    """Counties, townships and villages inside the user's organisation's region, by code."""
    low, high = code_range(user.organisation.region.code)
    stmt = (
        sa.select(Region)
        .where(
            Region.code >= low,
            Region.code < high,
            Region.level.in_([RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE]),
        )
        .order_by(Region.code)
    )
    return list(db.session.scalars(stmt))


def referral_bodies(user: User, kind: str) -> list[Organisation]:
    """The active courts / petition offices / police stations in the user's county."""
    org_kind = BODY_KINDS[ReferralKind(kind)]
    code = user.organisation.region.code
    low, high = code_range(code[:6])
    stmt = (
        sa.select(Organisation)
        .join(Region, Organisation.region_id == Region.id)
        .where(
            Organisation.kind == org_kind,
            Organisation.active.is_(True),
            Region.code >= low,
            Region.code < high,
        )
        .order_by(Organisation.name)
    )
    return list(db.session.scalars(stmt))


def registration_form(regions: list[Region], kind: str | None, **kwargs) -> RegisterForm:
    if kind is None:
        return RegisterForm(regions, **kwargs)
    return REFERRAL_FORMS[kind](regions, referral_bodies(current_user, kind), **kwargs)


@bp.route("/register/<kind>", methods=["GET", "POST"])
def register_referred(kind: str):
    """Register a case referred by a court, a petition office or the police (clerk)."""
    if kind not in REFERRAL_FORMS:
        abort(404)
    return register(kind)


@bp.route("/register", methods=["GET", "POST"])
def register(kind: str | None = None):
    """Register a walk-in or phone case on the acceptance register, or a case referred by a
    court, a petition office or the police together with the referrer's papers (clerk; a
    leader reads the desk's queues but does not register)."""
    if not may_register(current_user):
        abort(403)
    regions = area_regions(current_user)
    form = registration_form(regions, kind)
    # A leader reception visit registered as a case (blueprints/leadership/reception.py).
    booking = reception_booking(request.args.get("booking")) if kind is None else None
    if booking is not None and request.method == "GET":
        prefill_from_booking(form, booking)
    # A citizen's appointment (预约调解) registered as a case (blueprints/appointments).
    appointment = (
        appointment_to_register(request.args.get("appointment"))
        if kind is None and booking is None
        else None
    )
    if appointment is not None and request.method == "GET":
        prefill_from_appointment(form, appointment)
    action = request.form.get("action", "") if request.method == "POST" else ""
    if action == "check":
        # "Check for earlier cases" without JS: the same form again, with the matches.
        return render_template(
            "desk/register.html", form=form, kind=kind, related=earlier_cases(request.form)
        )
    changed = form.edit_parties(action)
    if changed is not None:
        return edited_parties(form, kind, changed)
    if form.validate_on_submit():
        region = next(r for r in regions if r.id == form.region.data)
        done: dict = {}

        def act():
            try:
                if kind is not None:
                    done["case"], done["code"] = register_referral(
                        form.case_data(region),
                        form.referral_data(),
                        current_user,
                        note=_text(form.note.data),
                    )
                    return
                done["case"], done["code"] = register_case(
                    form.case_data(region),
                    current_user,
                    source=Source(form.source.data),
                    channel=Channel(form.channel.data),
                    note=_text(form.note.data),
                )
            except IdentifierError as error:  # the form checks these; belt and braces
                raise ValidationFailed(error.message) from None

        error = run_action(
            lambda: (
                act(),
                link_at_registration(  # ticked earlier cases
                    done["case"],
                    request.form.getlist("link_case"),
                    request.form.get("link_repeat") == "1",
                    current_user,
                ),
                booking is not None
                and visit_registered(booking, done["case"], current_user._get_current_object()),
                appointment is not None
                and appointment_registered(
                    current_user._get_current_object(), appointment, done["case"]
                ),
            )
        )
        if error is None:
            session[REGISTERED_KEY] = {"number": done["case"].number, "code": done["code"]}
            return redirect(url_for("desk.registered"), 303)
        attach_error(form, error)
    return render_template(
        "desk/register.html",
        form=form,
        kind=kind,
        related=earlier_cases(request.form) if request.form else None,
        booking=booking,
        appointment=appointment,
    )


def reception_booking(value: str | None):
    """The reception booking (in the clerk's area, not yet registered) named in the URL."""
    booking_id = row_id(value) if value else None
    if booking_id is None:
        return None
    booking = get_booking_for(current_user, booking_id)
    if booking is None or booking.status != BookingStatus.BOOKED:
        return None
    return booking


def prefill_from_booking(form: RegisterForm, booking) -> None:
    """The visitor as the applicant and the matter as the account, from the booking."""
    form.channel.data = Channel.WALK_IN.value
    form.summary.data = booking.matter
    applicant = form.applicants.entries[0].form
    applicant.name.data = booking.visitor_name
    applicant.phone.data = booking.phone


def edited_parties(form: RegisterForm, kind: str | None, changed: str):
    """After "add another respondent" and the like: the form again, nothing checked yet, the
    new party's name focused; with htmx the changed list alone (and the agents')."""
    return render(
        "desk/register.html",
        "desk/partials/parties.html",
        targets=(changed,),
        form=form,
        kind=kind,
        added=changed,
        only=changed,
        related=None if htmx_target() == changed else earlier_cases(request.form),
    )


# The lists of the registration form whose people the earlier-cases lookup looks for (not
# the agents: a lawyer's other cases say nothing about this dispute).
LOOKUP_LISTS = (
    ("applicants", PartyRole.APPLICANT),
    ("respondents", PartyRole.RESPONDENT),
    ("third_parties", PartyRole.THIRD_PARTY),
)
_TYPED = ("id_number", "credit_code", "phone", "name")


def typed_people(values) -> list[tuple[PartyRole, int, dict]]:
    """The people typed on the registration form so far, as (role, number in the role's list,
    {id_number, credit_code, phone, name}); bare id_number/phone/name are an applicant. An
    organisation is looked for by its credit code, a person by their ID number."""

    def typed(key: str) -> str | None:
        value = values.get(key)
        return value.replace("\x00", "") if value else value  # see blueprints.forms._strip

    people = []
    bare = {k: typed(k) for k in _TYPED}
    if any((v or "").strip() for v in bare.values()):
        people.append((PartyRole.APPLICANT, 1, bare))
    for name, role in LOOKUP_LISTS:
        for number in range(1, MAX_LISTED + 1):
            prefix = f"{name}-{number - 1}-"
            if not any(f"{prefix}{k}" in values for k in (*_TYPED, "kind")):
                break
            person = {k: typed(prefix + k) for k in _TYPED}
            organisation = values.get(prefix + "kind") == PartyKind.ORGANISATION.value
            person["id_number" if organisation else "credit_code"] = None
            people.append((role, number, person))
    return people


MAX_LISTED = 10  # people per list looked up (the form's own bounds are about the same)


def earlier_cases(values) -> list[dict]:
    """Earlier cases of the people typed so far, newest first, one row per case (the first
    person's match wins: applicants before respondents). `values` holds the form's fields."""
    people = typed_people(values)
    several = {role for role, number, _typed in people if number > 1}
    rows: dict[int, dict] = {}
    for role, number, typed in people:
        if not any((v or "").strip() for v in typed.values()):
            continue
        for case, party, why in find_earlier_cases(current_user, **typed):
            rows.setdefault(
                case.id,
                {
                    "case": case,
                    "party": party,
                    "why": why,
                    "person": role,
                    "number": number if role in several else None,
                },
            )
    return sorted(rows.values(), key=lambda r: (r["case"].created_at, r["case"].id), reverse=True)[
        :10
    ]


# POST, not GET: the ID numbers and phones typed must never appear in a URL (access logs).
@bp.route("/related", methods=["POST"])
def related():
    """Earlier cases of the people typed on the registration form (clerk, leader)."""
    return render(
        "desk/register.html",
        "desk/partials/related_cases.html",
        targets=("related-cases",),
        form=RegisterForm(area_regions(current_user), formdata=request.form),
        kind=None,
        related=earlier_cases(request.form),
    )


@bp.route("/registered")
def registered():
    """Confirmation page: case number and query code, shown once (clerk, leader)."""
    shown = session.pop(REGISTERED_KEY, None)
    if shown is not None:
        session[LAST_NUMBER_KEY] = shown["number"]
    return render_template(
        "desk/registered.html", shown=shown, last_number=session.get(LAST_NUMBER_KEY)
    )


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None
