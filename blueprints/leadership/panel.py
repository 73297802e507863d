"""The case page's leadership panel: the case's responsible leader (包案) with the three 包, and
the meeting decisions on the case (each marked done by its owner). Shown when there is one of
them, or to a leader when the case may be assigned (suggested for red or orange risk and
flagged cases). The forms live on the leadership pages; only "mark done" posts from here."""

from __future__ import annotations

from blueprints.leadership.forms import DoneForm
from blueprints.panels import Panel, panel
from domain import leadership as lead
from domain.calendar import local_today
from models import Case, User
from models.leadership import Bao

LEADERSHIP = "leadership"


@panel(LEADERSHIP)
def leadership_panel(case: Case, user: User) -> Panel | None:
    assignments = lead.assignments_of(case)
    decisions = lead.decisions_on(case)
    may_assign = lead.may_assign(user, case)
    if not assignments and not decisions and not (may_assign and lead.suggested(case)):
        return None
    # "Mark done" for each decision the user owns: forms of the panel kit (blueprints.panels),
    # so the page's write checks know them like every other case-page form.
    forms = {
        f"done{d.id}": (
            lambda failed, d=d: (
                failed or DoneForm(formdata=None, prefix=f"done{d.id}", version=d.version)
            )
        )
        for d in decisions
        if lead.may_complete(user, d)
    }
    return Panel(
        LEADERSHIP,
        "leadership/case_panel.html",
        {
            "assignments": assignments,
            "decisions": decisions,
            "may_assign": may_assign,
            "suggested": lead.suggested(case),
            "bao": list(Bao),
            "today": local_today(),
            "may_issue": lead.may_issue(user),
        },
        forms=forms,
    )
