"""The typical-case library (典型案例库, seed 002: typical cases that show what mediation can do).

- A mediator of a closed case (agreed, failed, terminated, or its file archived), or the director
  of the organisation that handled it, proposes it: a title and four short parts (the facts, how
  it was mediated, the outcome, the lesson), offered as a draft from the case and passed through
  domain.anonymise before it is stored. The dispute type and the region (stopped at the township)
  come from the case.
- The director of that organisation reviews it: corrects the text, then publishes it or returns
  it with a reason (the mediator may propose the case again). Publishing is refused while
  anonymise.leaks() still finds a name, an ID number, a phone or a case number of the source
  case. A published entry may be withdrawn from the public site.
- The public site lists published entries by type and region with a text search.

Every change is on the case timeline (internal) and on the entry's record (matters, kind
"library_entry"); the director's edits carry the entry's version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from domain import matters
from domain.anonymise import Source, anonymise, leaks
from domain.errors import InvalidTransition, NotPermitted, ValidationFailed
from domain.leadership import check_version
from domain.permissions import is_active_mediator, org_scope_of
from domain.states import Action
from domain.timeline import record
from domain.versioning import check_version as check_case_version
from extensions import db
from models import Case, LibraryEntry, LibraryStatus, Organisation, Party, Region, User
from models.enums import PartyKind, RegionLevel, Role
from models.region import code_range
from models.states import CaseState

KIND = "library_entry"  # the matters' record kind
TITLE_MAX = 120
PART_MAX = 5000
REASON_MAX = 1000
QUERY_MAX = 50

# A case may be proposed once its mediation has ended with one of these (not refused, not
# merged, not an open case).
PROPOSABLE = frozenset(
    {CaseState.AGREED, CaseState.FAILED, CaseState.TERMINATED, CaseState.ARCHIVED}
)
# An entry in one of these states stands for its case: no second proposal meanwhile.
LIVE = (LibraryStatus.PROPOSED, LibraryStatus.PUBLISHED)

RECORD_LABELS = {
    "propose": _l("Proposed for the case library"),
    "edit": _l("Text corrected"),
    "publish": _l("Published"),
    "return": _l("Returned to the mediator"),
    "withdraw": _l("Withdrawn from the library"),
}

PARTS = ("facts", "mediation", "outcome", "lesson")
PART_LABELS = {
    "facts": _l("The facts"),
    "mediation": _l("How it was mediated"),
    "outcome": _l("The outcome"),
    "lesson": _l("What it teaches"),
}


@dataclass
class Text:
    title: str | None = None
    facts: str | None = None
    mediation: str | None = None
    outcome: str | None = None
    lesson: str | None = None


# ---- the source -------------------------------------------------------------------------------


def source_of(case: Case) -> Source:
    """What the anonymiser takes out of a text about `case`: its parties (agents, legal
    representatives), their numbers and addresses, its numbers, and the places below the
    township in its county; the township and the levels above are kept."""
    src = Source(case_numbers=[n for n in (case.number, case.file_number) if n])
    parties: list[Party] = list(case.parties)
    for p in parties:
        (src.organisations if p.kind == PartyKind.ORGANISATION else src.persons).append(p.name)
        if p.legal_rep:
            src.persons.append(p.legal_rep)
        src.id_numbers += [v for v in (p.id_number, p.credit_code) if v]
        src.phones += [p.phone] if p.phone else []
        src.addresses += [p.address] if p.address else []
    county = case.region.county_code or case.region_code
    low, high = code_range(county)
    below = (RegionLevel.VILLAGE, RegionLevel.GROUP)
    for name, level in db.session.execute(
        sa.select(Region.name, Region.level).where(Region.code >= low, Region.code < high)
    ):
        (src.places if level in below else src.kept_places).append(name)
    node = case.region
    while node is not None:  # the city and province names of the case's own line
        src.kept_places.append(node.name)
        node = node.parent
    return src


def township_of(region: Region) -> Region:
    """The region itself if it is a township or above, else its township."""
    node = region
    while node.level in (RegionLevel.VILLAGE, RegionLevel.GROUP) and node.parent is not None:
        node = node.parent
    return node


def draft_for(case: Case) -> Text:
    """A first draft from what the case holds, anonymised: the mediator shortens it."""
    facts = case.summary or ""
    if case.requests:
        facts += "\n" + "；".join(case.requests)
    mediation = "\n".join(s.result or s.notes or "" for s in case.sessions if s.result or s.notes)
    if case.agreement is not None:
        outcome = "；".join(case.agreement.terms or [])
    else:
        outcome = case.failure_reason or case.closure_notice or ""
    src = source_of(case)
    return Text(
        title=None,
        facts=anonymise(facts[:PART_MAX], src),
        mediation=anonymise(mediation[:PART_MAX], src),
        outcome=anonymise(outcome[:PART_MAX], src),
        lesson="",
    )


# ---- who may -----------------------------------------------------------------------------------


def live_entry(case: Case) -> LibraryEntry | None:
    return db.session.scalars(
        sa.select(LibraryEntry).where(
            LibraryEntry.case_id == case.id, LibraryEntry.status.in_(LIVE)
        )
    ).first()


def entries_of(case: Case) -> list[LibraryEntry]:
    return list(
        db.session.scalars(
            sa.select(LibraryEntry).where(LibraryEntry.case_id == case.id).order_by(LibraryEntry.id)
        )
    )


def _director_of(user: User, org_id: int | None) -> bool:
    return user.role == Role.DIRECTOR and org_id is not None and user.organisation_id == org_id


def may_propose(user: User, case: Case) -> bool:
    """One of the case's mediators, or its handling organisation's director, once the case
    is closed with a result."""
    if case.state not in PROPOSABLE or case.handling_org_id is None:
        return False
    if user.role == Role.MEDIATOR:
        return is_active_mediator(user, case)
    return _director_of(user, case.handling_org_id)


def may_review(user: User, entry: LibraryEntry) -> bool:
    return _director_of(user, entry.org_id)


# ---- verbs -------------------------------------------------------------------------------------


def _clean(value: str | None, limit: int, field: str, empty=None) -> str:
    text = (value or "").replace("\x00", "").replace("\r\n", "\n").strip()
    if not text and empty is not None:
        raise ValidationFailed(empty, field=field)
    if len(text) > limit:
        raise ValidationFailed(_l("Keep this under %(max)d characters.", max=limit), field=field)
    return text


def _apply(entry: LibraryEntry, text: Text, src: Source, *, first_pass: bool) -> dict:
    """Put `text` into the entry (anonymised on the first pass); the parts that changed."""
    changed = {}
    title = _clean(text.title, TITLE_MAX, "title", _l("Give the case a title."))
    values = {"title": title}
    for part in PARTS:
        empty = None if part == "lesson" else _l("Write this part.")
        values[part] = _clean(getattr(text, part), PART_MAX, part, empty)
    for name, value in values.items():
        if first_pass:
            value = anonymise(value, src)[: TITLE_MAX if name == "title" else PART_MAX]
        if getattr(entry, name, None) != value:
            changed[name] = True
            setattr(entry, name, value)
    return changed


def propose(case: Case, actor: User, text: Text, *, version: int | None) -> LibraryEntry:
    """Propose the closed `case` for the library, its text passed through the anonymiser."""
    if not may_propose(actor, case):
        if case.state not in PROPOSABLE:
            raise InvalidTransition()
        raise NotPermitted()
    check_case_version(case, version)
    if live_entry(case) is not None:
        raise ValidationFailed(_l("This case is already in the library or waiting for review."))
    township = township_of(case.region)
    entry = LibraryEntry(
        case=case,
        org_id=case.handling_org_id,
        region=township,
        region_code=township.code,
        dispute_type=case.dispute_type,
        proposed_by=actor,
        status=LibraryStatus.PROPOSED,
    )
    _apply(entry, text, source_of(case), first_pass=True)
    db.session.add(entry)
    db.session.flush()
    record(case, Action.LIBRARY_PROPOSE, actor, note=entry.title, data={"entry": entry.id})
    matters.record(KIND, entry.id, "propose", actor, org=entry.org_id)
    return entry


def _reviewing(entry: LibraryEntry, actor: User, version: int | None, *states) -> None:
    if not may_review(actor, entry):
        raise NotPermitted()
    check_version(entry, version)
    if entry.status not in states:
        raise InvalidTransition()


def _problems(entry: LibraryEntry, src: Source) -> None:
    """Refuse to publish while the text still holds something of the source case."""
    for name in ("title", *PARTS):
        found = leaks(getattr(entry, name), src)
        if found:
            raise ValidationFailed(
                _l(
                    "This part still contains a name, an ID number, a phone number or a case "
                    "number of the original case. Replace it before publishing."
                ),
                field=name,
            )


def save(entry: LibraryEntry, actor: User, text: Text, *, version: int | None) -> None:
    """The director corrects the text of a proposed entry."""
    _reviewing(entry, actor, version, LibraryStatus.PROPOSED)
    changed = _apply(entry, text, source_of(entry.case), first_pass=False)
    if not changed:
        raise ValidationFailed(_l("Nothing was changed."))
    matters.record(KIND, entry.id, "edit", actor, org=entry.org_id, data={"parts": list(changed)})


def publish(entry: LibraryEntry, actor: User, text: Text, *, version: int | None) -> None:
    """The director publishes a proposed entry with the text as corrected."""
    _reviewing(entry, actor, version, LibraryStatus.PROPOSED)
    src = source_of(entry.case)
    changed = _apply(entry, text, src, first_pass=False)
    _problems(entry, src)
    now = datetime.now(UTC)
    entry.status = LibraryStatus.PUBLISHED
    entry.reviewed_by, entry.reviewed_at, entry.published_at = actor, now, now
    entry.return_reason = None
    record(entry.case, Action.LIBRARY_PUBLISH, actor, note=entry.title, data={"entry": entry.id})
    matters.record(
        KIND, entry.id, "publish", actor, org=entry.org_id, data={"parts": list(changed)}
    )


def return_entry(entry: LibraryEntry, actor: User, reason: str | None, *, version: int | None):
    """The director returns a proposed entry to the mediator, saying why."""
    _reviewing(entry, actor, version, LibraryStatus.PROPOSED)
    reason = _clean(reason, REASON_MAX, "reason", _l("Say why it is returned."))
    entry.status = LibraryStatus.RETURNED
    entry.return_reason = reason
    entry.reviewed_by, entry.reviewed_at = actor, datetime.now(UTC)
    record(entry.case, Action.LIBRARY_RETURN, actor, note=reason, data={"entry": entry.id})
    matters.record(KIND, entry.id, "return", actor, org=entry.org_id, note=reason)


def withdraw(entry: LibraryEntry, actor: User, *, version: int | None) -> None:
    """The director takes an entry off the library (proposed or published)."""
    _reviewing(entry, actor, version, *LIVE)
    entry.status = LibraryStatus.WITHDRAWN
    entry.reviewed_by, entry.reviewed_at = actor, datetime.now(UTC)
    record(entry.case, Action.LIBRARY_WITHDRAW, actor, data={"entry": entry.id})
    matters.record(KIND, entry.id, "withdraw", actor, org=entry.org_id)


# ---- reading -----------------------------------------------------------------------------------


def queue_query(user: User) -> sa.Select:
    """The entries of the organisations in `user`'s scope, waiting ones first."""
    return (
        sa.select(LibraryEntry)
        .join(Organisation, LibraryEntry.org_id == Organisation.id)
        .where(org_scope_of(user))
    )


