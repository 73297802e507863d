from flask import redirect, render_template, request, session, url_for

from blueprints.auth.views import _safe_next
from blueprints.public import bp


@bp.route("/")
def home():
    """Public start page (anyone)."""
    return render_template("public/home.html")


@bp.route("/lookup")
def lookup():
    """Case lookup (anyone)."""
    return render_template("public/home.html")


@bp.route("/lang/<lang>")
def set_language(lang: str):
    """Switch the interface language (anyone)."""
    if lang in ("zh_Hans", "en"):
        session["lang"] = lang
    return redirect(_safe_next(request.args.get("next")) or url_for("public.home"))
