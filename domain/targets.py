"""Where a case may be sent: the organisations offered when the desk dispatches a case and
when staff transfer one. A city has thousands of village committees, so these lists are
read in the database for the case's county (its code range, on the region code index),
narrowed by what the user types and cut at `LIMIT`, never loaded whole and filtered here.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from domain.ids import is_row_id
from extensions import db
from models import Case, Organisation, Region, code_range
from models.enums import MEDIATING_KINDS, OrgKind

LIMIT = 50  # options shown at once; typing narrows the list
OUTSIDE_KINDS = frozenset({OrgKind.COURT, OrgKind.ARBITRATION})  # a transfer out of mediation


def _named(stmt, search: str | None):
    # What was typed arrives unfiltered (a query argument): PostgreSQL text holds no NUL.
    search = (search or "").replace("\x00", "").strip()[:64]
    if search:
        stmt = stmt.where(Organisation.name.contains(search, autoescape=True))
    return stmt


def _in_county(case: Case):
    low, high = code_range(case.region_code[:6])
    return sa.and_(Region.code >= low, Region.code < high)


def _dispatch_stmt(case: Case):
    return (
        sa.select(Organisation)
        .join(Region, Organisation.region_id == Region.id)
        .where(
            Organisation.active.is_(True),
            Organisation.kind.in_(sorted(MEDIATING_KINDS)),
            _in_county(case),
        )
        .options(joinedload(Organisation.region))
        .order_by(Region.code, Organisation.name, Organisation.id)
    )


def dispatch_targets(case: Case, search: str | None = None, limit: int = LIMIT):
    """Active mediating bodies of the case's county whose name contains `search`, at most
    `limit` of them (one query)."""
    return list(db.session.scalars(_named(_dispatch_stmt(case), search).limit(limit)))


def dispatch_target(case: Case, org_id: object) -> Organisation | None:
    """The organisation `org_id` if the desk may dispatch the case to it, else None."""
    if not is_row_id(org_id):
        return None
    return db.session.scalars(_dispatch_stmt(case).where(Organisation.id == org_id)).first()


def _transfer_stmt(case: Case, here: Organisation | None):
    # The case's county, or a body above it (the city): the region codes that prefix the
    # case's own code.
    above = [case.region_code[:n] for n in range(4, len(case.region_code))]
    stmt = (
        sa.select(Organisation)
        .join(Region, Organisation.region_id == Region.id)
        .where(
            Organisation.active.is_(True),
            Organisation.kind.in_(sorted(MEDIATING_KINDS | OUTSIDE_KINDS)),
            sa.or_(_in_county(case), Region.code.in_(above)),
        )
        .options(joinedload(Organisation.region))
        .order_by(Region.code, Organisation.name, Organisation.id)
    )
    if here is not None:
        stmt = stmt.where(Organisation.id != here.id)
    return stmt


def transfer_targets(
    case: Case, here: Organisation | None, search: str | None = None, limit: int = LIMIT
):
    """Where the case may be transferred: active mediating bodies, courts and arbitration
    bodies of its county or above it, except `here` (where it is now); by name, at most
    `limit` (one query)."""
    return list(db.session.scalars(_named(_transfer_stmt(case, here), search).limit(limit)))


def transfer_target(case: Case, here: Organisation | None, org_id: object) -> Organisation | None:
    """The organisation `org_id` if the case may be transferred to it, else None."""
    if not is_row_id(org_id):
        return None
    return db.session.scalars(_transfer_stmt(case, here).where(Organisation.id == org_id)).first()
