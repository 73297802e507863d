"""The operator commands: flask seed, flask create-user, flask translate."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

import cli
from models import (
    Organisation,
    Region,
    User,
)
from models.enums import (
    OrgKind,
    RegionLevel,
    Role,
)

# 1 city + 2 counties + 33 townships + 99 villages/communities + 2 groups; the organisations
# include a committee per township and a joint committee per county and for the city; the
# cases made through the workflow (the past cases of demo/history.py come on top).
REGIONS, ORGANISATIONS, USERS, CASES = 137, 187, 53, 208


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def seeded(runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    return result


def past_cases(result) -> int:
    """How many past cases the seed wrote (demo/history.py: a number that follows the day)."""
    return int(re.search(r"past cases\s+(\d+) created", result.output).group(1))


def test_seed_is_refused_when_not_allowed(app, runner, db, monkeypatch):
    monkeypatch.setitem(app.config, "SEED_ALLOWED", False)

    result = runner.invoke(args=["seed"])

    assert result.exit_code != 0
    assert "SEED_ALLOWED" in result.output
    assert count(db, Region) == 0


@pytest.fixture
def centre(db):
    county = Region(code="421022", name="公安县", level=RegionLevel.COUNTY)
    org = Organisation(name="公安县矛盾纠纷调处中心", kind=OrgKind.CENTRE, region=county)
    db.session.add_all([county, org])
    db.session.commit()
    return org


def test_create_user(runner, db, centre):
    result = runner.invoke(
        args=[
            "create-user",
            "Wang",
            "--role",
            "mediator",
            "--org",
            centre.name,
            "--name",
            "王芳",
            "--specialty",
            "LL",
            "--full-time",
            "--password",
            "a-long-password",
        ]
    )

    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.username == "wang"))
    assert (user.name, user.role, user.organisation_id) == ("王芳", Role.MEDIATOR, centre.id)
    assert user.specialties == ["LL"]
    assert user.full_time is True
    assert user.check_password("a-long-password")


def test_create_user_prompts_for_the_password_twice(runner, db, centre):
    result = runner.invoke(
        args=["create-user", "clerk9", "--role", "clerk", "--org", centre.name, "--name", "刘"],
        input="secret-password\nsecret-password\n",
    )

    assert result.exit_code == 0, result.output
    assert "secret-password" not in result.output  # hidden input
    user = db.session.scalar(sa.select(User).where(User.username == "clerk9"))
    assert user.check_password("secret-password")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "没有这个中心"], "No organisation"),
        (["--org", "公安县矛盾纠纷调处中心", "--password", "short"], "at least"),
        (["--org", "公安县矛盾纠纷调处中心", "--password", "1234567890"], "most common passwords"),
        (["--org", "公安县矛盾纠纷调处中心", "--password", "someone2026"], "your username"),
        (["--org", "公安县矛盾纠纷调处中心", "--role", "king"], "Invalid value"),
    ],
)
def test_create_user_refuses_bad_input(runner, db, centre, args, message):
    base = ["create-user", "someone", "--role", "clerk", "--name", "某人"]
    if "--password" not in args:
        base += ["--password", "a-long-password"]
    result = runner.invoke(args=base + args)

    assert result.exit_code != 0
    assert message in result.output
    assert count(db, User) == 0


def test_create_user_refuses_a_taken_username(runner, db, centre):
    args = [
        "create-user",
        "clerk9",
        "--role",
        "clerk",
        "--org",
        centre.name,
        "--name",
        "刘",
        "--password",
        "a-long-password",
    ]
    assert runner.invoke(args=args).exit_code == 0

    result = runner.invoke(args=args)

    assert result.exit_code != 0
    assert "already exists" in result.output
    assert count(db, User) == 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["extract"],
            [
                "extract",
                "-F",
                "translations/babel.cfg",
                "-k",
                "_l",
                "-k",
                "lazy_gettext",
                "-k",
                "_ln:1,2",
                "-k",
                "_lp:1c,2",
                "--add-comments=Translators:",
                "-o",
                "translations/messages.pot",
                ".",
            ],
        ),
        (["update"], ["update", "-i", "translations/messages.pot", "-d", "translations"]),
        (["compile"], ["compile", "-d", "translations"]),
        (
            ["init", "en"],
            ["init", "-i", "translations/messages.pot", "-d", "translations", "-l", "en"],
        ),
    ],
)
def test_translate_runs_pybabel(runner, monkeypatch, args, expected):
    calls = []

    class Done:
        returncode = 0

    def fake_run(argv, **kwargs):
        calls.append((argv, kwargs))
        return Done()

    monkeypatch.setattr(cli.subprocess, "run", fake_run)

    result = runner.invoke(args=["translate", *args])

    assert result.exit_code == 0, result.output
    [(argv, kwargs)] = calls
    assert argv[-len(expected) :] == expected
    assert "pybabel" in argv[0] or argv[1:3] == ["-m", "babel.messages.frontend"]
    assert kwargs["cwd"] == cli.BASE_DIR
    assert "shell" not in kwargs


def test_translate_reports_pybabel_failure(runner, monkeypatch):
    class Failed:
        returncode = 1

    monkeypatch.setattr(cli.subprocess, "run", lambda argv, **kw: Failed())

    result = runner.invoke(args=["translate", "compile"])

    assert result.exit_code != 0
    assert "pybabel compile failed" in result.output


def test_babel_cfg_covers_code_and_templates():
    text = (cli.BASE_DIR / "translations" / "babel.cfg").read_text(encoding="utf-8")
    for section in (
        "[python: blueprints/**.py]",
        "[python: domain/**.py]",
        "[python: models/**.py]",
        "[python: app.py]",
        "[jinja2: templates/**.html]",
    ):
        assert section in text
