"""Docking records (对接): a case referred by a court, a petition office, the police or another
department, with the clock the referrer sets and the mandatory return leg: the result reported
back to the referrer (to a court in writing, with the materials: SPC-TY Arts. 19-21, 26).

One row per referring body; the case keeps its one number. Fields that belong to one kind of
referral only are grouped and nullable.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.case import Case
from models.enums import (
    CourtMode,
    CourtProcedure,
    PetitionForm,
    PoliceCategory,
    ReferralKind,
    ReferralResult,
)
from models.organisation import Organisation
from models.types import UTCDateTime, str_enum, utcnow
from models.user import User

# Calendar days of the mediation period a court sets (SPC-TY Art. 27): 30 for a case delegated
# before filing (委派), 15 or 7 for one entrusted after filing (委托) under the ordinary or the
# summary procedure.
COURT_DAYS = {
    (CourtMode.DELEGATED, None): 30,
    (CourtMode.DELEGATED, CourtProcedure.ORDINARY): 30,
    (CourtMode.DELEGATED, CourtProcedure.SUMMARY): 30,
    (CourtMode.ENTRUSTED, CourtProcedure.ORDINARY): 15,
    (CourtMode.ENTRUSTED, CourtProcedure.SUMMARY): 7,
}


class Referral(db.Model):
    __tablename__ = "referral"
    __table_args__ = (
        # Desk overview: referrals still owing the final result, soonest due first.
        sa.Index("ix_referral_feedback_result_due_at", "feedback_result", "feedback_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    kind: Mapped[ReferralKind] = mapped_column(str_enum(ReferralKind, 16))
    # The referring body: one of our partner organisations, or a name typed at the desk.
    body_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    body_name: Mapped[str] = mapped_column(sa.String(128))
    # Its reference: court case / pre-filing number, petition number, incident number (警情编号).
    external_no: Mapped[str] = mapped_column(sa.String(64), index=True)
    contact_name: Mapped[str | None] = mapped_column(sa.String(64))  # 经办人
    contact_phone: Mapped[str | None] = mapped_column(sa.String(32))
    # When our side signed for the materials (court: the clock starts that day, SPC-TY Art. 27).
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the return leg is due (police: 24 h / 5 days; court: the mediation deadline;
    # petition: the remaining petition deadline). NULL when the referrer set none.
    feedback_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # 诉调对接
    court_mode: Mapped[CourtMode | None] = mapped_column(str_enum(CourtMode, 16))
    court_procedure: Mapped[CourtProcedure | None] = mapped_column(str_enum(CourtProcedure, 16))

    # 访调对接: the 工作移交单 (no published format: a proposed set of fields)
    transfer_no: Mapped[str | None] = mapped_column(sa.String(64))  # 移交编号
    petition_form: Mapped[PetitionForm | None] = mapped_column(str_enum(PetitionForm, 16))
    petitioner_count: Mapped[int | None]  # 人数 (collective petitions)
    collective: Mapped[bool] = mapped_column(default=False)  # 集体访
    repeat_petition: Mapped[bool] = mapped_column(default=False)  # 重复访
    over_level: Mapped[bool] = mapped_column(default=False)  # 越级访
    both_consent: Mapped[bool] = mapped_column(default=False)  # 双方同意调解的确认
    transfer_reason: Mapped[str | None] = mapped_column(sa.Text)  # 移交理由/调解建议
    attachments: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # 附件材料清单
    petition_received_on: Mapped[date | None] = mapped_column(sa.Date)  # office received it
    petition_decide_by: Mapped[date | None] = mapped_column(sa.Date)  # +15 days
    petition_due_on: Mapped[date | None] = mapped_column(sa.Date)  # +60 days (办理时限)
    petition_extended_days: Mapped[int] = mapped_column(default=0)  # once, ≤ 30

    # 警调对接
    police_category: Mapped[PoliceCategory | None] = mapped_column(str_enum(PoliceCategory, 16))
    complex_case: Mapped[bool] = mapped_column(default=False)  # feedback within 5 days

    # The return leg (反馈 / 报告): what was reported, when, by whom, to whom.
    feedback_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    feedback_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    feedback_result: Mapped[ReferralResult | None] = mapped_column(str_enum(ReferralResult, 16))
    feedback_note: Mapped[str | None] = mapped_column(sa.Text)
    feedback_recipient: Mapped[str | None] = mapped_column(sa.String(64))  # who received it

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(
        backref=sa.orm.backref("referrals", order_by="Referral.id", cascade="all, delete-orphan")
    )
    body_org: Mapped[Organisation | None] = relationship()
    feedback_by: Mapped[User | None] = relationship()

    @property
    def returned(self) -> bool:
        return self.feedback_at is not None

    @property
    def court_days(self) -> int:
        """Calendar days of a court referral's mediation period, counted from the day our side
        signed for the materials (SPC-TY Art. 27)."""
        return COURT_DAYS[(self.court_mode, self.court_procedure)]


class CaseLink(db.Model):
    """Two cases of the same people or the same dispute (关联 / 重复信访 / 合并). A link is a
    note between two files; MERGED means `case` now lives on in `other`."""

    __tablename__ = "case_link"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "other_id", name="uq_case_link_pair"),
        sa.Index("ix_case_link_other_id", "other_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"))
    other_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))  # a models.enums.LinkKind value
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    case: Mapped[Case] = relationship(foreign_keys=[case_id])
    other: Mapped[Case] = relationship(foreign_keys=[other_id])
    created_by: Mapped[User | None] = relationship()


class Transfer(db.Model):
    """A case handed on, down, up or out, with a transfer note the receiver acknowledges.
    The case keeps its number; inside the system the receiver becomes the handling
    organisation, outside it (court, arbitration, a department) mediation ends."""

    __tablename__ = "transfer"
    __table_args__ = (
        # "Transfers to acknowledge" of one organisation.
        sa.Index("ix_transfer_to_org_id_status", "to_org_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    direction: Mapped[str] = mapped_column(sa.String(16))  # a TransferDirection value
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")  # TransferStatus
    from_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    # Inside the system: the receiving organisation. Outside: its name (and kind).
    to_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    to_name: Mapped[str | None] = mapped_column(sa.String(128))
    reason: Mapped[str] = mapped_column(sa.Text)  # the transfer note
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    receiver_name: Mapped[str | None] = mapped_column(sa.String(64))  # who signed for it
    answer_note: Mapped[str | None] = mapped_column(sa.Text)

    case: Mapped[Case] = relationship(
        backref=sa.orm.backref("transfers", order_by="Transfer.id", cascade="all, delete-orphan")
    )
    from_org: Mapped[Organisation | None] = relationship(foreign_keys=[from_org_id])
    to_org: Mapped[Organisation | None] = relationship(foreign_keys=[to_org_id])
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
