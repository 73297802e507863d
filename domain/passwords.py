"""Staff passwords: the rule a new password must meet, and checking one at login.

The rule is zxcvbn's estimate of how many guesses a password needs (score 3 or more: "safely
unguessable" for an online attack that is throttled, see blueprints/auth/throttle.py), with the
user's own words (username, name, organisation, phone) and the portal's name counted as known to
an attacker, plus a minimum length. zxcvbn's own feedback is English only; the reasons given here
are ours, translated.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from domain.errors import ValidationFailed
from extensions import db
from models import User
from models.user import password_hash_method

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
MIN_SCORE = 3
# Words an attacker tries first on this portal; its name in each language it serves is added
# from the catalogue (portal_words).
PORTAL_WORDS = ("jiefen", "mediation", "tiaojie", "renmintiaojie")
# zxcvbn's matching grows quickly with the length (and refuses more than 72 characters); the
# first 72 characters tell whether a long password is guessable.
SCORED_LENGTH = 72


def _reasons(matches: list[dict], found: dict[str, int] | None = None) -> dict[str, int]:
    """What makes a password guessable, with how many of its characters each reason covers."""
    found = {} if found is None else found

    def add(reason: str, match: dict) -> None:
        found[reason] = found.get(reason, 0) + len(match.get("token") or "")

    for match in matches:
        pattern = match.get("pattern")
        if pattern == "dictionary":
            add(
                {"user_inputs": "own", "passwords": "common"}.get(
                    match["dictionary_name"], "words"
                ),
                match,
            )
        elif pattern in ("repeat", "sequence", "spatial"):
            add("pattern", match)
            _reasons(match.get("base_matches") or [], found)
        elif pattern in ("date", "regex"):
            add("date", match)
    return found


def _message(reasons: dict[str, int]):
    # The user's own words and common passwords first: they are what an attacker tries first.
    # Otherwise the reason covering most of the password.
    main = next((r for r in ("own", "common") if r in reasons), None) or max(
        ("pattern", "date", "words"), key=lambda r: reasons.get(r, 0)
    )
    if not reasons.get(main) and main not in ("own", "common"):
        main = "words"
    if main == "own":
        return _l(
            "This password contains your username, your name, your organisation or the "
            "portal's name, which are the first things tried. Choose one without them."
        )
    if main == "common":
        return _l(
            "This is one of the most common passwords and is guessed at once. Choose another, "
            "for example a few unrelated words."
        )
    if main == "pattern":
        return _l(
            "This password is made of repeated characters, a sequence such as 123 or abc, or a "
            "row of the keyboard, which are guessed quickly. Add a few unrelated words."
        )
    if main == "date":
        return _l(
            "This password is mostly a date or a year, which are guessed quickly. Add a few "
            "unrelated words."
        )
    return _l(
        "This password is too easy to guess. Make it longer, for example a few unrelated words "
        "or a short sentence."
    )


def portal_words() -> list[str]:
    """The portal's name as every language shows it (解纷, 人民调解…), and PORTAL_WORDS."""
    words = list(PORTAL_WORDS)
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            words += [str(_l("Jiefen")), *str(_l("Jiefen · People's Mediation")).split(" · ")]
    return list(dict.fromkeys(w.strip() for w in words if w.strip()))


def user_words(
    *, username: str | None, name: str | None, organisation: str | None, phone: str | None = None
) -> list[str]:
    """What an attacker knows about the account: its username, the person's name, their
    organisation and phone, and the portal's name."""
    words = [w.strip() for w in (username, name, organisation, phone) if w and w.strip()]
    return [*words, *portal_words()]


def check_new_password(password: str | None, words: list[str]) -> str:
    """`password` if it is long enough and hard enough to guess for a user known by `words`
    (see user_words); otherwise ValidationFailed on the field "password", saying why."""
    if password is None or len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            _l("The password must have at least %(n)s characters.", n=MIN_PASSWORD_LENGTH),
            field="password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(
            _l("The password must have at most %(n)s characters.", n=MAX_PASSWORD_LENGTH),
            field="password",
        )
    scored = password[:SCORED_LENGTH]
    result = zxcvbn(scored, user_inputs=words)
    reasons = _reasons(result["sequence"])
    # zxcvbn may score "Wang Wei Wang Wei" well; a password mostly made of the account's own
    # words is refused all the same (an attacker who targets the account tries them first).
    if result["score"] < MIN_SCORE or 2 * reasons.get("own", 0) >= len(scored):
        raise ValidationFailed(_message(reasons), field="password")
    return password


def check_for(user: User, password: str | None) -> str:
    """check_new_password for an existing account."""
    return check_new_password(
        password,
        user_words(
            username=user.username,
            name=user.name,
            organisation=user.organisation.name if user.organisation else None,
            phone=user.phone,
        ),
    )


_DUMMY_HASHES: dict[str, str] = {}


def dummy_hash() -> str:
    """A hash of a random password made exactly as User.set_password makes real ones (same
    method and cost), checked when the username is unknown so that the answer takes as long
    as for a wrong password and does not tell which usernames exist."""
    method = password_hash_method()
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_urlsafe(24), method=method)
    return _DUMMY_HASHES[method]


def authenticate(username: str, password: str) -> User | None:
    """The active user with this username and password, or None. Every path checks exactly one
    password hash of the configured cost: unknown usernames against dummy_hash(), deactivated
    accounts against their own."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        check_password_hash(dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def verify_current(user: User, password: str | None) -> bool:
    """Whether `password` is the user's current password (changing it needs it)."""
    return bool(password) and user.check_password(password)
