"""`make audit`: known vulnerabilities in the runtime dependencies, as installed.

Run with the project's venv Python (it reads what is installed there):

    .venv/bin/python requirements/audit.py --pip-audit var/audit-venv/bin/pip-audit

1. The runtime set is requirements/base.txt and everything it pulls in, as installed (the
   test tools of requirements/dev.txt are not in it unless a runtime package needs them),
   written pinned to var/audit/runtime.txt.
2. pip-audit (its own venv: it needs packaging>=23, Rasa 3.6 pins packaging<21) checks each
   pin against PyPI's vulnerability data (the default ``pypi`` service, pypi.org only),
   with no resolution of its own (``--no-deps --disable-pip``).
3. Advisories in requirements/audit-ignore.txt (``--ignore-vuln ID  # why``, one a line, a
   reason required) are not counted. Anything else fails the audit. So does a service that
   cannot be reached, or a package that could not be checked: never a silent pass.

Exit codes: 0 clean, 1 vulnerabilities, 2 the audit could not run.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from importlib import metadata
from pathlib import Path
from typing import Dict, Iterable, List, Set, Tuple

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# pip-audit's default ``pypi`` service reads one JSON document per release from here.
PYPI_RELEASE_JSON = "https://pypi.org/pypi/{name}/{version}/json"
IGNORE_LINE = re.compile(r"^--ignore-vuln\s+(?P<id>[A-Za-z0-9][A-Za-z0-9._:-]+)\s+#\s*(?P<why>\S.*)$")
NOT_INSTALLED = 2


class AuditError(Exception):
    """The audit could not run (nothing to do with vulnerabilities found)."""


def requirement_lines(path: Path) -> List[Requirement]:
    """The requirements of a pip requirements file (``-r`` followed, other options skipped)."""
    out: List[Requirement] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("-r ", "--requirement ")):
            out.extend(requirement_lines(path.parent / line.split(None, 1)[1]))
        elif not line.startswith("-"):
            out.append(Requirement(line.split(" --", 1)[0].strip()))
    return out


def runtime_closure(roots: Iterable[Requirement]) -> Dict[str, Tuple[str, str]]:
    """Every installed distribution the roots need (markers and extras applied): name -> (name, version)."""
    pins: Dict[str, Tuple[str, str]] = {}
    seen: Set[Tuple[str, frozenset]] = set()
    pending = [(req, "") for req in roots]
    while pending:
        req, parent = pending.pop()
        key = (canonicalize_name(req.name), frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            needed_by = f" (needed by {parent})" if parent else ""
            raise AuditError(f"{req.name}{needed_by} is not installed: run `make install` first") from None
        pins[key[0]] = (dist.metadata["Name"], dist.version)
        for text in dist.requires or []:
            child = Requirement(text)
            extras = req.extras or {""}
            if child.marker is None or any(child.marker.evaluate({"extra": extra}) for extra in extras):
                pending.append((child, dist.metadata["Name"]))
    return pins


def read_ignores(path: Path) -> List[Tuple[str, str]]:
    """(advisory id, reason) for each line of audit-ignore.txt; a line without a reason is an error."""
    ignores = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = IGNORE_LINE.match(line)
        if match is None:
            raise AuditError(f"{path.name}:{number}: expected `--ignore-vuln ID  # reason`, got {line!r}")
        ignores.append((match["id"], match["why"].strip()))
    return ignores


def check_service(name: str, version: str, timeout: float) -> None:
    """Fail clearly, before auditing, if PyPI's per-release JSON (pip-audit's data) can't be read."""
    url = PYPI_RELEASE_JSON.format(name=name, version=version)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            if "vulnerabilities" in json.loads(response.read()):
                return
            problem = "answered without vulnerability data"
    except urllib.error.HTTPError as exc:
        problem = f"answered HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        problem = f"could not be read ({type(exc).__name__}: {getattr(exc, 'reason', exc)})"
    raise AuditError(
        f"PyPI's vulnerability data cannot be reached from here: pip-audit's pypi service reads "
        f"{PYPI_RELEASE_JSON}, and {url} {problem} although {name} {version} is a published "
        "release. Nothing was audited."
    )


