from flask import render_template

from blueprints.admin import bp


@bp.route("/users")
def users():
    """User list (admin)."""
    return render_template("desk/queue.html")
