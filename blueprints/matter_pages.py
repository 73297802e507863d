"""What the pages of matters that are not cases share (staffing, assessment): running a domain
verb with one commit, and the words of a matter's record."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from domain.errors import DomainError
from domain.staffing import StaleRecord
from extensions import db


def run(fn: Callable[[], object]) -> DomainError | None:
    try:
        fn()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        return error
    except StaleDataError:
        db.session.rollback()
        return StaleRecord()
    return None


def matter_action(action: str) -> str:
    """The record's action words, translated (the record stores a plain code)."""
    return {
        "scored": _("Scored"),
        "recomputed": _("Recomputed from the data"),
        "entered": _("Item entered"),
        "registered": _("Added to the registry"),
        "changed": _("Details changed"),
    }.get(action, action)
