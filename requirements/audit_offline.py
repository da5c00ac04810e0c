"""`make audit-offline` (a step of `make test`): the runtime dependencies against a pinned, old, offline advisory database.

Run from the project root with the project's venv Python (it reads what is installed there):

    .venv/bin/python -m requirements.audit_offline --wheel var/cache/safety_db-2021.7.17-py2.py3-none-any.whl

1. The database is PyUp's safety-db, the one advisory database the package registry offers,
   pinned by hash in requirements/advisories.txt and fetched by `make` with
   ``pip download --require-hashes`` into var/cache. Its ``safety_db/insecure_full.json`` is
   read from the wheel as data, after the wheel's sha256 is checked against the pin again;
   nothing from it is installed or imported.
2. The runtime set is the one `make audit` checks (:func:`requirements.audit.runtime_closure`:
   requirements/base.txt and everything it pulls in, as installed).
3. An advisory matches when the installed version is in any of its ``specs``, each a
   :class:`~packaging.specifiers.SpecifierSet` (pre-releases included). safety-db writes
   ``==2.13,==2.12`` for "either version", so a spec made only of ``==`` clauses is read as
   alternatives rather than as an impossible conjunction.
4. A match fails the check unless requirements/audit-ignore.txt (the file and format of
   `make audit`: ``--ignore-vuln ID  # reason``, a reason required) lists its advisory id or its
   CVE. A listed id that this database knows but that no installed package matches any more is
   stale and fails the check too: remove its line. Ids the database does not know (pip-audit's
   GHSA and PYSEC ids) are left to `make audit`.

safety-db's last release is 2021.7.17 (its data is dated 2021-07-01): advisories published after
it are not covered, and the first line of the output says so. This is not a current audit.

Exit codes: 0 clean, 1 advisories matched or stale ignore lines, 2 the check could not run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Mapping, Sequence, Set, Tuple

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from requirements.audit import HERE, ROOT, AuditError, read_ignores, requirement_lines, runtime_closure

# The database's JSON inside the wheel: package -> [{id, cve, specs, advisory, v}], plus "$meta".
DATABASE_MEMBER = "safety_db/insecure_full.json"
META_KEY = "$meta"
PIN_LINE = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)\s+--hash=sha256:(?P<sha256>[0-9a-f]{64})\s*$"
)
CLEAN, VULNERABLE, NOT_RUN = 0, 1, 2
PREFIX = "audit-offline:"


@dataclass(frozen=True)
class DatabasePin:
    """The advisory database's release, as pinned in requirements/advisories.txt."""

    name: str
    version: str
    sha256: str

    def coverage(self) -> str:
        """The line that says how old the data is, printed first on every run."""
        return (
            f"advisory data: {self.name} {self.version}; advisories published after it are not "
            "covered; `make audit` checks PyPI's live data where reachable"
        )


@dataclass(frozen=True)
class Advisory:
    """One advisory: the versions of one package it affects."""

    id: str
    package: str
    specs: Tuple[str, ...]
    cves: Tuple[str, ...] = ()
    text: str = ""

    @property
    def aliases(self) -> FrozenSet[str]:
        """Every id an ignore line may name it by (its own id and its CVEs), case-folded."""
        return frozenset(alias.casefold() for alias in (self.id, *self.cves))

    def affects(self, version: str) -> bool:
        """Whether ``version`` is in any of the advisory's version ranges."""
        return any(
            ranges.contains(version, prereleases=True) for spec in self.specs for ranges in spec_sets(spec)
        )


@dataclass(frozen=True)
class Finding:
    """An installed package an advisory affects."""

    name: str
    version: str
    advisory: Advisory

    def describe(self) -> str:
        """One line: package, version, advisory id, CVEs and the affected ranges."""
        cves = f" ({', '.join(self.advisory.cves)})" if self.advisory.cves else ""
        return f"{self.name} {self.version}: {self.advisory.id}{cves}, affects {' or '.join(self.advisory.specs)}"


