"""Who may see and do what.

`case_scope(user)` is THE scoping rule: every case list filters by it and every single-case
access loads through `get_case_for()`, which uses it too, so a list can never show a case that
its detail page would refuse, or the other way round.

`org_scope_of(user)` is the same rule for the organisations themselves and what hangs on them
(screening rounds, warnings, supervision orders, meetings, staff): a leader, administrator or
clerk sees the organisations of their area, a director or mediator their own.

`may(user, work, case)` is THE rule for writing: one table (MAY) of who may do which work on a
case at which stage. Pages, actions and domain verbs all ask it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from extensions import db
from models import Case, CaseMediator, Organisation, Region, User, code_range
from models.docking import Transfer
from models.enums import DocumentKind, RecusalDecision, Role, TransferStatus
from models.states import CaseState
from models.types import likely

# Which roles may enter each face of the portal (checked by each blueprint's before_request).
FACE_ROLES = {
    "desk": {Role.CLERK, Role.LEADER},
    "workbench": {Role.MEDIATOR, Role.DIRECTOR},
    "oversight": {Role.LEADER, Role.ADMIN, Role.DIRECTOR},
    "admin": {Role.ADMIN},
    # Screening rounds and early warning: committee staff file rounds, leaders oversee and
    # answer warnings, administrators configure cadences and response times.
    "prevention": set(Role),
    # The organisation registry, training and the expert pool; assessment by a rubric.
    "staffing": {Role.LEADER, Role.ADMIN, Role.DIRECTOR},
    "assessment": {Role.LEADER, Role.ADMIN},
    "cases": set(Role),
    # Leadership work (包案, 督办单, meetings, reception days): every staff role has a part;
    # each page and verb checks who may do what (domain.leadership).
    "leadership": set(Role),
    # Appointments (预约调解): the desk and the heads of centres and committees.
    "appointments": {Role.CLERK, Role.LEADER, Role.DIRECTOR},
}


def case_scope(user: User, incoming: bool = True) -> sa.ColumnElement[bool]:
    """SQL condition selecting the cases `user` may see.

    - mediator: cases on which they are an active mediator, and cases whose joint mediation
      their centre organises;
    - director: cases handled by their organisation, and cases whose joint mediation it
      organises;
    - clerk: cases inside their organisation's region, or registered at their organisation;
    - leader, admin: cases inside their organisation's region (a city body sees the city).

    A case with a transfer waiting for acknowledgement is visible to whoever may acknowledge
    it: the receiving organisation's director, and clerks and leaders whose region holds the
    receiving organisation (read through the (to_org_id, status) index). Work lists of
    the cases an organisation handles pass `incoming=False`.
    """
    if user.role == Role.MEDIATOR:
        # IN (the mediator's cases) reads the (user_id, active, case_id) index once, however
        # many cases the table holds; a correlated EXISTS would probe it once per case.
        # The centre one level up organises a joint mediation with its own mediators (a local
        # rule after two failures): they work the case, so they see it, as its director does.
        # One IN over a UNION keeps both halves index reads (an OR would scan every case).
        joint = aliased(Case)
        return Case.id.in_(
            sa.union_all(
                sa.select(CaseMediator.case_id).where(
                    CaseMediator.user_id == user.id, CaseMediator.active.is_(True)
                ),
                sa.select(joint.id).where(joint.joint_org_id == user.organisation_id),
            )
        )
    if user.role == Role.DIRECTOR:
        # Their committee's cases, and cases their centre organises joint mediation for.
        own = [
            Case.handling_org_id == user.organisation_id,
            Case.joint_org_id == user.organisation_id,
        ]
        if incoming:
            own.append(Case.id.in_(_pending_transfers(Transfer.to_org_id == user.organisation_id)))
        return sa.or_(*own)
    low, high = code_range(user.organisation.region.code)
    in_region = likely(sa.and_(Case.region_code >= low, Case.region_code < high))
    seen = [in_region]
    if user.role == Role.CLERK:
        seen.append(Case.intake_org_id == user.organisation_id)
    if incoming and user.role in {Role.CLERK, Role.LEADER}:
        area_orgs = (
            sa.select(Organisation.id)
            .join(Region, Organisation.region_id == Region.id)
            .where(Region.code >= low, Region.code < high)
        )
        seen.append(Case.id.in_(_pending_transfers(Transfer.to_org_id.in_(area_orgs))))
    return sa.or_(*seen) if len(seen) > 1 else in_region


def org_scope_of(user: User) -> sa.ColumnElement[bool]:
    """SQL condition on Organisation: the organisations `user` oversees. Leaders,
    administrators and clerks: every organisation whose region lies inside their
    organisation's region (a county centre's leader: the county's centres and committees; a
    township's: the township's and its villages'). Directors and mediators: their own. The
    region ids are read in a subquery on the region code index (no join)."""
    if user.role in {Role.DIRECTOR, Role.MEDIATOR}:
        return Organisation.id == user.organisation_id
    low, high = code_range(user.organisation.region.code)
    return Organisation.region_id.in_(
        sa.select(Region.id).where(Region.code >= low, Region.code < high)
    )


def _pending_transfers(to: sa.ColumnElement[bool]) -> sa.Select:
    return sa.select(Transfer.case_id).where(to, Transfer.status == TransferStatus.PENDING.value)


def get_case_for(user: User, number: str) -> Case | None:
    """Load a case by number if `user` may see it; None otherwise (the view answers 404)."""
    stmt = sa.select(Case).where(Case.number == number, case_scope(user))
    return db.session.scalars(stmt).first()


def is_active_mediator(user: User, case: Case) -> bool:
    return any(m.active and (m.user_id == user.id or m.user is user) for m in case.mediators)


# ---- who may do what to a case, by stage ------------------------------------------------------
#
# Reading follows case_scope. Writing is decided here, in one table (MAY): for each kind of work,
# the roles that may do it and the condition on the case (its stage, who holds it) under which
# they may. The case page offers a form, the action answers 403 and the domain verb raises
# NotPermitted from the same answer, `may()`, so no page shows a form the server refuses and a
# forged POST is refused as the page would refuse it. The transition table (domain.states)
# still decides which actions a case's state allows at all.
#
# Who holds a case:
# - the desk (clerks of the case's area) from registration until dispatch: registering
#   (MOJ-2002 Art. 23), screening (Arts. 22, 24), the parties' consent and the notice at intake
#   (PML Art. 17; MOJ-2002 Art. 30), dispatch, and the file it keeps meanwhile; until the
#   committee has a presiding mediator the desk may still name one or send the case elsewhere;
# - from dispatch, the handling committee, which designates the mediators and mediates (PML
#   Arts. 19, 22): its director and the case's active mediators; while the centre one level up
#   organises joint mediation, that centre's director and mediators too;
# - the desk keeps, at every stage, what it does for the citizen and the referring bodies: a new
#   query code, the report back to a court, petition office or police station, recording that
#   an outside body signed for a transfer; and it acknowledges transfers sent to its area
#   (may_receive_transfer);
# - leaders oversee the cases of their area: they read them and correct what was registered
#   (README, "Corrections"); they do not act for the desk or the committee;
# - administrators manage the reference data; they do no work on cases.


class Work(enum.StrEnum):
    """The kinds of write action on a case: the rows of MAY."""

    SCREEN = "screen"  # accept, or not accept saying where to go (MOJ-2002 Arts. 22, 24)
    DISPATCH = "dispatch"  # send to a mediating organisation (again while it waits there)
    NAME_MEDIATOR = "name_mediator"  # choose or change the presiding mediator (PML Art. 19)
    CONSENT = "consent"  # a party's answer (a refusal closes the case) and the notice
    MEDIATE = "mediate"  # sessions, investigations, the agreement, a failure, ending mediation
    CLOCK = "clock"  # suspend, resume, extend the time limit
    AGREEMENT = "agreement"  # after an agreement: signatures, performance, judicial confirmation
    FOLLOW_UP = "follow_up"  # the visit after mediation (回访)
    MEDIATORS = "mediators"  # co-mediators and decisions on recusal (MOJ-2002 Art. 26)
    RECUSAL_REQUEST = "recusal_request"  # record a party's request that a mediator be recused
    CORRECT = "correct"  # correct the parties and the dispute as registered
    KEEP_FILE = "keep_file"  # generate, mark signed and upload the case file's documents
    ARCHIVE = "archive"  # close the file (立卷归档, PML Art. 27)
    REFERRAL = "referral"  # report back to the referring body, extend a petition deadline
    LINK = "link"  # link this case to a related one, remove such a link
    MERGE = "merge"  # absorb this case into another case of the same dispute (closes it)
    TRANSFER = "transfer"  # send a transfer, withdraw it
    TRANSFER_OUT_ACK = "transfer_out_ack"  # an outside body signed for it: mediation ends
    RESET_CODE = "reset_code"  # a new query code for a citizen who lost theirs
    RISK = "risk"  # the risk level and flags, and the report to the police (PML Art. 25)


Rule = Callable[[User, Case], bool]


def _in_area(user: User, case: Case) -> bool:
    """The case belongs to the user's area (their region, or registered at their
    organisation), not merely on its way there by a transfer waiting for acknowledgement."""
    if case.intake_org_id is not None and case.intake_org_id == user.organisation_id:
        return True
    low, high = code_range(user.organisation.region.code)
    return low <= (case.region_code or "") < high


def _at_desk(user: User, case: Case) -> bool:
    """The desk of the case's area holds it: not yet dispatched to an organisation."""
    return case.handling_org_id is None and _in_area(user, case)


