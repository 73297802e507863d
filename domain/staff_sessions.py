"""Staff login sessions kept in the database, so that logging out really ends one.

The signed cookie names a session by a random token (see User.login_id); the table keeps its
SHA-256 only. A session is refused once it has ended (logout, a password change, deactivation),
when the user's password epoch moved on, or after `idle` without a request. Every app server
reads the same rows, so a logout on one is seen by all at the next request.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from domain.ids import is_row_id
from extensions import db
from models import StaffSession, User

# last_seen_at is written at most this often per session: a write on every request would make
# each page view a database write.
TOUCH_EVERY = timedelta(minutes=5)
# Ended and idle rows of a user are removed when they log in again after this long.
KEEP_ENDED = timedelta(days=90)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


_BROWSERS = (
    ("MicroMessenger", "WeChat"),
    ("DingTalk", "DingTalk"),
    ("QQBrowser", "QQ Browser"),
    ("UCBrowser", "UC Browser"),
    ("Edge?", "Edge"),
    ("OPR", "Opera"),
    ("Firefox", "Firefox"),
    ("Chrome", "Chrome"),
    ("Chromium", "Chromium"),
    ("Safari", "Safari"),
)
_SYSTEMS = (
    ("HarmonyOS", "HarmonyOS"),
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def describe_agent(user_agent: str | None) -> str | None:
    """ "Chrome on Windows" from a User-Agent header: enough for staff to recognise their
    browsers, without keeping the whole header (it is close to a fingerprint)."""
    text = (user_agent or "")[:512]
    browser = next((name for key, name in _BROWSERS if re.search(rf"{key}/", text)), None)
    system = next((name for key, name in _SYSTEMS if key in text), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system


def start(user: User, user_agent: str | None = None) -> str:
    """Open a login session for `user` and attach it (user.login_session, user.login_token) so
    that Flask-Login's login_user() stores its id. Returns the secret token. Flushes.

    Also removes the user's sessions that ended or went idle more than KEEP_ENDED ago."""
    now = _now()
    db.session.execute(
        sa.delete(StaffSession).where(
            StaffSession.user_id == user.id,
            sa.or_(
                StaffSession.ended_at < now - KEEP_ENDED,
                StaffSession.last_seen_at < now - KEEP_ENDED,
            ),
        )
    )
    token = secrets.token_urlsafe(32)
    row = StaffSession(
        user=user,
        token_hash=_hash(token),
        created_at=now,
        last_seen_at=now,
        user_agent=describe_agent(user_agent),
    )
    db.session.add(row)
    db.session.flush()
    user.login_session = row
    user.login_token = token
    return token


def resume(login_id: str, idle: timedelta) -> User | None:
    """The user of a live session named by `login_id` (User.login_id()), with the session
    attached; None when it is malformed, unknown, ended, idle longer than `idle`, of a
    deactivated user, or from before the user's last password change."""
    parts = (login_id or "").split(":")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or not parts[2]:
        return None
    user_id, epoch, token = int(parts[0]), int(parts[1]), parts[2]
    if not is_row_id(user_id) or len(token) > 128:
        return None
    row = db.session.scalar(
        sa.select(StaffSession).where(
            StaffSession.token_hash == _hash(token), StaffSession.user_id == user_id
        )
    )
    if row is None or row.ended_at is not None:
        return None
    user = row.user
    if not user.active or user.session_epoch != epoch:
        return None
    if _now() - row.last_seen_at > idle:
        return None
    user.login_session = row
    user.login_token = token
    return user


def touch(user: User) -> bool:
    """Record that the user's session was used now, at most every TOUCH_EVERY. Returns whether
    anything was written (the caller commits). Flushes."""
    row = user.login_session
    now = _now()
    if row is None or now - row.last_seen_at < TOUCH_EVERY:
        return False
    row.last_seen_at = now
    db.session.flush()
    return True


def end(user: User, reason: str = "logout") -> None:
    """End the session the user is in (logout). Their other browsers stay logged in. Flushes."""
    row = user.login_session
    if row is not None and row.ended_at is None:
        row.ended_at = _now()
        row.end_reason = reason
        db.session.flush()
    user.login_session = None
    user.login_token = None


def end_all(user: User, reason: str, *, keep: StaffSession | None = None) -> int:
    """End every open session of `user` except `keep` (a password change made in this
    browser). Returns how many ended. Flushes."""
    stmt = (
        sa.update(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
        .values(ended_at=_now(), end_reason=reason)
    )
    if keep is not None:
        stmt = stmt.where(StaffSession.id != keep.id)
    ended = db.session.execute(stmt, execution_options={"synchronize_session": False}).rowcount
    for row in db.session.identity_map.values():
        if isinstance(row, StaffSession) and row.user_id == user.id and row is not keep:
            db.session.expire(row)
    db.session.flush()
    return ended


def open_sessions(user: User, idle: timedelta) -> list[StaffSession]:
    """The user's sessions still live, most recently used first."""
    return list(
        db.session.scalars(
            sa.select(StaffSession)
            .where(
                StaffSession.user_id == user.id,
                StaffSession.ended_at.is_(None),
                StaffSession.last_seen_at >= _now() - idle,
            )
            .order_by(StaffSession.last_seen_at.desc(), StaffSession.id.desc())
        )
    )
