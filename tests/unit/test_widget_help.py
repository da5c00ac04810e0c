"""The widget's offline helplines (web/widget/help.json) match settings/resources.yml."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

from assistant import widget_help

ROOT = Path(__file__).resolve().parents[2]


def test_help_json_is_in_sync_with_resources() -> None:
    checked_in = (ROOT / "web" / "widget" / "help.json").read_text(encoding="utf-8")
    assert checked_in == widget_help.render(), "run: python scripts/build_widget_help.py"


def test_check_mode_reports_in_sync() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/build_widget_help.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_every_region_and_helpline_is_in_the_widget_copy() -> None:
    resources = yaml.safe_load((ROOT / "settings" / "resources.yml").read_text(encoding="utf-8"))
    help_json = json.loads((ROOT / "web" / "widget" / "help.json").read_text(encoding="utf-8"))
    regions = resources["help"]["regions"]
    assert set(help_json["regions"]) == set(regions)
    assert help_json["default_region"] == resources["help"]["default_region"]
    for name, values in regions.items():
        panel = help_json["regions"][name]
        shown = panel["intro"] + " ".join(s["text"] for s in panel["sections"])
        for key, value in values.items():
            assert str(value).lower() in shown.lower(), f"{name}.{key} missing from help.json"
        numbers = re.findall(r"\d[\d -]*\d", values["crisis_line_number"])
        assert any(
            link["href"] == "tel:" + re.sub(r"\D", "", numbers[0])
            for s in panel["sections"]
            for link in s["links"]
        )


def test_links_are_only_tel_and_https() -> None:
    help_json = json.loads((ROOT / "web" / "widget" / "help.json").read_text(encoding="utf-8"))
    for region in help_json["regions"].values():
        for section in region["sections"]:
            for link in section["links"]:
                assert re.match(r"^(tel:\+?\d+|https://[\w.-]+\.[a-z]+(/[\w/-]*)?)$", link["href"], re.I), (
                    link
                )


def test_a_changed_number_changes_the_output(tmp_path: Path) -> None:
    source = (ROOT / "settings" / "resources.yml").read_text(encoding="utf-8")
    changed = tmp_path / "resources.yml"
    changed.write_text(source.replace('"116 123"', '"116 999"'), encoding="utf-8")
    assert "116 999" in widget_help.render(changed)
    assert widget_help.render(changed) != widget_help.render()
