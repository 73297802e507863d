"""Builders for tests: the small region/organisation/user world of demo.small (its builders
and PASSWORD re-exported here for the tests' own extra places and accounts) and cases in any
state, all made through the domain functions so timelines are real."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from itertools import count

import sqlalchemy as sa

from demo.aftercare import DEMO_SCAN
from demo.aftercare import complete_file as fill_file
from demo.small import PASSWORD as PASSWORD
from demo.small import SmallWorld
from demo.small import org as org
from demo.small import region as region
from demo.small import user as user
from domain.aftercare import record_follow_up
from domain.clocks import local_today
from domain.closing import archive_case, suspend, terminate
from domain.consent import acknowledge_notice, record_consent
from domain.dispatch import assign_mediator, dispatch_to_organisation
from domain.intake import CaseData, PartyData, register_case, submit_application
from domain.mediation import AgreementData, record_agreement, record_failure, record_session
from domain.records import sign_record
from domain.recusal import declare_no_conflict
from domain.routing import suggest_organisation
from domain.screening import ScreeningData, accept_case, not_accept_case
from extensions import db
from models import Case, Region, User
from models.enums import (
    AgreementKind,
    ClosureReason,
    ConsentStatus,
    ContactMethod,
    DisputeType,
    NoticeAck,
    PartyKind,
    PartyRole,
    Performance,
    Satisfaction,
    SessionMode,
    Sex,
)
from models.states import CaseState

VALID_ID = "421022199001011234"  # not checked here; see valid_id()
_seq = count(1)


def valid_id(birth: str = "19950101", serial: str = "123") -> str:
    """A resident ID number with a correct check digit, in 公安县 (421022, a code since 1994)."""
    from stdnum.cn import ric

    body = "421022" + birth + serial
    return body + ric.calc_check_digit(body + "0")  # it ignores the last character


class World(SmallWorld):
    """The small world of demo.small (regions, organisations, staff) with cases in any state."""

    # ---- cases -------------------------------------------------------------------------
    def case_data(self, *, village: Region | None = None, dtype=DisputeType.LL, **kw) -> CaseData:
        n = next(_seq)
        return CaseData(
            region=village or self.village,
            dispute_type=dtype,
            summary=kw.get("summary", f"双方因排水沟堵塞发生争执（测试{n}）"),
            requests=kw.get("requests", ["疏通排水沟", "赔偿损失500元"]),
            parties=kw.get(
                "parties",
                [
                    PartyData(
                        role=PartyRole.APPLICANT,
                        name=f"申请人{n}",
                        sex=Sex.MALE,
                        age=45,
                        phone="13812345678",
                        id_number=valid_id(),
                        address="公安县埠河镇新民村3组",
                    ),
                    PartyData(
                        role=PartyRole.RESPONDENT,
                        name=f"被申请人{n}",
                        kind=PartyKind.PERSON,
                        phone="13987654321",
                    ),
                ],
            ),
        )

    def case(
        self,
        state: CaseState = CaseState.REGISTERED,
        *,
        online: bool = True,
        accepted_days_ago: int = 0,
        consented: bool = True,
        **kw,
    ) -> Case:
        """A case driven through the real workflow up to `state`. With `consented` (the
        default) every applicant and respondent agreed to mediate and acknowledged the notice
        once the case is at a committee, as sessions require."""
        data = self.case_data(**kw)
        now = datetime.now(UTC) - timedelta(days=accepted_days_ago)
        if kw.get("referral") is not None:  # a court / petition / police referral (desk)
            from domain.referrals import register_referral

            case, _code = register_referral(data, kw["referral"], self.clerk, now=now)
        elif online:
            case, _code = submit_application(data, now=now)
        else:
            case, _code = register_case(data, self.clerk, now=now)
        case.query_code_plain = _code  # for tests only, never stored
        if state == CaseState.REGISTERED:
            return _flush(case)
        clerk = self.clerk if case.region_code.startswith("421022") else self.clerk2
        if state == CaseState.MERGED:  # the same dispute as another open case (into=...)
            from domain.links import merge_cases

            into = kw.get("into") or _waiting_case(case) or self.case(CaseState.ACCEPTED)
            merge_cases(case, into.number, clerk, version=None, reason="同一纠纷重复申请")
            return _flush(case)
        if state == CaseState.NOT_ACCEPTED:
            not_accept_case(
                case,
                clerk,
                version=None,
                reason="不属于调解范围",
                redirect_advice="请向公安县人民法院起诉",
            )
            return _flush(case)
        accept_case(case, clerk, version=None, screening=ScreeningData.clear(), now=now)
        if state == CaseState.ACCEPTED:
            return _flush(case)
        target = suggest_organisation(case).organisation
        dispatch_to_organisation(case, target, clerk, version=None)
        if state == CaseState.DISPATCHED:
            return _flush(case)
        mediator = self.mediator if target == self.village_committee else self.mediator2
        if target not in (self.village_committee, self.village3_committee):
            mediator = kw.get("mediator") or self.mediator
        assign_mediator(case, mediator, clerk, version=None)
        db.session.flush()
        declare_no_conflict(case, mediator, version=None)
        if consented:
            for party in case.parties:
                record_consent(
                    case,
                    party,
                    mediator,
                    version=None,
                    status=ConsentStatus.AGREED,
                    method=ContactMethod.PHONE,
                )
                acknowledge_notice(case, party, mediator, version=None, how=NoticeAck.ORAL)
        if state == CaseState.REFUSED:
            respondent = case.respondents[0]
            record_consent(
                case,
                respondent,
                mediator,
                version=None,
                status=ConsentStatus.REFUSED,
                method=ContactMethod.PHONE,
            )
            return _flush(case)
        if state == CaseState.MEDIATING:
            return _flush(case)
        if state == CaseState.SUSPENDED:
            suspend(case, mediator, version=None, reason="当事人住院")
            return _flush(case)
        if state == CaseState.TERMINATED:
            terminate(
                case,
                mediator,
                version=None,
                reason=ClosureReason.PARTY_WITHDREW,
                note="申请人撤回申请",
            )
            return _flush(case)
        record_session(
            case,
            mediator,
            version=None,
            held_at=datetime.now(UTC),
            place="村委会调解室",
            mode=SessionMode.IN_PERSON,
            notes="双方陈述事实",
        )
        if state in (CaseState.AGREED, CaseState.ARCHIVED):
            oral = state == CaseState.ARCHIVED or kw.get("oral", False)
            record_agreement(
                case,
                mediator,
                version=None,
                data=agreement_data(AgreementKind.ORAL if oral else AgreementKind.WRITTEN),
            )
            if state == CaseState.ARCHIVED:
                db.session.flush()
                for record in case.sessions:
                    sign_record(case, record, mediator, version=None)
                visit = case.follow_ups[0]
                record_follow_up(
                    case,
                    visit,
                    mediator,
                    version=None,
                    visited_on=local_today(),
                    performance=Performance.PERFORMED,
                    satisfaction=Satisfaction.SATISFIED,
                )
                report_back(case, mediator)
                complete_file(case, mediator)
                archive_case(case, mediator, version=None)
            return _flush(case)
        record_failure(case, mediator, version=None, reason="双方分歧过大")
        record_failure(
            case,
            mediator,
            version=None,
            reason="第二次调解仍未达成协议",
            departments=["埠河镇司法所", "埠河派出所"],
        )
        if state == CaseState.JOINT_MEDIATION:
            return _flush(case)
        # A court's case is already back at the court after the second failure (SPC-TY
        # Art. 21); any other goes through joint mediation first.
        if state == CaseState.FAILED and case.state != CaseState.FAILED:
            record_failure(case, mediator, version=None, reason="联动调解仍未达成协议")
        return _flush(case)

    def referral_case(self, kind, state: CaseState = CaseState.REGISTERED, **kw) -> Case:
        """A case referred by a court, petition office or police station (`kind`: a
        ReferralKind or its value), driven to `state`. ReferralData fields in `kw` override
        the defaults (e.g. court_mode=CourtMode.ENTRUSTED, received_at=...)."""
        import dataclasses

        from domain.referrals import ReferralData
        from models.enums import (
            CourtMode,
            PetitionForm,
            PoliceCategory,
            ReferralKind,
        )

        kind = ReferralKind(kind)
        received = datetime.now(UTC) - timedelta(days=kw.get("accepted_days_ago", 0))
        defaults = {
            ReferralKind.COURT: {
                "body_org": self.court,
                "external_no": "（2026）鄂1022民诉前调123号",
                "court_mode": CourtMode.DELEGATED,
            },
            ReferralKind.PETITION: {
                "body_name": "公安县信访局",
                "external_no": "XF2026-0456",
                "petition_form": PetitionForm.VISIT,
                "both_consent": True,
                "petition_received_on": local_today(received),
            },
            ReferralKind.POLICE: {
                "body_name": "公安县公安局埠河派出所",
                "external_no": "J4210222026110100123",
                "police_category": PoliceCategory.NON_POLICE,
            },
        }[kind]
        names = {f.name for f in dataclasses.fields(ReferralData)}
        values = {
            "kind": kind,
            "received_at": received,
            **defaults,
            **{k: v for k, v in kw.items() if k in names},
        }
        rest = {k: v for k, v in kw.items() if k not in names}
        return self.case(state, online=False, referral=ReferralData(**values), **rest)


def agreement_data(kind: AgreementKind = AgreementKind.WRITTEN, **kw) -> AgreementData:
    """What an agreement of `kind` states (PML Arts. 28-29): a written one the facts, the
    disputed issues, each party's responsibility, the terms, the manner and the deadline of
    performance; an oral one its terms and the manner. `kw` overrides any of them."""
    values = {
        "kind": kind,
        "terms": ["被申请人于十日内疏通排水沟"],
        "agreed_on": local_today(),
        "facts": "被申请人堆放杂物堵塞排水沟，致申请人农田受淹",
        "issues": "排水沟由谁疏通，损失是否赔偿",
        "responsibilities": "被申请人负主要责任",
        "performance_manner": "自行疏通",
        "performance_deadline": local_today() + timedelta(days=10),
    }
    return AgreementData(**{**values, **kw})


def hold_session(case: Case, actor: User, **kw):
    """Record a session as a mediator does (PML Art. 27), e.g. before an agreement."""
    values = {
        "held_at": datetime.now(UTC),
        "place": "村委会调解室",
        "mode": SessionMode.IN_PERSON,
        "notes": "双方陈述事实",
    }
    return record_session(case, actor, version=None, **{**values, **kw})


def report_back(case: Case, actor: User) -> None:
    """Record the return leg of every referral of an ended case, as staff do before archiving."""
    from domain.referrals import record_feedback

    for referral in case.referrals:
        if referral.feedback_result is None:
            record_feedback(
                case,
                referral,
                actor,
                version=None,
                result=None,
                sent_on=None,
                recipient="经办人",
                note="已书面反馈调解结果",
            )


# A whole 1×1 PNG (uploads are parsed in full: domain/uploads.py).
PNG = DEMO_SCAN


def tiny_pdf(pages: int = 1) -> bytes:
    """A whole PDF of blank A4 pages, as a scanner gives one."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def complete_file(case: Case, actor: User, *, serve: bool = True) -> None:
    """Put every mandatory document into the case file, as staff do before archiving (see
    demo.aftercare.complete_file); the uploads are PNG. With `serve`, the notice of
    termination a case ended without agreement owes is served on every party."""
    fill_file(case, actor, PNG, serve=serve)


