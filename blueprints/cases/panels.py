"""Action panels on the shared case page.

Each face contributes panels (screening, dispatch, assignment, session, outcome …). A panel
provider is `fn(case, user, overrides) -> Panel | None`: None when the panel does not apply to
this case or user. `overrides` carries forms with errors after a failed POST, keyed by panel
name, so the page re-renders with the user's input and the messages beside the fields.
Providers register with `@panel(order)`; the page renders them in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from models import Case, User


@dataclass
class Panel:
    name: str  # also the HTML id of the panel's region: "panel-<name>"
    template: str  # a partial that renders on its own, given `case` and `p` (this panel)
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def dom_id(self) -> str:
        return f"panel-{self.name}"


Provider = Callable[[Case, User, dict[str, Any]], Panel | None]
_PROVIDERS: list[tuple[int, Provider]] = []


def panel(order: int) -> Callable[[Provider], Provider]:
    def register(fn: Provider) -> Provider:
        _PROVIDERS.append((order, fn))
        _PROVIDERS.sort(key=lambda item: item[0])
        return fn

    return register


def panels_for(case: Case, user: User, overrides: dict[str, Any] | None = None) -> list[Panel]:
    overrides = overrides or {}
    out = []
    for _order, provider in _PROVIDERS:
        p = provider(case, user, overrides)
        if p is not None:
            out.append(p)
    return out
