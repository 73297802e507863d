from flask import render_template

from blueprints.workbench import bp


@bp.route("/")
def queue():
    """My cases by deadline (mediator, director)."""
    return render_template("desk/queue.html")
