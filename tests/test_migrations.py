"""Migrations: upgrade from empty to head and back, and the models agree with them."""

from pathlib import Path

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
