"""Enumerations of the domain vocabulary, each with translated titles.

Values are stored in the database; titles are shown to people. Titles are lazy strings, so they
follow the language of the request that renders them.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class LabelledEnum(enum.StrEnum):
    """A str Enum whose members carry a translated `label`. Options for a form field are made
    from it in the forms layer (blueprints.forms.enum_choices)."""

    @property
    def label(self):  # noqa: ANN201 - a LazyString
        return self._labels().get(self, self.value)

    @classmethod
    def _labels(cls) -> dict:
        return {}  # each subclass supplies its table


class RegionLevel(LabelledEnum):
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"
    GROUP = "group"

    @classmethod
    def _labels(cls):
        return {
            cls.CITY: _l("City"),
            cls.COUNTY: _l("County / district"),
            cls.TOWNSHIP: _l("Township / street"),
            cls.VILLAGE: _l("Village / community"),
            cls.GROUP: _l("Group / estate"),
        }


class OrgKind(LabelledEnum):
    """Kinds of organisation: centres, mediation committees (village/residents', township,
    enterprise, industry: PML Arts. 8, 34), stationed rooms, studios and partner bodies."""

    CENTRE = "centre"
    VILLAGE_COMMITTEE = "village_committee"
    TOWNSHIP_COMMITTEE = "township_committee"
    ENTERPRISE_COMMITTEE = "enterprise_committee"
    INDUSTRY_COMMITTEE = "industry_committee"
    JOINT_COMMITTEE = "joint_committee"
    STATIONED_ROOM = "stationed_room"
    STUDIO = "studio"
    COURT = "court"
    PETITION_OFFICE = "petition_office"
    POLICE_STATION = "police_station"
    JUSTICE_OFFICE = "justice_office"
    ARBITRATION = "arbitration"

    @classmethod
    def _labels(cls):
        return {
            cls.CENTRE: _l("Dispute resolution centre"),
            cls.VILLAGE_COMMITTEE: _l("Village / residents' mediation committee"),
            cls.TOWNSHIP_COMMITTEE: _l("Township / street mediation committee"),
            cls.ENTERPRISE_COMMITTEE: _l("Enterprise mediation committee"),
            cls.INDUSTRY_COMMITTEE: _l("Industry mediation committee"),
            cls.JOINT_COMMITTEE: _l("Joint / regional mediation committee"),
            cls.STATIONED_ROOM: _l("Stationed mediation room"),
            cls.STUDIO: _l("Personal mediation studio"),
            cls.COURT: _l("Court"),
            cls.PETITION_OFFICE: _l("Petition office"),
            cls.POLICE_STATION: _l("Police station"),
            cls.JUSTICE_OFFICE: _l("Justice office"),
            cls.ARBITRATION: _l("Arbitration body"),
        }

    @property
    def mediates(self) -> bool:
        """Whether cases can be dispatched to this kind of organisation for mediation."""
        return self in MEDIATING_KINDS

    @property
    def is_committee(self) -> bool:
        """A people's mediation committee (人民调解委员会, PML Arts. 7-8, 34): it mediates
        under its own name and seal."""
        return self in COMMITTEE_KINDS


COMMITTEE_KINDS = frozenset(
    {
        OrgKind.VILLAGE_COMMITTEE,
        OrgKind.TOWNSHIP_COMMITTEE,
        OrgKind.ENTERPRISE_COMMITTEE,
        OrgKind.INDUSTRY_COMMITTEE,
        OrgKind.JOINT_COMMITTEE,
    }
)
MEDIATING_KINDS = frozenset(
    {
        OrgKind.CENTRE,
        OrgKind.VILLAGE_COMMITTEE,
        OrgKind.TOWNSHIP_COMMITTEE,
        OrgKind.ENTERPRISE_COMMITTEE,
        OrgKind.INDUSTRY_COMMITTEE,
        OrgKind.JOINT_COMMITTEE,
        OrgKind.STATIONED_ROOM,
        OrgKind.STUDIO,
    }
)


class Role(LabelledEnum):
    CLERK = "clerk"
    MEDIATOR = "mediator"
    DIRECTOR = "director"
    LEADER = "leader"
    ADMIN = "admin"

    @classmethod
    def _labels(cls):
        return {
            cls.CLERK: _l("Front-desk clerk"),
            cls.MEDIATOR: _l("Mediator"),
            cls.DIRECTOR: _l("Committee director"),
            cls.LEADER: _l("Centre leader"),
            cls.ADMIN: _l("Administrator"),
        }


class DisputeType(LabelledEnum):
    """The 15 dispute types of the justice bureaus' statistics; exactly one per case."""

    HYJT = "HYJT"
    LL = "LL"
    FWZJD = "FWZJD"
    HT = "HT"
    SCJY = "SCJY"
    SHPC = "SHPC"
    SLTD = "SLTD"
    ZDCQ = "ZDCQ"
    HJWR = "HJWR"
    LDZY = "LDZY"
    XF = "XF"
    YL = "YL"
    DLJT = "DLJT"
    WY = "WY"
    QT = "QT"

    @classmethod
    def _labels(cls):
        return {
            cls.HYJT: _l("Marriage and family"),
            cls.LL: _l("Neighbours"),
            cls.FWZJD: _l("Housing and homestead land"),
            cls.HT: _l("Contract"),
            cls.SCJY: _l("Production and business"),
            cls.SHPC: _l("Damages and compensation"),
            cls.SLTD: _l("Forest and land"),
            cls.ZDCQ: _l("Land requisition and demolition"),
            cls.HJWR: _l("Environmental pollution"),
            cls.LDZY: _l("Labour"),
            cls.XF: _l("Consumer"),
            cls.YL: _l("Medical"),
            cls.DLJT: _l("Road traffic accident"),
            cls.WY: _l("Property management"),
            cls.QT: _l("Other"),
        }

    @property
    def hint(self):  # noqa: ANN201 - a LazyString
        """Plain-words examples shown to citizens choosing a type."""
        return {
            DisputeType.HYJT: _l("divorce, support of parents or children, inheritance"),
            DisputeType.LL: _l("noise, water, boundaries, quarrels between neighbours"),
            DisputeType.FWZJD: _l("houses, homestead plots, building and repairs"),
            DisputeType.HT: _l("loans, sales, leases, agreements not kept"),
            DisputeType.SCJY: _l("farming, shops and small businesses"),
            DisputeType.SHPC: _l("injury or damage to people or property"),
            DisputeType.SLTD: _l("farmland, forest, contracted land"),
            DisputeType.ZDCQ: _l("land taken or houses demolished"),
            DisputeType.HJWR: _l("smoke, dust, noise or waste from a factory or farm"),
            DisputeType.LDZY: _l("unpaid wages, injury at work, dismissal"),
            DisputeType.XF: _l("goods or services bought"),
            DisputeType.YL: _l("treatment at a hospital or clinic"),
            DisputeType.DLJT: _l("road accidents and their compensation"),
            DisputeType.WY: _l("fees and services of a property company"),
            DisputeType.QT: _l("anything else"),
        }[self]


