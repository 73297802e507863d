"""A small fixed world for benchmarks and tests: 荆州市 > 公安县 > 埠河镇 > 新民村 (and 天心眼村);
荆州市 > 松滋市 > 新江口街道 > 长江社区; their centres, two village committees, an industry
committee and a court; nine staff, all with the password PASSWORD. bench/ builds its databases
on it (and its one big case file on `mediating_case`); tests/factories.World adds cases in any
state."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from demo.people import resident_id
from domain.consent import acknowledge_notice, record_consent
from domain.dispatch import assign_mediator, dispatch_to_organisation
from domain.intake import CaseData, PartyData, submit_application
from domain.recusal import declare_no_conflict
from domain.screening import ScreeningData, accept_case
from extensions import db
from models import Case, Organisation, Region, User
from models.enums import (
    ConsentStatus,
    ContactMethod,
    DisputeType,
    NoticeAck,
    OrgKind,
    PartyKind,
    PartyRole,
    RegionLevel,
    Role,
    Sex,
)

PASSWORD = "correct horse battery"  # noqa: S105 - benchmarks and tests only


def region(code: str, name: str, level: RegionLevel, parent: Region | None = None) -> Region:
    r = Region(code=code, name=name, level=level, parent=parent)
    db.session.add(r)
    return r


def org(name: str, kind: OrgKind, at: Region, types: list[str] | None = None) -> Organisation:
    o = Organisation(name=name, kind=kind, region=at, dispute_types=types or [], phone="0716-1")
    db.session.add(o)
    return o


def user(username: str, role: Role, at: Organisation, name: str | None = None) -> User:
    u = User(username=username, name=name or username, role=role, organisation=at)
    u.set_password(PASSWORD)
    db.session.add(u)
    return u


class SmallWorld:
    """City 荆州市 > 公安县 > 埠河镇 > 新民村; and 松滋市 > 新江口街道 > 长江社区."""

    def __init__(self):
        self.city = region("4210", "荆州市", RegionLevel.CITY)
        self.county = region("421022", "公安县", RegionLevel.COUNTY, self.city)
        self.township = region("421022100", "埠河镇", RegionLevel.TOWNSHIP, self.county)
        self.village = region("421022100201", "新民村", RegionLevel.VILLAGE, self.township)
        self.village2 = region("421022100202", "天心眼村", RegionLevel.VILLAGE, self.township)
        self.county2 = region("421087", "松滋市", RegionLevel.COUNTY, self.city)
        self.township2 = region("421087001", "新江口街道", RegionLevel.TOWNSHIP, self.county2)
        self.village3 = region("421087001001", "长江社区", RegionLevel.VILLAGE, self.township2)

        self.city_centre = org("荆州市社会矛盾纠纷调处中心", OrgKind.CENTRE, self.city)
        self.county_centre = org("公安县矛盾纠纷调处中心", OrgKind.CENTRE, self.county)
        self.township_centre = org("埠河镇矛盾纠纷调处中心", OrgKind.CENTRE, self.township)
        self.village_committee = org(
            "新民村人民调解委员会", OrgKind.VILLAGE_COMMITTEE, self.village
        )
        self.traffic = org(
            "公安县道路交通事故纠纷人民调解委员会",
            OrgKind.INDUSTRY_COMMITTEE,
            self.county,
            ["DLJT"],
        )
        self.court = org("公安县人民法院", OrgKind.COURT, self.county)
        self.county2_centre = org("松滋市矛盾纠纷调处中心", OrgKind.CENTRE, self.county2)
        self.village3_committee = org(
            "长江社区人民调解委员会", OrgKind.VILLAGE_COMMITTEE, self.village3
        )

        self.clerk = user("clerk", Role.CLERK, self.county_centre, "王前台")
        self.clerk2 = user("clerk2", Role.CLERK, self.county2_centre, "李前台")
        self.mediator = user("mediator", Role.MEDIATOR, self.village_committee, "张调解")
        self.mediator_b = user("mediator_b", Role.MEDIATOR, self.village_committee, "赵调解")
        self.mediator2 = user("mediator2", Role.MEDIATOR, self.village3_committee, "陈调解")
        self.director = user("director", Role.DIRECTOR, self.village_committee, "刘主任")
        self.leader = user("leader", Role.LEADER, self.county_centre, "孙主任")
        self.leader2 = user("leader2", Role.LEADER, self.county2_centre, "周主任")
        self.admin = user("admin", Role.ADMIN, self.city_centre, "吴管理")
        db.session.flush()

    def mediating_case(self, *, accepted_days_ago: int = 0) -> Case:
        """A neighbours' dispute in 新民村, applied for online and accepted `accepted_days_ago`
        days ago, driven through the domain functions to mediation at the village committee
        with `mediator` presiding: both parties agreed to mediate and acknowledged the notice
        of their rights and obligations (PML Art. 17)."""
        now = datetime.now(UTC) - timedelta(days=accepted_days_ago)
        data = CaseData(
            region=self.village,
            dispute_type=DisputeType.LL,
            summary="双方因排水沟堵塞发生争执",
            requests=["疏通排水沟", "赔偿损失500元"],
            parties=[
                PartyData(
                    role=PartyRole.APPLICANT,
                    name="王建华",
                    sex=Sex.MALE,
                    age=45,
                    phone="13812345678",
                    id_number=resident_id(random.Random(0), "421022", 1980, Sex.MALE),
                    address="公安县埠河镇新民村3组",
                ),
                PartyData(
                    role=PartyRole.RESPONDENT,
                    name="李国强",
                    kind=PartyKind.PERSON,
                    phone="13987654321",
                ),
            ],
        )
        case, _code = submit_application(data, now=now)
        accept_case(case, self.clerk, version=None, screening=ScreeningData.clear(), now=now)
        dispatch_to_organisation(case, self.village_committee, self.clerk, version=None)
        assign_mediator(case, self.mediator, self.clerk, version=None)
        db.session.flush()
        declare_no_conflict(case, self.mediator, version=None)
        for party in case.parties:
            record_consent(
                case,
                party,
                self.mediator,
                version=None,
                status=ConsentStatus.AGREED,
                method=ContactMethod.PHONE,
            )
            acknowledge_notice(case, party, self.mediator, version=None, how=NoticeAck.ORAL)
        db.session.flush()
        return case
