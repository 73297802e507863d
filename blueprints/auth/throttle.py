"""Slowing down password guessing at the staff login without letting anyone lock staff out.

Failed logins are counted, in the rate limiter's storage (process memory for one server, Redis
when several share the work), in these scopes:

- per client address, any username: JIEFEN_LIMIT_LOGIN (e.g. "10 per minute"), a plain window;
- per account and address: after JIEFEN_LOGIN_DELAY_AFTER failures, each further attempt from
  that address must wait, 30 s at first, doubling with every further failure, at most 15 min;
- per account from browsers it never logged in from, over every address: the same after
  JIEFEN_LOGIN_ACCOUNT_DELAY_AFTER failures. This bounds guessing spread over many addresses;
- per known browser: a successful login leaves a signed "device cookie" naming the username.
  A login carrying one for the username typed is counted only against that cookie (delays after
  JIEFEN_LOGIN_DELAY_AFTER of its own failures), never against the address or the account: so
  strangers' failures never keep the real user out of the browsers they use.

Failures are remembered for a day from the first one. While a delay runs, attempts are refused
before the password is checked and do not count. Nothing is stored in this process alone when
the storage is Redis, so every app server applies the same counts.
"""

from __future__ import annotations

import math
import secrets
import time
from dataclasses import dataclass

from flask import Response, current_app, request
from flask_limiter.util import get_remote_address
from itsdangerous import BadData, URLSafeTimedSerializer
from limits import parse_many

from extensions import limiter

PREFIX = "jiefen-login"
FIRST_DELAY = 30  # seconds, once the threshold of a scope is reached
MAX_DELAY = 15 * 60
FAILURE_MEMORY = 24 * 3600
DEVICE_COOKIE = "jiefen_device"
DEVICE_DAYS = 365
DEVICE_ENTRIES = 5  # usernames remembered per browser (a shared desk computer)
DEVICE_PATH = "/auth/"


@dataclass(frozen=True)
class Attempt:
    username: str  # as compared for counting: trimmed, lower case
    address: str
    device: str | None  # the nonce of a valid device cookie naming this username


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="jiefen-device-cookie")


def _device_entries() -> list[list[str]]:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw or len(raw) > 2048:
        return []
    try:
        entries = _serializer().loads(raw, max_age=DEVICE_DAYS * 86400)
    except BadData:
        return []
    if not isinstance(entries, list):
        return []
    return [
        e
        for e in entries
        if isinstance(e, list) and len(e) == 2 and all(isinstance(x, str) for x in e)
    ][:DEVICE_ENTRIES]


def attempt(username: str) -> Attempt:
    """The login attempt of this request for `username`."""
    name = (username or "").strip().lower()[:64]
    device = next((nonce for who, nonce in _device_entries() if who == name), None)
    return Attempt(username=name, address=get_remote_address(), device=device)


def _scopes(a: Attempt) -> list[tuple[str, int]]:
    config = current_app.config
    if a.device:
        return [(f"device/{a.device}", int(config["JIEFEN_LOGIN_DELAY_AFTER"]))]
    return [
        (f"account-address/{a.username}/{a.address}", int(config["JIEFEN_LOGIN_DELAY_AFTER"])),
        (f"account/{a.username}", int(config["JIEFEN_LOGIN_ACCOUNT_DELAY_AFTER"])),
    ]


def _address_limits():
    return parse_many(current_app.config["JIEFEN_LIMIT_LOGIN"])


def _failures(scope: str) -> str:
    return f"{PREFIX}/failures/{scope}"


def _delay(scope: str) -> str:
    return f"{PREFIX}/delay/{scope}"


def wait_seconds(a: Attempt) -> int:
    """How long this attempt must wait before its password is checked; 0 for at once."""
    storage, now, waits = limiter.storage, time.time(), [0.0]
    for scope, _threshold in _scopes(a):
        if storage.get(_delay(scope)) > 0:
            waits.append(storage.get_expiry(_delay(scope)) - now)
    if not a.device:
        for item in _address_limits():
            if not limiter.limiter.test(item, PREFIX, a.address):
                waits.append(
                    limiter.limiter.get_window_stats(item, PREFIX, a.address).reset_time - now
                )
    return max(0, math.ceil(max(waits)))


def record_failure(a: Attempt) -> None:
    storage = limiter.storage
    if not a.device:
        for item in _address_limits():
            limiter.limiter.hit(item, PREFIX, a.address)
    for scope, threshold in _scopes(a):
        count = storage.incr(_failures(scope), FAILURE_MEMORY)
        if count >= threshold:
            seconds = min(MAX_DELAY, FIRST_DELAY * 2 ** min(count - threshold, 10))
            storage.clear(_delay(scope))
            storage.incr(_delay(scope), seconds)


def record_success(a: Attempt) -> None:
    """Forget the failures of this address or browser for the account. The account's count
    over other addresses stays: the right password here says nothing about the guesses there."""
    storage = limiter.storage
    for scope, _threshold in _scopes(a)[:1]:
        storage.clear(_failures(scope))
        storage.clear(_delay(scope))


def remember_device(response: Response, a: Attempt) -> None:
    """After a successful login: this browser is known for this username (a new nonce each
    time, the other usernames of a shared computer kept)."""
    entries = [e for e in _device_entries() if e[0] != a.username]
    entries = [[a.username, secrets.token_urlsafe(12)], *entries][:DEVICE_ENTRIES]
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps(entries),
        max_age=DEVICE_DAYS * 86400,
        path=DEVICE_PATH,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def limited(key: str, config_name: str) -> int:
    """For a plain failure limit (JIEFEN_LIMIT_...): seconds to wait before `key` may try
    again, 0 for at once."""
    now, waits = time.time(), [0.0]
    for item in parse_many(current_app.config[config_name]):
        if not limiter.limiter.test(item, PREFIX, key):
            waits.append(limiter.limiter.get_window_stats(item, PREFIX, key).reset_time - now)
    return max(0, math.ceil(max(waits)))


def count(key: str, config_name: str) -> None:
    for item in parse_many(current_app.config[config_name]):
        limiter.limiter.hit(item, PREFIX, key)
