"""Pages of the assessment: the list and a new assessment, one assessment's result with its
evidence (printable; XLSX), manual entries, and the rubrics (administrators)."""

from __future__ import annotations

import io

from flask import abort, flash, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_login import current_user
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from blueprints.actions import attach_error
from blueprints.assessment import bp
from blueprints.assessment.evidence import evidence_lines
from blueprints.forms import ChoiceField, TrimmedForm, enum_choices, optional_int
from blueprints.htmx import redirect_303
from blueprints.matter_pages import matter_action, run
from domain import assessment as scoring
from domain import matters, staffing
from domain.calendar import local_today
from domain.ids import row_id
from domain.ledger.export import xlsx_text
from extensions import db
from models import ItemRule, Rubric, RubricItem
from models.enums import MEDIATING_KINDS, OrgKind


class NewAssessmentForm(TrimmedForm):
    rubric_id = SelectField(
        _l("Rubric"), coerce=optional_int, validators=[InputRequired(_l("Choose a rubric."))]
    )
    org_id = SelectField(
        _l("Township or department"),
        coerce=optional_int,
        validators=[InputRequired(_l("Choose what to assess."))],
    )
    start = DateField(_l("First day"), validators=[InputRequired(_l("Enter the first day."))])
    end = DateField(_l("Last day"), validators=[InputRequired(_l("Enter the last day."))])


class LineForm(TrimmedForm):
    version = HiddenField()
    line_id = HiddenField()
    deduction = StringField(_l("Points deducted"), validators=[Optional(), Length(max=12)])
    bonus = StringField(_l("Points added"), validators=[Optional(), Length(max=12)])
    evidence = TextAreaField(
        _l("Evidence"), validators=[Optional(), Length(max=scoring.TEXT_MAX)], render_kw={"rows": 2}
    )


class ItemForm(TrimmedForm):
    version = HiddenField()
    number = StringField(
        _l("Number"), validators=[InputRequired(_l("Enter the number.")), Length(max=8)]
    )
    text = TextAreaField(
        _l("Scoring standard"),
        validators=[InputRequired(_l("Enter the standard.")), Length(max=scoring.TEXT_MAX)],
        render_kw={"rows": 3},
    )
    rule = ChoiceField(
        _l("Rule"),
        choices=lambda: enum_choices(ItemRule),
        validators=[InputRequired(_l("Choose a rule."))],
    )
    per_unit = StringField(_l("Points per unit"), validators=[Optional(), Length(max=12)])
    points = StringField(_l("Points (once)"), validators=[Optional(), Length(max=12)])
    threshold = StringField(_l("Threshold (%)"), validators=[Optional(), Length(max=12)])
    max_deduction = StringField(_l("Most deducted"), validators=[Optional(), Length(max=12)])
    max_bonus = StringField(_l("Most added"), validators=[Optional(), Length(max=12)])

    def item_data(self) -> scoring.ItemData:
        return scoring.ItemData(
            number=self.number.data,
            text=self.text.data,
            rule=ItemRule(self.rule.data),
            per_unit=self.per_unit.data,
            points=self.points.data,
            threshold=self.threshold.data,
            max_deduction=self.max_deduction.data,
            max_bonus=self.max_bonus.data,
        )


class SectionForm(TrimmedForm):
    title = StringField(
        _l("Work area"), validators=[InputRequired(_l("Enter the title.")), Length(max=200)]
    )
    max_points = StringField(
        _l("Points"), validators=[InputRequired(_l("Enter the points.")), Length(max=12)]
    )
    scorer = StringField(_l("Scored by"), validators=[Optional(), Length(max=64)])


def _assessable(user) -> list:
    """Township-level centres, committees and justice offices (a township), and the other
    mediating organisations (departments), in the user's scope."""
    orgs = [
        o
        for o in staffing.organisations_for(user)
        if o.kind in MEDIATING_KINDS | {OrgKind.JUSTICE_OFFICE}
    ]
    return orgs


