from flask import render_template

from blueprints.desk import bp


@bp.route("/")
def queue():
    """Intake queue (clerk, leader)."""
    return render_template("desk/queue.html")


@bp.route("/register")
def register():
    """Register a walk-in (clerk, leader)."""
    return render_template("desk/queue.html")
