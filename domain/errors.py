"""Workflow failures. Views turn them into a flash or a field error."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """Base class: a rule of the workflow refused the action."""

    message = _l("The action could not be carried out.")

    def __init__(self, message=None, field: str | None = None):
        super().__init__(str(message or self.message))
        if message is not None:
            # Plain text, translated now: a lazy string counts as safe HTML in templates, and
            # a message may quote what someone typed (a party's name).
            self.message = str(message)
        self.field = field


class InvalidTransition(DomainError):
    """The action is not allowed in the case's current state."""

    message = _l("This action is not possible in the case's current state.")


class NotPermitted(DomainError):
    """The user's role or assignment does not allow the action on this case."""

    message = _l("You are not allowed to do this on this case.")


class StaleCase(DomainError):
    """Someone else changed the case after this user loaded it."""

    message = _l(
        "Someone else changed this case while you were working on it. "
        "The page now shows the current state; please check it and try again."
    )


class ValidationFailed(DomainError):
    """A value breaks a workflow rule (the form itself was valid)."""
