"""Generate web/widget/help.json, the widget's offline copy of the helplines
(``assistant/widget_help.py``), from ``settings/resources.yml``.

    python scripts/build_widget_help.py           # write web/widget/help.json
    python scripts/build_widget_help.py --check   # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.widget_help import main  # noqa: E402

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if help.json is out of date")
    sys.exit(main(check=parser.parse_args().check))
