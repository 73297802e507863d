"""Pages of the organisation registry. Every organisation and person is loaded through the
scope rule (org_scope_of): outside it, 404."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from blueprints.actions import attach_error
from blueprints.forms import ChoiceField, TrimmedForm, enum_choices, optional_int
from blueprints.htmx import redirect_303
from blueprints.matter_pages import matter_action, run
from blueprints.staffing import bp
from domain import experts, matters, staffing
from domain.calendar import local_today
from domain.ids import row_id
from domain.staffing import MemberData, StaleRecord
from models import StaffKind
from models.enums import MEDIATING_KINDS, OrgKind
from models.staffing import ExpertField, TrainingKind


def _year() -> tuple[date, date]:
    today = local_today()
    return date(today.year, 1, 1), date(today.year, 12, 31)


# ---- forms ---------------------------------------------------------------------------------


class MemberForm(TrimmedForm):
    version = HiddenField()
    account = SelectField(_l("Staff account"), coerce=optional_int, validators=[Optional()])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=staffing.NAME_MAX)])
    kind = ChoiceField(
        _l("Kind"),
        choices=lambda: enum_choices(StaffKind, blank=_l("Choose…")),
        validators=[InputRequired(_l("Choose a kind."))],
    )
    expert_field = ChoiceField(
        _l("Expert's field"),
        choices=lambda: enum_choices(ExpertField, blank=_l("Not an expert")),
        validators=[Optional()],
    )
    affiliation = StringField(
        _l("Workplace and title"), validators=[Optional(), Length(max=staffing.AFFILIATION_MAX)]
    )
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=staffing.PHONE_MAX)])
    note = TextAreaField(
        _l("Note"), validators=[Optional(), Length(max=staffing.NOTE_MAX)], render_kw={"rows": 2}
    )
    active = BooleanField(_l("Active"), default=True)

    def data_(self) -> MemberData:
        return MemberData(
            name=self.name.data,
            kind=StaffKind(self.kind.data),
            expert_field=ExpertField(self.expert_field.data) if self.expert_field.data else None,
            affiliation=self.affiliation.data,
            phone=self.phone.data,
            note=self.note.data,
            active=self.active.data if getattr(self, "active", None) is not None else True,
        )


class TrainingForm(TrimmedForm):
    member = SelectField(
        _l("Person"), coerce=optional_int, validators=[InputRequired(_l("Choose a person."))]
    )
    kind = ChoiceField(
        _l("Kind of training"),
        choices=lambda: enum_choices(TrainingKind, blank=_l("Choose…")),
        validators=[InputRequired(_l("Choose the kind of training."))],
    )
    held_on = DateField(
        _l("Day"), default=local_today, validators=[InputRequired(_l("Enter the day."))]
    )
    hours = StringField(
        _l("Hours"), validators=[InputRequired(_l("Enter the hours.")), Length(max=8)]
    )
    topic = StringField(
        _l("Topic"),
        validators=[InputRequired(_l("Enter the topic.")), Length(max=staffing.TOPIC_MAX)],
    )


class NormForm(TrimmedForm):
    version = HiddenField()
    org_kind = ChoiceField(
        _l("Kind of organisation"),
        choices=lambda: enum_choices(OrgKind, sorted(MEDIATING_KINDS), blank=_l("Choose…")),
        validators=[InputRequired(_l("Choose a kind."))],
    )
    required = IntegerField(
        _l("Full-time mediators required (empty: no norm)"),
        validators=[Optional(), NumberRange(min=0, max=staffing.MAX_REQUIRED)],
    )
    basis = StringField(_l("Basis"), validators=[Optional(), Length(max=staffing.BASIS_MAX)])


def _version(form) -> int | None:
    return row_id(form.version.data or "")


# ---- pages ---------------------------------------------------------------------------------


@bp.route("/")
def overview():
    """Compliance with the staffing norms, per organisation in scope."""
    orgs = staffing.organisations_for(current_user)
    # The organisations short of their norm first, then the others, each by name.
    rows = sorted(staffing.compliance(orgs), key=lambda r: r.compliant is not False)
    short = [r for r in rows if r.compliant is False]
    return render_template(
        "staffing/overview.html",
        rows=rows,
        short=short,
        norms=staffing.norms(),
        may_edit_norms=staffing.may_edit_norms(current_user),
    )


def _org_or_404(org_id: int):
    org = staffing.get_org_for(current_user, org_id)
    if org is None:
        abort(404)
    return org


@bp.route("/org/<int:org_id>", methods=["GET", "POST"])
def organisation(org_id: int):
    """An organisation's people, their training this year, and the forms to add them."""
    org = _org_or_404(org_id)
    may_manage = staffing.may_manage(current_user, org)
    which = request.form.get("form") if request.method == "POST" else None
    if which and not may_manage:
        abort(403)
    members = staffing.members_of([org.id])
    member_form = MemberForm(prefix="member", formdata=request.form if which == "member" else None)
    del member_form.active  # a person is added active
    accounts = staffing.accounts_without_entry(org)
    member_form.account.choices = [("", _("No account (a person without a login)"))] + [
        (u.id, f"{u.name} ({u.username})") for u in accounts
    ]
    training_form = TrainingForm(
        prefix="training", formdata=request.form if which == "training" else None
    )
    training_form.member.choices = [("", _("Choose…"))] + [
        (m.id, m.name) for m in members if m.active
    ]
    if which == "member" and member_form.validate_on_submit():
        account = next((u for u in accounts if u.id == member_form.account.data), None)
        if member_form.account.data and account is None:
            member_form.account.errors = [_("Choose an account from the list.")]
        else:
            error = run(
                lambda: staffing.add_member(current_user, org, member_form.data_(), account=account)
            )
            if error is None:
                flash(_("Person added to the registry."), "success")
                return redirect_303(url_for("staffing.organisation", org_id=org.id))
            attach_error(member_form, error)
    if which == "training" and training_form.validate_on_submit():
        member = next((m for m in members if m.id == training_form.member.data), None)
        if member is None:
            training_form.member.errors = [_("Choose a person from the list.")]
        else:
            error = run(
                lambda: staffing.add_training(
                    current_user,
                    member,
                    kind=TrainingKind(training_form.kind.data),
                    held_on=training_form.held_on.data,
                    hours=training_form.hours.data,
                    topic=training_form.topic.data,
                )
            )
            if error is None:
                flash(_("Training recorded."), "success")
                return redirect_303(url_for("staffing.organisation", org_id=org.id))
            attach_error(training_form, error)
    start, end = _year()
    (row,) = staffing.compliance([org])
    return render_template(
        "staffing/organisation.html",
        org=org,
        row=row,
        members=members,
        hours=staffing.hours_by_member([m.id for m in members], start, end),
        trainings=staffing.trainings_of([org.id], start, end),
        year=start.year,
        may_manage=may_manage,
        member_form=member_form,
        training_form=training_form,
    ), (422 if which else 200)


