"""The other party's invitation (被申请人): staff issue a respondent a code of their own and
print the letter with the link and the code; staff read what the respondent sent online.

The code exists in plain text only on the letter page shown right after issuing it (as the
desk's new query code): printing it later means issuing a new one, which replaces the old.
"""

from __future__ import annotations

from flask import abort, make_response, render_template, session, url_for
from flask_babel import gettext as _

from blueprints.actions import panel_action
from blueprints.cases import bp
from blueprints.cases.consent import CONSENT, InviteForm, _authorised, me, party_of
from blueprints.cases.documents import PRINT_CSP
from blueprints.public.receipt import qr_data_uri
from domain import document_data, respondents
from extensions import db
from models import PartySubmission
from models.enums import DocumentKind

LETTER_KEY = "invitation_letter"  # the code to print, once, after issuing it


@bp.route("/<number>/invite", methods=["POST"])
def invite_party(number: str):
    """Issue a respondent their invitation with a new code, and show the letter to print
    (desk before dispatch, the case's mediators, the committee director)."""
    case, user = _authorised(number), me()
    form = InviteForm(prefix="invite")
    issued: dict[str, object] = {}

    def issue() -> None:
        party = party_of(case, form.party.data)
        issued.update(
            party=party.id,
            code=respondents.issue_invitation(case, party, user, version=form.version.data),
        )

    def done() -> str:
        session[LETTER_KEY] = {"number": case.number, **issued}
        return _("Invitation issued: print the letter now, the code is shown only once.")

    return panel_action(
        case,
        CONSENT,
        form,
        done,
        issue,
        key=f"invite-{form.party.data}",
        then=url_for("cases.invitation_letter", number=case.number),
    )


@bp.route("/<number>/invitation-letter")
def invitation_letter(number: str):
    """The invitation letter with the respondent's code, once, right after it was issued."""
    case = _authorised(number)
    shown = session.get(LETTER_KEY)
    if not shown or shown.get("number") != case.number:
        return render_template("cases/invitation_gone.html", case=case), 410
    session.pop(LETTER_KEY, None)
    party = party_of(case, shown["party"])
    url = url_for("public.respond", number=case.number, _external=True)
    context = document_data.context(case, DocumentKind.NOTICE)
    response = make_response(
        render_template(
            "documents/invitation_letter.html",
            party=party,
            code=shown["code"],
            respond_url=url,
            qr=qr_data_uri(url),
            **context,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = PRINT_CSP
    return response


@bp.route("/<number>/party-material/<int:sid>")
def party_material(number: str, sid: int):
    """A file a respondent uploaded online (who records consent on the case)."""
    case = _authorised(number)
    row = db.session.get(PartySubmission, sid)
    if row is None or row.case_id != case.id or row.media_type is None:
        abort(404)
    ext = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[row.media_type]
    response = make_response(row.content)
    response.headers["Content-Type"] = row.media_type
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{case.number}-party-{row.party_id}-{row.id}.{ext}"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