def _awaiting_mediator(user: User, case: Case) -> bool:
    """Dispatched and waiting for its presiding mediator: the committee has not started, so
    the desk of the area may still name the mediator or send the case elsewhere."""
    return case.state == CaseState.DISPATCHED and _in_area(user, case)


def _of_committee(user: User, case: Case) -> bool:
    """The user belongs to the organisation handling the case."""
    return case.handling_org_id is not None and user.organisation_id == case.handling_org_id


def _on_case(user: User, case: Case) -> bool:
    """An active mediator of the case."""
    return is_active_mediator(user, case)


def _presiding(user: User, case: Case) -> bool:
    """The case's presiding mediator (调解主持人, MOJ-2002 Art. 26)."""
    return any(m.active and m.presiding and m.user_id == user.id for m in case.mediators)


def _joint_now(user: User, case: Case) -> bool:
    """Of the centre organising the case's joint mediation, while it goes on."""
    return case.state == CaseState.JOINT_MEDIATION and _of_joint(user, case)


def _of_joint(user: User, case: Case) -> bool:
    """Of the centre that organised the case's joint mediation (its agreement is theirs too)."""
    return case.joint_org_id is not None and user.organisation_id == case.joint_org_id


def _in(*states: CaseState) -> Rule:
    return lambda user, case: case.state in states


