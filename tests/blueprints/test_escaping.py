"""What people typed is escaped everywhere it is printed, also inside translated messages made
with lazy_gettext (which flask_babel marks as safe HTML)."""

from flask import render_template_string
from flask_babel import lazy_gettext as _l

from domain.errors import ValidationFailed


def test_lazy_messages_quoting_typed_text_are_escaped(app):
    with app.test_request_context():
        message = _l("%(name)s has withdrawn from the dispute.", name="<b>x</b>")
        html = render_template_string("{{ m }}", m=message)
        error = ValidationFailed(message)
        joined = render_template_string("{{ [e.message]|join }}", e=error)
    assert "<b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<b>" not in joined  # a domain error's message is plain text


def test_a_refusal_naming_a_party_is_escaped_on_the_page(world, db, login, client):
    from models.states import CaseState

    case = world.case(CaseState.MEDIATING)
    case.parties[0].name = '<img src=x onerror="alert(1)">'
    db.session.commit()
    login("mediator")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x" in html
