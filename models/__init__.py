"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from models.case import (
    Agreement,
    AgreementSignature,
    Case,
    CaseMediator,
    CaseSequence,
    Document,
    Event,
    FileSequence,
    FollowUp,
    ImmutableEventError,
    Investigation,
    JudicialConfirmation,
    MediationSession,
    Party,
    RecusalRequest,
    TimeLimitRule,
)
from models.docking import CaseLink, Referral, Transfer
from models.holiday import Holiday, HolidayKind
from models.ledger import LedgerDirection, LedgerLog
from models.organisation import Organisation
from models.receipt import ReceiptHold
from models.region import Region, code_range
from models.risk import CaseRiskFlag, PoliceReport
from models.routing import RoutingRule
from models.service import DocumentService, ServiceMethod
from models.stats import StatMonth
from models.subsidy import Difficulty, SubsidyRate
from models.user import StaffSession, User

__all__ = [
    "CaseLink",
    "Holiday",
    "HolidayKind",
    "LedgerDirection",
    "LedgerLog",
    "Referral",
    "CaseRiskFlag",
    "PoliceReport",
    "RoutingRule",
    "StatMonth",
    "Difficulty",
    "SubsidyRate",
    "Transfer",
    "Document",
    "DocumentService",
    "ServiceMethod",
    "FileSequence",
    "Agreement",
    "AgreementSignature",
    "FollowUp",
    "Investigation",
    "JudicialConfirmation",
    "RecusalRequest",
    "TimeLimitRule",
    "Case",
    "CaseMediator",
    "CaseSequence",
    "Event",
    "ImmutableEventError",
    "MediationSession",
    "Organisation",
    "ReceiptHold",
    "StaffSession",
    "Party",
    "Region",
    "User",
    "code_range",
]
