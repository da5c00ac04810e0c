"""Every environment variable is read through assistant/settings.py and documented there once.

The variables read are found in the source: calls of the settings getters and any ``os.environ``
or ``env.get`` in assistant/, actions/ and scripts/, ``${NAME:-default}`` in the shell scripts
and ``${NAME}`` in endpoints.yml. Each must be declared in ``assistant.settings.GROUPS``, whose
table docs/configuration.md must be up to date; a shell script's default must be the declared
one.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterator, Set, Tuple

import pytest

from assistant import settings
from assistant.settings import BY_NAME, Config, SettingsError
from tests.conftest import ROOT

NAME = re.compile(r"[A-Z][A-Z0-9_]*[A-Z0-9]")
GETTERS = {"text", "secret", "integer", "number", "flag", "path", "base_url", "raw", "is_set", "declared"}
SHELL_READ = re.compile(r"\$\{([A-Z][A-Z0-9_]*)(?::?[-?=])([^}]*)\}")
YAML_READ = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
# Set for other programs, never read as a setting of ours: Python's module path (the scripts
# point it at the checkout) and Sanic's body limit (scripts/serve.sh sets it from CHAT_MAX_BODY).
NOT_OURS = {"PYTHONPATH", "SANIC_REQUEST_MAX_SIZE"}


def python_files() -> Iterator[Path]:
    for folder in ("assistant", "actions", "scripts", "tests/harness"):
        yield from sorted((ROOT / folder).rglob("*.py"))


def _string_constants(tree: ast.Module) -> Dict[str, str]:
    """Module-level ``NAME = "VALUE"`` assignments (a variable's name kept in a constant)."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    found[target.id] = node.value.value
    return found


def _environment_reader(node: ast.expr) -> bool:
    """``os.environ``, ``environ``, ``env`` or ``environment``: a mapping of the environment."""
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name in {"environ", "env", "environment"}


def names_read_in_python(path: Path) -> Set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = _string_constants(tree)

    def value(node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return constants.get(node.id)
        return None

    found: Set[str] = set()
    for node in ast.walk(tree):
        key = None
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in GETTERS:
                key = value(node.args[0])
            elif isinstance(func, ast.Attribute) and func.attr == "get" and _environment_reader(func.value):
                key = value(node.args[0])
            elif getattr(func, "attr", getattr(func, "id", "")) == "getenv":
                key = value(node.args[0])
            elif isinstance(func, ast.Name) and func.id == "config":
                key = value(node.args[0])
        elif isinstance(node, ast.Subscript) and _environment_reader(node.value):
            if isinstance(node.ctx, ast.Load):
                key = value(node.slice)
        if key and NAME.fullmatch(key):
            found.add(key)
    return found


def shell_reads() -> Iterator[Tuple[str, str, str]]:
    """(script, name, default) for every ``${NAME:-default}`` (and ``-``, ``?``, ``=``) read."""
    for path in sorted((ROOT / "scripts").glob("*.sh")):
        for match in SHELL_READ.finditer(path.read_text(encoding="utf-8")):
            yield path.name, match.group(1), match.group(2)


def all_names_read() -> Dict[str, Set[str]]:
    where: Dict[str, Set[str]] = {}
    for path in python_files():
        for name in names_read_in_python(path):
            where.setdefault(name, set()).add(path.relative_to(ROOT).as_posix())
    for script, name, _ in shell_reads():
        where.setdefault(name, set()).add(f"scripts/{script}")
    for line in (ROOT / "endpoints.yml").read_text(encoding="utf-8").splitlines():
        for name in YAML_READ.findall(line.split("#", 1)[0]):
            where.setdefault(name, set()).add("endpoints.yml")
    return where


def test_the_scan_finds_the_readers() -> None:
    """The scan itself works: names read in each of the ways used are found."""
    where = all_names_read()
    for name, source in [
        ("SMTP_PORT", "assistant/enquiries/config.py"),  # config.integer("...")
        ("REDIS_URL", "assistant/lock_store.py"),  # a name kept in a constant
        ("RASA_PORT", "scripts/serve.sh"),
        ("ACTION_ENDPOINT_URL", "endpoints.yml"),
        ("POSTGRES_BIN", "tests/harness/postgres.py"),
    ]:
        assert source in where.get(name, set()), name
    assert len(where) > 40


def test_every_variable_read_is_declared() -> None:
    undeclared = {name: sorted(files) for name, files in all_names_read().items() if name not in BY_NAME}
    for name in NOT_OURS:
        undeclared.pop(name, None)
    assert undeclared == {}, (
        "declare them in assistant/settings.py GROUPS, then: python -m assistant.settings"
    )


def test_every_declared_variable_is_read_somewhere() -> None:
    read = set(all_names_read())
    # Read through a table of names rather than one call each.
    from assistant.chat_request import TIMEOUT_VARIABLES

    read |= set(TIMEOUT_VARIABLES.values())
    assert set(BY_NAME) - read == set(), "remove what nothing reads"


def test_only_the_settings_module_reads_the_process_environment() -> None:
    """Everything else reads through Config; copying the environment for a child process
    (``dict(os.environ)``) is not reading it."""
    readers = set()
    for path in python_files():
        if path == ROOT / "assistant" / "settings.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        copies = {
            id(call.args[0])
            for call in ast.walk(tree)
            if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "dict" and call.args
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("environ", "getenv")
                and id(node) not in copies
            ):
                readers.add(path.relative_to(ROOT).as_posix())
    assert readers == set()


def test_shell_defaults_are_the_declared_ones() -> None:
    wrong = [
        (script, name, default, BY_NAME[name].default)
        for script, name, default in shell_reads()
        if name in BY_NAME and default and "$" not in default and default != BY_NAME[name].default
    ]
    assert wrong == []


def test_the_documentation_is_generated_from_the_list() -> None:
    current = settings.DOCUMENTATION.read_text(encoding="utf-8")
    assert current == settings.render_documentation(), "run: python -m assistant.settings"
    for name in BY_NAME:
        assert f"| `{name}` |" in current


def test_check_mode_reports_in_sync() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "assistant.settings", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_reading_the_settings_cold_loads_neither_the_store_nor_its_libraries() -> None:
    """Rasa, the web front and the action server read settings without Alembic or phonenumbers."""
    code = (
        "import sys\n"
        "from assistant.settings import load_settings\n"
        "load_settings({})\n"
        "from assistant.enquiries.config import load_config\n"
        "load_config({})\n"
        "print(sorted(m for m in ('alembic', 'phonenumbers', 'assistant.enquiries.store') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT)}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# -- the getters ------------------------------------------------------------------------------


def test_declared_defaults_apply_when_unset_or_empty() -> None:
    assert Config({}).integer("WEB_PORT") == 8080
    assert Config({"WEB_PORT": "  "}).integer("WEB_PORT") == 8080
    assert Config({"WEB_PORT": "9000"}).integer("WEB_PORT") == 9000
    assert Config({}).integer("SMTP_PORT", default=25) == 25


def test_an_undeclared_name_cannot_be_read() -> None:
    with pytest.raises(KeyError, match="not declared"):
        Config({"NOT_A_SETTING": "1"}).text("NOT_A_SETTING")


@pytest.mark.parametrize(
    "raw, expected",
    [("1", True), ("true", True), ("Yes", True), ("on", True), ("0", False), ("off", False), ("", False)],
)
def test_flags_are_parsed_strictly(raw: str, expected: bool) -> None:
    assert Config({"ALLOW_DEBUG_LOGS": raw}).flag("ALLOW_DEBUG_LOGS") is expected


@pytest.mark.parametrize("raw", ["2", "maybe", "enabled"])
def test_an_unclear_flag_is_refused(raw: str) -> None:
    with pytest.raises(SettingsError, match="ALLOW_DEBUG_LOGS"):
        Config({"ALLOW_DEBUG_LOGS": raw}).flag("ALLOW_DEBUG_LOGS")


@pytest.mark.parametrize("raw", ["1.5", "abc", "+3", "٣", "1e3"])
def test_a_whole_number_is_only_digits(raw: str) -> None:
    with pytest.raises(SettingsError, match="WEB_PORT"):
        Config({"WEB_PORT": raw}).integer("WEB_PORT")


@pytest.mark.parametrize("raw", ["abc", "inf", "nan", "-1"])
def test_a_number_is_finite_and_at_least_the_minimum(raw: str) -> None:
    with pytest.raises(SettingsError, match="SMTP_TIMEOUT"):
        Config({"SMTP_TIMEOUT": raw}).number("SMTP_TIMEOUT", minimum=1.0)


def test_a_secret_is_never_shown_in_an_error() -> None:
    with pytest.raises(SettingsError) as error:
        Config({"SMTP_PASSWORD": "hunter2"})("SMTP_PASSWORD", int)
    assert "hunter2" not in str(error.value) and "SMTP_PASSWORD" in str(error.value)


def test_a_secret_keeps_its_spaces() -> None:
    assert Config({"SMTP_PASSWORD": " pass "}).secret("SMTP_PASSWORD") == " pass "


def test_relative_paths_are_taken_from_the_project_root() -> None:
    assert Config({"MAIL_DIR": "var/elsewhere"}).path("MAIL_DIR") == ROOT / "var" / "elsewhere"
    assert Config({"MAIL_DIR": "/tmp/mail"}).path("MAIL_DIR") == Path("/tmp/mail")
