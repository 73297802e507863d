"""The typical-case library end to end with the Flask client: the mediator proposes a closed
case from its page, the director corrects and publishes it, the public reads it without an
account and never meets a name, ID, phone or case number of the source case; scope (another
organisation's director: 404), open cases, hostile input, the empty library."""

from __future__ import annotations

import pytest

from demo.small import user
from domain import library
from models import LibraryEntry, LibraryStatus
from models.enums import Role
from models.states import CaseState
from tests.factories import fresh, open_panel, pii_found, pii_parties


def _post(case, **fields):
    data = {
        "library-version": case.version,
        "library-title": "邻里排水沟纠纷经现场调解化解",
        "library-facts": "",
        "library-mediation": "",
        "library-outcome": "",
        "library-lesson": "现场勘查有助于双方看清事实。",
    }
    data.update({f"library-{k}": v for k, v in fields.items()})
    return data


@pytest.fixture
def closed(world, db):
    case = world.case(CaseState.AGREED, parties=pii_parties())
    db.session.commit()
    return case


def _dirty_text(case) -> dict:
    """Text typed by the mediator with every party's name, ID and phone and the case number."""
    ps = pii_parties()
    facts = (
        f"申请人{ps[0].name}（身份证号{ps[0].id_number}，电话{ps[0].phone}）与被申请人{ps[1].name}"
        f"（电话{ps[1].phone}）、{ps[2].name}（法定代表人{ps[2].legal_rep}，电话{ps[2].phone}）"
        f"因排水沟堵塞发生纠纷，损失约3000元。家住{ps[0].address}。案号{case.number}。"
    )
    mediation = f"调解员到新民村现场勘查，{ps[3].name}作为邻居到场，{ps[4].name}代理{ps[1].name}。"
    outcome = f"{ps[1].name}赔偿{ps[0].name}2000元，双方签订协议。"
    return {"facts": facts, "mediation": mediation, "outcome": outcome}


def test_propose_review_publish_and_read(world, db, login, closed):
    client = login("mediator")
    html = open_panel(client, closed, "library", "library", htmx=False).get_data(as_text=True)
    assert "panel-library" in html and "library-facts" in html
    # The draft is anonymised already: no full party name.
    assert "李春华" not in html and "黄建国" not in html

    r = client.post(f"/cases/{closed.number}/library", data=_post(closed, **_dirty_text(closed)))
    assert r.status_code == 303
    entry = db.session.query(LibraryEntry).one()
    assert entry.status == LibraryStatus.PROPOSED
    stored = " ".join([entry.title, entry.facts, entry.mediation, entry.outcome, entry.lesson])
    assert pii_found(stored) == []
    assert "李某" in entry.facts and "某有限公司" in entry.facts and "3000元" in entry.facts
    assert closed.number not in stored
    assert entry.region.name == "埠河镇" and "新民村" not in stored
    assert any(e.action == "library_propose" for e in fresh(db, closed).events)
    # The committee's director, who reviews it, is told in the inbox.
    from models import Notification

    told = db.session.query(Notification).filter_by(user_id=world.director.id).all()
    assert "library_proposal" in [n.kind for n in told]

    # Not yet public.
    assert client.get(f"/library/{entry.id}").status_code == 404
    # A second proposal while one waits is refused (the form is no longer offered).
    r = client.post(
        f"/cases/{closed.number}/library", data=_post(fresh(db, closed), **_dirty_text(closed))
    )
    assert r.status_code < 500
    assert db.session.query(LibraryEntry).count() == 1

    client = login("director")
    queue = client.get("/library-review/").get_data(as_text=True)
    assert f"/library-review/{entry.id}" in queue
    page = client.get(f"/library-review/{entry.id}").get_data(as_text=True)
    assert 'name="facts"' in page

    # Putting a name back is refused beside the field, the typed text kept.
    bad = {
        "version": entry.version,
        "title": entry.title,
        "facts": entry.facts + "另查明黄建国曾多次堵沟。",
        "mediation": entry.mediation,
        "outcome": entry.outcome,
        "lesson": entry.lesson,
        "decision": "publish",
    }
    r = client.post(f"/library-review/{entry.id}/text", data=bad)
    assert r.status_code == 422
    body = r.get_data(as_text=True)
    assert "still contains a name" in body and "另查明黄建国曾多次堵沟" in body
    db.session.expire_all()
    assert db.session.get(LibraryEntry, entry.id).status == LibraryStatus.PROPOSED

    good = dict(bad, facts=entry.facts + "另查明对方曾多次堵沟。")
    r = client.post(f"/library-review/{entry.id}/text", data=good)
    assert r.status_code == 303
    db.session.expire_all()
    entry = db.session.get(LibraryEntry, entry.id)
    assert entry.status == LibraryStatus.PUBLISHED and entry.published_at is not None
    assert [e.action for e in library.matters.history(library.KIND, entry.id)] == [
        "propose",
        "publish",
    ]

    # The public: no account, list and entry, nothing of the source case.
    client.post("/auth/logout")
    listing = client.get("/library").get_data(as_text=True)
    assert entry.title in listing
    public = client.get(f"/library/{entry.id}").get_data(as_text=True)
    assert "另查明对方曾多次堵沟" in public and "埠河镇" in public
    for text in (listing, public):
        assert pii_found(text) == []
        for p in pii_parties():
            assert p.name not in text
            if p.legal_rep:
                assert p.legal_rep not in text
        assert closed.number not in text
    # No JavaScript needed: the search is a plain GET form.
    assert '<form method="get" action="/library"' in listing
    # Search, type and region filters.
    assert entry.title in client.get("/library?q=排水沟").get_data(as_text=True)
    assert entry.title not in client.get("/library?q=医疗").get_data(as_text=True)
    assert entry.title in client.get("/library?region=421022100&type=LL").get_data(as_text=True)
    assert entry.title not in client.get("/library?region=421087").get_data(as_text=True)