@bp.route("/", methods=["GET", "POST"])
def index():
    form = NewAssessmentForm(formdata=request.form if request.method == "POST" else None)
    rubrics = [r for r in scoring.rubrics() if r.active]
    orgs = [o for o in _assessable(current_user) if scoring.may_score(current_user, o)]
    form.rubric_id.choices = [("", _("Choose…"))] + [(r.id, r.name) for r in rubrics]
    form.org_id.choices = [("", _("Choose…"))] + [
        (
            o.id,
            _("%(name)s (the whole township)", name=o.name)
            if scoring.subject_of(o).township
            else o.name,
        )
        for o in orgs
    ]
    if request.method == "GET":
        form.start.data, form.end.data = scoring.period_default(local_today())
    if request.method == "POST" and request.form.get("load_example"):
        error = run(lambda: scoring.load_example(current_user))
        if error is None:
            flash(_("The example rubric is loaded."), "success")
        else:
            flash(error.message, "error")
        return redirect_303(url_for("assessment.index"))
    if request.method == "POST" and form.validate_on_submit():
        rubric = next((r for r in rubrics if r.id == form.rubric_id.data), None)
        org = next((o for o in orgs if o.id == form.org_id.data), None)
        if rubric is None:
            form.rubric_id.errors = [_("Choose a rubric from the list.")]
        elif org is None:
            form.org_id.errors = [_("Choose from the list.")]
        else:
            made = []
            error = run(
                lambda: made.append(
                    scoring.create_assessment(
                        current_user, rubric, org, form.start.data, form.end.data
                    )
                )
            )
            if error is None:
                flash(_("Assessed. Enter the items that are not computed."), "success")
                return redirect_303(url_for("assessment.detail", assessment_id=made[0].id))
            attach_error(form, error)
    return render_template(
        "assessment/index.html",
        form=form,
        assessments=scoring.assessments_for(current_user),
        rubrics=scoring.rubrics(),
        may_configure=scoring.may_configure(current_user),
        result=scoring.result,
    ), (422 if request.method == "POST" else 200)


def _load(assessment_id: int):
    a = scoring.get_assessment_for(current_user, assessment_id)
    if a is None:
        abort(404)
    return a


@bp.route("/<int:assessment_id>", methods=["GET", "POST"])
def detail(assessment_id: int):
    a = _load(assessment_id)
    may_score = scoring.may_score(current_user, a.organisation)
    failed = None
    if request.method == "POST":
        if not may_score:
            abort(403)
        if request.form.get("recompute"):
            error = run(
                lambda: scoring.recompute(
                    current_user, a, version=row_id(request.form.get("version") or "")
                )
            )
            flash(
                error.message if error else _("Recomputed from the data."),
                "error" if error else "success",
            )
            return redirect_303(url_for("assessment.detail", assessment_id=a.id))
        form = LineForm()
        if form.validate_on_submit():
            error = run(
                lambda: scoring.enter_line(
                    current_user,
                    a,
                    row_id(form.line_id.data or ""),
                    deduction=form.deduction.data,
                    bonus=form.bonus.data,
                    evidence=form.evidence.data,
                    version=row_id(form.version.data or ""),
                )
            )
            if error is None:
                flash(_("Entry saved."), "success")
                return redirect_303(
                    url_for(
                        "assessment.detail", assessment_id=a.id, _anchor=f"line-{form.line_id.data}"
                    )
                )
            a = _load(assessment_id)
            attach_error(form, error)
        failed = form
    result = scoring.result(a)
    forms = {}
    if may_score:
        for s in result.sections:
            for line in s.lines:
                if line.computed:
                    continue
                if failed is not None and str(line.id) == (failed.line_id.data or ""):
                    failed.version.data = a.version
                    forms[line.id] = failed
                    continue
                forms[line.id] = LineForm(
                    formdata=None,
                    prefix="",
                    data={
                        "version": a.version,
                        "line_id": line.id,
                        "deduction": line.deduction if line.entered else "",
                        "bonus": line.bonus if line.entered else "",
                        "evidence": line.evidence or "",
                    },
                )
    return render_template(
        "assessment/detail.html",
        a=a,
        result=result,
        evidence=evidence_lines,
        action_label=matter_action,
        forms=forms,
        may_score=may_score,
        subject=scoring.subject_of(a.organisation),
        history=matters.history("assessment", a.id),
    ), (422 if failed is not None else 200)


