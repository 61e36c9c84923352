"""The shape of the package: no import cycles, small modules, each library in one place.

Imports are read from the source with ``ast``, those inside functions included (a cycle
that only closes at call time is still a cycle); imports under ``if TYPE_CHECKING:`` are
left out, as they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "exporter"
MAX_LINES = 350


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(name: str) -> set[str]:
    """Return the exporter modules ``name`` imports anywhere in its body."""
    tree = ast.parse(MODULES[name].read_text())
    skipped = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and _is_type_checking(node)
        for stmt in node.body
        for child in ast.walk(stmt)
    }
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("exporter"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            if not base.startswith("exporter"):
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
    found.discard(name)
    return {m for m in found if m in MODULES and m != "exporter"}


GRAPH = {name: imports_of(name) for name in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_checker_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_is_read():
    assert "exporter.reading.clean" in GRAPH["exporter.reading"]
    # An import inside a function counts: the CLI loads the API only when a command runs.
    assert "exporter.api" in GRAPH["exporter.cli.build"]


def test_no_import_cycles():
    assert cycles(GRAPH) == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_small(name):
    lines = MODULES[name].read_text().count("\n")
    assert lines <= MAX_LINES, f"{name} has {lines} lines; split it"


@pytest.mark.parametrize(
    ("library", "home"),
    [
        (
            "weasyprint",
            {
                "exporter.writers.pdf",
                "exporter.writers.linebreak",
                "exporter.writers.pdf_units",
                "exporter.writers.pdf_margins",  # margin boxes apart from a unit's body
            },
        ),
        ("ebooklib", {"exporter.writers.epub", "exporter.writers.epub_nav"}),
        ("click", {m for m in MODULES if m.startswith("exporter.cli")}),
    ],
)
def test_each_library_is_imported_in_its_own_place(library, home):
    users = set()
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Import)
                and any(a.name.split(".")[0] == library for a in node.names)
            ) or (
                isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == library
            ):
                users.add(name)
    assert users and users <= home, f"{library} imported by {sorted(users - home)}"


def test_stages_do_not_reach_upwards():
    """The pipeline's lower stages never import the orchestration or the CLI."""
    upper = {"exporter.api", "exporter.batch"} | {
        m for m in MODULES if m.startswith("exporter.cli")
    }
    lower = ("exporter.reading", "exporter.rendering", "exporter.writers", "exporter.guard",
             "exporter.readers", "exporter.model", "exporter.ids", "exporter.markup")  # fmt: skip
    for name in MODULES:
        if name.startswith(lower):
            assert not GRAPH[name] & upper, f"{name} imports {sorted(GRAPH[name] & upper)}"
