"""The party-name search index: database objects that live outside the models' metadata.

Partial names are found through a trigram index, which each database builds its own way
(migration 314fa5b1721f creates them):

- PostgreSQL: `ix_party_name_trgm`, a GIN index on party.name with pg_trgm's `gin_trgm_ops`
  (maintained by PostgreSQL itself);
- SQLite: `party_name_fts`, an FTS5 table with the trigram tokenizer whose content is the
  party table (`content='party'`, rowid = party.id), kept in step by three triggers on party
  (insert, delete, update of the name), so every way a party is added or corrected (the
  desk, a correction, a merge, a bulk insert) is indexed. A later migration that recreates
  the party table on SQLite (batch mode "recreate") drops those triggers with the old table
  and must create them again; tests/domain/test_search_index.py fails otherwise.

Alembic's autogenerate must neither drop them nor try to create them from the models:
`alembic_include_name` is passed to it by migrations/env.py and by the migration test.
"""

from __future__ import annotations

import sqlalchemy as sa

NAME_FTS = "party_name_fts"
NAME_TRGM_INDEX = "ix_party_name_trgm"
NAME_FTS_TRIGGERS = ("party_name_fts_ai", "party_name_fts_ad", "party_name_fts_au")

# The FTS5 table as SQLAlchemy sees it: its rowid is the party's id, `name` the indexed text.
name_fts = sa.table(NAME_FTS, sa.column("rowid", sa.Integer), sa.column("name", sa.String))


def alembic_include_name(name: str | None, type_: str, parent_names: dict) -> bool:  # noqa: ARG001
    """Autogenerate ignores the search index (the FTS5 table and its shadow tables
    party_name_fts_data, _idx, _docsize, _config; the trigram index)."""
    if type_ == "table" and name and (name == NAME_FTS or name.startswith(NAME_FTS + "_")):
        return False
    return not (type_ == "index" and name == NAME_TRGM_INDEX)