def test_another_organisations_director_cannot_publish(world, db, login, closed):
    client = login("mediator")
    client.post(f"/cases/{closed.number}/library", data=_post(closed, **_dirty_text(closed)))
    entry = db.session.query(LibraryEntry).one()
    user("director2", Role.DIRECTOR, world.village3_committee, "钱主任")
    db.session.commit()
    client = login("director2")
    assert client.get(f"/library-review/{entry.id}").status_code == 404
    data = {"version": entry.version, "title": "x", "facts": "x", "mediation": "x", "outcome": "x"}
    r = client.post(f"/library-review/{entry.id}/text", data=dict(data, decision="publish"))
    assert r.status_code == 404
    assert (
        client.post(f"/library-review/{entry.id}/withdraw", data={"version": 1}).status_code == 404
    )
    assert f"/library-review/{entry.id}" not in client.get("/library-review/").get_data(
        as_text=True
    )
    # A mediator proposes; only directors review.
    assert login("mediator").get("/library-review/").status_code == 403
    db.session.expire_all()
    assert db.session.get(LibraryEntry, entry.id).status == LibraryStatus.PROPOSED


def test_return_with_reason_then_propose_again(world, db, login, closed):
    client = login("mediator")
    client.post(f"/cases/{closed.number}/library", data=_post(closed, **_dirty_text(closed)))
    entry = db.session.query(LibraryEntry).one()
    client = login("director")
    r = client.post(
        f"/library-review/{entry.id}/return", data={"version": entry.version, "reason": ""}
    )
    assert r.status_code == 422 and "Say why it is returned" in r.get_data(as_text=True)
    r = client.post(
        f"/library-review/{entry.id}/return",
        data={"version": entry.version, "reason": "经过写得太简略"},
    )
    assert r.status_code == 303
    client = login("mediator")
    page = client.get(f"/cases/{closed.number}").get_data(as_text=True)
    assert "经过写得太简略" in page
    r = client.post(
        f"/cases/{closed.number}/library", data=_post(fresh(db, closed), **_dirty_text(closed))
    )
    assert r.status_code == 303
    assert db.session.query(LibraryEntry).count() == 2


def test_open_case_and_outsiders_cannot_propose(world, db, login):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    client = login("mediator")
    assert 'id="panel-library"' not in client.get(f"/cases/{case.number}").get_data(as_text=True)
    r = client.post(
        f"/cases/{case.number}/library", data=_post(case, facts="a", mediation="b", outcome="c")
    )
    assert r.status_code == 403
    assert db.session.query(LibraryEntry).count() == 0


def test_hostile_input(world, db, login, closed):
    client = login("mediator")
    long = "长" * (library.PART_MAX + 1)
    r = client.post(
        f"/cases/{closed.number}/library",
        data=_post(
            closed, title="\x00<script>alert(1)</script>", facts=long, mediation="b", outcome="c"
        ),
    )
    assert r.status_code in (200, 422) and db.session.query(LibraryEntry).count() == 0
    r = client.post(f"/cases/{closed.number}/library", data={"library-version": "abc"})
    assert r.status_code < 500
    r = client.post(
        f"/cases/{closed.number}/library",
        data=_post(closed, title="<b>标题</b>", facts="事实%_\\", mediation="经过", outcome="结果"),
    )
    assert r.status_code == 303
    entry = db.session.query(LibraryEntry).one()
    client = login("director")
    data = {
        "version": entry.version,
        "title": entry.title,
        "facts": entry.facts,
        "mediation": entry.mediation,
        "outcome": entry.outcome,
        "decision": "publish",
    }
    assert (
        client.post(f"/library-review/{entry.id}/text", data=dict(data, version="x")).status_code
        == 422
    )
    assert (
        client.post(f"/library-review/{entry.id}/text", data=dict(data, version=99)).status_code
        == 422
    )
    assert client.post(f"/library-review/{entry.id}/text", data=data).status_code == 303
    client.post("/auth/logout")
    page = client.get(f"/library/{entry.id}").get_data(as_text=True)
    assert "<b>标题</b>" not in page and "&lt;b&gt;" in page
    for q in ("%", "_", "\\", "'", "%25", "事实%_", "x" * 500, "\x00"):
        r = client.get("/library", query_string={"q": q})
        assert r.status_code == 200
    # LIKE wildcards are escaped: "%" alone does not match everything.
    assert entry.title not in client.get("/library", query_string={"q": "%%"}).get_data(
        as_text=True
    )
    assert "标题" in client.get("/library", query_string={"q": "事实%_"}).get_data(as_text=True)
    for bad in ({"type": "NOPE"}, {"region": "'; drop"}, {"after": "!!!"}, {"region": "9" * 40}):
        assert client.get("/library", query_string=bad).status_code == 200
    assert client.get("/library/999999").status_code == 404
    assert client.get("/library/99999999999999999999").status_code == 404


def test_empty_library(client, db):
    r = client.get("/library")
    assert r.status_code == 200
    assert 'id="library-empty"' in r.get_data(as_text=True)
    assert 'id="library-empty"' in client.get("/library?q=无").get_data(as_text=True)
