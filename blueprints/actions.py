"""Running a case action from a view: domain errors become messages, concurrent edits become
StaleCase, and the commit happens once."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm.exc import StaleDataError

from domain.errors import DomainError, StaleCase
from extensions import db


def run_action(fn: Callable[[], object]) -> DomainError | None:
    """Call `fn` (a domain function with its arguments bound) and commit.

    Returns None on success, or the DomainError to show (after rolling back). A concurrent
    update detected by the ORM's version counter at commit time is reported as StaleCase.
    """
    try:
        fn()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        return error
    except StaleDataError:
        db.session.rollback()
        return StaleCase()
    return None
