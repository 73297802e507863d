from flask import render_template

from blueprints.oversight import bp


@bp.route("/")
def cases():
    """Cases in scope (leader, admin, director)."""
    return render_template("desk/queue.html")
