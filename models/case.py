"""The case aggregate: Case, its parties, mediators, sessions, agreement and timeline events."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.enums import (
    AgentAuthority,
    AgreementKind,
    Channel,
    ClosureReason,
    ConsentStatus,
    ContactMethod,
    DisputeType,
    DocumentKind,
    NoticeAck,
    PartyKind,
    PartyRole,
    Performance,
    RecusalDecision,
    RiskLevel,
    Ruling,
    Satisfaction,
    SessionMode,
    Sex,
    SignerKind,
    Source,
)
from models.organisation import Organisation
from models.region import Region
from models.states import CaseState
from models.types import UTCDateTime, str_enum, utcnow
from models.user import User


class CaseSequence(db.Model):
    """Last case sequence number used per (year, county): numbers are never reused."""

    __tablename__ = "case_sequence"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    county_code: Mapped[str] = mapped_column(sa.String(6), primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class Case(db.Model):
    """One dispute, one number for life ("一案一编码、一码管到底")."""

    __tablename__ = "case"
    __table_args__ = (
        # Desk intake queue: state filter, oldest first (id breaks ties: no sort at all).
        sa.Index("ix_case_state_created_at_id", "state", "created_at", "id"),
        # Deadline queues.
        sa.Index("ix_case_state_due_on", "state", "due_on"),
        sa.Index("ix_case_handling_org_id_due_on", "handling_org_id", "due_on"),
        # Director's workbench queue and counts: one committee's cases in a state, by deadline.
        sa.Index(
            "ix_case_handling_org_id_state_due_on_id", "handling_org_id", "state", "due_on", "id"
        ),
        # Oversight list, newest first: read in index order, no sort (id breaks ties).
        sa.Index("ix_case_created_at_id", "created_at", "id"),
        sa.Index("ix_case_dispute_type_created_at_id", "dispute_type", "created_at", "id"),
        # The joint mediations a centre organises: its staff's scope and work list.
        sa.Index("ix_case_joint_org_id_state", "joint_org_id", "state"),
        # Statistics (domain.statistics): one index per counting date, holding every column a
        # figure groups or filters by, so a year's figures are read from the index alone.
        sa.Index(
            "ix_case_stats_accepted",
            "accepted_at",
            "region_code",
            "state",
            "source",
            "dispute_type",
            "handling_org_id",
            "intake_org_id",
        ),
        sa.Index(
            "ix_case_stats_closed",
            "closed_at",
            "region_code",
            "closure_reason",
            "source",
            "dispute_type",
            "handling_org_id",
            "intake_org_id",
            "amount",
        ),
        # The dashboard's overdue work and cases due this week, narrowed like its figures.
        sa.Index(
            "ix_case_stats_due",
            "state",
            "due_on",
            "region_code",
            "dispute_type",
            "source",
            "handling_org_id",
            "intake_org_id",
        ),
        sa.Index(
            "ix_case_stats_created",
            "created_at",
            "region_code",
            "state",
            "channel",
            "source",
            "dispute_type",
            "handling_org_id",
            "intake_org_id",
            "accepted_at",
            "closed_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(24), unique=True)
    query_code_hash: Mapped[str] = mapped_column(sa.String(256))
    state: Mapped[CaseState] = mapped_column(str_enum(CaseState), default=CaseState.REGISTERED)
    source: Mapped[Source] = mapped_column(str_enum(Source))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    dispute_type: Mapped[DisputeType] = mapped_column(str_enum(DisputeType, 8), index=True)
    summary: Mapped[str] = mapped_column(sa.Text)
    requests: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    risk_level: Mapped[RiskLevel] = mapped_column(str_enum(RiskLevel, 16), default=RiskLevel.NONE)
    # Flagged as likely to lead to a public-order or criminal case and not yet reported to
    # the police or the grassroots government since (PML Art. 25; models/risk.py).
    police_report_owed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The dispute spans villages, townships or counties (跨地区): routing may escalate it.
    cross_region: Mapped[bool] = mapped_column(default=False)

    # Where the dispute happened. region_code is copied from the region so that "cases inside
    # region X" is an indexed range scan with no join.
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id"))
    region_code: Mapped[str] = mapped_column(sa.String(15), index=True)

    intake_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    handling_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    registered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Screening outcome when not accepted (MOJ-2002 Art. 24: say where to go instead).
    not_accepted_reason: Mapped[str | None] = mapped_column(sa.Text)
    redirect_advice: Mapped[str | None] = mapped_column(sa.Text)
    # The exclusions of MOJ-2002 Art. 22 the desk found to apply (Exclusion values), printed
    # on the 不予受理通知书; empty or NULL when it was not accepted on another ground.
    not_accepted_grounds: Mapped[list[str] | None] = mapped_column(sa.JSON)
    failure_reason: Mapped[str | None] = mapped_column(sa.Text)
    closure_reason: Mapped[ClosureReason | None] = mapped_column(str_enum(ClosureReason))
    # The notice of other channels given when a case ends without agreement (PML Art. 26).
    closure_notice: Mapped[str | None] = mapped_column(sa.Text)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Clock: limit in days from clock_start, calendar or working days (normally one month,
    # MOJ-2002 Art. 33; a court's 30/15/7 days, SPC-TY Art. 27).
    # Suspension stops it; resuming moves due_on by the days suspended; extensions add days.
    time_limit_days: Mapped[int | None]
    working_days: Mapped[bool] = mapped_column(default=False)
    clock_start: Mapped[date | None] = mapped_column(sa.Date)
    suspended_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extended_days: Mapped[int] = mapped_column(default=0)

    # The committee's file number on the 卷宗 cover: （2026）<prefix>人调字第N号, set at archiving.
    file_number: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    # Failed attempts; the second one escalates to joint mediation one level up (a local rule).
    failure_count: Mapped[int] = mapped_column(default=0)
    # Indexed: a director's cases are those their committee handles or their centre organises
    # joint mediation for (an OR that needs an index on each side).
    joint_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    joint_departments: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    # An online application: the digest of the form's one-time token and what was typed, so
    # the same form sent twice (a double click, or again after a dropped connection left it
    # unclear whether the first was stored) files one case. Unique: two at once cannot both
    # insert. The token itself is never stored.
    submission_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True, index=True)

    # A case of an old ledger (台账): the import that brought it in (None for a case registered
    # here), and its mediator's name as the ledger wrote it when no account of the handling
    # organisation bears that name.
    ledger_import_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ledger_log.id"))
    ledger_mediator: Mapped[str | None] = mapped_column(sa.String(64))

    # Optimistic locking: a stale write raises StaleDataError instead of losing an update.
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    region: Mapped[Region] = relationship()
    intake_org: Mapped[Organisation | None] = relationship(foreign_keys=[intake_org_id])
    handling_org: Mapped[Organisation | None] = relationship(foreign_keys=[handling_org_id])
    joint_org: Mapped[Organisation | None] = relationship(foreign_keys=[joint_org_id])
    registered_by: Mapped[User | None] = relationship()
    parties: Mapped[list[Party]] = relationship(
        back_populates="case", order_by="Party.position", cascade="all, delete-orphan"
    )
    events: Mapped[list[Event]] = relationship(
        back_populates="case", order_by="Event.id", cascade="all, delete-orphan"
    )
    mediators: Mapped[list[CaseMediator]] = relationship(
        back_populates="case", cascade="all, delete-orphan"
    )
    sessions: Mapped[list[MediationSession]] = relationship(
        back_populates="case", order_by="MediationSession.held_at", cascade="all, delete-orphan"
    )
    agreement: Mapped[Agreement | None] = relationship(
        back_populates="case", cascade="all, delete-orphan", uselist=False
    )
    investigations: Mapped[list[Investigation]] = relationship(
        back_populates="case", order_by="Investigation.held_at", cascade="all, delete-orphan"
    )
    recusals: Mapped[list[RecusalRequest]] = relationship(
        back_populates="case", order_by="RecusalRequest.id", cascade="all, delete-orphan"
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="case", order_by="FollowUp.due_on", cascade="all, delete-orphan"
    )
    confirmations: Mapped[list[JudicialConfirmation]] = relationship(
        back_populates="case", order_by="JudicialConfirmation.id", cascade="all, delete-orphan"
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="case",
        order_by="Document.id",
        cascade="all, delete-orphan",
        lazy="select",
    )

    def __repr__(self) -> str:
        return f"<Case {self.number} {self.state.value}>"

    @property
    def active_parties(self) -> list[Party]:
        """The parties still in the dispute: everyone but those marked withdrawn (who stay
        in `parties`, the file, and on the timeline)."""
        return [p for p in self.parties if p.withdrawn_at is None]

    def parties_in(self, role: PartyRole) -> list[Party]:
        """The active parties of `role` (a withdrawn party no longer counts)."""
        return [p for p in self.active_parties if p.role == role]

    @property
    def applicants(self) -> list[Party]:
        return self.parties_in(PartyRole.APPLICANT)

    @property
    def respondents(self) -> list[Party]:
        return self.parties_in(PartyRole.RESPONDENT)

    @property
    def principals(self) -> list[Party]:
        """The parties themselves (当事人) still in the dispute: everyone but the agents acting
        for them and those marked withdrawn."""
        return [p for p in self.active_parties if p.role != PartyRole.AGENT]

    @property
    def title(self) -> str:
        """File title, "X 与 Y" plus the dispute type, as on the 卷宗 cover."""
        a = "、".join(p.name for p in self.applicants) or "?"
        r = "、".join(p.name for p in self.respondents) or "?"
        return f"{a} — {r}"

    @property
    def presiding_mediator(self) -> User | None:
        for m in self.mediators:
            if m.active and m.presiding:
                return m.user
        return None


class Party(db.Model):
    """A party: applicant, respondent, third party or agent; a person or an organisation."""

    __tablename__ = "party"
    # Names: the desk's exact-name lookup of earlier cases (domain.people) and the search's
    # "begins with" on SQLite (domain.search) read it; with the case id in the index the
    # search gets its case ids from the index alone, without reading a party row per match.
    # Partial names inside a name have their own trigram index (models/search.py).
    __table_args__ = (sa.Index("ix_party_name_case_id", "name", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    role: Mapped[PartyRole] = mapped_column(str_enum(PartyRole, 16))
    kind: Mapped[PartyKind] = mapped_column(str_enum(PartyKind, 16), default=PartyKind.PERSON)
    name: Mapped[str] = mapped_column(sa.String(128))
    sex: Mapped[Sex | None] = mapped_column(str_enum(Sex, 8))
    ethnicity: Mapped[str | None] = mapped_column(sa.String(32))
    age: Mapped[int | None]
    occupation: Mapped[str | None] = mapped_column(sa.String(64))
    # Organisations: legal representative and their post, and the unified social credit code
    # (统一社会信用代码, GB 32100-2015), indexed: the desk looks up an organisation's earlier
    # cases by it.
    legal_rep: Mapped[str | None] = mapped_column(sa.String(64))
    legal_rep_post: Mapped[str | None] = mapped_column(sa.String(64))
    credit_code: Mapped[str | None] = mapped_column(sa.String(18), index=True)
    # Agents (委托代理人, role AGENT): the party they act for and their authority.
    principal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("party.id"))
    agent_authority: Mapped[AgentAuthority | None] = mapped_column(str_enum(AgentAuthority, 16))
    id_number: Mapped[str | None] = mapped_column(sa.String(32))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    address: Mapped[str | None] = mapped_column(sa.String(256))
    # Normalised copies for finding the same person across cases (indexed).
    id_number_norm: Mapped[str | None] = mapped_column(sa.String(18), index=True)
    phone_norm: Mapped[str | None] = mapped_column(sa.String(20), index=True)

    # Consent to mediate (PML Art. 17) and the rights-and-obligations notice (MOJ Art. 30).
    consent: Mapped[ConsentStatus] = mapped_column(
        str_enum(ConsentStatus, 16), default=ConsentStatus.PENDING
    )
    consent_method: Mapped[ContactMethod | None] = mapped_column(str_enum(ContactMethod, 16))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notice_ack: Mapped[NoticeAck] = mapped_column(str_enum(NoticeAck, 16), default=NoticeAck.NONE)
    notice_ack_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Marked withdrawn from the dispute after registration (the reason is on the timeline):
    # kept in the file, no longer asked for consent or signatures (PML Arts. 17, 29).
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="parties")
    principal: Mapped[Party | None] = relationship(
        remote_side=[id], back_populates="agents", foreign_keys=[principal_id]
    )
    agents: Mapped[list[Party]] = relationship(
        back_populates="principal", order_by="Party.position", foreign_keys=[principal_id]
    )

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class CaseMediator(db.Model):
    """A mediator on a case; exactly one active presiding mediator once mediation starts."""

    __tablename__ = "case_mediator"
    # "Is this user an active mediator of this case?" (the mediator's case_scope EXISTS) is
    # one index lookup; the leading (user_id, active) also lists a mediator's cases.
    __table_args__ = (
        sa.Index("ix_case_mediator_user_id_active_case_id", "user_id", "active", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    presiding: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The parties chose this mediator (PML Art. 19) rather than the committee designating.
    chosen_by_parties: Mapped[bool] = mapped_column(default=False)
    declared_no_conflict_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_reason: Mapped[str | None] = mapped_column(sa.String(32))

    case: Mapped[Case] = relationship(back_populates="mediators")
    user: Mapped[User] = relationship(lazy="joined")


class MediationSession(db.Model):
    """One mediation session (人民调解记录)."""

    __tablename__ = "mediation_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(sa.String(128))
    mode: Mapped[SessionMode] = mapped_column(str_enum(SessionMode, 16))
    notes: Mapped[str] = mapped_column(sa.Text)
    # 人民调解记录 (2010 national format): invited helpers and experts (参加人), parties
    # present, each party's account, the result. Editable until signed, then frozen.
    participants: Mapped[str | None] = mapped_column(sa.Text)
    present_party_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    accounts: Mapped[str | None] = mapped_column(sa.Text)
    result: Mapped[str | None] = mapped_column(sa.Text)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="sessions")
    recorded_by: Mapped[User] = relationship()


class Investigation(db.Model):
    """An investigation record (人民调解调查记录); editable until signed."""

    __tablename__ = "investigation"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str | None] = mapped_column(sa.String(128))
    investigators: Mapped[str] = mapped_column(sa.String(256))
    interviewee: Mapped[str] = mapped_column(sa.String(256))
    record: Mapped[str] = mapped_column(sa.Text)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="investigations")
    recorded_by: Mapped[User] = relationship()


class RecusalRequest(db.Model):
    """A party asks for a mediator to be replaced (MOJ-2002 Art. 26: the committee shall)."""

    __tablename__ = "recusal_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("party.id"))
    mediator_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    grounds: Mapped[str] = mapped_column(sa.Text)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decision: Mapped[RecusalDecision] = mapped_column(
        str_enum(RecusalDecision, 16), default=RecusalDecision.PENDING
    )
    decision_note: Mapped[str | None] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replacement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    case: Mapped[Case] = relationship(back_populates="recusals")
    party: Mapped[Party] = relationship()
    mediator: Mapped[User] = relationship(foreign_keys=[mediator_id])
    replacement: Mapped[User | None] = relationship(foreign_keys=[replacement_id])


class Agreement(db.Model):
    """The mediation agreement (PML Arts. 28-30): written 协议书 or oral 口头协议."""

    __tablename__ = "agreement"
    # Statistics: the performance of the agreements of a period, read beside the case.
    __table_args__ = (
        sa.Index("ix_agreement_case_id_performance_status", "case_id", "performance_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), unique=True)
    kind: Mapped[AgreementKind] = mapped_column(str_enum(AgreementKind, 16))
    terms: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    performance_manner: Mapped[str | None] = mapped_column(sa.String(256))
    performance_place: Mapped[str | None] = mapped_column(sa.String(256))
    performance_deadline: Mapped[date | None] = mapped_column(sa.Date)
    agreed_on: Mapped[date] = mapped_column(sa.Date)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # PML Art. 29: main facts, disputed issues and each party's responsibility.
    facts: Mapped[str | None] = mapped_column(sa.Text)
    issues: Mapped[str | None] = mapped_column(sa.Text)
    responsibilities: Mapped[str | None] = mapped_column(sa.Text)
    # Written: effective when every party, the mediator and the committee seal have signed;
    # oral: the day it is reached (Arts. 29-30).
    effective_on: Mapped[date | None] = mapped_column(sa.Date)
    # One status per term, same order as `terms`.
    performance: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    performance_status: Mapped[Performance] = mapped_column(
        str_enum(Performance, 16), default=Performance.PENDING
    )

    case: Mapped[Case] = relationship(back_populates="agreement")
    signatures: Mapped[list[AgreementSignature]] = relationship(
        back_populates="agreement",
        order_by="AgreementSignature.id",
        cascade="all, delete-orphan",
    )

    @property
    def copies(self) -> int:
        """One copy per party plus one kept by the committee (PML Art. 29); agents get none
        of their own."""
        return len(self.case.principals) + 1


class AgreementSignature(db.Model):
    """One signature (or seal, or fingerprint) on a written agreement."""

    __tablename__ = "agreement_signature"
    __table_args__ = (
        sa.UniqueConstraint("agreement_id", "signer_kind", "party_id", name="uq_signature_signer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreement.id"), index=True)
    signer_kind: Mapped[SignerKind] = mapped_column(str_enum(SignerKind, 16))
    party_id: Mapped[int | None] = mapped_column(sa.ForeignKey("party.id"))
    signed_on: Mapped[date] = mapped_column(sa.Date)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agreement: Mapped[Agreement] = relationship(back_populates="signatures")


class FollowUp(db.Model):
    """A follow-up visit (回访): due within one month after mediation ends (a local rule; the
    committee supervises performance, PML Art. 31)."""

    __tablename__ = "follow_up"
    __table_args__ = (
        sa.Index("ix_follow_up_done_at_due_on", "done_at", "due_on"),
        # Statistics: the visits due in a period (回访率), and each case's latest visit.
        sa.Index("ix_follow_up_due_on_case_id_done_at", "due_on", "case_id", "done_at"),
        sa.Index("ix_follow_up_case_id_id", "case_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    due_on: Mapped[date] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.String(32))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    visited_on: Mapped[date | None] = mapped_column(sa.Date)
    visitor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    performance: Mapped[Performance | None] = mapped_column(str_enum(Performance, 16))
    satisfaction: Mapped[Satisfaction | None] = mapped_column(str_enum(Satisfaction, 16))
    remaining_risk: Mapped[str | None] = mapped_column(sa.Text)
    measures: Mapped[str | None] = mapped_column(sa.Text)
    notes: Mapped[str | None] = mapped_column(sa.Text)

    case: Mapped[Case] = relationship(back_populates="follow_ups")
    visitor: Mapped[User | None] = relationship()


class JudicialConfirmation(db.Model):
    """The parties' joint application to a court to confirm the agreement (PML Art. 33,
    CPL Art. 205): within 30 days of the effective date."""

    __tablename__ = "judicial_confirmation"
    # Statistics: the confirmations ruled in a period (司法确认数).
    __table_args__ = (
        sa.Index(
            "ix_judicial_confirmation_ruled_on_ruling_case_id", "ruled_on", "ruling", "case_id"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    court: Mapped[str] = mapped_column(sa.String(128))
    applied_on: Mapped[date] = mapped_column(sa.Date)
    all_parties_joined: Mapped[bool] = mapped_column(default=False)
    ruling: Mapped[Ruling] = mapped_column(str_enum(Ruling, 16), default=Ruling.PENDING)
    ruling_number: Mapped[str | None] = mapped_column(sa.String(64))
    ruled_on: Mapped[date | None] = mapped_column(sa.Date)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))

    case: Mapped[Case] = relationship(back_populates="confirmations")


class TimeLimitRule(db.Model):
    """A configurable time limit: per source and/or per organisation (the default: normally one
    month, MOJ-2002 Art. 33). The most specific rule wins: (organisation, source) >
    (organisation) > (source) > the default."""

    __tablename__ = "time_limit_rule"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "source", name="uq_time_limit_rule_org_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    source: Mapped[Source | None] = mapped_column(str_enum(Source))
    days: Mapped[int]
    working_days: Mapped[bool] = mapped_column(default=False)

    organisation: Mapped[Organisation | None] = relationship()


class Event(db.Model):
    """Append-only timeline entry: who did what to the case, when, from which state to which,
    why, and whether the citizen may see it. Never updated or deleted (see the guards below)."""

    __tablename__ = "event"
    __table_args__ = (sa.Index("ix_event_case_id_id", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(sa.String(32))
    from_state: Mapped[str | None] = mapped_column(sa.String(32))
    to_state: Mapped[str | None] = mapped_column(sa.String(32))
    note: Mapped[str | None] = mapped_column(sa.Text)
    public: Mapped[bool] = mapped_column(default=False)
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(lazy="joined")


class ImmutableEventError(RuntimeError):
    """Raised when code tries to change or delete a timeline event."""


@sa.event.listens_for(Event, "before_update")
def _refuse_event_update(mapper, connection, target):  # noqa: ARG001
    raise ImmutableEventError("timeline events are never updated")


@sa.event.listens_for(Event, "before_delete")
def _refuse_event_delete(mapper, connection, target):  # noqa: ARG001
    raise ImmutableEventError("timeline events are never deleted")


class Document(db.Model):
    """A generated or uploaded document of a case. Generating again makes a new version;
    a version marked signed (or an uploaded signed scan) is frozen."""

    __tablename__ = "document"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "kind", "subject_id", "version", name="uq_document_version"),
        sa.Index("ix_document_case_id_kind", "case_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"))
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind))
    # The record a per-record document belongs to (session, investigation, visit...); 0 if none.
    subject_id: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    media_type: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    pages: Mapped[int | None]
    uploaded: Mapped[bool] = mapped_column(default=False)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # Whether the version holds the parties' ID numbers, phones or addresses in full (an
    # upload always counts as holding them; versions made before this was known do too), and
    # the same version with them masked, made with it, for staff who may not reveal them
    # (PML Art. 15). None when there is nothing to mask or it cannot be masked (an upload).
    has_pii: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    masked_content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    masked_size: Mapped[int | None]

    case: Mapped[Case] = relationship(back_populates="documents")
    created_by: Mapped[User | None] = relationship()

    @property
    def has_masked(self) -> bool:
        """A masked rendition exists (read from its size: the bytes stay unloaded)."""
        return self.masked_size is not None


class FileSequence(db.Model):
    """Last 卷宗 file number per (committee, year): never reused."""

    __tablename__ = "file_sequence"

    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)