class Source(LabelledEnum):
    """Case source (案件来源): a party's application or the committee's initiative (PML
    Art. 17), or a referral by a court, the police, a petition office or a government
    department; exactly one per case."""

    APPLICATION = "application"
    INITIATIVE = "initiative"
    COURT = "court"
    POLICE = "police"
    PETITION = "petition"
    GOVERNMENT = "government"

    @classmethod
    def _labels(cls):
        return {
            cls.APPLICATION: _l("Party application"),
            cls.INITIATIVE: _l("Committee initiative"),
            cls.COURT: _l("Court delegated or entrusted"),
            cls.POLICE: _l("Police transfer"),
            cls.PETITION: _l("Petition office transfer"),
            cls.GOVERNMENT: _l("Government department transfer"),
        }


class Channel(LabelledEnum):
    """How the case reached us."""

    ONLINE = "online"
    WALK_IN = "walk_in"
    PHONE = "phone"
    REFERRAL = "referral"
    SCREENING = "screening"

    @classmethod
    def _labels(cls):
        return {
            cls.ONLINE: _l("Online application"),
            cls.WALK_IN: _l("Walk-in"),
            cls.PHONE: _l("Phone"),
            cls.REFERRAL: _l("Referral"),
            cls.SCREENING: _l("Found in screening"),
        }


class PartyRole(LabelledEnum):
    APPLICANT = "applicant"
    RESPONDENT = "respondent"
    THIRD_PARTY = "third_party"
    AGENT = "agent"

    @classmethod
    def _labels(cls):
        return {
            cls.APPLICANT: _l("Applicant"),
            cls.RESPONDENT: _l("Respondent"),
            cls.THIRD_PARTY: _l("Third party"),
            cls.AGENT: _l("Agent"),
        }