def run_pip_audit(pip_audit: str, pins_file: Path, ignores: List[Tuple[str, str]], timeout: int) -> dict:
    """pip-audit's JSON report; :class:`AuditError` when it did not produce one."""
    command = [
        pip_audit,
        "--requirement",
        str(pins_file),
        "--no-deps",
        "--disable-pip",
        "--vulnerability-service",
        "pypi",
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--timeout",
        str(timeout),
    ]
    for advisory, _ in ignores:
        command += ["--ignore-vuln", advisory]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30 * 60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AuditError(f"pip-audit did not run: {type(exc).__name__}: {exc}") from None
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        detail = (done.stderr or done.stdout).strip().splitlines()[-8:]
        raise AuditError(
            "pip-audit produced no report: PyPI's vulnerability service (pypi.org) could not be "
            "reached or refused the request, so nothing was audited.\n  " + "\n  ".join(detail)
        ) from None


def summarise(report: dict, ignored: Iterable[str]) -> Tuple[List[str], List[str]]:
    """(findings, packages not checked) from pip-audit's JSON report."""
    ignored = set(ignored)
    findings, unchecked = [], []
    for dependency in report.get("dependencies", []):
        name, version = dependency.get("name"), dependency.get("version")
        if dependency.get("skip_reason"):
            unchecked.append(f"{name}: {dependency['skip_reason']}")
            continue
        for vuln in dependency.get("vulns", []):
            ids = {vuln.get("id"), *(vuln.get("aliases") or [])}
            if ids & ignored:
                continue
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version"
            findings.append(f"{name} {version}: {vuln.get('id')} (fixed in: {fixed})")
    return findings, unchecked


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pip-audit", required=True, help="pip-audit executable (its own venv)")
    parser.add_argument("--requirements", type=Path, default=HERE / "base.txt")
    parser.add_argument("--ignore-file", type=Path, default=HERE / "audit-ignore.txt")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "audit" / "runtime.txt")
    parser.add_argument("--timeout", type=int, default=30, help="seconds per request to PyPI")
    args = parser.parse_args(argv)
    try:
        ignores = read_ignores(args.ignore_file)
        pins = runtime_closure(requirement_lines(args.requirements))
        args.out.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"{name}=={version}" for name, version in sorted(pins.values(), key=lambda p: p[0].lower())]
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
        root = canonicalize_name(requirement_lines(args.requirements)[0].name)
        check_service(*pins[root], timeout=args.timeout)
        report = run_pip_audit(args.pip_audit, args.out, ignores, args.timeout)
    except AuditError as error:
        print(f"audit: FAILED TO RUN: {error}", file=sys.stderr)
        return NOT_INSTALLED
    findings, unchecked = summarise(report, (advisory for advisory, _ in ignores))
    print(f"audit: {len(pins)} runtime packages checked against PyPI's vulnerability data ({args.out})")
    for advisory, why in ignores:
        print(f"  ignored {advisory}: {why}")
    if unchecked:
        print("audit: FAILED: packages that could not be checked:", file=sys.stderr)
        for line in unchecked:
            print(f"  {line}", file=sys.stderr)
        return NOT_INSTALLED
    if findings:
        print(
            "audit: FAILED: known vulnerabilities (upgrade, or if no fix is possible with Rasa 3.6's "
            "pins, add `--ignore-vuln ID  # why` to requirements/audit-ignore.txt):",
            file=sys.stderr,
        )
        for line in findings:
            print(f"  {line}", file=sys.stderr)
        return 1
    print("audit: no known vulnerabilities beyond the ignored ones")
    return 0


if __name__ == "__main__":
    sys.exit(main())
