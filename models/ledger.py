"""The record of the case ledger (台账) leaving and entering the portal: one row per export or
import, naming who, when, how, which filter and how many rows, and never a party's details.
Imported cases point to the import that brought them in (Case.ledger_import_id)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.types import UTCDateTime, str_enum, utcnow
from models.user import User


class LedgerDirection(enum.StrEnum):
    EXPORT = "export"
    IMPORT = "import"


class LedgerLog(db.Model):
    """One export or import of the ledger. `filters` holds the filter of an export (state,
    type, source, period, a case-number prefix, the scope) or the file name of an import:
    nothing that names a party. `user_id` is None for a command run without `--by`."""

    __tablename__ = "ledger_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    direction: Mapped[LedgerDirection] = mapped_column(str_enum(LedgerDirection, 8))
    # "web" (a page) or "cli" (a flask command)
    via: Mapped[str] = mapped_column(sa.String(8))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    file_format: Mapped[str] = mapped_column(sa.String(8))
    filters: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    rows: Mapped[int] = mapped_column(default=0)
    # Whether an export held ID numbers and phones in full for some of its rows.
    full_details: Mapped[bool] = mapped_column(default=False)
    # An import: the SHA-256 of the file read, so the same file can be recognised later.
    sha256: Mapped[str | None] = mapped_column(sa.String(64))

    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<LedgerLog {self.direction.value} {self.rows} rows>"
