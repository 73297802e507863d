"""The parties' own area in the demo world: on the case whose respondent was invited
(respondents.py), the respondent writes to the mediator with a photo of a receipt, and the
mediator answers. Open it with the printed invitation code (/respond) to see the thread, and
on the case page (the "Messages with the parties" panel) to share the photo with the other
side. Runs after the invitations, at the real time, and draws no random numbers."""

from __future__ import annotations

import sqlalchemy as sa

from demo.aftercare import DEMO_SCAN
from demo.world import DemoWorld
from domain import party_area
from extensions import db
from models import Case


def load_party_messages(world: DemoWorld) -> None:
    if not world.result.invitation_codes:
        return
    number, _name, _code = world.result.invitation_codes[0]
    case = db.session.scalar(sa.select(Case).where(Case.number == number))
    party = next((p for p in case.respondents if not p.withdrawn), None) if case else None
    # Whoever holds the case answers: its mediator, or the desk before dispatch.
    staff = [world.users.get(u) for u in ("mediator", "clerk")]
    mediator = next((u for u in staff if u and party_area.may_converse(u, case)), None)
    if party is None or mediator is None:
        return
    party_area.send_message(
        case,
        party,
        "您好，我是被申请人。附上当时的付款收据照片，请调解员看一下。下周一到周三我都有空。",
        DEMO_SCAN,
    )
    party_area.reply(
        case,
        party,
        mediator,
        "收到，谢谢。收据我们会核对，调解时间确定后再通知您。",
    )
    world.result.created["party_messages"] = 2
