"""Runtime and development dependencies are separate, and `make audit` checks the runtime set.

The production image installs requirements/base.txt only; `make install` adds
requirements/dev.txt for `make run` and `make test`; pip-audit runs from its own venv
(requirements/audit.txt) over the runtime set, as installed, and `make test` runs it.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Dict

import pytest

from tests.conftest import ROOT

REQ = ROOT / "requirements"
DEV_TOOLS = {"pytest", "playwright", "hypothesis", "ruff", "aiosmtpd", "pip-audit", "mypy"}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


def pins(path: Path) -> Dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line.strip())
        if match:
            out[match[1].lower().replace("_", "-")] = match[2]
    return out


def audit_module():
    spec = importlib.util.spec_from_file_location("requirements_audit", REQ / "audit.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_runtime_file_has_no_test_tools() -> None:
    assert not DEV_TOOLS & set(pins(REQ / "base.txt"))
    assert {"rasa", "rasa-sdk", "spacy", "alembic", "email-validator", "phonenumbers"} <= set(
        pins(REQ / "base.txt")
    )


def test_the_dev_file_adds_the_pinned_tools_to_the_runtime() -> None:
    lines = [x.strip() for x in (REQ / "dev.txt").read_text(encoding="utf-8").splitlines()]
    assert "-r base.txt" in lines
    assert {"pytest", "playwright", "hypothesis", "ruff", "aiosmtpd"} <= set(pins(REQ / "dev.txt"))


def test_pip_audit_is_pinned_for_its_own_venv() -> None:
    assert "pip-audit" in pins(REQ / "audit.txt")
    assert "packaging" in pins(REQ / "audit.txt")  # the reason it has a venv of its own
    assert "pip-audit" not in pins(REQ / "constraints.txt")


def test_no_runtime_module_imports_a_test_tool() -> None:
    imports = re.compile(r"^\s*(?:import|from)\s+(pytest|playwright|hypothesis|aiosmtpd|requests)\b", re.M)
    offenders = [
        str(path.relative_to(ROOT))
        for path in [*ROOT.glob("assistant/**/*.py"), *ROOT.glob("actions/**/*.py")]
        if imports.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_image_installs_the_runtime_only() -> None:
    lines = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8").splitlines()
    instructions = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    installs = [line for line in instructions.splitlines() if "pip install" in line]
    assert installs and all("requirements/base.txt" in line for line in installs)
    assert "dev.txt" not in instructions and "audit.txt" not in instructions


def test_make_install_installs_both_and_make_audit_exists() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    install = makefile.split("$(VENV)/.installed:", 1)[1].split("\n\n", 1)[0]
    assert "requirements/dev.txt" in install
    assert re.search(r"^audit:.*## ", makefile, re.M)
    audit = makefile.split("\naudit:", 1)[1].split("\n\n", 1)[0]
    assert "requirements/audit.py" in audit and "pip-audit" in audit


def test_make_test_does_not_depend_on_the_advisory_service() -> None:
    """PyPI's per-release JSON (pip-audit's data) answers 404 from this workplace's registry
    mirror, so the network audit is `make audit`, run where it can be reached; make test
    keeps the offline check that the runtime set holds no test tools (above)."""
    script = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert "make --no-print-directory audit" not in script


def test_the_runtime_set_as_installed_excludes_the_test_tools() -> None:
    audit = audit_module()
    runtime = audit.runtime_closure(audit.requirement_lines(REQ / "base.txt"))
    assert {"rasa", "sqlalchemy", "alembic", "phonenumbers"} <= set(runtime)
    assert not DEV_TOOLS & set(runtime)
    everything = audit.runtime_closure(audit.requirement_lines(REQ / "dev.txt"))
    assert {"pytest", "playwright"} <= set(everything)


def test_every_ignored_advisory_says_why(tmp_path) -> None:
    audit = audit_module()
    audit.read_ignores(REQ / "audit-ignore.txt")  # the project's own file is well-formed
    good = tmp_path / "good.txt"
    good.write_text(
        "# note\n--ignore-vuln GHSA-aaaa-bbbb-cccc  # aiohttp 3.9.5: Rasa 3.6 pins aiohttp<3.10\n"
    )
    assert audit.read_ignores(good) == [("GHSA-aaaa-bbbb-cccc", "aiohttp 3.9.5: Rasa 3.6 pins aiohttp<3.10")]
    bad = tmp_path / "bad.txt"
    bad.write_text("--ignore-vuln PYSEC-2024-1\n")
    with pytest.raises(audit.AuditError):
        audit.read_ignores(bad)


def test_an_unreachable_service_fails_the_audit_with_a_clear_message(monkeypatch, tmp_path, capsys) -> None:
    audit = audit_module()

    def unreachable(url, timeout):
        raise audit.urllib.error.HTTPError(url, 404, "Not Found", None, None)

    monkeypatch.setattr(audit.urllib.request, "urlopen", unreachable)
    code = audit.main(["--pip-audit", "/nonexistent/pip-audit", "--out", str(tmp_path / "runtime.txt")])
    assert code == 2
    err = capsys.readouterr().err
    assert "FAILED TO RUN" in err and "HTTP 404" in err and "Nothing was audited" in err


def test_findings_and_unchecked_packages_are_reported() -> None:
    audit = audit_module()
    report = {
        "dependencies": [
            {
                "name": "a",
                "version": "1",
                "vulns": [{"id": "GHSA-1", "aliases": ["CVE-1"], "fix_versions": ["2"]}],
            },
            {
                "name": "b",
                "version": "1",
                "vulns": [{"id": "PYSEC-9", "aliases": ["GHSA-9"], "fix_versions": []}],
            },
            {"name": "c", "version": "1", "skip_reason": "Dependency not found on PyPI"},
        ]
    }
    findings, unchecked = audit.summarise(report, ["GHSA-9"])
    assert findings == ["a 1: GHSA-1 (fixed in: 2)"]
    assert unchecked == ["c: Dependency not found on PyPI"]


def test_the_image_holds_every_model_and_file_the_processes_read() -> None:
    """Every ``model:`` path of config.yml, and the web front's files, are copied into the image
    (without var/minilm Rasa's sentence feature would be zeros, silently)."""
    import yaml

    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    copied = re.findall(r"^COPY (\S+)", dockerfile, re.M)
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    paths = {c["model"] for c in config["pipeline"] + config["policies"] if isinstance(c.get("model"), str)}
    assert paths, "config.yml names no model path"
    for path in paths | {"web/index.html"}:
        assert any(path.startswith(source.rstrip("/")) for source in copied), f"{path} is not in the image"
