"""party name search: a trigram index for partial names (staff search of people and cases)

- PostgreSQL: the pg_trgm extension and a GIN trigram index on party.name, which serves
  `name ILIKE '%q%'` (three or more characters) and `name ILIKE 'q%'` (the anchored beginning,
  for one or two) without reading the table. The database needs a UTF-8 locale other than
  plain C, or pg_trgm extracts no trigrams from Chinese (README, PostgreSQL in production).
- SQLite: an FTS5 table with the trigram tokenizer over party.name (external content: it
  stores the index only, the names stay in party), filled from the existing parties and kept
  in step by triggers, so parties added or corrected later by any code path are found.

On both, ix_party_name (name) becomes ix_party_name_case_id (name, case_id): the exact-name
lookup of the desk reads it as before, and a "begins with" search on SQLite takes its case ids
from the index alone instead of reading one party row per match (a one-character surname
matches thousands). Plain index statements, not batch mode: on SQLite a batch "recreate" of
party would drop the triggers.

The extension is left in place on downgrade: it may have been there before, and dropping it
would break anything else using it.

Revision ID: 314fa5b1721f
Revises: 44fab164cd36
Create Date: 2026-12-06 10:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '314fa5b1721f'
down_revision = '44fab164cd36'
branch_labels = None
depends_on = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE party_name_fts USING fts5("
    "name, content='party', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER party_name_fts_ai AFTER INSERT ON party BEGIN "
    "INSERT INTO party_name_fts(rowid, name) VALUES (new.id, new.name); END",
    "CREATE TRIGGER party_name_fts_ad AFTER DELETE ON party BEGIN "
    "INSERT INTO party_name_fts(party_name_fts, rowid, name) "
    "VALUES ('delete', old.id, old.name); END",
    "CREATE TRIGGER party_name_fts_au AFTER UPDATE OF name ON party BEGIN "
    "INSERT INTO party_name_fts(party_name_fts, rowid, name) "
    "VALUES ('delete', old.id, old.name); "
    "INSERT INTO party_name_fts(rowid, name) VALUES (new.id, new.name); END",
    # Index the parties already there.
    "INSERT INTO party_name_fts(party_name_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS party_name_fts_au",
    "DROP TRIGGER IF EXISTS party_name_fts_ad",
    "DROP TRIGGER IF EXISTS party_name_fts_ai",
    "DROP TABLE IF EXISTS party_name_fts",
]


def upgrade():
    op.create_index('ix_party_name_case_id', 'party', ['name', 'case_id'], unique=False)
    op.drop_index('ix_party_name', table_name='party')
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.create_index(
            'ix_party_name_trgm',
            'party',
            ['name'],
            unique=False,
            postgresql_using='gin',
            postgresql_ops={'name': 'gin_trgm_ops'},
        )
    elif dialect == 'sqlite':
        for statement in SQLITE_UP:
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.drop_index('ix_party_name_trgm', table_name='party')
    elif dialect == 'sqlite':
        for statement in SQLITE_DOWN:
            op.execute(statement)
    op.create_index('ix_party_name', 'party', ['name'], unique=False)
    op.drop_index('ix_party_name_case_id', table_name='party')
