from datetime import UTC, datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from blueprints.auth import bp
from blueprints.auth.forms import EmptyForm, LoginForm
from extensions import db, limiter
from models import User
from models.enums import Role

HOME_BY_ROLE = {
    Role.CLERK: "desk.overview",
    Role.MEDIATOR: "workbench.queue",
    Role.DIRECTOR: "workbench.queue",
    Role.LEADER: "oversight.cases",
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


def _login_limit() -> str:
    return current_app.config["JIEFEN_LIMIT_LOGIN"]


def _username_key() -> str:
    return "login:" + (request.form.get("username") or "").strip().lower()


@bp.route("/login", methods=["GET", "POST"])
# Only failed attempts count (a success redirects), so staff switching accounts at a shared
# counter are not locked out, while password guessing is.
@limiter.limit(_login_limit, methods=["POST"], deduct_when=lambda r: r.status_code != 302)
@limiter.limit(
    _login_limit,
    methods=["POST"],
    key_func=_username_key,
    deduct_when=lambda r: r.status_code != 302,
)
def login():
    """Staff login page (anyone). Throttled per address and per username."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = db.session.scalar(sa.select(User).where(User.username == form.username.data.strip()))
        if user is not None and user.active and user.check_password(form.password.data):
            session.clear()
            login_user(user)
            user.last_login_at = datetime.now(UTC)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")) or url_for("auth.home"))
        # One message whether the user exists or not.
        error = _("Wrong username or password, or the account is deactivated.")
    return render_template("auth/login.html", form=form, error=error)


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (POST with CSRF, so a link elsewhere cannot log staff out)."""
    form = EmptyForm()
    if form.validate_on_submit():
        logout_user()
        session.clear()
        flash(_("You have logged out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/home")
@login_required
def home():
    """Each role's start page."""
    return redirect(url_for(HOME_BY_ROLE[current_user.role]))
