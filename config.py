"""Configuration classes. Safe defaults live here; secrets and the database URL come only from
the environment (see .env.example)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _sqlite_url() -> str:
    return f"sqlite:///{BASE_DIR / 'instance' / 'jiefen.sqlite3'}"


class Config:
    """Production-safe defaults."""

    ENV_NAME = "production"
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _sqlite_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    # Cookies: the session cookie never reaches scripts, other sites, or plain HTTP.
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)

    # The citizen's application form is long and elderly applicants type slowly: a CSRF token
    # that expires after the default hour would throw away their work. Four hours covers a
    # break without making a stolen token useful for long.
    WTF_CSRF_TIME_LIMIT = 4 * 3600

    BABEL_DEFAULT_LOCALE = "zh_Hans"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = ("zh_Hans", "en")

    # How many reverse proxies in front of the app set X-Forwarded-For and X-Forwarded-Proto
    # (nginx in front of gunicorn: 1). With 0 the client address is the socket's, which behind
    # a proxy is the proxy's own: every citizen of the county would share one rate-limit
    # bucket. Never more than the proxies really there, or a client could forge its address.
    PROXY_HOPS = os.environ.get("JIEFEN_PROXY_HOPS", "0")

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = False
    JIEFEN_LIMIT_APPLICATION = os.environ.get("JIEFEN_LIMIT_APPLICATION", "10 per hour")
    JIEFEN_LIMIT_LOOKUP = os.environ.get("JIEFEN_LIMIT_LOOKUP", "10 per minute;60 per hour")
    # Video sessions (domain/scheduling.py): the centre's meeting server, as a URL template
    # with {room} (an unguessable token per session) and optionally {case} (the case number),
    # e.g. https://meet.example.org/jiefen-{room}. Empty: the mediator pastes a link.
    VIDEO_MEETING_URL_TEMPLATE = os.environ.get("JIEFEN_VIDEO_MEETING_URL_TEMPLATE", "")
    # Staff login (blueprints/auth/throttle.py): failed logins per client address, any
    # username; then the failures of one account from one address or one known browser, and
    # of one account from browsers it never used, after which each attempt waits longer.
    JIEFEN_LIMIT_LOGIN = os.environ.get("JIEFEN_LIMIT_LOGIN", "10 per minute")
    JIEFEN_LOGIN_DELAY_AFTER = int(os.environ.get("JIEFEN_LOGIN_DELAY_AFTER", "5"))
    JIEFEN_LOGIN_ACCOUNT_DELAY_AFTER = int(os.environ.get("JIEFEN_LOGIN_ACCOUNT_DELAY_AFTER", "10"))
    # Wrong current passwords when staff change their own.
    JIEFEN_LIMIT_PASSWORD_CHANGE = os.environ.get(
        "JIEFEN_LIMIT_PASSWORD_CHANGE", "5 per 15 minutes"
    )
    # Downloads of the citizen's receipt (PDF or image), counted per case.
    JIEFEN_LIMIT_RECEIPT = os.environ.get("JIEFEN_LIMIT_RECEIPT", "10 per hour")

    # Default mediation time limit in calendar days (MOJ-2002 Art. 33: "一般在一个月内调结").
    # Uploads (signed scans) are at most 10 MB; a little room for the form around them.
    MAX_CONTENT_LENGTH = 11 * 1024 * 1024

    DEFAULT_TIME_LIMIT_DAYS = 30
    DUE_SOON_DAYS = 5
    PAGE_SIZE = 25

    # Printed on the citizen pages and receipts.
    CENTRE_PHONE = os.environ.get("JIEFEN_CENTRE_PHONE", "0716-12348")
    # How long after applying the confirmation page and the receipt downloads still show the
    # query code, in the applicant's browser session only; afterwards only the case number.
    RECEIPT_MINUTES = 30

    # A citizen's page meeting a dropped database connection runs once more after this pause
    # (a restart takes about a second), then shows the form again with what was typed.
    DB_RETRY_SECONDS = 1.0

    SEED_ALLOWED = False

    # Background jobs (jobs.py): the queue is SQLite in the instance folder unless
    # JOBS_REDIS_URL (or REDIS_URL) names a Redis; inline in tests.
    JOBS_IMMEDIATE = False
    # Citizens' messages (domain/senders.py). Backends: e-mail "log" or "smtp"; SMS "log" or
    # "http_sms". The log backend writes no phone, address or text.
    NOTIFY_EMAIL_BACKEND = os.environ.get("NOTIFY_EMAIL_BACKEND", "log")
    NOTIFY_SMS_BACKEND = os.environ.get("NOTIFY_SMS_BACKEND", "log")
    NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "5"))
    NOTIFY_TIMEOUT = float(os.environ.get("NOTIFY_TIMEOUT", "10"))
    # The public site's address, for the links in messages (e.g. https://tiaojie.example.cn).
    NOTIFY_PUBLIC_URL = os.environ.get("NOTIFY_PUBLIC_URL", "")
    NOTIFY_SMTP_HOST = os.environ.get("NOTIFY_SMTP_HOST", "localhost")
    NOTIFY_SMTP_PORT = int(os.environ.get("NOTIFY_SMTP_PORT", "25"))
    NOTIFY_SMTP_USER = os.environ.get("NOTIFY_SMTP_USER", "")
    NOTIFY_SMTP_PASSWORD = os.environ.get("NOTIFY_SMTP_PASSWORD", "")
    NOTIFY_SMTP_SECURITY = os.environ.get("NOTIFY_SMTP_SECURITY", "none")  # none, starttls, ssl
    NOTIFY_SMTP_FROM = os.environ.get("NOTIFY_SMTP_FROM", "noreply@localhost")
    NOTIFY_SMS_URL = os.environ.get("NOTIFY_SMS_URL", "")
    # The request body; {phone} and {text} are filled in (JSON-escaped in a JSON template).
    NOTIFY_SMS_BODY = os.environ.get("NOTIFY_SMS_BODY", '{"phone": "{phone}", "text": "{text}"}')
    NOTIFY_SMS_CONTENT_TYPE = os.environ.get(
        "NOTIFY_SMS_CONTENT_TYPE", "application/json; charset=utf-8"
    )
    # Optional, e.g. "Authorization: Bearer …".
    NOTIFY_SMS_AUTH_HEADER = os.environ.get("NOTIFY_SMS_AUTH_HEADER", "")


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-not-secret"
    # Local HTTP on 127.0.0.1: a Secure cookie would never come back.
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    SEED_ALLOWED = True
    TEMPLATES_AUTO_RELOAD = True
    VIDEO_MEETING_URL_TEMPLATE = os.environ.get(
        "JIEFEN_VIDEO_MEETING_URL_TEMPLATE", "https://meet.example.org/jiefen-{room}"
    )


class TestingConfig(DevelopmentConfig):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-not-secret"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("JIEFEN_TEST_DATABASE_URL") or "sqlite://"
    WTF_CSRF_ENABLED = False
    # The limiter stays on (so its code runs in every test) with limits no test reaches;
    # rate-limit tests lower them for a moment.
    RATELIMIT_STORAGE_URI = "memory://"
    JIEFEN_LIMIT_APPLICATION = JIEFEN_LIMIT_LOOKUP = JIEFEN_LIMIT_LOGIN = "100000 per minute"
    JIEFEN_LIMIT_RECEIPT = JIEFEN_LIMIT_PASSWORD_CHANGE = "100000 per minute"  # noqa: S105
    JIEFEN_LOGIN_DELAY_AFTER = JIEFEN_LOGIN_ACCOUNT_DELAY_AFTER = 100000
    DB_RETRY_SECONDS = 0.0
    JOBS_IMMEDIATE = True
    NOTIFY_EMAIL_BACKEND = NOTIFY_SMS_BACKEND = "log"


CONFIGS: dict[str, type[Config]] = {
    "production": Config,
    "development": DevelopmentConfig,
    "testing": TestingConfig,
}


def config_from_env() -> type[Config]:
    """Pick the configuration class named by JIEFEN_ENV (default: production)."""
    return CONFIGS.get(os.environ.get("JIEFEN_ENV", "production"), Config)
