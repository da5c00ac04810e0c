"""The offline advisory check (requirements/audit_offline.py) on a small fake database; no network.

Specifier matching, the ignore file's rules (a reason required, stale lines reported), the
database pin and its hash, the line that says how old the data is, and the exit codes.
"""

from __future__ import annotations

import hashlib
import json
import socket
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from requirements import audit_offline as offline
from requirements.audit import AuditError, requirement_lines, runtime_closure
from tests.conftest import ROOT

PACKAGE = "packaging"  # installed in the venv (Rasa 3.6 pins it), with one dependency of its own
VERSION = metadata.version(PACKAGE)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the offline check opened a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield


def advisory(specs: List[str], cve: str | None = None, id: str = "pyup.io-1") -> Dict[str, Any]:
    return {"id": id, "cve": cve, "specs": specs, "v": ",".join(specs), "advisory": "test"}


def fake_db(entries: Dict[str, List[Dict[str, Any]]]) -> Dict[str, Any]:
    return {"$meta": {"advisory": "PyUp.io metadata", "timestamp": 1625119202}, **entries}


@pytest.mark.parametrize(
    "specs, version, affected",
    [
        (["<1.0"], "0.9", True),
        (["<1.0"], "1.0", False),
        (["<=2.19.1"], "2.19.1", True),
        ([">=2.1,<=2.5.3"], "2.5.3", True),
        ([">=2.1,<=2.5.3"], "2.0.9", False),
        # a list of specs is a union of ranges (how safety-db writes TensorFlow's backports)
        ([">=2.3.0rc0,<2.3.3", ">=2.4.0rc0,<2.4.2"], "2.4.1", True),
        ([">=2.3.0rc0,<2.3.3", ">=2.4.0rc0,<2.4.2"], "2.3.5", False),
        ([">=2.3.0rc0,<2.3.3"], "2.3.0rc1", True),  # pre-releases count
        (["<2.0"], "1.9rc1", True),
        (["<2.0"], "2.0rc1", False),  # PEP 440: `<V` excludes V's own pre-releases
        # "==a,==b" in safety-db means either version, not an impossible conjunction
        (["==2.13,==2.12"], "2.12", True),
        (["==2.13,==2.12"], "2.14", False),
        (["==1.2.17"], "1.2.17", True),
    ],
)
def test_an_advisory_affects_the_versions_its_specifiers_name(
    specs: List[str], version: str, affected: bool
) -> None:
    assert offline.Advisory("pyup.io-1", "demo", tuple(specs)).affects(version) is affected


def test_the_database_is_keyed_by_canonical_name_and_cves_are_aliases() -> None:
    database = offline.parse_database(
        fake_db({"Demo_Pkg": [advisory(["<1"], cve="CVE-2020-1, CVE-2020-2")], "other": [advisory(["<2"])]})
    )
    assert set(database) == {"demo-pkg", "other"}
    (found,) = database["demo-pkg"]
    assert found.cves == ("CVE-2020-1", "CVE-2020-2")
    assert found.aliases == {"pyup.io-1", "cve-2020-1", "cve-2020-2"}


@pytest.mark.parametrize(
    "entries",
    [
        {"demo": [advisory(["not-a-spec"])]},
        {"demo": [advisory([])]},
        {"demo": [{"cve": None, "specs": ["<1"]}]},
        {"demo": {"id": "pyup.io-1"}},
    ],
)
def test_a_malformed_database_is_an_error_never_a_skip(entries: Dict[str, Any]) -> None:
    with pytest.raises(AuditError):
        offline.parse_database(fake_db(entries))


def test_matching_reports_each_affected_installed_package() -> None:
    database = offline.parse_database(
        fake_db(
            {
                "demo": [advisory(["<1"], id="pyup.io-1"), advisory([">=2"], id="pyup.io-2")],
                "gone": [advisory(["<9"])],
            }
        )
    )
    findings = offline.match({"demo": ("Demo", "0.5"), "safe": ("safe", "1.0")}, database)
    assert [(f.name, f.version, f.advisory.id) for f in findings] == [("Demo", "0.5", "pyup.io-1")]
    assert findings[0].describe() == "Demo 0.5: pyup.io-1, affects <1"


def test_ignore_lines_by_id_or_cve_stale_ones_and_ids_of_the_other_audit() -> None:
    database = offline.parse_database(
        fake_db(
            {
                "a": [advisory(["<1"], id="pyup.io-1"), advisory(["<1"], cve="CVE-2021-9", id="pyup.io-2")],
                "b": [advisory(["<1"], id="pyup.io-3")],
                "c": [advisory(["<1"], id="pyup.io-4")],
            }
        )
    )
    findings = offline.match({"a": ("a", "0.1"), "b": ("b", "0.1"), "c": ("c", "2.0")}, database)
    ignores = [
        ("pyup.io-1", "a: Rasa pins it"),
        ("cve-2021-9", "a: same, by CVE"),
        ("pyup.io-4", "c was fixed"),
        ("GHSA-aaaa-bbbb-cccc", "pip-audit's id"),
    ]
    outcome = offline.reconcile(findings, ignores, database)
    assert [f.advisory.id for f in outcome.failures] == ["pyup.io-3"]
    assert [(f.advisory.id, why) for f, why in outcome.ignored] == [
        ("pyup.io-1", "a: Rasa pins it"),
        ("pyup.io-2", "a: same, by CVE"),
    ]
    assert outcome.stale == [("pyup.io-4", "c was fixed")]
    assert outcome.elsewhere == ["GHSA-aaaa-bbbb-cccc"]
    assert outcome.exit_code == 1


