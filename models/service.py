"""Service (送达) of a case document on a party: which version reached which party, how, when
and by whom, and whether the party refused to sign for it. A notice the law requires to be
given is shown as given only by these records (PML Art. 26: the parties are told the other
channels when mediation ends without agreement)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.case import Case, Document, Party
from models.enums import LabelledEnum
from models.types import UTCDateTime, str_enum, utcnow
from models.user import User


class ServiceMethod(LabelledEnum):
    """How a document reached a party (the ways of service the committees use)."""

    IN_PERSON = "in_person"  # 直接送达 (or left with the party when they refuse: 留置送达)
    POST = "post"  # 邮寄送达
    SMS_PHONE = "sms_phone"  # 短信、电话告知
    EMAIL = "email"  # 电子邮件
    ANNOUNCEMENT = "announcement"  # 公告送达: the party cannot be found

    @classmethod
    def _labels(cls):
        return {
            cls.IN_PERSON: _l("In person"),
            cls.POST: _l("By post"),
            cls.SMS_PHONE: _l("By text message or phone"),
            cls.EMAIL: _l("By e-mail"),
            cls.ANNOUNCEMENT: _l("By public announcement"),
        }


class DocumentService(db.Model):
    """One party served with one version of a document. A later record for the same party
    and version replaces the details (the change is on the timeline)."""

    __tablename__ = "document_service"
    __table_args__ = (
        sa.UniqueConstraint("document_id", "party_id", name="uq_document_service_party"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("document.id"))
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("party.id"))
    method: Mapped[ServiceMethod] = mapped_column(str_enum(ServiceMethod, 16))
    served_on: Mapped[date] = mapped_column(sa.Date)
    # Who delivered it (a mediator, a grid worker, the post office), as written on the
    # proof of service (送达回证).
    served_by: Mapped[str] = mapped_column(sa.String(64))
    # Who took it when not the party in person (a family member, the agent); empty otherwise.
    recipient: Mapped[str | None] = mapped_column(sa.String(64))
    # The party would not sign for it: the document was left and the refusal recorded.
    refused_to_sign: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(
        backref=sa.orm.backref(
            "services", order_by="DocumentService.id", cascade="all, delete-orphan"
        )
    )
    document: Mapped[Document] = relationship()
    party: Mapped[Party] = relationship()
    recorded_by: Mapped[User | None] = relationship()
