"""What the export writes, the import reads back: a world exported, its cases removed (regions,
organisations and staff kept), the file imported, and every exported column the same."""

import pytest

from models import Case
from tests.domain.ledger_helpers import data_rows, export_file, full_world, import_file, wipe_cases


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_round_trip_keeps_every_column(world, db, file_format):
    full_world(world)
    db.session.commit()
    first = export_file(file_format)
    before = data_rows(first)
    wipe_cases()
    db.session.commit()
    assert db.session.query(Case).count() == 0
    result = import_file(first, world.admin)
    db.session.commit()
    assert result.imported == len(before)
    assert result.warnings == []
    after = data_rows(export_file(file_format))
    assert after == before
