"""The query code of a fresh application, held for the applicant's receipt.

Right after applying, the confirmation page and the receipt downloads show the query code for a
short time (RECEIPT_MINUTES). The code is never kept in the browser's cookie: the cookie holds a
random token, and this table holds the code sealed with that token (and only its hash), so
neither the cookie nor the database alone reveals a code. Rows are removed when the time is up,
when the applicant removes the code, and whenever a new one is added.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.types import UTCDateTime


class ReceiptHold(db.Model):
    __tablename__ = "receipt_hold"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the token in the applicant's session, hex.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id", ondelete="CASCADE"), index=True)
    # The code XOR a key derived from the token, hex.
    sealed_code: Mapped[str] = mapped_column(sa.String(32))
    until: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