def _waiting_case(case: Case) -> Case | None:
    """The newest other case of the same county still waiting for screening or dispatch."""
    return db.session.scalars(
        sa.select(Case)
        .where(
            Case.id != case.id,
            Case.region_code.startswith(case.region_code[:6]),
            Case.state.in_([CaseState.REGISTERED, CaseState.ACCEPTED]),
        )
        .order_by(Case.id.desc())
    ).first()


def _flush(case: Case) -> Case:
    db.session.flush()
    return case


def count_rows(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def events_of(case: Case, action) -> list:
    """The case's timeline events of one action, oldest first."""
    from models import Event

    value = getattr(action, "value", action)
    return db.session.query(Event).filter_by(case_id=case.id, action=value).order_by(Event.id).all()


def fresh(db_, case: Case) -> Case:
    """The case as the database has it now (after requests made in their own sessions)."""
    db_.session.expire_all()
    return db_.session.get(Case, case.id)


def events(db_, case: Case, action) -> list:
    """Page tests' shorthand for events_of."""
    return events_of(case, action)


def open_panel(client, case: Case, name: str, key: str | None = None, *, htmx: bool = True):
    """GET one panel of the case page with the form `key` open, as the opener link does (the
    htmx fragment, or the panel on its own page with `htmx=False`); the response."""
    url = f"/cases/{case.number}/panels/{name}" + (f"?open={key}" if key else "")
    return client.get(url, headers={"HX-Request": "true"} if htmx else {})


def opener_href(case: Case, panel: str, key: str) -> str:
    """The link of the case page that opens the form `key` of `panel`."""
    return f'href="/cases/{case.number}/panels/{panel}?open={key}"'


def assert_done(client, response, case: Case, htmx: bool, panel: str, message: str) -> str:
    """The answer to a successful panel POST: htmx gets the whole page swapped into <main>,
    scrolled to the panel; a plain POST is sent back to the panel's anchor. Returns the case
    page as it is after the action (with the success message)."""
    if htmx:
        assert response.status_code == 200
        assert "HX-Redirect" not in response.headers
        assert response.headers["HX-Retarget"] == "#main"
        assert response.headers["HX-Reswap"] == f"outerHTML show:#panel-{panel}:top"
        html = response.get_data(as_text=True)
    else:
        assert response.status_code == 303
        location = response.headers["Location"]
        assert location.endswith(f"/cases/{case.number}#panel-{panel}")
        html = client.get(location).get_data(as_text=True)
    assert message in html
    return html


# ---- personal details, to check they never leave masked ------------------------------------
# Every kind of party with an ID number, a phone and an address: a person applying, a person
# and a company responding, a third party and an agent. PII_VALUES lists every full value, as
# typed and as a phone's bare digits; a masked document holds none of them.
PII_ADDRESSES = (
    "公安县埠河镇新民村3组17号",
    "公安县埠河镇新民村4组2号",
    "公安县埠河镇工业园8号",
    "公安县斗湖堤镇油江路66号",
    "荆州市沙市区北京中路99号",
)


def pii_parties() -> list[PartyData]:
    from models.enums import AgentAuthority

    return [
        PartyData(
            role=PartyRole.APPLICANT,
            name="李春华",
            sex=Sex.FEMALE,
            age=52,
            id_number=valid_id("19740315", "026"),
            phone="13812345678",
            address=PII_ADDRESSES[0],
        ),
        PartyData(
            role=PartyRole.RESPONDENT,
            name="黄建国",
            sex=Sex.MALE,
            age=60,
            id_number=valid_id("19660101", "013"),
            phone="139 0000 1111",
            address=PII_ADDRESSES[1],
        ),
        PartyData(
            role=PartyRole.RESPONDENT,
            name="荆州市恒通物流有限公司",
            kind=PartyKind.ORGANISATION,
            credit_code="91421022MA49000015",
            legal_rep="王建国",
            legal_rep_post="总经理",
            phone="0716-5226688",
            address=PII_ADDRESSES[2],
        ),
        PartyData(
            role=PartyRole.THIRD_PARTY,
            name="周桂英",
            sex=Sex.FEMALE,
            age=70,
            id_number=valid_id("19560708", "044"),
            phone="13655556666",
            address=PII_ADDRESSES[3],
        ),
        PartyData(
            role=PartyRole.AGENT,
            name="赵明律师",
            acts_for=2,
            authority=AgentAuthority.SPECIAL,
            id_number=valid_id("19850220", "057"),
            phone="13700002222",
            address=PII_ADDRESSES[4],
        ),
    ]


PII_VALUES = (
    *(p.id_number for p in pii_parties() if p.id_number),
    "13812345678",
    "13900001111",
    "139 0000 1111",
    "0716-5226688",
    "07165226688",
    "13655556666",
    "13700002222",
    *PII_ADDRESSES,
)


def pii_found(text: str) -> list[str]:
    """The full personal values of pii_parties() present in `text` (whitespace ignored,
    except in the phone typed with spaces)."""
    import re

    squeezed = re.sub(r"\s+", "", text)
    return [v for v in PII_VALUES if v in text or v.replace(" ", "") in squeezed]


def earlier_today(delta: timedelta) -> datetime:
    """`delta` before now, but not before today began in China: a record is never dated
    before the day its case was accepted, and the factories accept cases today (just after
    midnight in China, "half an hour ago" was yesterday there)."""
    from domain.calendar import CHINA, local_today

    now = datetime.now(UTC)
    midnight = datetime.combine(local_today(now), time.min, tzinfo=CHINA).astimezone(UTC)
    return max(now - delta, midnight + timedelta(seconds=1))
