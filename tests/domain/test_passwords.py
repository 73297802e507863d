"""The password rule (zxcvbn with the user's own words, a minimum length, our own translated
reasons) and login costing the same whether the username exists or not."""

import pytest
from flask_babel import force_locale
from werkzeug import security

from demo import DEMO_PASSWORD
from domain import passwords
from domain.errors import ValidationFailed
from tests.factories import PASSWORD


def refusal(user, password) -> str:
    with pytest.raises(ValidationFailed) as refused:
        passwords.check_for(user, password)
    assert refused.value.field == "password"
    return refused.value.message


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "at least 10 characters"),
        ("x" * 257, "at most 256 characters"),
        ("1234567890", "most common passwords"),
        ("password12", "most common passwords"),
        ("qwertyuiop", "most common passwords"),
        ("clerk-clerk-clerk", "your username"),  # the username, repeated
        ("clerk12345", "your username"),
        ("jiefen2026!", "the portal's name"),
        ("mediation-2026", "the portal's name"),
        ("人民调解2026人民调解", "the portal's name"),
        ("公安县矛盾纠纷调处中心12", "your organisation"),
        ("aaaaaaaaaaaa", "repeated characters"),
        ("abcdefghijk1", "a sequence"),
        ("1990-05-17abc", "a date"),
        ("19900517xy", "a date"),
    ],
)
def test_weak_and_context_passwords_are_refused_with_the_reason(world, password, reason):
    assert reason in refusal(world.clerk, password)


def test_the_persons_own_name_is_refused(world, db):
    world.mediator.name = "王建国"
    assert "your name" in refusal(world.mediator, "王建国王建国王建国12")


@pytest.mark.parametrize(
    "password", [PASSWORD, DEMO_PASSWORD, "plum orchard lantern", "紫色的长江大桥晚霞很美"]
)
def test_good_passwords_are_accepted(world, password):
    for user in (world.clerk, world.mediator, world.admin):
        assert passwords.check_for(user, password) == password


def test_a_long_password_is_scored_on_its_beginning(world):
    assert passwords.check_for(world.clerk, "plum orchard lantern " * 10)
    assert "repeated characters" in refusal(world.clerk, "a" * 200)


def test_reasons_are_ours_never_zxcvbns_english_feedback(world):
    """zxcvbn's feedback is English only; every refusal is one of our translatable strings."""
    from zxcvbn import zxcvbn

    with force_locale("zh_Hans"):
        for weak in ("1234567890", "aaaaaaaaaaaa", "clerk-clerk-1", "2026-12-06x1", "abcdefghij"):
            message = refusal(world.clerk, weak)
            feedback = zxcvbn(weak)["feedback"]
            assert feedback["warning"] == "" or feedback["warning"] not in message
            assert not any(s in message for s in feedback["suggestions"])


# ---- timing: an unknown username costs one hash of the same kind --------------------------
def prefix(password_hash: str) -> str:
    """Werkzeug's "method:parameters" part: pbkdf2:sha256:600000, scrypt:32768:8:1."""
    return password_hash.split("$", 1)[0]


@pytest.mark.parametrize("method", [None, "pbkdf2:sha256:1", "pbkdf2:sha256:600000"])
def test_the_dummy_hash_uses_the_method_and_cost_of_real_passwords(world, app, method):
    saved = app.config.get("PASSWORD_HASH_METHOD")
    app.config["PASSWORD_HASH_METHOD"] = method  # None: production's default (scrypt)
    try:
        world.clerk.set_password("plum orchard lantern")
        assert prefix(passwords.dummy_hash()) == prefix(world.clerk.password_hash)
    finally:
        app.config["PASSWORD_HASH_METHOD"] = saved
    if method is None:
        assert prefix(world.clerk.password_hash).startswith("scrypt:")


@pytest.fixture
def hashes_checked(monkeypatch):
    """The password hashes checked, in order."""
    seen: list[str] = []
    real = security.check_password_hash

    def spy(pwhash, password):
        seen.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr("domain.passwords.check_password_hash", spy)
    monkeypatch.setattr("models.user.check_password_hash", spy)
    return seen


def test_an_unknown_username_checks_the_dummy_hash(world, hashes_checked):
    assert passwords.authenticate("nobody", PASSWORD) is None
    assert hashes_checked == [passwords.dummy_hash()]


def test_a_wrong_password_and_a_deactivated_account_check_one_hash(world, db, hashes_checked):
    assert passwords.authenticate("clerk", "wrong password") is None
    world.clerk.active = False
    db.session.flush()
    assert passwords.authenticate("clerk", PASSWORD) is None  # the hash is checked all the same
    assert hashes_checked == [world.clerk.password_hash] * 2


def test_the_login_page_checks_the_dummy_hash_for_an_unknown_username(
    world, client, hashes_checked
):
    client.post("/auth/login", data={"username": "nobody", "password": "guess"})
    assert len(hashes_checked) == 1
    assert prefix(hashes_checked[0]) == prefix(world.clerk.password_hash)
