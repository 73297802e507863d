"""Leadership: leader responsibility for major cases (包案), supervision orders (督办单),
meetings and their decisions, leader reception days (领导接访日). The rules are in
domain/leadership.py; the case page shows a case's 包案 and meeting decisions (panel.py)."""

from flask import Blueprint

from blueprints.guards import protect

bp = Blueprint("leadership", __name__)
protect(bp, "leadership")

from blueprints.leadership import (  # noqa: E402,F401
    meetings,
    panel,
    reception,
    responsibility,
    supervision,
    views,
)
