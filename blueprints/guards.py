"""Blueprint-wide protection: staff faces are closed by default (login + role)."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from domain.permissions import FACE_ROLES
from extensions import login_manager


def protect(bp: Blueprint, face: str) -> None:
    """Every route of `bp` needs a logged-in user whose role may use `face`."""

    @bp.before_request
    def _require_role():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role not in FACE_ROLES[face]:
            abort(403)
        return None
