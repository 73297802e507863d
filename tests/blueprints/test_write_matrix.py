"""No form the server refuses, no refusal the page hides: for every role x case at each stage
x case-page panel, discovered from the panel registry (blueprints.panels ORDER and each
panel's Panel.forms) so that panels added later are covered without editing this file.

For each case below and each staff user who can see it:

1. every form key a panel offers the user (Panel.forms) has its opener on the case page, and
   nothing else opens there;
2. every POST form inside an opened form, submitted as the page fills it, is not refused for
   permission (no 403, no 404, no "not allowed" message): what the page shows, the user may do;
3. the same submission made by every other user who sees the case but was not offered that
   form is refused (403, 404 or "not allowed"): what the page hides, a forged POST cannot do.

The submissions are made with the database's commit turned into a flush, so each one is rolled
back at the end of its request and the case stays as built.

Who may do what is decided in Python (domain.permissions), not by the database, so this
matrix (about three minutes) runs on the SQLite pass only; the PostgreSQL pass runs the rule
tests of tests/blueprints/test_roles_by_stage.py and tests/domain/test_permissions_by_stage.py.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from blueprints.panels import ORDER, build
from domain import documents
from domain.calendar import local_today
from domain.links import link_cases
from domain.mediation import record_session
from domain.permissions import get_case_for
from domain.records import record_investigation
from domain.recusal import request_recusal
from domain.transfers import send_transfer
from extensions import db as _db
from models.enums import DocumentKind, ReferralKind, Role, SessionMode
from models.states import CaseState
from tests.conftest import BACKEND
from tests.factories import PNG, tiny_pdf, user

pytestmark = pytest.mark.skipif(
    BACKEND != "sqlite", reason="permissions are decided in Python: the SQLite pass covers them"
)

NOT_ALLOWED = "You are not allowed to do this on this case."
# Every staff account of the small world, and a few more for the township centre (which
# organises joint mediation and receives transfers) and the city.
USERS = (
    "clerk",
    "clerk2",
    "mediator",
    "mediator_b",
    "mediator2",
    "director",
    "leader",
    "leader2",
    "admin",
    "tdirector",
    "tmediator",
    "tclerk",
    "cityleader",
)


def _more_staff(world) -> None:
    user("tdirector", Role.DIRECTOR, world.township_centre, "镇中心主任")
    user("tmediator", Role.MEDIATOR, world.township_centre, "镇中心调解员")
    user("tclerk", Role.CLERK, world.township_centre, "镇中心窗口")
    user("cityleader", Role.LEADER, world.city_centre, "市中心领导")


# ---- the cases: one per stage, and the variants that open more forms --------------------------


def _now():
    return datetime.now(UTC)


def _busy(world):
    """In mediation with a session, an investigation, a related case and a recusal request."""
    case = world.case(CaseState.MEDIATING)
    record_session(
        case,
        world.mediator,
        version=None,
        held_at=_now(),
        place="村委会调解室",
        mode=SessionMode.IN_PERSON,
        notes="双方陈述事实",
    )
    record_investigation(
        case,
        world.mediator,
        version=None,
        held_at=_now(),
        place="现场",
        investigators="张调解",
        interviewee="邻居王某",
        record="排水沟确已堵塞",
    )
    other = world.case(CaseState.MEDIATING)  # a case the mediator sees too
    link_cases(case, other.number, world.mediator, version=None, kind="related")
    request_recusal(
        case, case.applicants[0], world.mediator, world.director, version=None, grounds="表兄"
    )
    return case


def _transfer(state: CaseState, sender: str, to: str) -> Callable:
    def make(world):
        case = world.case(state)
        send_transfer(
            case,
            getattr(world, sender),
            version=None,
            to_org=getattr(world, to),
            reason="移交测试",
        )
        return case

    return make


def _notice_generated(world):
    """Ended without agreement, the notice of termination generated: its service to record."""
    case = world.case(CaseState.TERMINATED)
    documents.generate(case, DocumentKind.TERMINATION, world.mediator)
    return case


def _linked_at_desk(world):
    """Accepted at the desk, linked to an earlier archived case (a repeat petition)."""
    case = world.case(CaseState.ACCEPTED)
    link_cases(
        case, world.case(CaseState.ARCHIVED).number, world.clerk, version=None, kind="repeat"
    )
    return case


def _meeting_decision(world):
    """In mediation, a joint meeting's decision on it owned by its mediator (to mark done)."""
    from domain import leadership as lead
    from models.leadership import MeetingKind

    case = world.case(CaseState.MEDIATING)
    meeting = lead.record_meeting(
        world.leader,
        lead.MeetingData(
            kind=MeetingKind.JOINT,
            title="联席会议",
            held_at=_now(),
            place="县调处中心",
            participant_ids=[world.leader.id, world.mediator.id],
            outside=None,
            minutes="研究该纠纷",
            case_numbers=[case.number],
        ),
    )
    lead.add_decision(
        meeting,
        world.leader,
        lead.DecisionData(
            text="三日内再次组织调解",
            owner_id=world.mediator.id,
            due_on=None,
            working_days=3,
            case_number=case.number,
        ),
        version=None,
    )
    return case


