"""Assessment by a rubric (/assessment/): the rubrics (configured by administrators, seed 004's
loaded as the example), the assessments of the organisations in scope, each with its evidence,
printable and exported to XLSX. Rules in domain/assessment.py."""

from flask import Blueprint

from blueprints.guards import protect

bp = Blueprint("assessment", __name__)
protect(bp, "assessment")

from blueprints.assessment import views  # noqa: E402,F401
