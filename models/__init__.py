"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from models.case import (
    Agreement,
    Case,
    CaseMediator,
    CaseSequence,
    Event,
    ImmutableEventError,
    MediationSession,
    Party,
)
from models.organisation import Organisation
from models.region import Region, code_range
from models.user import User

__all__ = [
    "Agreement",
    "Case",
    "CaseMediator",
    "CaseSequence",
    "Event",
    "ImmutableEventError",
    "MediationSession",
    "Organisation",
    "Party",
    "Region",
    "User",
    "code_range",
]
