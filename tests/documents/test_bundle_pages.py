"""The archived 卷宗 numbers its document pages continuously, matching the contents list."""

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
    numbers = [int(n) for n in re.findall(r"第\s*(\d+)\s*页", text)]
    # cover and contents are numbered on their own; then 1, 2, 3... to the back cover
    body = numbers[2:-1] if len(numbers) > 3 else numbers
    assert body == list(range(1, len(body) + 1)), numbers
