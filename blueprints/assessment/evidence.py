"""The evidence behind an assessment line, in words: from the facts a computed line keeps
(`details`) or the text a person entered. One function for the page, the print and the XLSX."""

from __future__ import annotations

from flask_babel import gettext as _

from models import AssessmentLine, ItemRule


def _gap(code: str) -> str:
    return {
        "summary": _("summary"),
        "parties": _("parties"),
        "party_contact": _("a party's phone or address"),
        "handling_org": _("handling organisation"),
        "mediator": _("presiding mediator"),
        "closure_reason": _("closure reason"),
        "phone": _("phone"),
        "address": _("address"),
        "registry": _("no one in the registry"),
    }.get(code, code)


def evidence_lines(line: AssessmentLine) -> list[str]:
    rule = line.item.rule
    details = line.details or []
    out: list[str] = []
    if any(isinstance(d, dict) and d.get("unavailable") for d in details):
        out.append(
            _("The screening rounds are not recorded in the portal: this item is entered by hand.")
        )
    if not line.computed:
        if line.evidence:
            out.append(line.evidence)
        elif not line.entered:
            out.append(_("Not entered yet."))
        return out
    if rule == ItemRule.MISSING_FULL_TIME:
        for d in details:
            if d.get("required") is None:
                out.append(_("%(org)s: no staffing norm for its kind.", org=d["org"]))
                continue
            out.append(
                _(
                    "%(org)s: %(required)s full-time mediators required, %(actual)s registered"
                    " (%(names)s); %(short)s missing.",
                    org=d["org"],
                    required=d["required"],
                    actual=d["actual"],
                    names="、".join(d["names"]) or "—",
                    short=d["short"],
                )
            )
    elif rule == ItemRule.SCREENING_MISSED:
        for d in details:
            out.append(_("%(org)s: %(n)s rounds missed.", org=d["org"], n=d["missed"]))
        if not details:
            out.append(_("No screening round missed."))
    elif rule == ItemRule.DATA_COMPLETENESS:
        for d in details:
            if d.get("rate") is None:
                out.append(_("Nothing to check in the period."))
                continue
            out.append(
                _(
                    "Complete records %(complete)s of %(total)s (%(rate)s%%): organisations"
                    " %(o1)s/%(o2)s, staff %(s1)s/%(s2)s, cases %(c1)s/%(c2)s.",
                    complete=d["complete"],
                    total=d["total"],
                    rate=d["rate"],
                    o1=d["organisations"][0],
                    o2=d["organisations"][1],
                    s1=d["staff"][0],
                    s2=d["staff"][1],
                    c1=d["cases"][0],
                    c2=d["cases"][1],
                )
            )
            for g in d.get("org_gaps", []):
                out.append(
                    _(
                        "%(org)s lacks: %(what)s.",
                        org=g["org"],
                        what=", ".join(map(_gap, g["missing"])),
                    )
                )
            for name in d.get("staff_gaps", []):
                out.append(_("%(name)s is not in the registry.", name=name))
            for g in d.get("case_gaps", []):
                out.append(
                    _(
                        "Case %(case)s lacks: %(what)s.",
                        case=g["case"],
                        what=", ".join(map(_gap, g["missing"])),
                    )
                )
    elif rule == ItemRule.VIDEO_NOT_USED:
        n = details[0]["video_sessions"] if details else 0
        out.append(
            _("%(n)s video mediation sessions in the period.", n=n)
            if n
            else _("No video mediation session in the period.")
        )
    elif rule == ItemRule.ODR_SELF_FILING:
        for d in details:
            if d["rate"] is None:
                out.append(_("%(month)s: no case registered, no rate.", month=d["month"]))
            elif not d["points_below"]:
                out.append(
                    _(
                        "%(month)s: %(filed)s of %(registered)s filed online by the parties"
                        " (%(rate)s%%), not below the threshold.",
                        month=d["month"],
                        filed=d["self_filed"],
                        registered=d["registered"],
                        rate=d["rate"],
                    )
                )
            else:
                out.append(
                    _(
                        "%(month)s: %(filed)s of %(registered)s filed online by the parties"
                        " (%(rate)s%%), %(points)s points below the threshold: −%(deduction)s.",
                        month=d["month"],
                        filed=d["self_filed"],
                        registered=d["registered"],
                        rate=d["rate"],
                        points=d["points_below"],
                        deduction=d["deduction"],
                    )
                )
    elif rule == ItemRule.CIVIL_TO_CRIMINAL:
        cases = details[0]["cases"] if details else []
        out.append(
            _(
                "Flagged as likely to turn into a crime and not reported to the police: %(cases)s.",
                cases="、".join(cases),
            )
            if cases
            else _("No case flagged as likely to turn into a crime is left unreported.")
        )
    return out