def entry_for(user: User, entry_id: int) -> LibraryEntry | None:
    """One entry if `user`'s scope holds it (None: the view answers 404)."""
    return db.session.scalars(queue_query(user).where(LibraryEntry.id == entry_id)).first()


def published_query(
    *, dispute_type: str | None = None, region_code: str | None = None, q: str | None = None
) -> sa.Select:
    """The published entries, filtered by type, region (a code and every region inside it) and
    words (each must occur in the title or a part; LIKE with its wildcards escaped)."""
    stmt = sa.select(LibraryEntry).where(LibraryEntry.status == LibraryStatus.PUBLISHED)
    if dispute_type:
        stmt = stmt.where(LibraryEntry.dispute_type == dispute_type)
    if region_code:
        low, high = code_range(region_code)
        stmt = stmt.where(LibraryEntry.region_code >= low, LibraryEntry.region_code < high)
    for word in (q or "").replace("\x00", "")[:QUERY_MAX].split()[:5]:
        columns = [LibraryEntry.title, *(getattr(LibraryEntry, p) for p in PARTS)]
        stmt = stmt.where(sa.or_(*(c.contains(word, autoescape=True) for c in columns)))
    return stmt


def published_entry(entry_id: int) -> LibraryEntry | None:
    return db.session.scalars(
        sa.select(LibraryEntry).where(
            LibraryEntry.id == entry_id, LibraryEntry.status == LibraryStatus.PUBLISHED
        )
    ).first()


def library_regions() -> list[Region]:
    """The counties and townships that published entries lie in, for the filter."""
    codes = set(
        db.session.scalars(
            sa.select(LibraryEntry.region_code)
            .where(LibraryEntry.status == LibraryStatus.PUBLISHED)
            .distinct()
        )
    )
    wanted = codes | {c[:6] for c in codes if len(c) > 6}
    if not wanted:
        return []
    return list(
        db.session.scalars(sa.select(Region).where(Region.code.in_(wanted)).order_by(Region.code))
    )
