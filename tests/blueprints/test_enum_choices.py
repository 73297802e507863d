"""Form options made from a LabelledEnum: every member's value and its translated label, in the
enum's order (or the members given), optionally after an empty "choose" option."""

from flask_babel import force_locale
from flask_babel.speaklater import LazyString

from blueprints.forms import enum_choices
from models.enums import ConsentStatus, Sex


def test_every_member_in_order_with_a_lazy_label():
    options = enum_choices(ConsentStatus)
    assert [o.value for o in options] == [m.value for m in ConsentStatus]
    assert all(isinstance(o.label, LazyString) for o in options)
    assert [str(o.label) for o in options] == [str(m.label) for m in ConsentStatus]
    with force_locale("zh_Hans"):
        assert str(options[0].label) == str(ConsentStatus.PENDING.label) != "Not asked yet"


def test_chosen_members_and_a_blank_option():
    options = enum_choices(Sex, [Sex.FEMALE], blank="Choose")
    assert [(o.value, str(o.label)) for o in options] == [("", "Choose"), ("female", "Female")]
