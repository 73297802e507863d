"""Every user-facing string goes through Babel, and the Chinese catalogue is complete."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
HAN = re.compile(r"[\u4e00-\u9fff]")
CODE_DIRS = ["blueprints", "domain", "models"]


def _python_files():
    yield ROOT / "app.py"
    for d in CODE_DIRS:
        yield from sorted((ROOT / d).rglob("*.py"))


def _string_literals(tree):
    """String constants that are not docstrings."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node


@pytest.mark.no_db
def test_no_chinese_literals_outside_the_catalogue():
    offenders = []
    for path in _python_files():
        if path.name.startswith("document"):
            continue  # the national document formats are Chinese by law
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _string_literals(tree):
            if HAN.search(node.value):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:30]}")
    for path in sorted((ROOT / "templates").rglob("*.html")):
        if "documents" in path.parts:
            continue  # the national document formats are Chinese by law
        text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
        for lineno, line in enumerate(text.splitlines(), 1):
            if "hreflang=" in line:
                continue  # a language's own name ("中文") is never translated
            stripped = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", line)
            if HAN.search(stripped):
                offenders.append(f"{path.relative_to(ROOT)}:{lineno}: {line.strip()[:40]}")
    assert offenders == [], "\n".join(offenders)


@pytest.mark.no_db
def test_chinese_catalogue_is_complete_and_current(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            "translations/babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "_ln:1,2",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    po_path = ROOT / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"
    assert po_path.exists(), "run: flask translate init zh_Hans"
    with po_path.open("rb") as f:
        catalog = read_po(f)
    missing, untranslated, fuzzy = [], [], []
    for msgid in wanted:
        message = catalog.get(msgid)
        if message is None:
            missing.append(msgid)
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            untranslated.append(msgid)
        if message.fuzzy:
            fuzzy.append(msgid)
    show = lambda items: "\n  ".join(str(i) for i in sorted(items, key=str)[:40])  # noqa: E731
    assert not missing, f"not in the catalogue (flask translate extract/update):\n  {show(missing)}"
    assert not untranslated, f"untranslated:\n  {show(untranslated)}"
    assert not fuzzy, f"fuzzy:\n  {show(fuzzy)}"


def test_pages_render_in_chinese_by_default(client, world):
    html = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "人民调解" in html
    html_en = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "mediation" in html_en.lower()
