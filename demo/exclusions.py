"""Four cases of 公安县 that show what the law keeps out and what a stopped clock means, made
after the rest of the demo with their own random generator (the other cases stay as they are):

- a walk-in not accepted at screening: the dispute is already before the court (MOJ-2002
  Art. 22), with the channel to use instead (Art. 24) on the non-acceptance notice;
- a case of user `mediator` suspended before its deadline and now past that old date: shown
  as "suspended since …", never overdue;
- two agreements of user `mediator` in their 30-day window for judicial confirmation: one
  whose terms decide who owns a house (a warning to clear), one with a term a party disputes
  (refused until the dispute is settled).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from demo.people import mobile, person_name, resident_id
from demo.world import DemoWorld
from domain.agreements import record_performance, sign_agreement, signers
from domain.calendar import CHINA, local_today
from domain.closing import suspend
from domain.consent import acknowledge_notice, record_consent
from domain.dispatch import assign_mediator, dispatch_to_organisation
from domain.intake import CaseData, PartyData, register_case
from domain.mediation import AgreementData, record_agreement, record_session
from domain.recusal import declare_no_conflict
from domain.routing import suggest_organisation
from domain.screening import ScreeningData, accept_case, screen_case
from models import Case
from models.enums import (
    AgreementKind,
    Channel,
    ConsentStatus,
    ContactMethod,
    DisputeType,
    Exclusion,
    NoticeAck,
    PartyRole,
    Performance,
    SessionMode,
    Sex,
)

COUNTY = "421022"


class _Maker:
    def __init__(self, world: DemoWorld) -> None:
        self.world = world
        self.rng = random.Random(world.seed * 1000 + 22)  # not the world's: nothing else moves
        self.desk = world.users["clerk"]
        self.mediator = world.users["mediator"]
        self.director = world.users.get("director") or self.desk
        buhe = world.townships(COUNTY)[0]
        self.village = world.villages(buhe.code)[0]
        self.centre = world.orgs[world.township_centre[buhe.code]]

    def at(self, days_ago: int, hour: int, minute: int = 0) -> datetime:
        """A moment `days_ago` days ago at hour:minute in China, never after now."""
        day = self.world.today - timedelta(days=days_ago)
        moment = datetime.combine(day, time(hour, minute), tzinfo=CHINA).astimezone(UTC)
        return min(moment, self.world.now - timedelta(minutes=30 - minute % 10))

    def party(self, role: PartyRole, sex: Sex, born: int) -> PartyData:
        name, sex = person_name(self.rng, sex)
        return PartyData(
            role=role,
            name=name,
            sex=sex,
            age=self.world.today.year - born,
            phone=mobile(self.rng),
            id_number=resident_id(self.rng, COUNTY, born, sex),
            address=f"公安县{self.world.place_name(self.village)}",
        )

    def register(self, dtype: DisputeType, summary: str, requests: list[str], when) -> Case:
        data = CaseData(
            region=self.village,
            dispute_type=dtype,
            summary=summary,
            requests=requests,
            parties=[
                self.party(PartyRole.APPLICANT, Sex.FEMALE, 1968),
                self.party(PartyRole.RESPONDENT, Sex.MALE, 1971),
            ],
        )
        case, _code = self.world.clock.step(
            when, register_case, data, self.desk, channel=Channel.WALK_IN, now=when
        )
        return case

    def to_mediation(self, case: Case, accepted: datetime) -> None:
        """Screened in, dispatched to the 埠河镇 centre, `mediator` presiding, every party's
        consent and notice, the mediator's declaration (PML Arts. 17, 23-24; MOJ-2002 Art. 30)."""
        step = self.world.clock.step
        note = "已核实：未起诉、未申请仲裁，亦未由行政机关受理"
        step(
            accepted,
            accept_case,
            case,
            self.desk,
            version=None,
            screening=ScreeningData.clear(note=note),
            now=accepted,
        )
        suggested = suggest_organisation(case)
        reason = None
        if suggested is None or suggested.organisation.id != self.centre.id:
            reason = "涉及金额较大，由镇调处中心调解"
        later = accepted + timedelta(hours=1)
        step(
            later,
            dispatch_to_organisation,
            case,
            self.centre,
            self.desk,
            version=None,
            reason=reason,
        )
        later += timedelta(hours=2)
        step(later, assign_mediator, case, self.mediator, self.director, version=None)
        step(later, declare_no_conflict, case, self.mediator, version=None)
        for party in case.parties:
            later += timedelta(minutes=10)
            step(
                later,
                record_consent,
                case,
                party,
                self.mediator,
                version=None,
                status=ConsentStatus.AGREED,
                method=ContactMethod.PHONE,
                now=later,
            )
            step(
                later,
                acknowledge_notice,
                case,
                party,
                self.mediator,
                version=None,
                how=NoticeAck.ORAL,
                now=later,
            )

    def session(self, case: Case, when: datetime, notes: str) -> None:
        self.world.clock.step(
            when,
            record_session,
            case,
            self.mediator,
            version=None,
            held_at=when,
            place=f"{self.centre.name}调解室",
            mode=SessionMode.IN_PERSON,
            notes=notes,
        )

    def agree(self, case: Case, when: datetime, data: AgreementData) -> None:
        step = self.world.clock.step
        step(when, record_agreement, case, self.mediator, version=None, data=data, now=when)
        signed = when + timedelta(minutes=40)
        for row in signers(case):
            step(
                signed,
                sign_agreement,
                case,
                self.mediator,
                version=None,
                signer=row.kind,
                party=row.party,
                signed_on=local_today(signed),
                now=signed,
            )


