"""Optimistic locking: the form carries the case version the user saw."""

from __future__ import annotations

from domain.errors import StaleCase
from models import Case


def check_version(case: Case, version: int | None) -> None:
    """Raise StaleCase if the case changed since the user loaded it.

    The ORM's version counter also guards the UPDATE itself, for two requests that pass this
    check at the same moment; the view turns that StaleDataError into StaleCase too.
    """
    if version is not None and version != case.version:
        raise StaleCase()
