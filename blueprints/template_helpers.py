"""Globals and filters available to every template."""

from __future__ import annotations

from datetime import date as date_cls
from datetime import datetime as datetime_cls
from urllib.parse import urlencode

from flask import current_app, request
from flask_babel import LazyString, format_date, format_datetime, format_time, get_locale, gettext
from wtforms import FieldList

from domain.clocks import case_urgency, days_left, local_today, unknown_holiday_years, urgency
from domain.codes import format_query_code
from domain.corrections import FIELD_LABELS, PII_FIELDS
from domain.identity import mask_address, mask_id_number, mask_phone
from domain.next_step import next_step
from domain.party_area import open_requests
from domain.permissions import may_register
from domain.referrals import feedback_urgency
from domain.risk import FIELD_LABELS as RISK_FIELD_LABELS
from domain.states import Action
from models.enums import (
    DisputeType,
    DocumentKind,
    Exclusion,
    LinkKind,
    OrgKind,
    PartyKind,
    PartyRole,
    ReferralResult,
    RiskLevel,
    Role,
    Ruling,
    Sex,
    Source,
)
from models.risk import ReportMethod, ReportRecipient, RiskFlag
from models.service import ServiceMethod
from models.states import CaseState, PublicState
from models.types import utcnow


def current_lang() -> str:
    return str(get_locale() or "zh_Hans")


def html_lang() -> str:
    return "en" if current_lang() == "en" else "zh-Hans"


def action_label(value: str):
    try:
        return Action(value).label
    except ValueError:
        return value


def state_label(value: str | None):
    if not value:
        return ""
    try:
        return CaseState(value).label
    except ValueError:
        return value


def page_url(**overrides) -> str:
    """The current URL with some query arguments replaced (for pagination links)."""

    args = request.args.to_dict()
    args.update({k: v for k, v in overrides.items() if v is not None})
    for k, v in overrides.items():
        if v is None:
            args.pop(k, None)
    return request.path + ("?" + urlencode(args) if args else "")


def event_text(event) -> str | None:
    """The line under a timeline entry, in the reader's language. Events store raw values
    (dates, codes, names), never text translated for whoever acted."""

    data = event.data or {}
    if data.get("public_text"):
        return data["public_text"]  # a name (organisation, centre): not translated
    if event.action == Action.NOT_ACCEPT and data.get("grounds"):
        return gettext(
            "%(grounds)s (MOJ-2002 Art. 22).",
            grounds="; ".join(str(g.label) for g in exclusions(data["grounds"])),
        )
    if event.action == Action.ACCEPT and data.get("screening"):
        return gettext("Screened: none of the exclusions of MOJ-2002 Art. 22 applies.")
    if event.action in (Action.LINK_CASE, Action.UNLINK_CASE) and data.get("other"):
        return gettext(
            "%(number)s (%(kind)s)",
            number=data["other"],
            kind=LinkKind(data.get("kind", "related")).label,
        )
    if event.action == Action.MERGE_INTO and data.get("other"):
        return gettext("Now handled in case %(number)s.", number=data["other"])
    if event.action == Action.MERGE_IN and data.get("other"):
        return gettext("Case %(number)s was merged into this case.", number=data["other"])
    if event.action in (
        Action.SEND_TRANSFER,
        Action.WITHDRAW_TRANSFER,
        Action.DECLINE_TRANSFER,
    ) and data.get("to"):
        return gettext("To: %(body)s", body=data["to"])
    if event.action == Action.SIGN_AGREEMENT and data.get("effective_on"):
        day = format_date(date_cls.fromisoformat(data["effective_on"]))
        return gettext("The agreement took effect on %(date)s.", date=day)
    if event.action == Action.RECORD_PERFORMANCE and data.get("advice") == "court":
        return gettext(
            "The parties were told they may take the dispute about the agreement to court."
        )
    if event.action == Action.RECORD_RULING and data.get("ruling"):
        return gettext(
            "%(court)s: %(ruling)s",
            court=data.get("court", ""),
            ruling=Ruling(data["ruling"]).label,
        )
    if event.action == Action.REPORT_REFERRAL_PROGRESS and data.get("sent_on"):
        return gettext(
            "Progress reported (sent %(date)s).",
            date=format_date(date_cls.fromisoformat(data["sent_on"])),
        )
    if event.action == Action.RECORD_REFERRAL_FEEDBACK and data.get("result"):
        return gettext(
            "%(result)s (sent %(date)s).",
            result=ReferralResult(data["result"]).label,
            date=format_date(date_cls.fromisoformat(data["sent_on"])),
        )
    if event.action == Action.RECOMPUTE_DEADLINE and data.get("to"):
        return _recomputed_text(data)
    if event.action == Action.EXTEND_PETITION and data.get("to"):
        return gettext(
            "The petition deadline moved to %(date)s.",
            date=format_date(date_cls.fromisoformat(data["to"])),
        )
    if event.action == Action.VIEW_DOCUMENT and data.get("kind"):
        return _viewed_document_text(data)
    if event.action == Action.REPORT_TO_POLICE and data.get("recipient"):
        return _report_text(data)
    if event.action == Action.SERVE_DOCUMENT and data.get("served_on"):
        return _served_text(data)
    return None