def load_exclusion_cases(world: DemoWorld) -> None:
    """The four cases described above (公安县, 埠河镇)."""
    make = _Maker(world)
    _screened_out(make)
    _suspended_past_deadline(make)
    _ownership_agreement(make)
    _disputed_agreement(make)
    world.result.created["cases"] = world.result.created.get("cases", 0) + 4


def _screened_out(make: _Maker) -> None:
    year = make.world.today.year
    case = make.register(
        DisputeType.HT,
        "申请人称被申请人于前年借款3万元，约定一年内归还，至今未还。申请人已于上月向公安县人民法院"
        f"起诉（（{year}）鄂1022民初1234号），现又来中心要求调解。",
        ["被申请人归还借款3万元"],
        make.at(3, 9, 40),
    )
    when = make.at(3, 10, 5)
    screening = ScreeningData(
        {Exclusion.COURT: True, Exclusion.ADMINISTRATIVE: False, Exclusion.RESERVED: False},
        note=f"申请人出示公安县人民法院受理案件通知书（（{year}）鄂1022民初1234号），法院已立案，尚未开庭。",
        redirect_advice="该纠纷已由公安县人民法院立案受理，请向公安县人民法院（公安县斗湖堤镇）了解"
        "诉讼进展；诉讼中可以申请法院主持调解，双方自行和解的也可以申请撤诉。",
    )
    make.world.clock.step(
        when, screen_case, case, make.desk, version=None, screening=screening, now=when
    )
    make.world.result.state_counts[case.state] += 1


def _suspended_past_deadline(make: _Maker) -> None:
    """Accepted 61 days ago (30 days: due 31 days ago), suspended 45 days ago, before its
    deadline: the clock stopped with 14 days left, so it is not overdue."""
    case = make.register(
        DisputeType.SHPC,
        "被申请人驾驶农用三轮车倒车时撞伤申请人左腿，申请人住院治疗二十余天，双方就医疗费、"
        "误工费及伤残赔偿协商未果。",
        ["赔偿医疗费、误工费等损失", "按伤残等级赔偿"],
        make.at(62, 9, 20),
    )
    make.to_mediation(case, make.at(61, 10, 0))
    make.session(
        case,
        make.at(52, 15, 0),
        "双方对医疗费无异议，对伤残赔偿分歧较大，申请人已申请伤残等级鉴定。",
    )
    when = make.at(45, 11, 0)
    make.world.clock.step(
        when,
        suspend,
        case,
        make.mediator,
        version=None,
        reason="需等待伤残等级鉴定结果，鉴定机构预计两个月内出具意见",
        now=when,
    )
    make.world.result.state_counts[case.state] += 1


def _ownership_agreement(make: _Maker) -> None:
    """Heirs divide their parents' house: 'the house belongs to the applicant' decides who owns
    it, which a court does not confirm (CPL Interpretation Art. 355): a warning to clear."""
    case = make.register(
        DisputeType.HYJT,
        "申请人与被申请人系姐弟。父母去世后在埠河镇留有房屋一栋及存款若干，双方对房屋归属和存款"
        "分配意见不一。",
        ["依法分割父母遗留的房屋及存款"],
        make.at(20, 9, 0),
    )
    make.to_mediation(case, make.at(20, 11, 0))
    make.session(
        case, make.at(9, 14, 30), "双方同意房屋由申请人居住使用，申请人给予被申请人折价补偿。"
    )
    agreed = make.at(9, 16, 0)
    make.agree(
        case,
        agreed,
        AgreementData(
            kind=AgreementKind.WRITTEN,
            facts="父母去世后留有房屋一栋及存款8万元，双方对分割意见不一。",
            issues="房屋归谁所有、如何折价补偿，存款如何分配。",
            responsibilities="双方均为第一顺序继承人，应协商分割遗产。",
            terms=[
                "父母遗留的房屋归申请人所有",
                "申请人于一个月内向被申请人支付房屋折价款60000元",
                "父母遗留存款80000元由双方平均分配",
            ],
            agreed_on=local_today(agreed),
            performance_manner="银行转账",
            performance_place=make.centre.name,
            performance_deadline=local_today(agreed) + timedelta(days=30),
        ),
    )
    make.world.result.state_counts[case.state] += 1


def _disputed_agreement(make: _Maker) -> None:
    """A party went back on a term after the agreement took effect: no joint application."""
    case = make.register(
        DisputeType.LL,
        "被申请人翻修房屋时抬高院坝，雨水排向申请人屋后，致申请人墙体受潮。",
        ["被申请人修建排水沟", "赔偿墙体修缮费用"],
        make.at(25, 9, 30),
    )
    make.to_mediation(case, make.at(25, 10, 30))
    make.session(case, make.at(14, 15, 0), "双方同意修建排水沟，修缮费用由被申请人承担。")
    agreed = make.at(14, 16, 0)
    make.agree(
        case,
        agreed,
        AgreementData(
            kind=AgreementKind.WRITTEN,
            facts="被申请人抬高院坝致雨水排向申请人屋后。",
            issues="是否修建排水沟，墙体修缮费用由谁承担。",
            responsibilities="被申请人负主要责任。",
            terms=[
                "被申请人于十日内沿院坝东侧修建排水沟",
                "被申请人一次性补偿申请人墙体修缮费用3000元",
            ],
            agreed_on=local_today(agreed),
            performance_manner="现金支付",
            performance_place=make.centre.name,
            performance_deadline=local_today(agreed) + timedelta(days=10),
        ),
    )
    when = make.at(2, 10, 0)
    make.world.clock.step(
        when,
        record_performance,
        case,
        make.mediator,
        version=None,
        term=2,
        status=Performance.DISPUTED,
        note="被申请人认为墙体受潮系年久失修所致，拒绝支付修缮费用",
    )
    make.world.result.state_counts[case.state] += 1