class PartyKind(LabelledEnum):
    PERSON = "person"
    ORGANISATION = "organisation"

    @classmethod
    def _labels(cls):
        return {cls.PERSON: _l("Natural person"), cls.ORGANISATION: _l("Organisation")}


class AgentAuthority(LabelledEnum):
    """An agent's authority as the power of attorney (授权委托书) states it: general authority
    lets the agent take part and speak; special authority also lets them admit, waive or
    change claims and settle, i.e. sign the agreement (CPL Art. 62, by analogy)."""

    GENERAL = "general"
    SPECIAL = "special"

    @classmethod
    def _labels(cls):
        return {cls.GENERAL: _l("General authority"), cls.SPECIAL: _l("Special authority")}


class Sex(LabelledEnum):
    MALE = "male"
    FEMALE = "female"

    @classmethod
    def _labels(cls):
        return {cls.MALE: _l("Male"), cls.FEMALE: _l("Female")}


class AgreementKind(LabelledEnum):
    WRITTEN = "written"
    ORAL = "oral"

    @classmethod
    def _labels(cls):
        return {cls.WRITTEN: _l("Written agreement"), cls.ORAL: _l("Oral agreement")}


class SessionMode(LabelledEnum):
    IN_PERSON = "in_person"
    VIDEO = "video"
    PHONE = "phone"

    @classmethod
    def _labels(cls):
        return {cls.IN_PERSON: _l("In person"), cls.VIDEO: _l("Video"), cls.PHONE: _l("Phone")}


class RiskLevel(LabelledEnum):
    """Early-warning colour grades (local practice): red major, report at once; orange may
    escalate; yellow ordinary; blue latent risk."""

    NONE = "none"
    BLUE = "blue"
    YELLOW = "yellow"
    ORANGE = "orange"
    RED = "red"

    @classmethod
    def _labels(cls):
        return {
            cls.NONE: _l("No particular risk"),
            cls.BLUE: _l("Blue: latent risk"),
            cls.YELLOW: _l("Yellow: ordinary dispute"),
            cls.ORANGE: _l("Orange: may escalate"),
            cls.RED: _l("Red: major, report at once"),
        }


class ConsentStatus(LabelledEnum):
    """A party's agreement to mediate (PML Art. 17: one party's clear refusal ends it)."""

    PENDING = "pending"
    AGREED = "agreed"
    REFUSED = "refused"
    UNREACHABLE = "unreachable"

    @classmethod
    def _labels(cls):
        return {
            cls.PENDING: _l("Not asked yet"),
            cls.AGREED: _l("Agrees to mediation"),
            cls.REFUSED: _l("Refuses mediation"),
            cls.UNREACHABLE: _l("Cannot be reached"),
        }


