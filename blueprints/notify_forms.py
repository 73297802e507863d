"""The citizens' opt-in to messages about their case: SMS, e-mail, the address, the language.
A sub-form (no CSRF token of its own), nested in the application form and in the forms on the
applicant's and the respondent's pages."""

from __future__ import annotations

import re

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from blueprints.forms import TrimmedSubForm
from domain import notifications
from models.notify import ContactPreference

_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}")


class ContactPreferenceForm(TrimmedSubForm):
    sms = BooleanField(_l("Send me text messages (SMS) about this case"))
    email = BooleanField(_l("Send me e-mails about this case"))
    email_address = StringField(
        _l("E-mail address"),
        validators=[Optional(), Length(max=254, message=_l("At most 254 characters."))],
        render_kw={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"},
    )
    language = RadioField(
        _l("Language of the messages"),
        choices=[SelectChoice("zh_Hans", _l("Chinese")), SelectChoice("en", _l("English"))],
        validators=[Optional()],
    )

    def validate_email_address(self, field) -> None:
        if field.data and not _EMAIL.fullmatch(field.data):
            raise ValidationError(_l("Enter an e-mail address such as name@example.com."))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.email.data and not self.email_address.data:
            self.email_address.errors = [
                *self.email_address.errors,
                _l("Enter the e-mail address to send to."),
            ]
            return False
        return ok

    def fill(self, pref: ContactPreference | None) -> None:
        if pref is not None:
            self.sms.data, self.email.data = pref.sms, pref.email
            self.email_address.data, self.language.data = pref.email_address, pref.language
        elif not self.language.data:
            self.language.data = "en" if str(get_locale()) == "en" else "zh_Hans"

    def save(self, party, *, receipt: bool = False) -> None:
        known = notifications.preference_of(party)
        if receipt and known is not None:
            return  # the same application sent again: chosen and received already
        if not (self.sms.data or self.email.data) and known is None:
            return
        notifications.set_preference(
            party,
            sms=self.sms.data,
            email=self.email.data,
            email_address=self.email_address.data,
            language=self.language.data,
            receipt=receipt,
        )
