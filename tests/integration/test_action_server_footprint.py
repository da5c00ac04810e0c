"""The action server's imports leave TensorFlow out (spaCy's thinc would import it, about 370 MB),
and its spaCy work (themes, page search) still works. The served action server's memory map is
checked in tests/e2e/test_footprint_http.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys, importlib, pkgutil
from assistant.action_server import keep_tensorflow_out
keep_tensorflow_out()
import actions
for module in pkgutil.iter_modules(actions.__path__):
    importlib.import_module("actions." + module.name)
from assistant.reflection.finder import find_themes
from assistant.page_search import best_section
themes = sorted(find_themes("I end up on the apps late at night when I feel lonely"))
section = best_section("is it an addiction or just a habit?")
status = open("/proc/self/status").read()
rss = int([l for l in status.splitlines() if l.startswith("VmRSS")][0].split()[1]) // 1024
import thinc.compat
print(json.dumps({
    "tensorflow": sys.modules.get("tensorflow") is not None,
    "thinc_has_tensorflow": thinc.compat.has_tensorflow,
    "rasa": "rasa.core" in sys.modules,
    "themes": themes,
    "section": section[0] if section else None,
    "rss_mb": rss,
}))
"""


def test_the_actions_import_spacy_but_leave_tensorflow_out() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    assert probe["tensorflow"] is False
    assert probe["thinc_has_tensorflow"] is False  # thinc tried, and carried on without it
    assert probe["rasa"] is False
    assert probe["themes"], probe
    assert probe["section"], probe
    assert probe["rss_mb"] < 450, probe
