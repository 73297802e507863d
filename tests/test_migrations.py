"""Migrations: upgrade from empty to head and back, and the models agree with them."""

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from extensions import db
from models.search import alembic_include_name
from models.types import alembic_compare_type

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def test_models_match_migrations(app):
    """What `flask db check` does: autogenerate against the migrated schema finds nothing."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"compare_type": alembic_compare_type, "include_name": alembic_include_name},
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_downgrade_to_base_and_up_again(app):
    downgrade(directory=MIGRATIONS, revision="base")
    with db.engine.connect() as conn:
        tables = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
    assert tables == set()
    upgrade(directory=MIGRATIONS)
    with db.engine.connect() as conn:
        tables = set(db.inspect(conn).get_table_names())
    assert {"case", "party", "event", "region", "organisation", "user_account"} <= tables


def test_upgrade_a_database_holding_cases(app, world):
    """An upgrade runs on a database in use, not only on an empty one: on SQLite, altering a
    table others point at (organisation, case) copies and drops it, which enforced foreign
    keys refuse while rows refer to it. Down to an older revision with a world in it and back
    up: every row is still there and every reference holds."""
    world.case()
    world.case()
    db.session.commit()
    counts = {
        t: db.session.scalar(sa.select(sa.func.count()).select_from(sa.table(t)))
        for t in ("case", "party", "event", "organisation", "user_account")
    }
    db.session.remove()
    # Before the committee of each organisation and the ledger (both rebuild a referenced table).
    downgrade(directory=MIGRATIONS, revision="3f6b0d2c8e51")
    upgrade(directory=MIGRATIONS)
    for table, count in counts.items():
        rows = db.session.scalar(sa.select(sa.func.count()).select_from(sa.table(table)))
        assert rows == count, table
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
