"""The demo world's files, kept beside the code in data/: regions_demo.csv (the real codes and
names of 荆州市, 公安县, 松滋市 and all their townships) and demo_cases.json (names, case texts per
dispute type, notes of sessions, reasons and the like)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
REGIONS_FILE = DATA_DIR / "regions_demo.csv"
TEXTS_FILE = DATA_DIR / "demo_cases.json"


@functools.cache
def texts() -> dict:
    return json.loads(TEXTS_FILE.read_text(encoding="utf-8"))