def _reported(world):
    """Agreed, the applicant reports that the other side does not perform (to handle)."""
    from domain.satisfaction import send_report
    from models.aftercase import ReportKind

    case = world.case(CaseState.AGREED)
    send_report(case, case.applicants[0], ReportKind.NON_PERFORMANCE, "对方未按期付款")
    return case


CASES: dict[str, Callable] = {
    "registered": lambda w: w.case(CaseState.REGISTERED),
    "not_accepted": lambda w: w.case(CaseState.NOT_ACCEPTED),
    "accepted": lambda w: w.case(CaseState.ACCEPTED, consented=False),
    "accepted_linked": _linked_at_desk,
    "accepted_transfer_pending": _transfer(CaseState.ACCEPTED, "clerk", "township_centre"),
    "dispatched": lambda w: w.case(CaseState.DISPATCHED),
    "mediating_unconsented": lambda w: w.case(CaseState.MEDIATING, consented=False),
    "mediating_busy": _busy,
    "mediating_meeting_decision": _meeting_decision,
    "mediating_transfer_pending": _transfer(CaseState.MEDIATING, "mediator", "township_centre"),
    "mediating_transfer_out": _transfer(CaseState.MEDIATING, "mediator", "court"),
    "suspended": lambda w: w.case(CaseState.SUSPENDED),
    "joint_mediation": lambda w: w.case(CaseState.JOINT_MEDIATION),
    "agreed_written": lambda w: w.case(CaseState.AGREED),
    "agreed_oral": lambda w: w.case(CaseState.AGREED, oral=True),
    "agreed_reported": _reported,
    "failed": lambda w: w.case(CaseState.FAILED),
    "refused": lambda w: w.case(CaseState.REFUSED),
    "terminated": lambda w: w.case(CaseState.TERMINATED),
    "archived": lambda w: w.case(CaseState.ARCHIVED),
    "terminated_notice": _notice_generated,
    "merged": lambda w: w.case(CaseState.MERGED, into=w.case(CaseState.ACCEPTED)),
    "court_mediating": lambda w: w.referral_case(ReferralKind.COURT, CaseState.MEDIATING),
    "court_failed": lambda w: w.referral_case(ReferralKind.COURT, CaseState.FAILED),
    "petition_accepted": lambda w: w.referral_case(ReferralKind.PETITION, CaseState.ACCEPTED),
    "police_terminated": lambda w: w.referral_case(ReferralKind.POLICE, CaseState.TERMINATED),
}


# ---- reading the forms of a page --------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    inside: list[str]  # ids of the elements around the form
    inputs: list[dict] = field(default_factory=list)
    selects: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)
    textareas: dict[str, str] = field(default_factory=dict)

    def signature(self) -> tuple:
        """What identifies this form among the others of the case: where it posts and its
        hidden fields (the party, the record, the document…), without the CSRF token and the
        version."""
        hidden = sorted(
            (i["name"], i.get("value") or "")
            for i in self.inputs
            if i.get("type") == "hidden"
            and i.get("name")
            and i["name"] != "csrf_token"
            and not i["name"].endswith("version")
        )
        return (self.action, tuple(hidden))

    def data(self) -> dict:
        """The form as a user submits it: what the page filled in, a plausible value in each
        empty field, every box ticked, the first choice where none is made."""
        out: dict = {}
        radios: dict[str, str] = {}
        for i in self.inputs:
            name, kind, value = i.get("name"), i.get("type", "text"), i.get("value")
            if not name:
                continue
            if kind == "radio":
                if "checked" in i or name not in radios:
                    radios[name] = value or ""
            elif kind == "checkbox":
                out.setdefault(name, []).append(value or "y")
            elif kind == "file":
                out[name] = (io.BytesIO(PNG), "scan.png")
            elif kind in ("submit", "button", "reset"):
                continue
            elif value:
                out[name] = value
            else:
                out[name] = _plausible(name, kind)
        out.update(radios)
        for name, options in self.selects.items():
            chosen = [v for v, selected in options if selected and v]
            out[name] = chosen[0] if chosen else next((v for v, _s in options if v), "")
        for name, text in self.textareas.items():
            text = text.removeprefix("\r\n").removeprefix("\n")  # as a browser reads it
            out[name] = text if text.strip() else "经核实的情况说明"
        return out


