"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from models.aftercase import PartyFeedback, PartyReport, ReportKind, Resolved
from models.appointment import Appointment, AppointmentSlot, AppointmentStatus
from models.assessment import (
    Assessment,
    AssessmentLine,
    ItemRule,
    Rubric,
    RubricItem,
    RubricSection,
)
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
from models.leadership import (
    LeadAssignment,
    Meeting,
    MeetingDecision,
    ReceptionBooking,
    ReceptionSlot,
    SupervisionOrder,
    SupervisionReport,
)
from models.ledger import LedgerDirection, LedgerLog
from models.library import LibraryEntry, LibraryStatus
from models.matter import ImmutableMatterEventError, MatterEvent
from models.notify import ContactPreference, Notification, Outbox, ReminderSent
from models.organisation import Organisation
from models.party_area import CaseMessage, EndRequest
from models.prevention import (
    RiskWarning,
    ScreeningCadence,
    ScreeningFinding,
    ScreeningRound,
    WarningResponseTime,
    WatchItem,
)
from models.receipt import ReceiptHold
from models.region import Region, code_range
from models.respondent import PartyAccess, PartySubmission
from models.risk import CaseRiskFlag, PoliceReport
from models.routing import RoutingRule
from models.scheduling import PartyAnswer, ScheduledSession, SessionResponse, SessionStatus
from models.service import DocumentService, ServiceMethod
from models.staffing import (
    ExpertField,
    ExpertInvitation,
    StaffingNorm,
    StaffKind,
    StaffMember,
    TrainingKind,
    TrainingRecord,
)
from models.stats import StatMonth
from models.subsidy import Difficulty, SubsidyRate
from models.user import StaffSession, User

__all__ = [
    "ContactPreference",
    "Notification",
    "Outbox",
    "ReminderSent",
    "PartyAnswer",
    "ScheduledSession",
    "SessionResponse",
    "SessionStatus",
    "Appointment",
    "AppointmentSlot",
    "AppointmentStatus",
    "PartyFeedback",
    "PartyReport",
    "ReportKind",
    "Resolved",
    "CaseMessage",
    "EndRequest",
    "PartyAccess",
    "PartySubmission",
    "LibraryEntry",
    "LibraryStatus",
    "RiskWarning",
    "ScreeningCadence",
    "ScreeningFinding",
    "ScreeningRound",
    "WarningResponseTime",
    "WatchItem",
    "Assessment",
    "AssessmentLine",
    "ItemRule",
    "Rubric",
    "RubricItem",
    "RubricSection",
    "ExpertField",
    "ExpertInvitation",
    "StaffingNorm",
    "StaffKind",
    "StaffMember",
    "TrainingKind",
    "TrainingRecord",
    "CaseLink",
    "Holiday",
    "HolidayKind",
    "LedgerDirection",
    "LedgerLog",
    "ImmutableMatterEventError",
    "MatterEvent",
    "Referral",
    "CaseRiskFlag",
    "LeadAssignment",
    "Meeting",
    "MeetingDecision",
    "ReceptionBooking",
    "ReceptionSlot",
    "SupervisionOrder",
    "SupervisionReport",
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
