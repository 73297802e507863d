"""Staff accounts, managed by administrators within their region.

An administrator manages the users of the organisations inside their own organisation's region
(a city administrator: the whole city). Every function takes the acting administrator, checks
that scope, and raises ValidationFailed with the offending form field.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from domain import passwords, staff_sessions
from domain.errors import NotPermitted, ValidationFailed
from domain.ids import is_row_id
from domain.passwords import MIN_PASSWORD_LENGTH as MIN_PASSWORD_LENGTH
from extensions import db
from models import Organisation, Region, StaffSession, User, code_range
from models.enums import DisputeType, Role


def organisation_scope(admin: User) -> sa.ColumnElement[bool]:
    """SQL condition on Organisation (joined with its Region): inside the admin's region."""
    low, high = code_range(admin.organisation.region.code)
    return sa.and_(Region.code >= low, Region.code < high)


def organisations_for(admin: User) -> list[Organisation]:
    """Active organisations the admin may put users in, by region code then name."""
    stmt = (
        sa.select(Organisation)
        .join(Organisation.region)
        .where(organisation_scope(admin), Organisation.active.is_(True))
        .order_by(Region.code, Organisation.name)
    )
    return list(db.session.scalars(stmt))


def user_scope(admin: User) -> sa.ColumnElement[bool]:
    """SQL condition on User: their organisation lies inside the admin's region."""
    inside = sa.select(Organisation.id).join(Organisation.region).where(organisation_scope(admin))
    return User.organisation_id.in_(inside)


def get_user_for(admin: User, user_id: int) -> User | None:
    """The user with `user_id` if `admin` may manage them; None otherwise (the view answers 404)."""
    if not is_row_id(user_id):
        return None
    return db.session.scalars(sa.select(User).where(User.id == user_id, user_scope(admin))).first()


def _check_admin(admin: User) -> None:
    if admin.role != Role.ADMIN or not admin.active:
        raise NotPermitted()


def _check_role_fits(role: Role, organisation: Organisation) -> None:
    """Mediators and directors work in a body that mediates; cases never reach a court or a
    police station through dispatch, so such an account could never receive one."""
    if Role(role) in {Role.MEDIATOR, Role.DIRECTOR} and not organisation.mediates:
        raise ValidationFailed(
            _l("Mediators and directors belong to a mediation committee or centre."),
            field="organisation",
        )


def _organisation_in_scope(admin: User, organisation: Organisation | None) -> Organisation:
    low, high = code_range(admin.organisation.region.code)
    if (
        organisation is None
        or not organisation.active
        or not low <= organisation.region.code < high
    ):
        raise ValidationFailed(
            _l("Choose an organisation inside your region."), field="organisation"
        )
    return organisation


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def create_user(
    admin: User,
    *,
    username: str,
    name: str,
    role: Role,
    organisation: Organisation | None,
    password: str,
    phone: str | None = None,
) -> User:
    """Create an active account.

    Pre-conditions: `admin` is an active administrator; the organisation is inside their region.
    The username is unique (compared without regard to case).

    Raises NotPermitted, ValidationFailed (fields username, name, organisation, password).
    """
    _check_admin(admin)
    username = (username or "").strip()
    if not username:
        raise ValidationFailed(_l("Enter a username."), field="username")
    if not _clean(name):
        raise ValidationFailed(_l("Enter the person's name."), field="name")
    taken = db.session.scalar(
        sa.select(User.id).where(sa.func.lower(User.username) == username.lower())
    )
    if taken is not None:
        raise ValidationFailed(_l("This username is already taken."), field="username")
    organisation = _organisation_in_scope(admin, organisation)
    _check_role_fits(role, organisation)
    passwords.check_new_password(
        password,
        passwords.user_words(
            username=username, name=name, organisation=organisation.name, phone=phone
        ),
    )
    user = User(
        username=username,
        name=_clean(name),
        role=Role(role),
        organisation=organisation,
        phone=_clean(phone),
        specialties=[],
        active=True,
    )
    user.set_password(password)
    try:
        # A concurrent create of the same username trips the unique index: report it on the field.
        with db.session.begin_nested():
            db.session.add(user)
    except sa.exc.IntegrityError as error:
        raise ValidationFailed(_l("This username is already taken."), field="username") from error
    return user


def update_user(
    admin: User,
    user: User,
    *,
    name: str,
    role: Role,
    organisation: Organisation | None,
    phone: str | None = None,
    specialties: list[str] | None = None,
    full_time: bool = False,
) -> None:
    """Change a user's name, role, organisation, phone and mediator profile.

    An administrator cannot take the administrator role away from themselves (they would lock
    themselves out). Changes take effect at the user's next request.

    Raises NotPermitted, ValidationFailed (fields name, role, organisation, specialties).
    """
    _check_admin(admin)
    if not _clean(name):
        raise ValidationFailed(_l("Enter the person's name."), field="name")
    role = Role(role)
    if user.id == admin.id and role != Role.ADMIN:
        raise ValidationFailed(
            _l("You cannot remove the administrator role from your own account."), field="role"
        )
    organisation = _organisation_in_scope(admin, organisation)
    _check_role_fits(role, organisation)
    codes = list(dict.fromkeys(specialties or []))
    valid = {t.value for t in DisputeType}
    if any(code not in valid for code in codes):
        raise ValidationFailed(_l("Choose dispute types from the list."), field="specialties")
    user.name = _clean(name)
    user.role = role
    user.organisation = organisation
    user.phone = _clean(phone)
    user.specialties = codes
    user.full_time = bool(full_time)
    db.session.flush()


def set_active(admin: User, user: User, active: bool) -> None:
    """Activate or deactivate an account. Deactivation also ends the user's open sessions in
    every browser. An administrator cannot deactivate themselves.

    Raises NotPermitted, ValidationFailed.
    """
    _check_admin(admin)
    if not active and user.id == admin.id:
        raise ValidationFailed(_l("You cannot deactivate your own account."))
    if user.active == active:
        return
    user.active = active
    if not active:
        user.session_epoch += 1
        staff_sessions.end_all(user, "deactivated")
    db.session.flush()


def _replace_password(user: User, password: str, keep: StaffSession | None) -> None:
    user.set_password(passwords.check_for(user, password))
    user.session_epoch += 1
    staff_sessions.end_all(user, "password", keep=keep)
    db.session.flush()


def reset_password(admin: User, user: User, password: str) -> None:
    """Set a new password and end the user's open sessions. An administrator setting their own
    keeps the session they do it in (the view gives it the new epoch).

    Raises NotPermitted, ValidationFailed (field password).
    """
    _check_admin(admin)
    _replace_password(user, password, admin.login_session if user.id == admin.id else None)


def change_own_password(user: User, *, current: str, new: str) -> None:
    """A staff member changes their own password: the current one must be right and the new
    one meet the password rule. Their other sessions end; the one they do it in continues (the
    view gives it the new epoch).

    Raises ValidationFailed (fields current, password).
    """
    if not passwords.verify_current(user, current):
        raise ValidationFailed(_l("This is not your current password."), field="current")
    if new == current:
        raise ValidationFailed(
            _l("The new password must differ from the current one."), field="password"
        )
    _replace_password(user, new, user.login_session)