@dataclass
class Outcome:
    """The findings sorted against the ignore file."""

    failures: List[Finding] = field(default_factory=list)
    ignored: List[Tuple[Finding, str]] = field(default_factory=list)
    stale: List[Tuple[str, str]] = field(default_factory=list)
    elsewhere: List[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when nothing fails, 1 for an unlisted advisory or a stale ignore line."""
        return VULNERABLE if self.failures or self.stale else CLEAN


def spec_sets(spec: str) -> List[SpecifierSet]:
    """The alternatives one safety-db spec stands for (``==a,==b`` is either version)."""
    clauses = [clause.strip() for clause in spec.split(",") if clause.strip()]
    if len(clauses) > 1 and all(clause.startswith("==") for clause in clauses):
        return [SpecifierSet(clause, prereleases=True) for clause in clauses]
    return [SpecifierSet(spec, prereleases=True)]


def read_pin(path: Path) -> DatabasePin:
    """The one ``name==version --hash=sha256:...`` line of requirements/advisories.txt."""
    pins = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = PIN_LINE.match(line)
        if match is None:
            raise AuditError(f"{path.name}: expected `name==version --hash=sha256:<64 hex>`, got {line!r}")
        pins.append(DatabasePin(match["name"], match["version"], match["sha256"]))
    if len(pins) != 1:
        raise AuditError(f"{path.name}: expected exactly one pinned database, found {len(pins)}")
    return pins[0]


def default_wheel(pin: DatabasePin, cache: Path) -> Path:
    """Where `make` downloads the pinned wheel (var/cache/<name>-<version>-<tags>.whl)."""
    stem = f"{canonicalize_name(pin.name).replace('-', '_')}-{pin.version}-"
    found = sorted(cache.glob(f"{stem}*.whl"))
    return found[0] if found else cache / f"{stem}py2.py3-none-any.whl"


def parse_database(data: Mapping[str, Any]) -> Dict[str, List[Advisory]]:
    """Advisories by canonical package name; :class:`AuditError` on anything malformed (never skipped)."""
    database: Dict[str, List[Advisory]] = {}
    for package, entries in data.items():
        if package == META_KEY:
            continue
        if not isinstance(entries, list):
            raise AuditError(f"advisory database: {package!r} is not a list of advisories")
        key = canonicalize_name(package)
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                raise AuditError(f"advisory database: an advisory of {package!r} has no id")
            specs = entry.get("specs")
            if (
                not isinstance(specs, list)
                or not specs
                or not all(isinstance(s, str) and s.strip() for s in specs)
            ):
                raise AuditError(f"advisory database: {entry['id']} ({package}) has no version specifiers")
            try:
                for spec in specs:
                    spec_sets(spec)
            except InvalidSpecifier as exc:
                raise AuditError(f"advisory database: {entry['id']} ({package}): {exc}") from None
            cve = entry.get("cve")
            cves = (
                tuple(part.strip() for part in cve.split(",") if part.strip()) if isinstance(cve, str) else ()
            )
            advisory = Advisory(entry["id"], key, tuple(specs), cves, str(entry.get("advisory") or ""))
            database.setdefault(key, []).append(advisory)
    return database


def data_date(data: Mapping[str, Any]) -> str | None:
    """The database's own timestamp (``$meta.timestamp``) as a UTC date, if it has one."""
    meta = data.get(META_KEY)
    stamp = meta.get("timestamp") if isinstance(meta, dict) else None
    if not isinstance(stamp, (int, float)):
        return None
    return datetime.fromtimestamp(stamp, tz=timezone.utc).date().isoformat()


def load_wheel(wheel: Path, pin: DatabasePin) -> Tuple[Dict[str, List[Advisory]], str | None]:
    """The database and its date from the pinned wheel, after checking the wheel's sha256."""
    if not wheel.is_file():
        raise AuditError(
            f"{wheel} is missing: `make audit-offline` downloads it (requirements/advisories.txt)"
        )
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != pin.sha256:
        raise AuditError(f"{wheel} has sha256 {digest}, requirements/advisories.txt pins {pin.sha256}")
    try:
        with zipfile.ZipFile(wheel) as archive:
            data = json.loads(archive.read(DATABASE_MEMBER))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise AuditError(f"{wheel}: no readable {DATABASE_MEMBER} ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise AuditError(f"{wheel}: {DATABASE_MEMBER} is not a JSON object")
    return parse_database(data), data_date(data)


def match(
    installed: Mapping[str, Tuple[str, str]], database: Mapping[str, Sequence[Advisory]]
) -> List[Finding]:
    """Every advisory that affects an installed version (``installed``: canonical name -> (name, version))."""
    findings = []
    for key, (name, version) in sorted(installed.items()):
        for advisory in database.get(key, ()):
            if advisory.affects(version):
                findings.append(Finding(name, version, advisory))
    return findings


def reconcile(
    findings: Sequence[Finding],
    ignores: Sequence[Tuple[str, str]],
    database: Mapping[str, Sequence[Advisory]],
) -> Outcome:
    """Findings split into failures and justified ones; ignore lines this database shows are stale."""
    known: Set[str] = {alias for advisories in database.values() for a in advisories for alias in a.aliases}
    outcome = Outcome()
    used: Set[str] = set()
    for finding in findings:
        reason = next(
            (why for advisory, why in ignores if advisory.casefold() in finding.advisory.aliases), None
        )
        if reason is None:
            outcome.failures.append(finding)
        else:
            outcome.ignored.append((finding, reason))
            used |= finding.advisory.aliases
    for advisory, why in ignores:
        folded = advisory.casefold()
        if folded not in known:
            outcome.elsewhere.append(advisory)
        elif folded not in used:
            outcome.stale.append((advisory, why))
    return outcome


def report(outcome: Outcome, checked: int, named: int, database_size: int, dated: str | None) -> None:
    """Print what was checked, what is ignored and why, and what fails."""
    date = f", data dated {dated}" if dated else ""
    print(
        f"{PREFIX} {checked} runtime packages (requirements/base.txt as installed) checked against "
        f"{database_size} advisories{date}; {named} of these packages have advisories in it"
    )
    for finding, why in outcome.ignored:
        print(f"  ignored {finding.describe()}: {why}")
    if outcome.elsewhere:
        print(f"  not in this database, left to `make audit`: {', '.join(outcome.elsewhere)}")
    if outcome.failures:
        print(
            f"{PREFIX} FAILED: known vulnerabilities (upgrade, or if Rasa 3.6's pins allow no fix, add "
            "`--ignore-vuln ID  # why` to requirements/audit-ignore.txt):",
            file=sys.stderr,
        )
        for finding in outcome.failures:
            print(f"  {finding.describe()}", file=sys.stderr)
    if outcome.stale:
        print(
            f"{PREFIX} FAILED: stale lines in requirements/audit-ignore.txt (no installed package is "
            "affected any more; remove them):",
            file=sys.stderr,
        )
        for advisory, why in outcome.stale:
            print(f"  {advisory}  # {why}", file=sys.stderr)
    if outcome.exit_code == CLEAN:
        print(f"{PREFIX} no advisory of this database affects the installed versions beyond the ignored ones")


def main(argv: List[str] | None = None) -> int:
    """Run the check; the exit code is the result (see the module docstring)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="the pinned database wheel (default: found in var/cache)")
    parser.add_argument("--pin", type=Path, default=HERE / "advisories.txt")
    parser.add_argument("--requirements", type=Path, default=HERE / "base.txt")
    parser.add_argument("--ignore-file", type=Path, default=HERE / "audit-ignore.txt")
    args = parser.parse_args(argv)
    try:
        pin = read_pin(args.pin)
    except (AuditError, OSError) as error:
        print(f"{PREFIX} FAILED TO RUN: {error}", file=sys.stderr)
        return NOT_RUN
    print(f"{PREFIX} {pin.coverage()}")
    try:
        ignores = read_ignores(args.ignore_file)
        database, dated = load_wheel(args.wheel or default_wheel(pin, ROOT / "var" / "cache"), pin)
        installed = runtime_closure(requirement_lines(args.requirements))
    except (AuditError, OSError) as error:
        print(f"{PREFIX} FAILED TO RUN: {error}", file=sys.stderr)
        return NOT_RUN
    outcome = reconcile(match(installed, database), ignores, database)
    named = len(set(installed) & set(database))
    report(outcome, len(installed), named, sum(len(a) for a in database.values()), dated)
    return outcome.exit_code


if __name__ == "__main__":
    sys.exit(main())