def _plausible(name: str, kind: str) -> str:
    today = local_today()
    if kind == "date" or name.endswith(("_on", "-date")):
        return today.isoformat()
    if kind == "datetime-local" or name.endswith("_at"):
        return datetime.now().strftime("%Y-%m-%dT%H:%M")
    if kind == "number" or name.endswith(("days", "age", "amount")):
        return "5"
    if name.endswith("number"):
        return "2026-421022-999999"
    return "测试"


class _FormParser(HTMLParser):
    VOID = {"input", "br", "img", "hr", "meta", "link", "source", "wbr", "area", "col"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None
        self.option: list | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.form = Form(
                action=a.get("action", ""),
                method=(a.get("method") or "get").lower(),
                inside=[i for _t, i in self.stack if i],
            )
            self.forms.append(self.form)
        elif self.form is not None and tag == "input":
            self.form.inputs.append(a)
        elif self.form is not None and tag == "select":
            self.select = a.get("name")
            self.form.selects[self.select] = []
        elif self.form is not None and tag == "option" and self.select:
            self.form.selects[self.select].append((a.get("value", ""), "selected" in a))
        elif self.form is not None and tag == "textarea":
            self.textarea = a.get("name")
            self.form.textareas[self.textarea] = ""
        elif self.form is not None and tag == "button" and a.get("name"):
            self.form.inputs.append({"name": a["name"], "value": a.get("value", ""), "type": ""})
        if tag not in self.VOID:
            self.stack.append((tag, a.get("id")))

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        for n in range(len(self.stack) - 1, -1, -1):
            if self.stack[n][0] == tag:
                del self.stack[n:]
                break

    def handle_data(self, data):
        if self.form is not None and self.textarea:
            self.form.textareas[self.textarea] += data


def post_forms(html: str, inside: str) -> list[Form]:
    """The POST forms of `html` inside the element with the id `inside`."""
    parser = _FormParser()
    parser.feed(html)
    return [f for f in parser.forms if f.method == "post" and inside in f.inside]


OPENER = re.compile(r'href="/cases/[^"/]+/panels/(\w+)\?open=([^"&]+)"')


def refused(response) -> bool:
    if response.status_code in (403, 404):
        return True
    return NOT_ALLOWED in response.get_data(as_text=True)


def describe(response) -> str:
    text = response.get_data(as_text=True)
    flashes = re.findall(r'class="flash[^"]*"[^>]*>([^<]+)<', text)
    errors = re.findall(r'class="error"[^>]*>([^<]+)<', text)
    return f"{response.status_code} {flashes[:3]} {errors[:3]}"


# ---- the test ---------------------------------------------------------------------------------


@pytest.fixture
def dry_run(monkeypatch):
    """While on, an action's commit only flushes: the request's end rolls it back."""

    def on():
        monkeypatch.setattr(_db.session, "commit", lambda: _db.session.flush())

    def off():
        monkeypatch.undo()

    return on, off


@pytest.fixture
def no_pdf(monkeypatch):
    """Generating a document renders no real PDF here (its own tests do): a blank page."""
    page = tiny_pdf(1)

    class Rendered:
        pages = [None]

        def copy(self, pages):
            return self

        def write_pdf(self):
            return page  # a whole PDF: the 卷宗 merges the versions filed (domain/pdf_bundle.py)

    monkeypatch.setattr("domain.documents.html_to_pdf", lambda html: Rendered())


# Panels that only show what happened and offer no form.
READ_ONLY_PANELS = {"closing_notice", "merged_timelines", "outbox"}


def offered_keys(case, user) -> set[tuple[str, str]]:
    """(panel, form key) of every form the panel registry offers `user` on `case`."""
    keys = set()
    for panel_name in ORDER:
        p = build(panel_name, case, user)
        if p is not None:
            keys |= {(panel_name, key) for key in p.forms}
    return keys


def test_the_cases_reach_every_panel_that_has_forms(world, db, no_pdf):
    """A panel added later with a form that none of CASES reaches fails here: add the stage
    it needs to CASES."""
    _more_staff(world)
    reached = set()
    for make in CASES.values():
        case = make(world)
        db.session.flush()
        for name in USERS:
            staff = db.session.scalars(_by_name(name)).one()
            if get_case_for(staff, case.number) is not None:
                reached |= {panel_name for panel_name, _key in offered_keys(case, staff)}
    assert set(ORDER) - READ_ONLY_PANELS <= reached, set(ORDER) - READ_ONLY_PANELS - reached


@pytest.mark.parametrize("variant", list(CASES))
def test_no_form_the_server_refuses(variant, world, db, client, login, dry_run, no_pdf):
    _more_staff(world)
    case = CASES[variant](world)
    db.session.commit()
    number = case.number
    staff = {name: db.session.scalars(_by_name(name)).one() for name in USERS}
    seeing = [name for name in USERS if get_case_for(staff[name], number) is not None]
    assert seeing, variant

    offered: dict[str, set[tuple]] = {}  # user -> signatures of the forms they were shown
    shown: dict[tuple, tuple[str, Form]] = {}  # signature -> (first user shown it, form)
    failures: list[str] = []
    on, off = dry_run
    for name in seeing:
        login(name)
        db.session.expire_all()
        case = get_case_for(staff[name], number)
        keys = offered_keys(case, staff[name])
        page = client.get(f"/cases/{number}").get_data(as_text=True)
        openers = set(OPENER.findall(page))
        if openers != keys:
            failures.append(f"{name}: openers {sorted(openers ^ keys)} differ from Panel.forms")
        offered[name] = set()
        for panel_name, key in sorted(keys):
            fragment = client.get(
                f"/cases/{number}/panels/{panel_name}?open={key}", headers={"HX-Request": "true"}
            )
            assert fragment.status_code == 200, (name, panel_name, key)
            for form in post_forms(fragment.get_data(as_text=True), f"panel-{panel_name}-{key}"):
                sig = form.signature()
                offered[name].add(sig)
                shown.setdefault(sig, (name, form))
                on()
                try:
                    response = client.post(form.action, data=form.data())
                finally:
                    off()
                if refused(response):
                    failures.append(
                        f"{name} is shown {panel_name}:{key} ({form.action}) but refused: "
                        + describe(response)
                    )
    for name in seeing:
        hidden = [
            (sig, first, form) for sig, (first, form) in shown.items() if sig not in offered[name]
        ]
        if not hidden:
            continue
        login(name)
        for sig, first, form in hidden:
            on()
            try:
                response = client.post(form.action, data=form.data())
            finally:
                off()
            if not refused(response):
                failures.append(
                    f"{name} is not shown {form.action} {sig[1]} (shown to {first}) but the "
                    f"server did not refuse it: " + describe(response)
                )
    assert not failures, f"{variant}:\n" + "\n".join(failures)


def _by_name(username: str):
    import sqlalchemy as sa

    from models import User

    return sa.select(User).where(User.username == username)


def test_forms_are_read_inside_their_opener():
    html = (
        '<section id="panel-x"><div id="panel-x-a"><form method="post" action="/a">'
        '<input type="hidden" name="csrf_token" value="t"><input type="hidden" name="a-party" '
        'value="3"><input name="a-note"><select name="a-kind"><option value="">-</option>'
        '<option value="k">K</option></select><textarea name="a-text"></textarea>'
        '<input type="radio" name="a-r" value="1"><input type="radio" name="a-r" value="2" '
        'checked></form></div><form method="post" action="/b"></form></section>'
    )
    (form,) = post_forms(html, "panel-x-a")
    assert form.signature() == ("/a", (("a-party", "3"),))
    data = form.data()
    assert data["a-kind"] == "k" and data["a-r"] == "2" and data["a-note"] == "测试"
    assert data["a-text"] and data["csrf_token"] == "t"
    assert [f.action for f in post_forms(html, "panel-x")] == ["/a", "/b"]
