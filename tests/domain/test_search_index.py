"""The party-name search index (models/search.py) at the migrations' head: it exists on each
database, stays right however parties are added, corrected or removed later, and the searches
read it (and the other indexes) instead of the whole party table."""

import pytest
import sqlalchemy as sa

from domain.intake import PartyData
from domain.search import cases_found, parse_query, party_condition
from extensions import db
from models import Case, Party
from models.enums import PartyKind, PartyRole
from models.search import NAME_FTS, NAME_FTS_TRIGGERS, NAME_TRGM_INDEX


def dialect() -> str:
    return db.engine.dialect.name


def found(user, text) -> list[str]:
    stmt = cases_found(user, parse_query(text)).order_by(Case.id)
    return [c.number for c in db.session.scalars(stmt)]


def check_fts():
    """SQLite: the FTS index agrees with the party table, row for row (raises otherwise)."""
    if dialect() == "sqlite":
        db.session.execute(
            sa.text(
                "INSERT INTO party_name_fts(party_name_fts, rank) VALUES ('integrity-check', 1)"
            )
        )


def a_case(world, name="原始名字"):
    return world.case(
        parties=[
            PartyData(role=PartyRole.APPLICANT, name=name, kind=PartyKind.PERSON),
            PartyData(role=PartyRole.RESPONDENT, name="对方当事人", kind=PartyKind.PERSON),
        ]
    )


def test_the_index_exists_at_head(db):
    with db.engine.connect() as conn:
        if dialect() == "sqlite":
            names = set(
                conn.scalars(
                    sa.text("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
                )
            )
            assert {NAME_FTS, *NAME_FTS_TRIGGERS} <= names, (
                "a migration recreated the party table without the search triggers"
            )
        else:
            definition = conn.scalar(
                sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"),
                {"n": NAME_TRGM_INDEX},
            )
            assert definition is not None
            assert "gin" in definition and "gin_trgm_ops" in definition


def test_parties_added_later_are_found(world):
    case = a_case(world)
    db.session.commit()
    case.parties.append(
        Party(role=PartyRole.RESPONDENT, name="后来加入者", position=2, kind=PartyKind.PERSON)
    )
    db.session.commit()
    assert found(world.clerk, "后来加入") == [case.number]
    assert found(world.clerk, "后来") == [case.number]
    # A bulk insert without the ORM (as a data import or the benchmark does) is indexed too.
    db.session.execute(
        sa.insert(Party),
        [{"case_id": case.id, "role": "third_party", "kind": "person", "name": "批量插入人"}],
    )
    db.session.commit()
    assert found(world.clerk, "批量插入") == [case.number]
    check_fts()


def test_a_corrected_name_is_found_by_the_new_name_only(world):
    case = a_case(world, "错别字名")
    db.session.commit()
    assert found(world.clerk, "错别字") == [case.number]
    applicant = case.applicants[0]
    applicant.name = "正确的名"
    db.session.commit()
    assert found(world.clerk, "错别字") == []
    assert found(world.clerk, "错别") == []
    assert found(world.clerk, "正确的") == [case.number]
    # Corrected again, with a Core UPDATE this time; other columns changing leave it alone.
    db.session.execute(sa.update(Party).where(Party.id == applicant.id).values(name="第三个名"))
    db.session.execute(sa.update(Party).where(Party.id == applicant.id).values(age=50))
    db.session.commit()
    assert found(world.clerk, "正确的") == []
    assert found(world.clerk, "第三个") == [case.number]
    check_fts()


def test_removed_parties_are_not_found(world):
    case = a_case(world, "将被删除")
    keep = a_case(world, "保留之人")
    db.session.commit()
    db.session.execute(sa.delete(Party).where(Party.case_id == case.id))
    db.session.commit()
    assert found(world.clerk, "将被删除") == []
    assert found(world.clerk, "保留之人") == [keep.number]
    check_fts()


def _plan(stmt) -> str:
    compiled = stmt.compile(dialect=db.engine.dialect)
    params = compiled.params
    with db.engine.connect() as conn:
        if dialect() == "sqlite":
            rows = conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + str(compiled),
                tuple(params[k] for k in compiled.positiontup),
            ).all()
            return "\n".join(row[3] for row in rows)
        conn.exec_driver_sql("SET enable_seqscan = off")  # a tiny table: show the index is usable
        rows = conn.exec_driver_sql("EXPLAIN " + str(compiled), params).all()
        return "\n".join(row[0] for row in rows)


@pytest.mark.parametrize(
    ("typed", "sqlite_uses", "postgresql_uses"),
    [
        ("建国华", "VIRTUAL TABLE INDEX", NAME_TRGM_INDEX),
        ("王", "COVERING INDEX ix_party_name_case_id", NAME_TRGM_INDEX),
        ("王建", "COVERING INDEX ix_party_name_case_id", NAME_TRGM_INDEX),
        ("13812345678", "ix_party_phone_norm", "ix_party_phone_norm"),
    ],
)
def test_searches_read_an_index_not_the_party_table(world, typed, sqlite_uses, postgresql_uses):
    a_case(world)
    db.session.commit()
    stmt = sa.select(Party.id).where(party_condition(parse_query(typed)))
    plan = _plan(stmt)
    if dialect() == "sqlite":
        assert sqlite_uses in plan, plan
        assert "SCAN party" not in plan.replace("SCAN party_name_fts", ""), plan
    else:
        assert postgresql_uses in plan, plan
        assert "Seq Scan on party" not in plan, plan
