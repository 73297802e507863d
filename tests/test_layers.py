"""The layers point one way: blueprints -> domain -> models -> extensions.

Read from the source with `ast` (nothing is imported), so a broken layer is reported even when
the import would happen to work:

- models/ imports neither domain/ nor blueprints/, nor the form libraries (WTForms, Flask-WTF):
  form options are made in the forms layer;
- domain/ imports neither blueprints/ nor the form libraries: it takes plain values;
- the module-level imports among domain/ and models/ form no circle;
- an import of a project module inside a function says, in a comment on its line or the line
  above, why it cannot be at the top (the only honest reason is a cycle).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.no_db


@pytest.fixture(autouse=True)
def _ctx():
    """Overrides the suite's per-test app context: these checks only read files, so they run
    (and name the culprit) even when an import cycle keeps the application from loading."""
    return


ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("domain", "models")
PROJECT = ("domain", "models", "blueprints")
FORMS = ("wtforms", "flask_wtf")
FORBIDDEN = {
    "models": ("domain", "blueprints", *FORMS),
    "domain": ("blueprints", *FORMS),
}
ARROWS = "blueprints -> domain -> models -> extensions"
PRAGMA = re.compile(r"#\s*(noqa|type:|pragma:|fmt:|isort:)")


@dataclass(frozen=True)
class Import:
    target: str  # the module named: "domain.states", or "domain" for `from domain import x`
    names: tuple[str, ...]  # for `from X import a, b`: ("a", "b")
    line: int
    end_line: int
    in_function: bool
    type_checking: bool  # under `if TYPE_CHECKING:`, never run


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_modules() -> dict[str, Path]:
    return {
        module_name(path): path for layer in LAYERS for path in sorted((ROOT / layer).rglob("*.py"))
    }


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path) -> list[Import]:
    """Every import statement of a module, with where it sits."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Import] = []

    def walk(node: ast.AST, in_function: bool, type_checking: bool) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            if isinstance(node, ast.Import):
                targets = [(alias.name, ()) for alias in node.names]
            else:
                target = node.module or ""
                if node.level:  # relative: resolve it against this module's package
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    target = ".".join(p for p in (*base, target) if p)
                targets = [(target, tuple(alias.name for alias in node.names))]
            end = node.end_lineno or node.lineno
            for target, names in targets:
                found.append(Import(target, names, node.lineno, end, in_function, type_checking))
            return
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for stmt in node.body:
                walk(stmt, in_function, True)
            for stmt in node.orelse:
                walk(stmt, in_function, type_checking)
            return
        in_function = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for child in ast.iter_child_nodes(node):
            walk(child, in_function, type_checking)

    walk(tree, False, False)
    return found


def top(name: str) -> str:
    return name.split(".", 1)[0]


def modules_named(imp: Import, known: dict[str, Path]) -> set[str]:
    """The project modules an import loads: `from domain import documents` loads
    domain.documents (and the package domain); `from models.enums import Role` loads
    models.enums."""
    out = set()
    if imp.target in known:
        out.add(imp.target)
    for name in imp.names:
        if f"{imp.target}.{name}" in known:
            out.add(f"{imp.target}.{name}")
    return out


def comment_lines(path: Path) -> set[int]:
    """Lines with a comment in words: a bare tool pragma (# noqa, # type: ignore) says no why."""
    with io.StringIO(path.read_text(encoding="utf-8")) as f:
        return {
            tok.start[0]
            for tok in tokenize.generate_tokens(f.readline)
            if tok.type == tokenize.COMMENT and not PRAGMA.match(tok.string)
        }


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected component that has one (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph.get(v, ()):
                components.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)

    cycles = []
    for component in components:
        members = set(component)
        start = component[0]
        # Shortest way back to the start inside the component (breadth first).
        paths = {start: [start]}
        frontier = [start]
        cycle = None
        while frontier and cycle is None:
            nxt = []
            for v in frontier:
                for w in sorted(graph.get(v, ())):
                    if w == start:
                        cycle = [*paths[v], start]
                        break
                    if w in members and w not in paths:
                        paths[w] = [*paths[v], w]
                        nxt.append(w)
                if cycle:
                    break
            frontier = nxt
        cycles.append(cycle or [*component, start])
    return cycles


def import_graph(known: dict[str, Path]) -> dict[str, set[str]]:
    """Module-level imports among domain/ and models/ (what runs when a module loads)."""
    return {
        name: {
            target
            for imp in imports_of(path)
            if not imp.in_function and not imp.type_checking
            for target in modules_named(imp, known)
            if target != name
        }
        for name, path in known.items()
    }


# ---- the checks --------------------------------------------------------------------------------


def test_lower_layers_do_not_import_upper_layers_or_forms():
    offenders = []
    for name, path in layer_modules().items():
        banned = FORBIDDEN[top(name)]
        for imp in imports_of(path):
            if top(imp.target) in banned:
                offenders.append(
                    f"{path.relative_to(ROOT)}:{imp.line}: {name} imports {imp.target} "
                    f"({top(name)}/ may not import {', '.join(banned)})"
                )
    assert not offenders, f"the layers point one way ({ARROWS}):\n  " + "\n  ".join(offenders)


def test_no_import_cycle_among_domain_and_models():
    cycles = find_cycles(import_graph(layer_modules()))
    assert not cycles, "module-level import cycles:\n  " + "\n  ".join(
        " -> ".join(cycle) for cycle in cycles
    )


def test_imports_inside_functions_say_why():
    offenders = []
    for name, path in layer_modules().items():
        comments = comment_lines(path)
        for imp in imports_of(path):
            if not imp.in_function or top(imp.target) not in PROJECT:
                continue
            explained = comments & set(range(imp.line - 1, imp.end_line + 1))
            if not explained:
                offenders.append(f"{path.relative_to(ROOT)}:{imp.line}: {name} -> {imp.target}")
    assert not offenders, (
        "imports of project modules inside functions: move them to the top, or say on the "
        "line (or the line above) which cycle forces them:\n  " + "\n  ".join(offenders)
    )


# ---- the checker itself ------------------------------------------------------------------------


def test_the_cycle_finder_names_the_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert find_cycles(graph) == [["a", "b", "c", "a"], ["e", "e"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_the_reader_sees_every_kind_of_import(tmp_path, monkeypatch):
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    (tmp_path / "domain").mkdir()
    source = tmp_path / "domain" / "example.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from domain import states\n"
        "if TYPE_CHECKING:\n"
        "    from models import Case\n"
        "def f():\n"
        "    # a cycle forces it\n"
        "    from domain.closing import terminate\n"
        "    from . import clocks\n"
        "    from models import User  # noqa: F401\n",
        encoding="utf-8",
    )
    imports = {(i.target, i.in_function, i.type_checking) for i in imports_of(source)}
    assert imports == {
        ("typing", False, False),
        ("domain", False, False),
        ("models", False, True),
        ("domain.closing", True, False),
        ("domain", True, False),
        ("models", True, False),
    }
    assert comment_lines(source) == {6}  # a pragma is no reason
