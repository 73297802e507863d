"""submit_application with the form's one-time token: one case per form, one query code."""

from domain.codes import check_query_code
from domain.intake import filed_application, submit_application
from models import Case
from tests.factories import count_rows

TOKEN = "a-form-token-0123456789"


def test_the_same_form_returns_the_case_it_filed(world, db):
    data = world.case_data()
    assert filed_application(data, TOKEN) is None
    case, code = submit_application(data, submission=TOKEN)
    db.session.commit()
    assert check_query_code(case.query_code_hash, code)
    assert submit_application(data, submission=TOKEN) == (case, code)
    assert filed_application(data, TOKEN) == (case, code)
    # Each call of the factory numbers its names: other content, so not this form.
    assert filed_application(world.case_data(), TOKEN) is None
    assert count_rows(Case) == 1 and len(case.events) == 1


def test_another_token_or_other_content_is_another_case(world, db):
    data = world.case_data()
    first, code = submit_application(data, submission=TOKEN)
    other, other_code = submit_application(data, submission=TOKEN + "x")
    data.summary = "另一件事：邻居的狗咬伤了我家的鸡。"
    changed, changed_code = submit_application(data, submission=TOKEN)
    plain, _ = submit_application(world.case_data())
    db.session.commit()
    assert len({first.id, other.id, changed.id, plain.id}) == 4
    assert len({code, other_code, changed_code}) == 3
    assert plain.submission_hash is None and len(first.submission_hash) == 64
    assert TOKEN not in first.submission_hash
