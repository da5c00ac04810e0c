"""The layers, in one line: actions (Rasa SDK classes) -> services in assistant/ -> settings.

Scripts are entry points over the package; tests import the package, never scripts/. Read from
the source with ``ast`` (every import, lazy ones inside functions included), so nothing is run.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

from tests.conftest import ROOT

SDK_BASES = {"Action", "FormValidationAction", "ValidationAction"}

# The stack of real servers that the benchmark and the scale-out test start is test tooling, not
# a service of the assistant: it lives in the test harness (tests/harness/stack.py), and these two
# scripts, its command-line entry points, import it from there.
SCRIPTS_USING_THE_TEST_STACK = {"scripts/bench.py", "scripts/scaleout.py"}


def python_files(*folders: str) -> Iterator[Path]:
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def imports(path: Path, top_level_only: bool = False) -> Set[str]:
    """The absolute module names ``path`` imports (``from a.b import c`` gives ``a.b`` and ``a.b.c``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: Set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def importing(folders: Tuple[str, ...], prefixes: Tuple[str, ...]) -> Dict[str, List[str]]:
    """Files under ``folders`` that import a module under one of ``prefixes``, with what they import."""
    out: Dict[str, List[str]] = {}
    for path in python_files(*folders):
        hits = sorted(m for m in imports(path) if m.split(".")[0] in prefixes)
        if hits:
            out[rel(path)] = hits
    return out


def test_the_services_import_neither_actions_nor_scripts_nor_tests() -> None:
    assert importing(("assistant",), ("actions", "scripts", "tests")) == {}


def test_only_the_action_server_imports_the_sdk() -> None:
    assert set(importing(("assistant",), ("rasa_sdk",))) == {"assistant/action_server.py"}


def test_the_settings_module_is_a_leaf() -> None:
    own = {
        m for m in imports(ROOT / "assistant" / "settings.py") if m.split(".")[0] in ("assistant", "actions")
    }
    assert own == set()


def test_actions_import_the_services_and_the_sdk_only() -> None:
    assert importing(("actions",), ("scripts", "tests")) == {}


def test_each_actions_module_holds_sdk_classes() -> None:
    without = set()
    for path in python_files("actions"):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bases = {
            base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")
            for node in tree.body
            if isinstance(node, ast.ClassDef)
            for base in node.bases
        }
        if not bases & SDK_BASES:
            without.add(rel(path))
    assert without == set(), "move the service into assistant/"


def test_scripts_are_entry_points_over_the_package() -> None:
    assert importing(("scripts",), ("actions",)) == {}
    assert importing(("scripts",), ("scripts",)) == {}, (
        "import shared code from the package (e.g. assistant.evaluation.nlu), not from another script"
    )
    to_tests = importing(("scripts",), ("tests",))
    assert set(to_tests) == SCRIPTS_USING_THE_TEST_STACK
    assert all(m.startswith("tests.harness") for hits in to_tests.values() for m in hits)


def test_tests_never_import_scripts() -> None:
    assert importing(("tests",), ("scripts",)) == {}


def test_one_harness_for_running_servers() -> None:
    """free_port, the PostgreSQL start-up and scripts/serve.sh's processes are defined once, in
    tests/harness/, and every tier that runs servers uses that one."""
    definitions: Dict[str, List[str]] = {}
    for path in python_files("tests", "scripts", "assistant"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in (
                "free_port",
                "postgres_bin",
                "Postgres",
                "Served",
            ):
                definitions.setdefault(node.name, []).append(rel(path))
    assert definitions == {
        "free_port": ["tests/harness/ports.py"],
        "postgres_bin": ["tests/harness/postgres.py"],
        "Postgres": ["tests/harness/postgres.py"],
        "Served": ["tests/harness/served.py"],
    }
    server_tiers = ("tests/e2e", "tests/browser", "tests/faults", "tests/integration")
    for tier in server_tiers:
        used = {m for hits in importing((tier,), ("tests",)).values() for m in hits}
        assert any(m.startswith("tests.harness") for m in used), f"{tier} does not use tests/harness"
    for path in python_files(*server_tiers):
        source = path.read_text(encoding="utf-8")
        assert "initdb" not in source or rel(path).startswith("tests/harness"), rel(path)
        assert '"scripts/serve.sh"' not in source, f"{rel(path)}: start the servers with tests.harness.served"


def test_no_import_cycle_at_import_time() -> None:
    """Module-level imports between the project's own modules form no cycle (lazy imports inside
    functions are allowed to point back)."""
    modules = {}
    for path in python_files("assistant", "actions"):
        name = rel(path)[: -len(".py")].replace("/", ".").removesuffix(".__init__")
        modules[name] = path
    graph = {
        name: {m for m in imports(path, top_level_only=True) if m in modules and m != name}
        for name, path in modules.items()
    }
    visiting: List[str] = []
    done: Set[str] = set()

    def visit(name: str) -> None:
        if name in done:
            return
        assert name not in visiting, " -> ".join(visiting[visiting.index(name) :] + [name])
        visiting.append(name)
        for target in sorted(graph[name]):
            visit(target)
        visiting.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)
