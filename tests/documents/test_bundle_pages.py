"""The archived 卷宗 numbers every page in its own sequence, the cover being page 1."""

import re
import subprocess

from models.enums import DocumentKind
from models.states import CaseState


def test_bundle_pages_are_numbered_continuously(world, db, tmp_path):
    case = world.case(CaseState.ARCHIVED)
    bundle = next(d for d in case.documents if d.kind == DocumentKind.COVER and d.subject_id == -1)
    path = tmp_path / "file.pdf"
    path.write_bytes(bundle.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    numbers = [int(n) for n in re.findall(r"卷宗第\s*(\d+)\s*页", text)]
    assert numbers == list(range(1, bundle.pages + 1)), numbers
