"""Reflection theme evaluation (``scripts/evaluate_themes.py``): micro precision and recall of the ThemeFinder on a labelled file.

Reads a YAML file of answers with expected theme ids (tests/reflection/answers.yml, the
tuning set, or tests/reflection/heldout.yml, never tuned on), runs every answer through
``assistant.reflection.ThemeFinder`` with the offline spaCy pipeline, and prints micro
precision/recall/F1, a per-theme table (worst first) and the exact-match rate. Then it
checks the summaries: the answers are grouped into reflections (the n-th answer to each
prompt), each reflection is summarised as the assistant would (``assistant.reflection.compose``)
and every theme the summary names must be labelled on one of that reflection's answers.
Exits 1 when micro precision or recall is below the given minimum, or when a summary
names a theme that is not in its answers.

--show-errors prints the answers whose themes differ; those are test-set texts, never
visitor text. Do not use it on the held-out file to change patterns.

Usage: python scripts/evaluate_themes.py [tests/reflection/answers.yml]
       [--model var/spacy/en_pipeline] [--min-precision 0.9] [--min-recall 0.9] [--show-errors]
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, List, Sequence, Set, Tuple

import yaml

from assistant.reflection import THEMES, ThemeFinder, get_finder
from assistant.reflection.compose import entries, named_themes
from assistant.reflection.finder import WISHING_PROMPT
from assistant.settings import DEFAULT_SPACY_MODEL, PROJECT_ROOT


@dataclass(frozen=True)
class Answer:
    """One labelled answer of a reflection test file."""

    text: str
    themes: Tuple[str, ...]
    prompt: str = ""


@dataclass
class Scores:
    """Counts of true positives, false positives and false negatives, overall and per theme."""

    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    exact: int = 0
    total: int = 0

    def precision(self, theme: str | None = None) -> float:
        tp, fp = _pick(self.tp, theme), _pick(self.fp, theme)
        return tp / (tp + fp) if tp + fp else 1.0

    def recall(self, theme: str | None = None) -> float:
        tp, fn = _pick(self.tp, theme), _pick(self.fn, theme)
        return tp / (tp + fn) if tp + fn else 1.0

    def f1(self, theme: str | None = None) -> float:
        p, r = self.precision(theme), self.recall(theme)
        return 2 * p * r / (p + r) if p + r else 0.0


def _pick(counter: Counter, theme: str | None) -> int:
    return sum(counter.values()) if theme is None else counter[theme]


def load_answers(path: Path) -> List[Answer]:
    """The answers of a reflection test file; raises ``ValueError`` on an unknown theme id."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    answers = [
        Answer(str(item["text"]), tuple(item.get("themes") or ()), str(item.get("prompt", "")))
        for item in data.get("answers") or []
    ]
    unknown = {theme for answer in answers for theme in answer.themes} - set(THEMES)
    if unknown:
        raise ValueError(f"{path}: unknown theme ids {sorted(unknown)}")
    return answers


def score(pairs: Iterable[Tuple[Sequence[str], Sequence[str]]]) -> Scores:
    """Micro scores over (expected, found) theme-id pairs."""
    scores = Scores()
    for expected, found in pairs:
        gold: Set[str] = set(expected)
        got: Set[str] = set(found)
        scores.tp.update(gold & got)
        scores.fp.update(got - gold)
        scores.fn.update(gold - got)
        scores.exact += int(gold == got)
        scores.total += 1
    return scores


def evaluate(finder: ThemeFinder, answers: Sequence[Answer]) -> Tuple[Scores, List[Tuple[Answer, List[str]]]]:
    """Scores of ``finder`` on ``answers``, and what it found for each answer."""
    found = [(answer, finder.find(answer.text, answer.prompt == WISHING_PROMPT)) for answer in answers]
    return score((answer.themes, themes) for answer, themes in found), found


def reflections(answers: Sequence[Answer]) -> List[List[Answer]]:
    """The answers grouped as reflections: the n-th answer to each prompt together."""
    by_prompt: dict[str, List[Answer]] = {}
    for answer in answers:
        by_prompt.setdefault(answer.prompt, []).append(answer)
    size = max((len(group) for group in by_prompt.values()), default=0)
    return [[group[n] for group in by_prompt.values() if n < len(group)] for n in range(size)]


def summary_check(finder: ThemeFinder, answers: Sequence[Answer]) -> Tuple[int, List[Tuple[int, str]]]:
    """How many themes the summaries name, and (reflection number, theme) for each not in its answers."""
    named = 0
    absent: List[Tuple[int, str]] = []
    for n, group in enumerate(reflections(answers)):
        carried: List[str] = []
        for answer in group:
            carried += entries(finder.find_hits(answer.text, answer.prompt == WISHING_PROMPT))
        present = {theme for answer in group for theme in answer.themes}
        for theme in named_themes(carried):
            named += 1
            if theme not in present:
                absent.append((n, theme))
    return named, absent


def _table(scores: Scores) -> List[str]:
    rows = []
    themes = [t for t in THEMES if scores.tp[t] + scores.fp[t] + scores.fn[t]]
    for theme in sorted(themes, key=lambda t: (scores.f1(t), t)):
        support = scores.tp[theme] + scores.fn[theme]
        rows.append(
            f"  {theme:<16} P {scores.precision(theme):6.1%}  R {scores.recall(theme):6.1%}  "
            f"F1 {scores.f1(theme):6.1%}  support {support:3d}  fp {scores.fp[theme]:2d}  fn {scores.fn[theme]:2d}"
        )
    return rows


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data", nargs="?", default="tests/reflection/answers.yml")
    parser.add_argument("--model", default=str(DEFAULT_SPACY_MODEL))
    parser.add_argument("--min-precision", type=float, default=0.9)
    parser.add_argument("--min-recall", type=float, default=0.9)
    parser.add_argument("--show-errors", action="store_true", help="print answers whose themes differ")
    args = parser.parse_args(argv)

    path = Path(args.data)
    path = path if path.is_absolute() else PROJECT_ROOT / path
    answers = load_answers(path)
    scores, found = evaluate(get_finder(args.model), answers)

    if args.show_errors:
        for answer, themes in found:  # test-set text only, never visitor text
            if set(themes) != set(answer.themes):
                missing = sorted(set(answer.themes) - set(themes))
                extra = sorted(set(themes) - set(answer.themes))
                print(f"  miss {missing} extra {extra} | {answer.text[:100]}")
    print(
        f"themes on {path.name}: {scores.total} answers, exact match {scores.exact / max(scores.total, 1):.1%}"
    )
    print(
        f"micro precision {scores.precision():.1%}  recall {scores.recall():.1%}  F1 {scores.f1():.1%}  "
        f"(tp {sum(scores.tp.values())}, fp {sum(scores.fp.values())}, fn {sum(scores.fn.values())})"
    )
    print("per theme, worst first:")
    print("\n".join(_table(scores)))

    named, absent = summary_check(get_finder(args.model), answers)
    groups = len(reflections(answers))
    print(
        f"summaries of {groups} reflections name {named} themes; "
        f"{named - len(absent)} of them are in the answers ({len(absent)} not)"
    )
    for n, theme in absent:
        print(f"  reflection {n + 1}: summary names {theme}, which none of its answers contains")

    failed = 0
    if scores.precision() < args.min_precision or scores.recall() < args.min_recall:
        print(f"FAILED: precision/recall below {args.min_precision:.0%}/{args.min_recall:.0%}")
        failed = 1
    if absent:
        print("FAILED: a summary names a theme that is not in its answers")
        failed = 1
    return failed