def _label(vocabulary, value) -> str:
    try:
        return str(vocabulary(value).label)
    except ValueError:
        return str(value)


def _report_text(data: dict) -> str:
    """To whom, how and when a dispute was reported (PML Art. 25)."""
    try:
        when = format_datetime(datetime_cls.fromisoformat(data["reported_at"]), "short")
    except (KeyError, TypeError, ValueError):
        when = ""
    return gettext(
        "To %(recipient)s (%(kind)s), %(method)s, %(when)s.",
        recipient=data["recipient"],
        kind=_label(ReportRecipient, data.get("recipient_kind")),
        method=_label(ReportMethod, data.get("method")).lower(),
        when=when,
    )


def exclusions(values) -> list[Exclusion]:
    """Stored exclusion values (MOJ-2002 Art. 22) as the vocabulary, unknown ones left out."""
    return [Exclusion(v) for v in values or [] if v in Exclusion._value2member_map_]


def _served_text(data: dict) -> str:
    """How a notice reached a party: "Version 1 · By post · 3 Dec 2026 · served by 王建国"."""
    try:
        method = ServiceMethod(data.get("method")).label
    except ValueError:
        method = data.get("method") or ""
    line = gettext(
        "Version %(version)s · %(method)s · %(date)s · served by %(name)s.",
        version=data.get("version", ""),
        method=method,
        date=format_date(date_cls.fromisoformat(data["served_on"])),
        name=data.get("served_by") or "",
    )
    if data.get("recipient"):
        line += " " + gettext("Received by %(name)s.", name=data["recipient"])
    if data.get("refused_to_sign"):
        line += " " + gettext("The party refused to sign for it.")
    if data.get("replaces"):
        line += " " + gettext("Corrects the earlier record.")
    return line


def _viewed_document_text(data: dict) -> str:
    """Which document was opened in full, and how: "Mediation agreement, version 2 (PDF)"."""
    kind = data["kind"]
    if kind == DocumentKind.COVER.value and data.get("subject_id") == -1:
        title = gettext("The whole case file")
    else:
        try:
            title = str(DocumentKind(kind).label)
        except ValueError:
            title = kind
    how = {
        "print": gettext("print view"),
        "pdf": gettext("PDF"),
        "png": gettext("PNG image"),
        "jpeg": gettext("JPEG image"),
    }.get(data.get("format", ""), data.get("format", ""))
    if data.get("version"):
        return gettext(
            "%(document)s, version %(version)s (%(format)s)",
            document=title,
            version=data["version"],
            format=how,
        )
    return gettext("%(document)s as of now (%(format)s)", document=title, format=how)


_MASKS = {"id_number": mask_id_number, "phone": mask_phone, "address": mask_address}
_VOCABULARIES = {
    "sex": Sex,
    "kind": PartyKind,
    "role": PartyRole,
    "dispute_type": DisputeType,
    "risk_level": RiskLevel,
}


def _correction_value(field: str, value, show_pii: bool) -> str:
    """One stored value of a correction as the reader may see it."""
    if value in (None, "", []):
        return "—"
    if field in PII_FIELDS and not show_pii:
        return _MASKS[field](value)
    if field in _VOCABULARIES:
        try:
            return str(_VOCABULARIES[field](value).label)
        except ValueError:
            return str(value)
    if field == "status":
        return (
            gettext("Withdrew from the dispute") if value == "withdrawn" else gettext("Takes part")
        )
    if field == "amount":
        return gettext("%(amount)s yuan", amount=value)
    if field == "risk_flags" and isinstance(value, list):
        return "; ".join(_label(RiskFlag, v) for v in value)
    if isinstance(value, list):
        return "；".join(str(v) for v in value)
    return str(value)


def correction_rows(event, show_pii: bool = False) -> list[tuple[str, str, str]]:
    """(field, before, after) for each change a correction event records, in the reader's
    language; ID numbers, phones and addresses masked unless `show_pii` (the reader may see
    them and showed this party's details)."""
    rows = []
    for change in (event.data or {}).get("changes") or []:
        field = change.get("field", "")
        rows.append(
            (
                str(FIELD_LABELS.get(field) or RISK_FIELD_LABELS.get(field, field)),
                _correction_value(field, change.get("before"), show_pii),
                _correction_value(field, change.get("after"), show_pii),
            )
        )
    return rows


