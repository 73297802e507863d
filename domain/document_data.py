"""The values every document template gets: the case, its committee, parties, the record the
document is about, and dates and money written the way the forms expect (2026年11月23日,
贰仟元整 via cn2an)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import cn2an

from domain.calendar import CHINA, local_today
from domain.referrals import court_limit, default_result
from models import Case
from models.enums import DocumentKind, PartyRole, ReferralKind


def cn_date(value: date | datetime | None) -> str:
    """2026年11月23日 (a datetime is taken in China time)."""
    if value is None:
        return "    年  月  日"
    if isinstance(value, datetime):
        value = value.astimezone(CHINA).date()
    return f"{value.year}年{value.month}月{value.day}日"


def cn_time(value: datetime | None) -> str:
    """2026年11月23日 9时30分."""
    if value is None:
        return ""
    local = value.astimezone(CHINA)
    return f"{cn_date(local.date())}{local.hour}时{local.minute:02d}分"


def cn_money(amount: Decimal | int | float | str | None) -> str:
    """贰仟元整 (capital numerals, as on agreements and receipts)."""
    if amount is None or amount == "":
        return ""
    return cn2an.an2cn(str(Decimal(str(amount)).quantize(Decimal("0.01"))), "rmb")


def _record(case: Case, kind: DocumentKind, subject_id: int):
    pools = {
        DocumentKind.SESSION: case.sessions,
        DocumentKind.INVESTIGATION: case.investigations,
        DocumentKind.FOLLOW_UP: case.follow_ups,
        DocumentKind.POLICE_REPORT: case.police_reports,
        DocumentKind.SESSION_NOTICE: [
            r for s in getattr(case, "scheduled_sessions", []) for r in s.responses
        ],
    }
    for item in pools.get(kind, []):
        if item.id == subject_id:
            return item
    return None


def _referral(case: Case, kind: ReferralKind):
    return next((r for r in case.referrals if r.kind == kind), None)


def referral_context(case: Case, kind: DocumentKind) -> dict:
    """The referral a document reports on: the court's for the court report, the petition
    office's for the transfer form (工作移交单), with the result to report back."""
    wanted = {
        DocumentKind.COURT_REPORT: ReferralKind.COURT,
        DocumentKind.TRANSFER: ReferralKind.PETITION,
    }.get(kind)
    referral = _referral(case, wanted) if wanted is not None else None
    if referral is None:
        return {"referral": None, "result": None, "result_label": ""}
    result = referral.feedback_result or default_result(case)
    out = {
        "referral": referral,
        "result": result.value if result else None,
        "result_label": RESULT_CN.get(result.value) if result else "",
    }
    if referral.kind == ReferralKind.COURT:
        out["court_days"] = court_limit(referral)
        out["clock_start"] = local_today(referral.received_at)
        out["mediation_due"] = case.due_on
    return out


# The result as the return leg states it (documents are always Chinese).
RESULT_CN = {
    "agreement": "调解成功，达成调解协议",
    "failure": "调解不成",
    "terminated": "终止调解",
    "transferred": "已移送其他部门处理",
}


# The exclusions of 《人民调解工作若干规定》第二十二条 as the 不予受理通知书 states them.
GROUNDS_CN = {
    "court": "该纠纷已经向人民法院起诉或者向仲裁机构申请仲裁",
    "administrative": "该纠纷已经由公安机关或者其他行政机关受理或者处理",
    "reserved": (
        "该纠纷依照法律、法规规定只能由专门机关管辖处理，或者法律、法规禁止采用民间调解方式解决"
    ),
}
# Printed where the committee's name belongs when the organisation has no committee recorded:
# a blank to fill in by hand before the seal goes on, never the centre's own name.
BLANK_COMMITTEE = "＿＿＿＿＿＿＿＿人民调解委员会"


def mediating_organisation(case: Case):
    """The organisation mediating the case: the handling one, or before dispatch the desk's."""
    return case.handling_org or case.intake_org


def committee_of(case: Case):
    """The people's mediation committee in whose name the case is mediated, whose seal its
    agreement bears and whose file numbers its 卷宗 takes (PML Arts. 7, 29): the handling
    organisation if it is a committee, else the committee it mediates under; None when the
    administrator has not recorded one."""
    org = mediating_organisation(case)
    return org.mediating_committee if org is not None else None


def file_keeper(case: Case):
    """Whose name the case's documents and 卷宗 bear: the committee; for a case the desk never
    passed to a committee (not accepted), with no committee recorded for the desk's body,
    that body itself, which keeps the file; None for a mediated case whose committee is not
    recorded."""
    committee = committee_of(case)
    if committee is None and case.handling_org is None:
        return case.intake_org
    return committee


def context(case: Case, kind: DocumentKind, subject_id: int = 0) -> dict:
    committee = file_keeper(case)
    return {
        **referral_context(case, kind),
        "case": case,
        "kind": kind,
        # The committee names the documents and seals them; the mediating organisation
        # (a centre, a stationed room) gives its phone and address.
        "committee": committee,
        "committee_name": committee.name if committee else BLANK_COMMITTEE,
        "organisation": mediating_organisation(case),
        # The parties still in the dispute: a new version leaves out one marked withdrawn
        # (versions already signed keep what they said).
        "applicants": case.applicants,
        "respondents": case.respondents,
        "third_parties": case.parties_in(PartyRole.THIRD_PARTY),
        # The parties themselves; each one's agents are listed with it (party.agents).
        "parties": case.principals,
        "all_parties": case.active_parties,
        "agreement": case.agreement,
        "item": _record(case, kind, subject_id),
        "not_accepted_grounds": [
            GROUNDS_CN[g] for g in case.not_accepted_grounds or [] if g in GROUNDS_CN
        ],
        "today": local_today(),
        "cn_date": cn_date,
        "cn_time": cn_time,
        "cn_money": cn_money,
    }
