"""Staff accounts. Citizens have no account: they reach their case with its query code."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from extensions import db
from models.enums import Role
from models.organisation import Organisation
from models.types import UTCDateTime, str_enum, utcnow


def password_hash_method() -> str:
    """How passwords are hashed: Werkzeug's default (scrypt) in production; tests set a cheap
    method (PASSWORD_HASH_METHOD)."""
    return current_app.config.get("PASSWORD_HASH_METHOD") or "scrypt"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[Role] = mapped_column(str_enum(Role, 16), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    # Mediators: specialties (dispute-type codes), full- or part-time, languages/dialects.
    specialties: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    full_time: Mapped[bool] = mapped_column(default=False)
    languages: Mapped[str | None] = mapped_column(sa.String(128))
    # Bumped on password reset or deactivation; part of the session id, so old sessions end.
    session_epoch: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role.value}>"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=password_hash_method())

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated users cannot log in
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    # The login session this request runs in (set by domain.staff_sessions when it starts or
    # resumes one); not a column.
    login_session = None  # StaffSession
    login_token = None  # str

    def login_id(self) -> str:
        """What Flask-Login keeps in the signed cookie (its id_attribute): the user, the
        password epoch and the secret token of this login session. The server keeps only the
        token's hash, so ending the session makes every copy of the cookie useless."""
        if not self.login_token:
            raise RuntimeError("log in through domain.staff_sessions.start()")
        return f"{self.id}:{self.session_epoch}:{self.login_token}"


class StaffSession(db.Model):
    """One login of a staff member in one browser, from login to logout.

    The cookie carries a random token; only its SHA-256 is stored, so a copy of this table
    logs no one in. Logging out ends this row only (the user's other browsers stay logged in);
    a password change or deactivation ends all of the user's rows. Nothing here is held in the
    memory of one app server, so every server sharing the database sees the end at once. No
    address is stored: the browser's name is enough for the user to recognise a session.
    """

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # logout, password, deactivated, expired
    end_reason: Mapped[str | None] = mapped_column(sa.String(16))
    # "Chrome on Windows": a summary, never the raw header.
    user_agent: Mapped[str | None] = mapped_column(sa.String(64))

    user: Mapped[User] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<StaffSession {self.id} user={self.user_id} ended={self.ended_at}>"