@bp.route("/member/<int:member_id>", methods=["GET", "POST"])
def member(member_id: int):
    """A person of the registry: details (changed with the version seen), training, record."""
    person = staffing.get_member_for(current_user, member_id)
    if person is None:
        abort(404)
    may_manage = staffing.may_manage(current_user, person.organisation)
    if request.method == "POST" and not may_manage:
        abort(403)
    form = MemberForm(
        prefix="member",
        formdata=request.form if request.method == "POST" else None,
        obj=None,
        data={
            "version": person.version,
            "name": person.name,
            "kind": person.kind.value,
            "expert_field": person.expert_field.value if person.expert_field else "",
            "affiliation": person.affiliation,
            "phone": person.phone,
            "note": person.note,
            "active": person.active,
        },
    )
    del form.account
    if request.method == "POST" and form.validate_on_submit():
        error = run(
            lambda: staffing.update_member(
                current_user, person, form.data_(), version=_version(form)
            )
        )
        if error is None:
            flash(_("Changes saved."), "success")
            return redirect_303(url_for("staffing.member", member_id=person.id))
        if isinstance(error, StaleRecord):
            person = staffing.get_member_for(current_user, member_id)
            form.version.data = person.version
        attach_error(form, error)
    start, end = _year()
    return render_template(
        "staffing/member.html",
        person=person,
        form=form,
        may_manage=may_manage,
        trainings=list(person.trainings),
        hours=staffing.hours_by_member([person.id], start, end)[person.id],
        year=start.year,
        history=matters.history("staff_member", person.id),
        action_label=matter_action,
    ), (422 if request.method == "POST" else 200)


@bp.route("/norms", methods=["GET", "POST"])
def norms():
    """The staffing norms: read by all, set by administrators (one kind at a time, or a
    published set loaded whole)."""
    may_edit = staffing.may_edit_norms(current_user)
    if request.method == "POST" and not may_edit:
        abort(403)
    form = NormForm(prefix="norm", formdata=request.form if request.method == "POST" else None)
    table = staffing.norms()
    sets = staffing.norm_sets()
    if request.method == "POST" and request.form.get("load_set"):
        chosen = request.form.get("load_set")
        error = run(lambda: staffing.load_norms(current_user, chosen))
        if error is None:
            flash(_("Norms loaded."), "success")
            return redirect_303(url_for("staffing.norms"))
        flash(error.message, "error")
    elif request.method == "POST" and form.validate_on_submit():
        kind = OrgKind(form.org_kind.data)
        current = table.get(kind)
        error = run(
            lambda: staffing.set_norm(
                current_user,
                kind,
                form.required.data,
                form.basis.data,
                version=current.version if current else None,
            )
        )
        if error is None:
            flash(_("Norm saved."), "success")
            return redirect_303(url_for("staffing.norms"))
        attach_error(form, error)
    return render_template(
        "staffing/norms.html",
        table=table,
        form=form,
        may_edit=may_edit,
        sets=sets,
    ), (422 if request.method == "POST" else 200)


@bp.route("/experts")
def expert_pool():
    """The expert pool of the organisations in scope, by field."""
    field = request.args.get("field") or None
    chosen = ExpertField(field) if field in ExpertField._value2member_map_ else None
    members = experts.pool_for(current_user, chosen)
    groups: dict = {}
    for m in members:
        groups.setdefault(m.expert_field, []).append(m)
    return render_template(
        "staffing/experts.html",
        groups=groups,
        fields=list(ExpertField),
        chosen=chosen,
        count=len(members),
    )