def _any(*rules: Rule) -> Rule:
    return lambda user, case: any(rule(user, case) for rule in rules)


def _all(*rules: Rule) -> Rule:
    return lambda user, case: all(rule(user, case) for rule in rules)


# The handling committee: its director, the case's active mediators.
_COMMITTEE: dict[Role, Rule] = {Role.DIRECTOR: _of_committee, Role.MEDIATOR: _on_case}
# The same, and the centre organising the joint mediation while it goes on.
_MEDIATING: dict[Role, Rule] = {
    Role.DIRECTOR: _any(_of_committee, _joint_now),
    Role.MEDIATOR: _any(_on_case, _joint_now),
}

# THE table: work -> role -> the condition under which that role may do it. A role not named
# may not. Read with the comment above and README's "Who does what".
MAY: dict[Work, dict[Role, Rule]] = {
    Work.SCREEN: {Role.CLERK: _at_desk},
    Work.DISPATCH: {Role.CLERK: _any(_at_desk, _awaiting_mediator)},
    # The committee designates the mediator (PML Art. 19); the desk names the first one while
    # the case waits, and the director changes it while mediation goes on.
    Work.NAME_MEDIATOR: {
        Role.CLERK: _awaiting_mediator,
        Role.DIRECTOR: _all(_of_committee, _in(CaseState.DISPATCHED, CaseState.MEDIATING)),
    },
    # A refusal ends the case (PML Art. 17): only whoever holds it records the parties' answers.
    # During joint mediation the organising centre holds it too (a party added meanwhile).
    Work.CONSENT: {Role.CLERK: _at_desk, **_MEDIATING},
    Work.MEDIATE: _MEDIATING,
    Work.CLOCK: _COMMITTEE,
    Work.AGREEMENT: {
        Role.DIRECTOR: _any(_of_committee, _of_joint),
        Role.MEDIATOR: _any(_on_case, _of_joint),
    },
    # Any mediator of the committee visits: the presiding one may have moved on.
    Work.FOLLOW_UP: {Role.DIRECTOR: _of_committee, Role.MEDIATOR: _of_committee},
    Work.MEDIATORS: {Role.DIRECTOR: _of_committee},
    Work.RECUSAL_REQUEST: _COMMITTEE,
    Work.CORRECT: {
        Role.CLERK: _at_desk,
        Role.DIRECTOR: _any(_of_committee, _of_joint),
        Role.MEDIATOR: _on_case,
        Role.LEADER: _in_area,
    },
    Work.KEEP_FILE: {Role.CLERK: _at_desk, **_MEDIATING},
    Work.ARCHIVE: {Role.CLERK: _at_desk, **_COMMITTEE},
    # Docking with courts, petition offices and the police is the desk's (it registered the
    # referral and answers the referring body); the committee reports its result too.
    Work.REFERRAL: {
        Role.CLERK: _in_area,
        Role.DIRECTOR: _of_committee,
        Role.MEDIATOR: _of_committee,
    },
    Work.LINK: {Role.CLERK: _at_desk, **_MEDIATING},
    # Merging closes this case; the director merges only into a case of the same committee
    # (domain.links checks the other case).
    Work.MERGE: {Role.CLERK: _at_desk, Role.DIRECTOR: _of_committee},
    Work.TRANSFER: {Role.CLERK: _at_desk, Role.DIRECTOR: _of_committee, Role.MEDIATOR: _presiding},
    Work.TRANSFER_OUT_ACK: {
        Role.CLERK: _in_area,
        Role.DIRECTOR: _of_committee,
        Role.MEDIATOR: _presiding,
    },
    Work.RESET_CODE: {Role.CLERK: _in_area},
    # Whoever works the case watches its risk and reports it (PML Art. 25): the desk until
    # dispatch, the committee mediating it, and leaders of the area throughout.
    Work.RISK: {
        Role.CLERK: _at_desk,
        Role.DIRECTOR: _any(_of_committee, _joint_now),
        Role.MEDIATOR: _any(_on_case, _joint_now),
        Role.LEADER: _in_area,
    },
}


