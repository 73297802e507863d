"""Risk in the demo world (PML Art. 25): two of the cases `mediator` is mediating are flagged
as likely to lead to a public-order or criminal case. The first was reported to the police
station by phone the same day; the second is not reported yet, so it carries the warning on its
page and in the lists. Runs after every case is made, and draws no random numbers, so the rest
of the world stays as it was."""

from __future__ import annotations

from datetime import datetime, timedelta

from demo.world import DemoWorld
from domain import risk
from models import Case
from models.enums import RiskLevel
from models.risk import ReportMethod, ReportRecipient, RiskFlag
from models.states import CaseState

POLICE_STATION = "公安县公安局埠河派出所"


def _latest(case: Case) -> datetime:
    return max((e.at for e in case.events), default=case.created_at)


def flag_risks(world: DemoWorld, made: list[Case]) -> None:
    mediator = world.users.get("mediator")
    if mediator is None:
        return
    mine = [c for c in made if c.state == CaseState.MEDIATING and c.presiding_mediator is mediator]
    if len(mine) < 2:
        return
    reported, owed = mine[0], mine[1]

    at = world.clock.soon(_latest(reported), 90)
    world.clock.step(
        at,
        risk.set_risk,
        reported,
        mediator,
        version=None,
        level=RiskLevel.RED,
        flags=[RiskFlag.CIVIL_TO_CRIMINAL, RiskFlag.PUBLIC_ORDER_OR_CRIMINAL],
        reason="调解中被申请人情绪激动，扬言要“找人收拾”申请人一家，双方亲属多次发生推搡。",
    )
    at = world.clock.soon(at, 25)
    world.clock.step(
        at,
        risk.report_to_police,
        reported,
        mediator,
        version=None,
        data=risk.ReportData(
            recipient_kind=ReportRecipient.POLICE,
            recipient_name=POLICE_STATION,
            received_by="值班民警",
            reported_at=at - timedelta(minutes=10),
            method=ReportMethod.PHONE,
            content=(
                "该纠纷双方积怨较深，被申请人多次扬言报复，双方亲属已发生推搡，"
                "存在引发治安案件甚至刑事案件的风险。请派出所掌握情况，必要时出警并参与联调。"
            ),
            measures="已分别做双方当事人及亲属的疏导工作，约定暂停面对面调解，由村干部每日走访。",
        ),
        now=at,
    )

    at = world.clock.soon(_latest(owed), 60)
    world.clock.step(
        at,
        risk.set_risk,
        owed,
        mediator,
        version=None,
        level=RiskLevel.ORANGE,
        flags=[RiskFlag.PUBLIC_ORDER_OR_CRIMINAL, RiskFlag.REPEAT_PETITION],
        reason="申请人称若调解不成将“自己解决”，且已就同一纠纷多次到镇里反映。",
    )
