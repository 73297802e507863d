"""User administration: list, create, edit, (de)activate and reset passwords of the staff
accounts inside the administrator's region. The whole blueprint is admin-only (guards.protect)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from blueprints.actions import attach_error, run_action
from blueprints.admin import bp
from blueprints.admin.forms import EditUserForm, NewUserForm, ResetPasswordForm, UserFilterForm
from blueprints.auth.forms import EmptyForm
from blueprints.forms import optional_int
from blueprints.htmx import redirect_303, render
from blueprints.pagination import keyset_page
from domain import accounts
from extensions import db
from models import Organisation, User
from models.enums import Role


def _load_user(user_id: int) -> User:
    user = accounts.get_user_for(current_user, user_id)
    if user is None:
        abort(404)
    return user


def _organisation(organisation_id: int | None) -> Organisation | None:
    return db.session.get(Organisation, organisation_id) if organisation_id else None


@bp.route("/users")
def users():
    """User list with organisation and role filters (admin)."""
    form = UserFilterForm(request.args, organisations=accounts.organisations_for(current_user))
    stmt = sa.select(User).where(accounts.user_scope(current_user))
    if form.validate():
        if form.organisation.data:
            stmt = stmt.where(User.organisation_id == form.organisation.data)
        if form.role.data:
            stmt = stmt.where(User.role == Role(form.role.data))
    page = keyset_page(
        stmt,
        [User.username],
        [str],
        request.args.get("after"),
        current_app.config["PAGE_SIZE"],
        key=lambda u: [u.username],
    )
    return render(
        "admin/users.html",
        "admin/partials/user_rows.html",
        targets=("user-results",),
        form=form,
        results=page,
    )


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    """Create a staff account (admin)."""
    form = NewUserForm()
    form.set_choices(accounts.organisations_for(current_user))
    if request.method == "GET":
        # "Add an account here" on an organisation's page names it (one of the choices).
        chosen = optional_int(request.args.get("organisation"))
        if chosen in {value for value, _label in form.organisation.choices}:
            form.organisation.data = chosen
    if form.validate_on_submit():
        created: list[User] = []
        error = run_action(
            lambda: created.append(
                accounts.create_user(
                    current_user,
                    username=form.username.data,
                    name=form.name.data,
                    role=Role(form.role.data),
                    organisation=_organisation(form.organisation.data),
                    password=form.password.data,
                    phone=form.phone.data,
                )
            )
        )
        if error is None:
            flash(_("Account %(username)s created.", username=created[0].username), "success")
            return redirect_303(url_for("admin.edit_user", user_id=created[0].id))
        attach_error(form, error, unplaced="flash")
    return render_template(
        "admin/new_user.html", form=form, min_password_length=accounts.MIN_PASSWORD_LENGTH
    )


def _edit_page(user: User, form=None, reset_form=None):
    if form is None:
        form = EditUserForm(
            data={
                "name": user.name,
                "role": user.role.value,
                "organisation": user.organisation_id,
                "phone": user.phone,
                "specialties": list(user.specialties or []),
                "full_time": user.full_time,
            },
            formdata=None,
        )
        form.set_choices(accounts.organisations_for(current_user))
    return render_template(
        "admin/edit_user.html",
        user=user,
        form=form,
        reset_form=reset_form or ResetPasswordForm(formdata=None),
        min_password_length=accounts.MIN_PASSWORD_LENGTH,
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    """Edit a staff account's name, role, organisation and mediator profile (admin)."""
    user = _load_user(user_id)
    if request.method == "GET":
        return _edit_page(user)
    form = EditUserForm()
    form.set_choices(accounts.organisations_for(current_user))
    if form.validate_on_submit():
        error = run_action(
            lambda: accounts.update_user(
                current_user,
                user,
                name=form.name.data,
                role=Role(form.role.data),
                organisation=_organisation(form.organisation.data),
                phone=form.phone.data,
                specialties=form.specialties.data,
                full_time=form.full_time.data,
            )
        )
        if error is None:
            flash(_("Changes to %(username)s saved.", username=user.username), "success")
            return redirect_303(url_for("admin.edit_user", user_id=user.id))
        attach_error(form, error, unplaced="flash")
    return _edit_page(user, form=form)


def _set_active(user_id: int, active: bool):
    user = _load_user(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    error = run_action(lambda: accounts.set_active(current_user, user, active))
    if error is not None:
        flash(str(error.message), "error")
    elif active:
        flash(_("Account %(username)s activated.", username=user.username), "success")
    else:
        flash(
            _(
                "Account %(username)s deactivated; its open sessions have ended.",
                username=user.username,
            ),
            "success",
        )
    return redirect_303(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
def deactivate_user(user_id: int):
    """Deactivate an account and end its sessions; not one's own (admin)."""
    return _set_active(user_id, False)


@bp.route("/users/<int:user_id>/activate", methods=["POST"])
def activate_user(user_id: int):
    """Re-activate an account (admin)."""
    return _set_active(user_id, True)


@bp.route("/users/<int:user_id>/password", methods=["POST"])
def reset_password(user_id: int):
    """Set a new password for an account and end its sessions (admin)."""
    user = _load_user(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        error = run_action(lambda: accounts.reset_password(current_user, user, form.password.data))
        if error is None:
            if user.id == current_user.id:
                login_user(user)  # the new session epoch would otherwise log the admin out
            flash(_("New password set for %(username)s.", username=user.username), "success")
            return redirect_303(url_for("admin.edit_user", user_id=user.id))
        attach_error(form, error, unplaced="flash")
    return _edit_page(user, reset_form=form)
