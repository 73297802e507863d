"""The screening form: the exclusions of MOJ-2002 Art. 22 asked one by one, a referral's own
question answered by it, and a "yes" turning the screening into a refusal with advice."""

from __future__ import annotations

from models import Case
from models.enums import ReferralKind
from models.states import CaseState
from tests.conftest import hx
from tests.factories import open_panel

QUESTIONS = ("court", "administrative", "reserved")


def _fresh(db, case):
    db.session.expire_all()
    return db.session.get(Case, case.id)


def _post(client, case, headers=None, **answers):
    data = {"accept-version": case.version}
    data.update({f"accept-{k}": v for k, v in answers.items()})
    return client.post(f"/desk/case/{case.number}/accept", data=data, headers=headers or {})


def test_the_form_asks_each_exclusion(world, login, client, db):
    case = world.case()
    db.session.commit()
    client = login("clerk")
    html = open_panel(client, case, "screen", "accept").get_data(as_text=True)
    for question in QUESTIONS:
        assert f'id="accept-{question}-0" name="accept-{question}" required' in html  # no
        assert f'id="accept-{question}-1" name="accept-{question}" required' in html  # yes
    assert "already sued in a court or applied for arbitration" in html
    assert "Record the screening" in html
    assert "answered by the referral" not in html


def test_a_court_referral_answers_its_own_question(world, login, client, db):
    case = world.referral_case(ReferralKind.COURT)
    db.session.commit()
    client = login("clerk")
    html = open_panel(client, case, "screen", "accept").get_data(as_text=True)
    assert 'name="accept-court"' not in html
    assert 'id="screen-settled-court"' in html and "公安县人民法院" in html
    assert 'name="accept-administrative"' in html and 'name="accept-reserved"' in html
    response = _post(client, case, administrative="no", reserved="no")
    assert response.status_code == 303
    assert _fresh(db, case).state == CaseState.ACCEPTED


def test_unanswered_questions_are_named_beside_each(world, login, client, db):
    case = world.case()
    db.session.commit()
    login("clerk")
    response = _post(client, case, court="no", note="已电话核实")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="accept-court-error"' not in html
    assert 'id="accept-administrative-error"' in html and 'id="accept-reserved-error"' in html
    assert "administrative body has already accepted or dealt with the dispute" in html
    assert '<input checked id="accept-court-0"' in html  # the answer given is kept
    assert _fresh(db, case).state == CaseState.REGISTERED


def test_a_forged_answer_is_no_answer(world, login, client, db):
    case = world.case()
    db.session.commit()
    login("clerk")
    response = _post(client, case, court="maybe", administrative="no", reserved="no")
    assert response.status_code == 200
    assert 'id="accept-court-error"' in response.get_data(as_text=True)
    assert _fresh(db, case).state == CaseState.REGISTERED


def test_yes_without_advice_keeps_the_input(world, login, client, db):
    case = world.case()
    db.session.commit()
    login("clerk")
    response = _post(
        client,
        case,
        headers=hx("panel-screen"),
        court="yes",
        administrative="no",
        reserved="no",
        note="已向法院起诉",
    )
    assert response.status_code == 200 and "HX-Retarget" not in response.headers
    html = response.get_data(as_text=True)
    assert 'id="accept-redirect_advice-error"' in html
    assert "which body or channel to use instead" in html
    assert "已向法院起诉" in html
    assert _fresh(db, case).state == CaseState.REGISTERED


def test_yes_with_advice_is_not_accepted_and_shown(world, login, client, db):
    case = world.case()
    db.session.commit()
    login("clerk")
    response = _post(
        client,
        case,
        court="yes",
        administrative="no",
        reserved="no",
        note="申请人已向法院起诉",
        redirect_advice="请向公安县人民法院了解诉讼进展",
    )
    assert response.status_code == 303
    case = _fresh(db, case)
    assert case.state == CaseState.NOT_ACCEPTED and case.not_accepted_grounds == ["court"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Case not accepted. The applicant is told where to go instead." in page
    assert 'id="not-accepted-grounds"' in page
    assert "Already before a court or an arbitration commission (MOJ-2002 Art. 22)" in page
    assert "请向公安县人民法院了解诉讼进展" in page and "申请人已向法院起诉" in page
    # The timeline says why, in the reader's language.
    assert "Already before a court or an arbitration commission (MOJ-2002 Art. 22)." in page


def test_accepting_records_the_answers_on_the_timeline(world, login, client, db):
    case = world.case()
    db.session.commit()
    login("clerk")
    response = _post(
        client, case, headers=hx("panel-screen"), court="no", administrative="no", reserved="no"
    )
    assert response.headers["HX-Retarget"] == "#main"
    page = response.get_data(as_text=True)
    assert "Case accepted." in page
    assert "Screened: none of the exclusions of MOJ-2002 Art. 22 applies." in page
