"""The organisation registry (/staffing/): compliance with the staffing norms per organisation in
scope, each organisation's people and their training, the norms (administrators) and the
expert pool. Rules in domain/staffing.py and domain/experts.py."""

from flask import Blueprint

from blueprints.guards import protect

bp = Blueprint("staffing", __name__)
protect(bp, "staffing")

from blueprints.staffing import views  # noqa: E402,F401
