"""Prevention: screening rounds and their compliance board, the watch list, the early-warning
board, and the administrator's cadences and response times (domain.screening_rounds,
domain.warnings)."""

from flask import Blueprint

from blueprints.guards import protect

bp = Blueprint("prevention", __name__)
protect(bp, "prevention")

from blueprints.prevention import rounds, settings, warnings  # noqa: E402,F401


@bp.context_processor
def _labels():
    from flask_babel import lazy_gettext as _l

    from models.prevention import ResponseKind

    labels = {
        "filed": _l("Round filed"),
        "finding_case": _l("Finding registered as a case"),
        "finding_watch": _l("Finding put on the watch list"),
        "created": _l("Put on the watch list"),
        "risk": _l("Risk changed"),
        "resolved": _l("Resolved without a case"),
        "became_case": _l("Registered as a case"),
        "warning_reported": _l("Warning answered: reported to the level above"),
        "warning_responded": _l("Warning answered: responded"),
    }

    def response_label(value):
        try:
            return ResponseKind(value).label
        except ValueError:
            return value or ""

    return {"record_label": lambda a: labels.get(a, a), "response_label": response_label}
