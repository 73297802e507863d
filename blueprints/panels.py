"""The action panels of the staff case page: their order, what a panel is, and how the page
builds them.

A panel is a short summary of one area of the case (its consent, its records, its agreement…)
and the forms the user may open there. A provider, registered with `@panel("name")`, decides
whether the panel applies to this case and user and what it shows; it returns None when it
does not apply. Forms are not built with the page: a provider names each form it offers with
a key and a factory (`forms={"accept": factory}`), and the form is built only when the user
opens it (`?open=accept`, see `cases.panel`) or when a refused POST brings it back with the
user's input. The page therefore stays short and cheap however many actions a case allows.

A factory takes the refused form to put back (or None) and returns what the open form's
template needs: usually the form itself, with its choices filled in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from models import Case, User

# The order of the panels on the page, top to bottom: the one list to edit when a panel is
# added. Every registered provider must be named here (tests/blueprints/test_panel_kit.py).
ORDER = (
    "screen",
    "referral",
    "risk",
    "leadership",
    "corrections",
    "dispatch",
    "assign_mediator",
    "consent",
    "messages",
    "mediators",
    "recusal",
    "schedule",
    "session",
    "investigation",
    "experts",
    "records",
    "outcome",
    "agreement",
    "performance",
    "follow_up",
    "party_reports",
    "confirmation",
    "closing",
    "transfer",
    "closing_notice",
    "service",
    "archive",
    "library",
    "links",
    "documents",
    "outbox",
    "reset_code",
    "merged_timelines",
)

Factory = Callable[[Any], Any]


@dataclass
class Opening:
    """Which form of a panel is open: its key and, after a refused POST, the form with the
    user's input and the messages (None for a fresh form)."""

    key: str
    form: Any = None


@dataclass
class Panel:
    name: str  # also the HTML id of the panel's region: "panel-<name>"
    template: str  # a partial that renders on its own, given `case` and `p` (this panel)
    context: dict[str, Any] = field(default_factory=dict)
    forms: dict[str, Factory] = field(default_factory=dict)  # what the user may open, by key
    opening: Opening | None = None
    _built: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def dom_id(self) -> str:
        return f"panel-{self.name}"

    @property
    def opened(self) -> str | None:
        """The key of the open form, if the user may still open it."""
        if self.opening is not None and self.opening.key in self.forms:
            return self.opening.key
        return None

    def is_open(self, key: str) -> bool:
        return self.opened == key

    def form(self, key: str) -> Any:
        """The form behind `key`, built on first use: the refused one when it is the open
        one, else a fresh one."""
        if key not in self._built:
            failed = self.opening.form if self.opened == key else None
            self._built[key] = self.forms[key](failed)
        return self._built[key]


Provider = Callable[[Case, User], Panel | None]
_PROVIDERS: dict[str, Provider] = {}


def panel(name: str) -> Callable[[Provider], Provider]:
    """Register the provider of the panel `name` (which must be in ORDER)."""
    if name not in ORDER:
        raise ValueError(f"panel {name!r} is not in blueprints.panels.ORDER")

    def register(fn: Provider) -> Provider:
        _PROVIDERS[name] = fn
        return fn

    return register


def registered() -> dict[str, Provider]:
    return dict(_PROVIDERS)


def fresh(cls, case: Case, prefix: str, **data) -> Factory:
    """A factory for the common case: the refused form, else a blank `cls` for this case
    (`formdata=None`: a panel built while another panel's POST is answered must not pick up
    that request's fields)."""
    return lambda failed: failed or cls(formdata=None, prefix=prefix, version=case.version, **data)


def build(name: str, case: Case, user: User, opening: Opening | None = None) -> Panel | None:
    """The panel `name` for this case and user (None when it does not apply)."""
    provider = _PROVIDERS.get(name)
    p = provider(case, user) if provider is not None else None
    if p is not None:
        p.opening = opening
    return p


def panels_for(case: Case, user: User, opened: tuple[str, Opening] | None = None) -> list[Panel]:
    """Every panel that applies, in ORDER; `opened` = (panel name, opening) shows one form."""
    out = []
    for name in ORDER:
        p = build(name, case, user, opened[1] if opened and opened[0] == name else None)
        if p is not None:
            out.append(p)
    return out