def may(user: User, work: Work, case: Case) -> bool:
    """Whether `user` may do `work` on `case` now. The case was loaded through case_scope (a
    case outside it is a 404 before this is asked); the state's own rules are the
    transition table's. A mediator a party asked to recuse does nothing on the case until
    the request is decided (`challenged`)."""
    rule = MAY[work].get(user.role)
    return rule is not None and bool(rule(user, case)) and not challenged(user, case)


def challenged(user: User, case: Case) -> bool:
    """A party's request that `user` be recused from `case` waits for the director's
    decision. The challenged mediator then records nothing on the case (MOJ-2002 Art. 26:
    the committee replaces a mediator a party objects to; until it has decided, the
    mediator's work would be open to the same objection)."""
    if not any(m.user_id == user.id or m.user is user for m in case.mediators):
        return False  # only a mediator named on the case can be challenged: no query
    return any(
        r.decision == RecusalDecision.PENDING and (r.mediator_id == user.id or r.mediator is user)
        for r in case.recusals
    )


# The documents of the return leg to a referring body: the court report (调解结果反馈函,
# SPC-TY Art. 26) and the petition office's 工作移交单 with its 反馈栏. Whoever reports back
# (Work.REFERRAL: the desk at every stage) makes them, as well as whoever keeps the file.
RETURN_LEG_DOCUMENTS = frozenset({DocumentKind.COURT_REPORT, DocumentKind.TRANSFER})


