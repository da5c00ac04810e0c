"""Reflection theme evaluation on a labelled file: precision, recall, per-theme table, summaries.

The evaluation is ``assistant/evaluation/themes.py`` (its docstring says what is measured).

Usage: python scripts/evaluate_themes.py [tests/reflection/answers.yml]
       [--model var/spacy/en_pipeline] [--min-precision 0.9] [--min-recall 0.9] [--show-errors]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.evaluation.themes import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
