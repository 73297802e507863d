"""Application factory: create_app() and small register_* helpers, nothing else."""

from __future__ import annotations

import os
import secrets
from typing import Any

from flask import Flask, g, has_request_context, render_template, request, session
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from jinja2 import StrictUndefined
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, config_from_env
from extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(config: type[Config] | dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    if isinstance(config, dict):
        app.config.from_object(config_from_env())
        app.config.update(config)
    else:
        app.config.from_object(config or config_from_env())
    app.config.from_prefixed_env("FLASK")
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set in the environment outside development.")
    os.makedirs(app.instance_path, exist_ok=True)

    register_proxy(app)
    register_extensions(app)
    register_blueprints(app)
    register_templating(app)
    register_security(app)
    register_errorhandlers(app)
    register_cli(app)
    return app


def select_locale() -> str:
    """Session choice first, then the browser: zh, zh-CN, zh-TW... -> zh_Hans; en* -> en."""
    if not has_request_context():
        return "zh_Hans"
    chosen = session.get("lang")
    if chosen in ("zh_Hans", "en"):
        return chosen
    for lang, _q in request.accept_languages:
        tag = lang.lower()
        if tag.startswith("zh"):
            return "zh_Hans"
        if tag.startswith("en"):
            return "en"
    return "zh_Hans"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):  # noqa: ARG001
    """SQLite: WAL for concurrent readers, enforce foreign keys, wait on locks."""
    module = type(dbapi_connection).__module__
    if module.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def register_proxy(app: Flask) -> None:
    """Trust PROXY_HOPS reverse proxies: the client address (rate limits) and the scheme
    (https links, secure cookies) come from the X-Forwarded-For and -Proto headers those proxies
    append. Only those two: the host stays the one the request named, so a forged
    X-Forwarded-Host cannot put another site into the links printed on receipts."""
    raw = str(app.config.get("PROXY_HOPS", "0")).strip()
    if not raw.isdigit() or int(raw) > 10:
        raise RuntimeError(f"JIEFEN_PROXY_HOPS must be a whole number from 0 to 10, not {raw!r}.")
    hops = int(raw)
    app.config["PROXY_HOPS"] = hops
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)


def register_extensions(app: Flask) -> None:
    import models  # noqa: F401 - registers the models with the metadata

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    import jobs

    jobs.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    # The cookie names a login session kept in the database (domain.staff_sessions), so
    # logging out, a password change or deactivation ends it on every app server.
    login_manager.id_attribute = "login_id"

    @login_manager.user_loader
    def load_user(login_id: str):
        from domain import staff_sessions

        return staff_sessions.resume(login_id, app.permanent_session_lifetime)


def register_blueprints(app: Flask) -> None:
    from blueprints import converters
    from blueprints.admin import bp as admin_bp
    from blueprints.appointments import bp as appointments_bp
    from blueprints.assessment import bp as assessment_bp
    from blueprints.auth import bp as auth_bp
    from blueprints.cases import bp as cases_bp
    from blueprints.desk import bp as desk_bp
    from blueprints.inbox import bp as inbox_bp
    from blueprints.leadership import bp as leadership_bp
    from blueprints.library import bp as library_bp
    from blueprints.oversight import bp as oversight_bp
    from blueprints.prevention import bp as prevention_bp
    from blueprints.public import bp as public_bp
    from blueprints.search import bp as search_bp
    from blueprints.staffing import bp as staffing_bp
    from blueprints.workbench import bp as workbench_bp

    converters.register(app.url_map)
    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(desk_bp, url_prefix="/desk")
    app.register_blueprint(workbench_bp, url_prefix="/workbench")
    app.register_blueprint(cases_bp, url_prefix="/cases")
    app.register_blueprint(oversight_bp, url_prefix="/oversight")
    app.register_blueprint(prevention_bp, url_prefix="/prevention")
    app.register_blueprint(leadership_bp, url_prefix="/leadership")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(search_bp, url_prefix="/search")
    app.register_blueprint(staffing_bp, url_prefix="/staffing")
    app.register_blueprint(assessment_bp, url_prefix="/assessment")
    app.register_blueprint(library_bp, url_prefix="/library-review")
    app.register_blueprint(inbox_bp, url_prefix="/inbox")
    app.register_blueprint(appointments_bp, url_prefix="/centre/appointments")


def register_templating(app: Flask) -> None:
    from blueprints import template_helpers

    if app.config.get("TESTING") or app.config.get("ENV_NAME") == "development":
        app.jinja_env.undefined = StrictUndefined
    app.jinja_env.globals.update(template_helpers.GLOBALS)
    app.jinja_env.filters.update(template_helpers.FILTERS)
    # flask_babel's lazy strings declare themselves safe HTML (__html__), so a message made
    # with lazy_gettext that quotes what someone typed (a party's name in a refusal) would be
    # printed unescaped. Every {{ … }} turns them into plain text first, which is escaped.
    app.jinja_env.finalize = template_helpers.plain_text


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)


def register_security(app: Flask) -> None:
    @app.before_request
    def _request_nonce():
        g.request_id = secrets.token_hex(4)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if not app.debug and app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        # Pages differ for htmx requests (fragment) and plain ones (full page).
        response.vary.add("HX-Request")
        if request.endpoint and not request.endpoint.startswith("static"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def _error_page(template: str, status: int, message=None):
    from blueprints.htmx import is_htmx

    if is_htmx():
        return render_template("errors/fragment.html", status=status, message=message), status
    return render_template(template, status=status, message=message), status


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(400)
    def bad_request(error):
        return _error_page("errors/400.html", 400)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _error_page(
            "errors/400.html",
            400,
            _l("Your form expired or came from elsewhere. Please reload the page and try again."),
        )

    @app.errorhandler(403)
    def forbidden(error):
        return _error_page("errors/403.html", 403)

    @app.errorhandler(404)
    def not_found(error):
        return _error_page("errors/404.html", 404)

    @app.errorhandler(405)
    def method_not_allowed(error):
        return _error_page("errors/404.html", 405)

    @app.errorhandler(413)
    def too_large(error):
        return _error_page("errors/400.html", 413, _l("The file is larger than 10 MB."))

    @app.errorhandler(429)
    def too_many(error):
        return _error_page("errors/429.html", 429)

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return _error_page("errors/500.html", 500)


def register_cli(app: Flask) -> None:
    from cli import register

    register(app)