def test_a_stale_ignore_line_alone_fails() -> None:
    database = offline.parse_database(fake_db({"a": [advisory(["<1"])]}))
    outcome = offline.reconcile([], [("pyup.io-1", "was needed once")], database)
    assert outcome.stale and outcome.exit_code == 1
    assert offline.reconcile([], [("PYSEC-2024-1", "live audit only")], database).exit_code == 0


class Setup:
    """A fake database wheel, its pin, a requirements file and an ignore file in a temp dir."""

    def __init__(self, tmp_path: Path, entries: Dict[str, List[Dict[str, Any]]]) -> None:
        self.wheel = tmp_path / "safety_db-2021.7.17-py2.py3-none-any.whl"
        with zipfile.ZipFile(self.wheel, "w") as archive:
            archive.writestr(offline.DATABASE_MEMBER, json.dumps(fake_db(entries)))
        digest = hashlib.sha256(self.wheel.read_bytes()).hexdigest()
        self.pin = tmp_path / "advisories.txt"
        self.pin.write_text(f"# the database\nsafety-db==2021.7.17 --hash=sha256:{digest}\n")
        self.requirements = tmp_path / "base.txt"
        self.requirements.write_text(f"{PACKAGE}=={VERSION}\n")
        self.ignore = tmp_path / "audit-ignore.txt"
        self.ignore.write_text("# none\n")

    def run(self) -> int:
        return offline.main(
            [
                "--wheel",
                str(self.wheel),
                "--pin",
                str(self.pin),
                "--requirements",
                str(self.requirements),
                "--ignore-file",
                str(self.ignore),
            ]
        )


COVERAGE = (
    "advisory data: safety-db 2021.7.17; advisories published after it are not covered; "
    "`make audit` checks PyPI's live data where reachable"
)


def test_clean_exits_0_and_says_how_old_the_data_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    setup = Setup(tmp_path, {PACKAGE: [advisory(["<0.0.1"])]})
    assert setup.run() == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"audit-offline: {COVERAGE}"
    assert "data dated 2021-07-01" in out and "1 of these packages have advisories" in out


def test_a_match_exits_1_and_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    setup = Setup(tmp_path, {PACKAGE: [advisory([f"<={VERSION}"], cve="CVE-2099-1")]})
    assert setup.run() == 1
    captured = capsys.readouterr()
    assert COVERAGE in captured.out
    assert f"{PACKAGE} {VERSION}: pyup.io-1 (CVE-2099-1), affects <={VERSION}" in captured.err


def test_a_justified_match_exits_0_and_prints_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    setup = Setup(tmp_path, {PACKAGE: [advisory([f"=={VERSION}"])]})
    setup.ignore.write_text("--ignore-vuln pyup.io-1  # Rasa 3.6 pins it; not reachable here\n")
    assert setup.run() == 0
    assert "Rasa 3.6 pins it; not reachable here" in capsys.readouterr().out


def test_a_dependency_of_a_listed_package_is_checked_too(tmp_path: Path) -> None:
    dependencies = list(runtime_closure(requirement_lines(Setup(tmp_path, {}).requirements)))
    child = next(name for name in dependencies if name != PACKAGE)
    assert Setup(tmp_path, {child: [advisory([">=0"])]}).run() == 1


def test_a_stale_ignore_line_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    setup = Setup(tmp_path, {PACKAGE: [advisory(["<0.0.1"])]})
    setup.ignore.write_text("--ignore-vuln pyup.io-1  # was affected before the upgrade\n")
    assert setup.run() == 1
    assert "stale" in capsys.readouterr().err


def test_an_ignore_line_without_a_reason_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    setup = Setup(tmp_path, {PACKAGE: [advisory([f"=={VERSION}"])]})
    setup.ignore.write_text("--ignore-vuln pyup.io-1\n")
    assert setup.run() == 2
    assert "FAILED TO RUN" in capsys.readouterr().err


def test_a_wheel_that_is_not_the_pinned_one_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    setup = Setup(tmp_path, {PACKAGE: [advisory(["<0.0.1"])]})
    setup.wheel.write_bytes(setup.wheel.read_bytes() + b"\0")
    assert setup.run() == 2
    assert "sha256" in capsys.readouterr().err


def test_a_missing_wheel_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    setup = Setup(tmp_path, {})
    setup.wheel.unlink()
    assert setup.run() == 2
    assert "make audit-offline" in capsys.readouterr().err


def test_a_package_that_is_not_installed_exits_2(tmp_path: Path) -> None:
    setup = Setup(tmp_path, {})
    setup.requirements.write_text("no-such-package-installed==1.0\n")
    assert setup.run() == 2


def test_the_project_pins_one_database_by_hash_and_its_ignore_file_is_well_formed() -> None:
    pin = offline.read_pin(ROOT / "requirements" / "advisories.txt")
    assert (pin.name, pin.version) == ("safety-db", "2021.7.17")
    assert pin.coverage() == COVERAGE
    offline.read_ignores(ROOT / "requirements" / "audit-ignore.txt")


def test_an_unhashed_pin_is_refused(tmp_path: Path) -> None:
    pin = tmp_path / "advisories.txt"
    pin.write_text("safety-db==2021.7.17\n")
    with pytest.raises(AuditError):
        offline.read_pin(pin)
