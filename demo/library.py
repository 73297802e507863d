"""The typical-case library in the demo world (典型案例库, seed 002): three closed cases of the
demo director's committee proposed by their mediators, two published (one agreed, one
failed), one waiting for the director's review. The texts name the parties as mediators write
them; the anonymiser takes the names out, as it does for real proposals."""

from __future__ import annotations

import sqlalchemy as sa

from demo.world import DemoWorld
from domain import library
from extensions import db
from models import Case, LibraryEntry
from models.enums import DisputeType
from models.states import CaseState

STORIES = [
    (
        DisputeType.LL,
        "邻里排水沟堵塞纠纷，调解员现场勘查后化解",
        "{a}与邻居{b}房屋相邻，{b}翻修院墙时将共用排水沟部分填埋，雨季{a}家院内积水，"
        "双方多次争吵。{a}要求恢复排水沟并赔偿损失1500元。",
        "调解员先分别听取双方意见，再约双方到现场共同查看排水走向，请村组干部说明排水沟原貌；"
        "释明相邻关系应当便利排水的法律规定，引导双方算清损失。",
        "{b}同意三日内自费疏通并加盖盖板，赔偿{a}800元，双方当场履行。",
        "相邻纠纷先到现场，让事实说话；小额损失可以当场算清、当场履行。",
    ),
    (
        DisputeType.LDZY,
        "务工工资拖欠纠纷，分期支付方案达成一致",
        "{a}在{b}承包的工地务工三个月，工程结束后{b}以发包方未结算为由拖欠工资8600元。",
        "调解员核对考勤记录和工友证言，向{b}说明欠薪的法律责任，同时了解其资金困难；"
        "提出分期支付方案，并请村委会见证。",
        "双方约定分两期付清，第一期5000元当月支付，余款两个月内付清，已按期履行。",
        "欠薪纠纷既要讲清法律责任，也要找到对方付得出的方案。",
    ),
    (
        DisputeType.HYJT,
        "家庭赡养纠纷，亲情调解促成子女分担赡养费",
        "{a}年逾七旬，三个子女因赡养费分担问题互相推诿，{a}申请调解，要求每月给付赡养费。",
        "调解员请家族长辈参与，分别与子女谈心，讲明赡养义务，结合各自收入提出分担比例。",
        "子女同意每月各给付赡养费400元，轮流照顾老人起居。",
        "",
    ),
]


def load_library(world: DemoWorld) -> None:
    director = world.users.get("director")
    if director is None:
        return
    cases = list(
        db.session.scalars(
            sa.select(Case)
            .where(
                Case.handling_org_id == director.organisation_id,
                Case.state.in_([CaseState.AGREED, CaseState.ARCHIVED, CaseState.FAILED]),
                ~Case.id.in_(sa.select(LibraryEntry.case_id)),
            )
            .order_by(Case.id)
            .limit(300)
        )
    )
    made = 0
    for kind, title, *parts in STORIES:
        # A case of the story's type if the committee has one, else any of its closed cases.
        ordered = sorted(cases, key=lambda c: c.dispute_type != kind)
        for case in ordered:
            mediator = next((m.user for m in case.mediators if m.active), None)
            if mediator is None or not library.may_propose(mediator, case):
                continue
            if library.live_entry(case) is not None:
                continue
            names = [p.name for p in case.parties] + ["对方", "对方"]
            fill = {"a": names[0], "b": names[1]}
            text = library.Text(title, *(p.format(**fill) for p in parts))
            entry = library.propose(case, mediator, text, version=None)
            db.session.flush()
            if made < 2:  # the director publishes two; the third waits for review
                library.publish(entry, director, _text(entry), version=entry.version)
            made += 1
            break
    db.session.flush()
    world.result.created["library entries"] = made


def _text(entry: LibraryEntry) -> library.Text:
    return library.Text(entry.title, entry.facts, entry.mediation, entry.outcome, entry.lesson)