def may_keep_document(user: User, case: Case, kind: DocumentKind | None) -> bool:
    """Generate, mark signed or upload a document of `kind` in the case's file now (None: a
    kind not known, allowed only to whoever keeps the whole file)."""
    if may(user, Work.KEEP_FILE, case):
        return True
    if kind == DocumentKind.POLICE_REPORT:  # whoever reports prints the report
        return may(user, Work.RISK, case)
    return kind in RETURN_LEG_DOCUMENTS and may(user, Work.REFERRAL, case)


def may_register(user: User) -> bool:
    """Register a case at the desk (受理登记, MOJ-2002 Art. 23): clerks."""
    return user.role == Role.CLERK


# Shortcuts for the rows most often asked about.
def can_screen(user: User, case: Case) -> bool:
    return may(user, Work.SCREEN, case)


def can_dispatch(user: User, case: Case) -> bool:
    return may(user, Work.DISPATCH, case)


def can_assign(user: User, case: Case) -> bool:
    return may(user, Work.NAME_MEDIATOR, case)


def can_record(user: User, case: Case) -> bool:
    """The handling committee's own work on the case: its director or an active mediator."""
    return may(user, Work.CLOCK, case)


def can_correct(user: User, case: Case) -> bool:
    """Correct a case's parties and facts: whoever holds the case (the desk until dispatch,
    then the handling committee's director and the case's active mediators, and the director
    of the centre organising its joint mediation), and leaders of the area throughout."""
    return may(user, Work.CORRECT, case)


def can_reveal_pii(user: User, case: Case) -> bool:
    """Full ID numbers, phones and addresses: only for staff who work the case (a director
    whose committee only has a transfer of the case waiting sees it masked until it
    acknowledges)."""
    if user.role == Role.CLERK:
        return True
    if user.role == Role.DIRECTOR:
        return user.organisation_id in (case.handling_org_id, case.joint_org_id)
    return user.role == Role.MEDIATOR and (is_active_mediator(user, case) or _joint_now(user, case))


def reveal_condition(user: User) -> sa.ColumnElement[bool]:
    """can_reveal_pii as SQL, for many cases at once (the case ledger records a full export
    on each case it shows in full): the same rule, and a test holds the two together."""
    if user.role == Role.CLERK:
        return sa.true()
    if user.role == Role.DIRECTOR:
        return sa.or_(
            Case.handling_org_id == user.organisation_id,
            Case.joint_org_id == user.organisation_id,
        )
    if user.role == Role.MEDIATOR:
        return case_scope(user)
    return sa.false()


def can_send_transfer(user: User, case: Case) -> bool:
    """Send or withdraw a transfer: whoever holds the case (the desk before dispatch; the
    handling committee's director or the presiding mediator)."""
    return may(user, Work.TRANSFER, case)


def may_receive_transfer(user: User, transfer) -> bool:
    """Acknowledge or decline `transfer`: the receiving organisation's director, or a clerk
    whose region holds it (the desk of its area) — but never the person who sent it, nor
    anyone of the sending committee (the receiving side acknowledges, or the step means
    nothing)."""
    organisation = transfer.to_org
    if organisation is None:
        return False
    if transfer.sent_by_id == user.id or (
        transfer.from_org_id is not None and transfer.from_org_id == user.organisation_id
    ):
        return False
    if user.role == Role.DIRECTOR:
        return user.organisation_id == organisation.id
    if user.role == Role.CLERK:
        low, high = code_range(user.organisation.region.code)
        return low <= organisation.region.code < high
    return False
