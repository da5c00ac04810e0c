"""No test reads outside the repository: what a test needs is checked in under tests/.

A fresh clone must pass on its own, so no test builds a path above the project root (the page
text the knowledge is checked against is vendored as tests/unit/data/therapist-page.txt).
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path
from typing import Iterator, Tuple

from tests.conftest import ROOT

# ROOT.parent, a third parents[] level from tests/<tier>/, ../shared, or a path into the work tree.
OUTSIDE = re.compile(
    r"\b(PROJECT_)?ROOT\.parent\b|\.parents\[[3-9]\]|\.\./shared\b|/work/|parent\.parent\.parent"
)


def code_lines(text: str) -> Iterator[Tuple[int, str]]:
    """Each line without its comment (a comment may say where a vendored file came from)."""
    lines = text.splitlines()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            row, column = token.start
            lines[row - 1] = lines[row - 1][:column]
    yield from enumerate(lines, 1)


def test_no_test_builds_a_path_outside_the_repository() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if path != Path(__file__).resolve()
        for number, line in code_lines(path.read_text(encoding="utf-8"))
        if OUTSIDE.search(line)
    ]
    assert not found, "vendor what the test needs under tests/ instead:\n" + "\n".join(found)


def test_the_check_finds_the_old_path_but_not_a_comment() -> None:
    old = 'PAGE = ROOT.parent / "shared" / "reference" / "therapist-page.txt"\n'
    assert [n for n, line in code_lines(old) if OUTSIDE.search(line)] == [1]
    assert not [
        n for n, line in code_lines("x = 1  # copied from ../shared/reference/\n") if OUTSIDE.search(line)
    ]