def _recomputed_text(data: dict) -> str:
    """Why a deadline moved with the holiday schedule, and from which date to which."""
    dates = {
        "before": format_date(date_cls.fromisoformat(data["from"])),
        "after": format_date(date_cls.fromisoformat(data["to"])),
    }
    change = data.get("change")
    day = format_date(date_cls.fromisoformat(data["day"])) if data.get("day") else ""
    if data.get("name"):
        day = f"{day} {data['name']}"  # the name is the State Council's (元旦, 春节): as entered
    workday = data.get("kind") == "workday"
    if change == "add" and workday:
        why = gettext("%(day)s was entered as a make-up working day.", day=day)
    elif change == "add":
        why = gettext("%(day)s was entered as a holiday.", day=day)
    elif change == "edit" and workday:
        why = gettext("%(day)s was changed to a make-up working day.", day=day)
    elif change == "edit":
        why = gettext("%(day)s was changed to a holiday.", day=day)
    elif change == "delete":
        why = gettext("%(day)s was removed from the holiday schedule.", day=day)
    else:
        years = ", ".join(str(y) for y in data.get("years", []))
        why = gettext("The holiday schedule for %(years)s was imported.", years=years)
    return gettext("Deadline moved from %(before)s to %(after)s: %(why)s", why=why, **dates)


def centre_phone() -> str:
    return current_app.config["CENTRE_PHONE"]


def plain_text(value):  # noqa: ANN001, ANN201 - any value a template prints
    """A lazy translated string as plain text (escaped like any other text); anything else as
    it is (Markup stays Markup)."""
    return str(value) if isinstance(value, LazyString) else value


GLOBALS = {
    "current_lang": current_lang,
    "html_lang": html_lang,
    "action_label": action_label,
    "state_label": state_label,
    "urgency": urgency,
    "case_urgency": case_urgency,
    "unknown_holiday_years": unknown_holiday_years,
    "days_left": days_left,
    "local_today": local_today,
    "now_utc": utcnow,
    "feedback_urgency": feedback_urgency,
    "next_step": next_step,
    "may_register": may_register,
    "page_url": page_url,
    "centre_phone": centre_phone,
    "event_text": event_text,
    "open_end_requests": open_requests,
    "exclusions": exclusions,
    "correction_rows": correction_rows,
    "CaseState": CaseState,
    "PublicState": PublicState,
    "DisputeType": DisputeType,
    "PartyRole": PartyRole,
    "Role": Role,
    "Source": Source,
    "OrgKind": OrgKind,
}

FILTERS = {
    "mask_id": mask_id_number,
    "mask_phone": mask_phone,
    "mask_address": mask_address,
    "query_code": format_query_code,
    "date": lambda d, fmt="medium": format_date(d, fmt) if d else "",
    "datetime": lambda d, fmt="medium": format_datetime(d, fmt) if d else "",
    # A meeting's time as citizens read it: the date in words and the hour, no seconds.
    "when": lambda d: f"{format_date(d, 'long')} {format_time(d, 'short')}" if d else "",
}


def form_error_list(form) -> list[tuple[str, str, str]]:
    """Flatten a form's errors (including nested FieldList/FormField) to (id, label, message)
    for the error summary, in field order."""
    out: list[tuple[str, str, str]] = []

    def walk(fields, prefix_label=""):
        for f in fields:
            if isinstance(f, FieldList):
                # The list's own errors (too many entries), then each entry's.
                for m in f.errors:
                    if not isinstance(m, list | dict):
                        out.append((f.id, f"{prefix_label}{f.label.text}", str(m)))
                for i, entry in enumerate(f.entries, start=1):
                    label = f"{prefix_label}{f.label.text} {i} · "
                    if entry.type == "FormField":
                        walk(entry.form, label)
                    elif entry.errors:
                        out.extend((entry.id, label.rstrip(" ·"), str(m)) for m in entry.errors)
            elif f.type == "FormField":
                walk(f.form, prefix_label)
            elif f.errors and f.type not in ("CSRFTokenField", "HiddenField"):
                # "What is it about?" + ": message" would double the punctuation.
                label = f"{prefix_label}{f.label.text}".rstrip("?？.。:： ")
                out.extend((f.id, label, str(m)) for m in f.errors)
            elif f.errors and f.type == "CSRFTokenField":
                out.extend((f.id, "", str(m)) for m in f.errors)

    walk(form)
    return out


GLOBALS["form_error_list"] = form_error_list