class ContactMethod(LabelledEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    WRITTEN = "written"
    ONLINE = "online"

    @classmethod
    def _labels(cls):
        return {
            cls.IN_PERSON: _l("In person"),
            cls.PHONE: _l("By phone"),
            cls.WRITTEN: _l("In writing"),
            cls.ONLINE: _l("Online"),
        }


class NoticeAck(LabelledEnum):
    """How a party acknowledged the rights-and-obligations notice (MOJ-2002 Art. 30)."""

    NONE = "none"
    WRITTEN = "written"
    ELECTRONIC = "electronic"
    ORAL = "oral"

    @classmethod
    def _labels(cls):
        return {
            cls.NONE: _l("Not yet acknowledged"),
            cls.WRITTEN: _l("Signed the written notice"),
            cls.ELECTRONIC: _l("Acknowledged electronically"),
            cls.ORAL: _l("Told orally, recorded"),
        }


class RecusalDecision(LabelledEnum):
    PENDING = "pending"
    GRANTED = "granted"
    REFUSED = "refused"

    @classmethod
    def _labels(cls):
        return {
            cls.PENDING: _l("Awaiting decision"),
            cls.GRANTED: _l("Granted: mediator replaced"),
            cls.REFUSED: _l("Refused"),
        }


class ClosureReason(LabelledEnum):
    """Why a case ended: an agreement (PML Arts. 28-30), failure (Art. 26), refusal or
    withdrawal (Arts. 17, 23), unreachable, period expired, refused to sign (SPC-TY Art. 26;
    SPC-ZX Art. 25), not accepted (MOJ-2002 Art. 22), transferred out, merged."""

    AGREEMENT_WRITTEN = "agreement_written"
    AGREEMENT_ORAL = "agreement_oral"
    FAILED = "failed"
    PARTY_REFUSED = "party_refused"
    PARTY_WITHDREW = "party_withdrew"
    UNREACHABLE = "unreachable"
    PERIOD_EXPIRED = "period_expired"
    REFUSED_TO_SIGN = "refused_to_sign"
    NOT_ACCEPTED = "not_accepted"
    TRANSFERRED_OUT = "transferred_out"
    MERGED = "merged"

    @classmethod
    def _labels(cls):
        return {
            cls.AGREEMENT_WRITTEN: _l("Written agreement"),
            cls.AGREEMENT_ORAL: _l("Oral agreement"),
            cls.FAILED: _l("Mediation failed"),
            cls.PARTY_REFUSED: _l("A party refused mediation"),
            cls.PARTY_WITHDREW: _l("A party withdrew or asked to end mediation"),
            cls.UNREACHABLE: _l("A party could not be reached"),
            cls.PERIOD_EXPIRED: _l("Time limit expired without agreement to extend"),
            cls.REFUSED_TO_SIGN: _l("A party refused to sign the agreement"),
            cls.NOT_ACCEPTED: _l("Not accepted"),
            cls.TRANSFERRED_OUT: _l("Transferred to another body"),
            cls.MERGED: _l("Merged into another case of the same dispute"),
        }


class Exclusion(LabelledEnum):
    """What people's mediation may not take up (MOJ-2002 Art. 22), asked one by one at
    screening: the dispute is already before a court or an arbitration commission; the police
    or another administrative body has already accepted or dealt with it; or the law reserves it
    to a specialised body or forbids mediating it."""

    COURT = "court"  # 已经向人民法院起诉或者申请仲裁
    ADMINISTRATIVE = "administrative"  # 公安机关或者其他行政机关已经受理或者处理
    RESERVED = "reserved"  # 法律法规规定只能由专门机关管辖处理或者禁止采用民间调解

    @classmethod
    def _labels(cls):
        return {
            cls.COURT: _l("Already before a court or an arbitration commission"),
            cls.ADMINISTRATIVE: _l(
                "Already accepted or dealt with by the police or another administrative body"
            ),
            cls.RESERVED: _l(
                "Reserved by law to a specialised body, or mediation of it is forbidden"
            ),
        }


# Reasons a mediator may choose when ending mediation early (TERMINATE). A case goes to
# another body through a transfer out, whose acknowledgement ends mediation and leaves the
# record of who signed for it (domain.transfers), never through this list.
TERMINATION_REASONS = (
    ClosureReason.PARTY_WITHDREW,
    ClosureReason.UNREACHABLE,
    ClosureReason.PERIOD_EXPIRED,
    ClosureReason.REFUSED_TO_SIGN,
    ClosureReason.FAILED,
)


class Performance(LabelledEnum):
    """Performance of an agreement term (PML Art. 31: the committee supervises it)."""

    PENDING = "pending"
    PERFORMED = "performed"
    PARTLY = "partly"
    NOT_PERFORMED = "not_performed"
    DISPUTED = "disputed"

    @classmethod
    def _labels(cls):
        return {
            cls.PENDING: _l("Not yet due or not checked"),
            cls.PERFORMED: _l("Performed"),
            cls.PARTLY: _l("Partly performed"),
            cls.NOT_PERFORMED: _l("Not performed"),
            cls.DISPUTED: _l("Disputed"),
        }


class SignerKind(LabelledEnum):
    PARTY = "party"
    MEDIATOR = "mediator"
    SEAL = "seal"

    @classmethod
    def _labels(cls):
        return {
            cls.PARTY: _l("Party"),
            cls.MEDIATOR: _l("Mediator"),
            cls.SEAL: _l("Committee seal"),
        }


class Satisfaction(LabelledEnum):
    SATISFIED = "satisfied"
    BASICALLY = "basically"
    DISSATISFIED = "dissatisfied"

    @classmethod
    def _labels(cls):
        return {
            cls.SATISFIED: _l("Satisfied"),
            cls.BASICALLY: _l("Basically satisfied"),
            cls.DISSATISFIED: _l("Dissatisfied"),
        }


class Ruling(LabelledEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"

    @classmethod
    def _labels(cls):
        return {
            cls.PENDING: _l("Awaiting the court's ruling"),
            cls.CONFIRMED: _l("Confirmed valid"),
            cls.REJECTED: _l("Rejected or found invalid"),
        }


class DocumentKind(LabelledEnum):
    """The case-file documents: the 2010 national document formats (司法部 人民调解文书格式)
    and the others a case may need (referrals, judicial confirmation, transfers)."""

    APPLICATION = "application"  # 人民调解申请书
    REGISTER = "register"  # 人民调解受理登记表
    NOTICE = "notice"  # 人民调解当事人权利义务告知书
    INVESTIGATION = "investigation"  # 人民调解调查记录 (one per record)
    SESSION = "session"  # 人民调解记录 (one per session)
    AGREEMENT = "agreement"  # 人民调解协议书
    ORAL_AGREEMENT = "oral_agreement"  # 人民调解口头协议登记表
    FOLLOW_UP = "follow_up"  # 人民调解回访记录 (one per visit)
    NON_ACCEPTANCE = "non_acceptance"  # 不予受理通知书
    TERMINATION = "termination"  # 终止调解告知书
    CONFIRMATION_PERSONS = "confirmation_persons"  # 司法确认申请书（个人与个人）
    CONFIRMATION_ORGANISATION = "confirmation_organisation"  # 司法确认申请书（个人与单位）
    TRANSFER = "transfer"  # 工作移交单
    TRANSFER_NOTE = "transfer_note"  # 案件移送函 (one per transfer; printed, not filed)
    COVER = "cover"  # 卷宗封面
    CONTENTS = "contents"  # 卷内目录
    BACK_COVER = "back_cover"  # 封底
    ID_PROOF = "id_proof"  # 当事人身份证明 (an uploaded copy)
    COURT_REPORT = "court_report"  # 调解结果反馈函 / 诉调对接调解情况报告 (SPC-TY Arts. 19-21, 26)
    POLICE_REPORT = "police_report"  # 矛盾纠纷情况报告（民转刑风险）, one per report (PML Art. 25)
    SESSION_NOTICE = "session_notice"  # 调解通知书, one per party of a scheduled session

    @classmethod
    def _labels(cls):
        return {
            cls.APPLICATION: _l("Application for mediation"),
            cls.REGISTER: _l("Acceptance register"),
            cls.NOTICE: _l("Notice of rights and obligations"),
            cls.INVESTIGATION: _l("Investigation record"),
            cls.SESSION: _l("Mediation record"),
            cls.AGREEMENT: _l("Mediation agreement"),
            cls.ORAL_AGREEMENT: _l("Oral agreement register"),
            cls.FOLLOW_UP: _l("Follow-up visit record"),
            cls.NON_ACCEPTANCE: _l("Notice of non-acceptance"),
            cls.TERMINATION: _l("Notice of termination"),
            cls.CONFIRMATION_PERSONS: _l("Judicial confirmation application (persons)"),
            cls.CONFIRMATION_ORGANISATION: _l(
                "Judicial confirmation application (person and organisation)"
            ),
            cls.TRANSFER: _l("Transfer form"),
            cls.TRANSFER_NOTE: _l("Case transfer note"),
            cls.COVER: _l("Case file cover"),
            cls.CONTENTS: _l("Table of contents"),
            cls.BACK_COVER: _l("Back cover"),
            cls.ID_PROOF: _l("Parties' identity documents"),
            cls.COURT_REPORT: _l("Report to the court on the mediation"),
            cls.POLICE_REPORT: _l("Report on a dispute at risk of a criminal case"),
            cls.SESSION_NOTICE: _l("Session notice"),
        }


# ---- Docking with courts, petition offices and police (PML Art. 18; SPC-TY Art. 11) ---------
class ReferralKind(LabelledEnum):
    """Who referred the case to people's mediation (对接类别)."""

    COURT = "court"  # 诉调对接
    PETITION = "petition"  # 访调对接
    POLICE = "police"  # 警调对接
    GOVERNMENT = "government"  # 行调对接 / other departments

    @classmethod
    def _labels(cls):
        return {
            cls.COURT: _l("Court referral"),
            cls.PETITION: _l("Petition office transfer"),
            cls.POLICE: _l("Police referral"),
            cls.GOVERNMENT: _l("Government department transfer"),
        }


class CourtMode(LabelledEnum):
    """SPC-TY Art. 11: before filing (委派) or after filing (委托)."""

    DELEGATED = "delegated"  # 委派调解 (pre-filing): 30 days
    ENTRUSTED = "entrusted"  # 委托调解 (filed): 15 days ordinary / 7 days summary

    @classmethod
    def _labels(cls):
        return {
            cls.DELEGATED: _l("Delegated by the court before filing"),
            cls.ENTRUSTED: _l("Entrusted by the court after filing"),
        }


class CourtProcedure(LabelledEnum):
    ORDINARY = "ordinary"  # 普通程序
    SUMMARY = "summary"  # 简易程序

    @classmethod
    def _labels(cls):
        return {
            cls.ORDINARY: _l("Ordinary procedure"),
            cls.SUMMARY: _l("Summary procedure"),
        }


class PetitionForm(LabelledEnum):
    """信访形式."""

    LETTER = "letter"  # 来信
    VISIT = "visit"  # 来访
    ONLINE = "online"  # 网上信访

    @classmethod
    def _labels(cls):
        return {
            cls.LETTER: _l("Letter"),
            cls.VISIT: _l("Visit in person"),
            cls.ONLINE: _l("Online petition"),
        }


class PoliceCategory(LabelledEnum):
    """Only transferred disputes become people's-mediation cases; 治安调解 stays with police."""

    NON_POLICE = "non_police"  # 非警务纠纷
    MINOR = "minor"  # 治安轻微纠纷 transferred for mediation

    @classmethod
    def _labels(cls):
        return {
            cls.NON_POLICE: _l("Non-police dispute"),
            cls.MINOR: _l("Minor public-order dispute"),
        }


class ReferralResult(LabelledEnum):
    """What is reported back to the referring body (the return leg)."""

    AGREEMENT = "agreement"
    FAILURE = "failure"
    TERMINATED = "terminated"
    TRANSFERRED = "transferred"

    @classmethod
    def _labels(cls):
        return {
            cls.AGREEMENT: _l("Agreement reached"),
            cls.FAILURE: _l("Mediation failed"),
            cls.TERMINATED: _l("Mediation ended"),
            cls.TRANSFERRED: _l("Transferred elsewhere"),
        }


# ---- Related cases and transfers -------------------------------------------------------------
class LinkKind(LabelledEnum):
    RELATED = "related"  # 关联案件
    REPEAT = "repeat"  # 重复信访 / repeat application of the same dispute
    MERGED = "merged"  # this case was merged into the linked case

    @classmethod
    def _labels(cls):
        return {
            cls.RELATED: _l("Related case"),
            cls.REPEAT: _l("Repeat petition"),
            cls.MERGED: _l("Merged into"),
        }


class TransferDirection(LabelledEnum):
    DOWN = "down"  # to a lower level (属地)
    UP = "up"  # to a higher level (分级)
    ACROSS = "across"  # to another committee at the same level
    OUT = "out"  # out of people's mediation: court, arbitration, administrative department

    @classmethod
    def _labels(cls):
        return {
            cls.DOWN: _l("Down to a lower level"),
            cls.UP: _l("Up to a higher level"),
            cls.ACROSS: _l("To another committee"),
            cls.OUT: _l("Out of people's mediation"),
        }


class TransferStatus(LabelledEnum):
    PENDING = "pending"
    ACKNOWLEDGED = "acknowledged"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @classmethod
    def _labels(cls):
        return {
            cls.PENDING: _l("Awaiting acknowledgement"),
            cls.ACKNOWLEDGED: _l("Acknowledged"),
            cls.DECLINED: _l("Declined"),
            cls.WITHDRAWN: _l("Withdrawn"),
        }


# ---- Routing rules ----------------------------------------------------------------------------
class RoutingLevel(LabelledEnum):
    """Where an escalation rule sends a case: the centre of its township or of its county."""

    TOWNSHIP = "township"
    COUNTY = "county"

    @classmethod
    def _labels(cls):
        return {
            cls.TOWNSHIP: _l("The township centre of the place"),
            cls.COUNTY: _l("The county centre"),
        }
