"""The judicial-confirmation panel explains what a court would meet: a disputed term or a term
settling a status relation refuses (no form), a suspected matter is a warning naming the terms
and why, cleared by a confirmation beside it."""

from __future__ import annotations

from domain import agreements
from domain.clocks import local_today
from models.enums import DisputeType, Performance
from models.states import CaseState
from tests.conftest import hx
from tests.factories import fresh, open_panel

URL = "/workbench/case/{}/confirmation"


def _effective(world, db, terms, dtype=DisputeType.LL):
    case = world.case(CaseState.AGREED, dtype=dtype)
    case.agreement.terms = list(terms)
    case.agreement.performance = ["pending"] * len(terms)
    for row in agreements.signers(case):
        agreements.sign_agreement(
            case,
            world.mediator,
            version=None,
            signer=row.kind,
            party=row.party,
            signed_on=local_today(),
        )
    db.session.commit()
    return case


def _data(case, **kw):
    return {
        "confirm-version": case.version,
        "confirm-court": "公安县人民法院",
        "confirm-applied_on": local_today().isoformat(),
        "confirm-all_parties_join": "y",
        **kw,
    }


def test_a_warning_names_the_terms_and_why(world, login, client, db):
    case = _effective(world, db, ["父母遗留房屋归张三所有", "存款由双方平均分配"], DisputeType.HYJT)
    login("mediator")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert 'id="confirmation-check"' in html and "flash-warning" in html
    assert "Check the terms before the parties apply" in html
    assert 'id="bar-status"' in html and 'id="bar-ownership"' in html
    assert "父母遗留房屋<mark>归张三所有</mark>" in html  # the words found, marked
    assert "CPL Interpretation Art. 355" in html  # why, with the rule
    assert "Marriage and family" in html  # the dispute type that raised the status warning
    form = open_panel(client, case, "confirmation", "confirm").get_data(as_text=True)
    assert 'name="confirm-not_status"' in form and 'name="confirm-not_ownership"' in form
    assert 'name="confirm-not_others"' not in form  # only what was found is asked


def test_the_application_needs_each_warning_cleared(world, login, client, db):
    case = _effective(world, db, ["父母遗留房屋归张三所有"], DisputeType.HYJT)
    login("mediator")
    url = URL.format(case.number)
    response = client.post(
        url, data=_data(case, **{"confirm-not_status": "y"}), headers=hx("panel-confirmation")
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="confirm-not_ownership-error"' in html
    assert "or tell the parties that the court will not confirm them" in html
    assert fresh(db, case).confirmations == []
    response = client.post(
        url, data=_data(case, **{"confirm-not_status": "y", "confirm-not_ownership": "y"})
    )
    assert response.status_code == 303
    assert len(fresh(db, case).confirmations) == 1


def test_a_disputed_term_refuses_without_a_form(world, login, client, db):
    case = _effective(world, db, ["被申请人于十日内疏通排水沟", "赔偿申请人300元"])
    agreements.record_performance(
        case,
        world.mediator,
        version=None,
        term=2,
        status=Performance.DISPUTED,
        note="被申请人不认可赔偿数额",
    )
    db.session.commit()
    login("mediator")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert 'id="confirmation-check"' in html and "flash-error" in html
    assert 'id="disputed-term-2"' in html and "被申请人不认可赔偿数额" in html
    assert "/panels/confirmation?open=confirm" not in html  # nothing to apply with
    # A forged post is refused by the domain, with the reason.
    response = client.post(URL.format(case.number), data=_data(case))
    assert response.status_code == 200
    assert "A party disputes term 2" in response.get_data(as_text=True)
    assert fresh(db, case).confirmations == []


def test_a_term_settling_a_status_is_refused(world, login, client, db):
    case = _effective(world, db, ["双方自愿离婚", "婚生女由女方抚养"], DisputeType.HYJT)
    login("mediator")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "A court cannot confirm this agreement as it stands" in html
    assert "<mark>自愿离婚</mark>" in html and "This term itself settles the status" in html
    assert "/panels/confirmation?open=confirm" not in html
    everything = {f"confirm-not_{b}": "y" for b in ("status", "ownership", "others")}
    response = client.post(URL.format(case.number), data=_data(case, **everything))
    assert "settles a status relation" in response.get_data(as_text=True)
    assert fresh(db, case).confirmations == []


def test_a_plain_agreement_says_nothing_was_found(world, login, client, db):
    case = _effective(world, db, ["被申请人于十日内疏通排水沟"])
    login("mediator")
    assert 'id="confirmation-check"' not in client.get(f"/cases/{case.number}").get_data(
        as_text=True
    )
    form = open_panel(client, case, "confirmation", "confirm").get_data(as_text=True)
    assert "Nothing in the dispute type, the parties or the terms" in form