@bp.route("/<int:assessment_id>.xlsx")
def export(assessment_id: int):
    """The result with its evidence as a workbook (no personal details: names of
    organisations and staff, case numbers)."""
    a = _load(assessment_id)
    result = scoring.result(a)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Assessment")[:31]
    bold = Font(bold=True)
    sheet.append([xlsx_text(a.rubric.name)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_("Assessed"), xlsx_text(a.organisation.name)])
    sheet.append([_("Period"), f"{a.period_start.isoformat()} – {a.period_end.isoformat()}"])
    sheet.append([_("Score"), float(result.total), _("of %(max)s", max=result.max_total)])
    sheet.append([])
    header = [
        _("Work area"),
        _("Points"),
        _("Item"),
        _("Scoring standard"),
        pgettext("assessment", "How"),
        _("Deducted"),
        _("Added"),
        _("Evidence"),
        _("Area score"),
    ]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for s in result.sections:
        for i, line in enumerate(s.lines):
            sheet.append(
                [
                    xlsx_text(s.section.title) if i == 0 else "",
                    float(s.section.max_points) if i == 0 else None,
                    xlsx_text(line.item.number),
                    xlsx_text(line.item.text),
                    _("computed") if line.computed else _("entered"),
                    float(line.deduction),
                    float(line.bonus),
                    xlsx_text("\n".join(evidence_lines(line))),
                    float(s.score) if i == 0 else None,
                ]
            )
    for col, width in zip("ABCDEFGHI", (22, 8, 6, 50, 10, 9, 9, 60, 10), strict=True):
        sheet.column_dimensions[col].width = width
    for row in sheet.iter_rows(min_row=7):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    name = f"assessment-{a.id}-{a.period_start.isoformat()}-{a.period_end.isoformat()}.xlsx"
    return send_file(
        out,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=name,
    )


# ---- rubrics -------------------------------------------------------------------------------


def _rubric_or_404(rubric_id: int) -> Rubric:
    rubric = db.session.get(Rubric, rubric_id)
    if rubric is None:
        abort(404)
    return rubric


@bp.route("/rubrics/<int:rubric_id>", methods=["GET", "POST"])
def rubric(rubric_id: int):
    """A rubric's sections and items; administrators add sections and items."""
    r = _rubric_or_404(rubric_id)
    may = scoring.may_configure(current_user)
    which = request.form.get("form") if request.method == "POST" else None
    if which and not may:
        abort(403)
    section_form = SectionForm(
        prefix="section", formdata=request.form if which == "section" else None
    )
    item_form = ItemForm(prefix="item", formdata=request.form if which == "item" else None)
    if which == "section" and section_form.validate_on_submit():
        error = run(
            lambda: scoring.add_section(
                current_user,
                r,
                title=section_form.title.data,
                max_points=section_form.max_points.data,
                scorer=section_form.scorer.data,
                version=row_id(request.form.get("version") or ""),
            )
        )
        if error is None:
            flash(_("Work area added."), "success")
            return redirect_303(url_for("assessment.rubric", rubric_id=r.id))
        attach_error(section_form, error)
    if which == "item" and item_form.validate_on_submit():
        section = next((s for s in r.sections if str(s.id) == request.form.get("section_id")), None)
        if section is None:
            item_form.form_errors = [_("Choose a work area of this rubric.")]
        else:
            error = run(
                lambda: scoring.add_item(
                    current_user,
                    section,
                    item_form.item_data(),
                    version=row_id(request.form.get("version") or ""),
                )
            )
            if error is None:
                flash(_("Item added."), "success")
                return redirect_303(url_for("assessment.rubric", rubric_id=r.id))
            attach_error(item_form, error)
    return render_template(
        "assessment/rubric.html",
        r=r,
        may_configure=may,
        section_form=section_form,
        item_form=item_form,
        history=matters.history("rubric", r.id),
    ), (422 if which else 200)


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
def item(item_id: int):
    it = db.session.get(RubricItem, item_id)
    if it is None:
        abort(404)
    if not scoring.may_configure(current_user):
        abort(403)
    r = it.section.rubric
    form = ItemForm(
        formdata=request.form if request.method == "POST" else None,
        data={
            "version": r.version,
            "number": it.number,
            "text": it.text,
            "rule": it.rule.value,
            "per_unit": it.params.get("per_unit", ""),
            "points": it.params.get("points", ""),
            "threshold": it.params.get("threshold", ""),
            "max_deduction": it.max_deduction if it.max_deduction is not None else "",
            "max_bonus": it.max_bonus,
        },
    )
    if request.method == "POST" and form.validate_on_submit():
        error = run(
            lambda: scoring.update_item(
                current_user, it, form.item_data(), version=row_id(form.version.data or "")
            )
        )
        if error is None:
            flash(_("Item saved. Assessments made from now on use it."), "success")
            return redirect_303(url_for("assessment.rubric", rubric_id=r.id))
        attach_error(form, error)
        db.session.refresh(r)
        form.version.data = r.version
    return render_template("assessment/item.html", it=it, r=r, form=form), (
        422 if request.method == "POST" else 200
    )
