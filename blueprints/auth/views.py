import math
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from blueprints.auth import bp, throttle
from blueprints.auth.forms import ChangePasswordForm, EmptyForm, LoginForm
from blueprints.htmx import redirect_303
from domain import accounts, passwords, staff_sessions
from domain.errors import DomainError
from domain.passwords import MIN_PASSWORD_LENGTH
from extensions import db
from models.enums import Role

HOME_BY_ROLE = {
    Role.CLERK: "desk.overview",
    Role.MEDIATOR: "workbench.queue",
    Role.DIRECTOR: "workbench.queue",
    Role.LEADER: "oversight.dashboard",
    Role.ADMIN: "admin.home",
}


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths; never an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _wait_text(seconds: int) -> str:
    if seconds < 120:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    return ngettext("%(num)d minute", "%(num)d minutes", math.ceil(seconds / 60))


@bp.before_app_request
def _keep_session_alive():
    """Note when a staff session was last used (at most every few minutes), at the start of
    the request while nothing else is pending in the database session."""
    if request.endpoint == "static" or "_user_id" not in session:
        return
    if current_user.is_authenticated and staff_sessions.touch(current_user):
        db.session.commit()


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Staff login page (anyone). Failed attempts slow down guessing (blueprints/auth/throttle.py)
    without keeping the real user out of the browsers they have used before."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = LoginForm()
    errors: list[str] = []
    delay = None
    status = 200
    if form.validate_on_submit():
        attempt = throttle.attempt(form.username.data)
        wait = throttle.wait_seconds(attempt)
        if wait:
            delay = _("Please wait %(wait)s, then try again.", wait=_wait_text(wait))
            status = 429
        else:
            user = passwords.authenticate(form.username.data, form.password.data)
            if user is not None:
                throttle.record_success(attempt)
                session.clear()  # nothing from before the login survives it (fixation)
                staff_sessions.start(user, request.headers.get("User-Agent"))
                login_user(user)
                user.last_login_at = datetime.now(UTC)
                db.session.commit()
                response = redirect(_safe_next(request.args.get("next")) or url_for("auth.home"))
                throttle.remember_device(response, attempt)
                return response
            throttle.record_failure(attempt)
            # One message whether the user exists or not.
            errors = [_("Wrong username or password, or the account is deactivated.")]
    return render_template("auth/login.html", form=form, errors=errors, delay=delay), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (POST with CSRF, so a link elsewhere cannot log staff out). Ends this login
    session on the server: a copy of the cookie no longer works. Other browsers stay in."""
    form = EmptyForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            staff_sessions.end(current_user)
            db.session.commit()
        logout_user()
        session.clear()
        flash(_("You have logged out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's own password (every staff role). The other sessions end; this one goes on."""
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        key = f"password/{current_user.id}"
        wait = throttle.limited(key, "JIEFEN_LIMIT_PASSWORD_CHANGE")
        if wait:
            form.current.errors = [
                _(
                    "Too many wrong passwords. Please wait %(wait)s, then try again.",
                    wait=_wait_text(wait),
                )
            ]
            status = 429
        else:
            user = current_user._get_current_object()
            try:
                accounts.change_own_password(
                    user, current=form.current.data, new=form.password.data
                )
                db.session.commit()
            except DomainError as error:
                db.session.rollback()
                if error.field == "current":
                    throttle.count(key, "JIEFEN_LIMIT_PASSWORD_CHANGE")
                form[error.field or "password"].errors = [str(error.message)]
            else:
                login_user(user)  # this session carries the new password epoch
                flash(
                    _("Your password has been changed. You have been logged out everywhere else."),
                    "success",
                )
                return redirect_303(url_for("auth.home"))
    idle = current_app.permanent_session_lifetime
    others = [
        s
        for s in staff_sessions.open_sessions(current_user, idle)
        if s is not current_user.login_session
    ]
    return render_template(
        "auth/password.html", form=form, others=others, min_length=MIN_PASSWORD_LENGTH
    ), status


@bp.route("/home")
@login_required
def home():
    """Each role's start page."""
    return redirect(url_for(HOME_BY_ROLE[current_user.role]))
