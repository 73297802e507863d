from flask import Blueprint

from blueprints.guards import protect

bp = Blueprint("cases", __name__)
protect(bp, "cases")

from blueprints.cases import consent, documents, views  # noqa: E402,F401,I001
from blueprints.cases import links, transfers  # noqa: E402,F401
from blueprints.cases import referrals  # noqa: E402,F401
from blueprints.cases import corrections  # noqa: E402,F401
from blueprints.cases import risk  # noqa: E402,F401
from blueprints.cases import service  # noqa: E402,F401
from blueprints.cases import invitations  # noqa: E402,F401
from blueprints.cases import experts  # noqa: E402,F401
from blueprints.cases import library  # noqa: E402,F401
from blueprints.cases import messages  # noqa: E402,F401
from blueprints.cases import outbox  # noqa: E402,F401
from blueprints.cases import scheduling  # noqa: E402,F401
from blueprints.cases import party_reports  # noqa: E402,F401
