"""The widget's offline copy of the helplines (web/widget/help.json), built from the settings.

The chat widget's "Get help now" panel must work when the chat server cannot be
reached, so it reads the helplines from a static file served next to the widget,
not from Rasa. :func:`render` builds that file from ``settings/resources.yml`` (the
single source of every helpline), for every region, with call links for the
phone numbers and https links for the websites. The file is checked in and written by
``scripts/build_widget_help.py``; ``tests/unit/test_widget_help.py`` fails when it is out of date.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Mapping

import yaml

from assistant.settings import DEFAULT_RESOURCES, PROJECT_ROOT

RESOURCES = DEFAULT_RESOURCES
OUTPUT = PROJECT_ROOT / "web" / "widget" / "help.json"

# A phone number after "on" or "call" ("Childline on 0800 1111"), or a value that is only a number.
_NUMBER_AFTER_WORD = re.compile(r"\b(?:on|call)\s+(\+?\d[\d -]*\d)\b")
_ONLY_NUMBER = re.compile(r"^\+?\d[\d -]*\d$")
_NUMBER_AT_END = re.compile(r"\b(\d{3})$")  # "NHS 111"
_WEBSITE = re.compile(r"\b((?:[a-z0-9-]+\.)+(?:org|com|gov|uk)(?:/[a-z0-9_/-]*[a-z0-9_])?)\b", re.IGNORECASE)

# The panel's sections, most urgent first: a heading, a sentence made from the
# region's values, and the keys whose phone numbers become call links.
SECTIONS: List[Dict[str, Any]] = [
    {
        "heading": "In danger right now",
        "text": "Call {emergency} or go to {emergency_place}. {silent_call_sentence}.",
        "call": ["emergency"],
    },
    {
        "heading": "Talk to someone now",
        "text": "{crisis_line_name_sentence} on {crisis_line_number} ({crisis_line_note}), or {crisis_text}.",
        "call": ["crisis_line_number"],
    },
    {
        "heading": "Urgent health advice",
        "text": "{urgent_health_sentence}.",
        "call": ["urgent_health"],
    },
    {
        "heading": "If you are under 18",
        "text": "{child_line_sentence}. To get a nude image of you taken down: {image_removal_minor}. "
        "To report someone who is pressuring you: {child_report}.",
        "call": ["child_line"],
    },
    {
        "heading": "Someone shared, or threatens to share, intimate images of you",
        "text": "{image_abuse_line_sentence}. {image_abuse_tool} can help stop images being posted. "
        "Don't pay, and keep the messages as evidence.",
        "call": ["image_abuse_line"],
    },
    {
        "heading": "Abuse or control in a relationship",
        "text": "{abuse_line_sentence}. For men: {abuse_line_men}. Police non-emergency: {police_non_emergency}.",
        "call": ["abuse_line", "abuse_line_men", "police_non_emergency"],
    },
    {
        "heading": "Abused as a child",
        "text": "{childhood_abuse_line_sentence}.",
        "call": ["childhood_abuse_line"],
    },
    {
        "heading": "Worried about sexual thoughts involving children",
        "text": "{csa_prevention_sentence}. To report sexual images of a child: {csa_report}. "
        "Worried about a child: {child_worry_line}.",
        "call": ["csa_prevention", "child_worry_line"],
    },
    {
        "heading": "If you'd rather not phone",
        "text": "For you: {crisis_no_call_sentence}. Under 18: {child_line_chat}. Abuse: {abuse_no_call}. "
        "Images: {image_abuse_no_call}. Worried about your own thoughts: {csa_prevention_no_call}.",
        "call": [],
    },
]


def _sentence(value: str) -> str:
    """A value at the start of a sentence: first letter upper case."""
    return value[:1].upper() + value[1:] if value else value


def _phone_numbers(value: str) -> List[str]:
    if _ONLY_NUMBER.match(value):
        return [value]
    found = _NUMBER_AFTER_WORD.findall(value)
    if not found:
        end = _NUMBER_AT_END.search(value)
        found = [end.group(1)] if end else []
    return found


def _links(region: Mapping[str, str], section: Mapping[str, Any], text: str) -> List[Dict[str, str]]:
    links: List[Dict[str, str]] = []
    for key in section["call"]:
        for number in _phone_numbers(region.get(key, "")):
            href = "tel:" + re.sub(r"[^\d+]", "", number)
            if all(link["href"] != href for link in links):
                links.append({"label": f"Call {number}", "href": href})
    for site in _WEBSITE.findall(text):
        href = "https://" + site
        if all(link["href"] != href for link in links):
            links.append({"label": site, "href": href})
    return links


def region_help(region: Mapping[str, str]) -> Dict[str, Any]:
    """The panel for one region: sections with text and links."""
    values = {key: str(value) for key, value in region.items()}
    for key in list(values):
        values[f"{key}_sentence"] = _sentence(values[key])
    sections = []
    for section in SECTIONS:
        text = section["text"].format(**values).strip()
        sections.append({"heading": section["heading"], "text": text, "links": _links(values, section, text)})
    return {
        "emergency": values["emergency"],
        "intro": (
            f"If you might act on thoughts of hurting yourself, or someone is in danger, "
            f"call {values['emergency']} now. For other support, these services can help:"
        ),
        "sections": sections,
    }


def build(resources: Path = RESOURCES) -> Dict[str, Any]:
    """The whole help.json document."""
    data = yaml.safe_load(resources.read_text(encoding="utf-8")) or {}
    site = data.get("site") or {}
    help_cfg = data.get("help") or {}
    regions = help_cfg.get("regions") or {}
    return {
        "generated": "by scripts/build_widget_help.py from settings/resources.yml; do not edit by hand",
        "therapist": str(site.get("therapist", "")),
        "contact_url": str(site.get("contact_url") or ""),
        "default_region": str(help_cfg.get("default_region") or "uk"),
        "regions": {name: region_help(values) for name, values in regions.items()},
    }


def render(resources: Path = RESOURCES) -> str:
    """help.json as text (stable: sorted regions kept in file order, two-space indent)."""
    return json.dumps(build(resources), ensure_ascii=False, indent=2) + "\n"


def main(check: bool = False) -> int:
    """Write help.json, or with ``check`` say whether it is up to date (exit status)."""
    text = render()
    if check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(
                f"{OUTPUT.relative_to(PROJECT_ROOT)} is out of date: run scripts/build_widget_help.py",
                file=sys.stderr,
            )
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(PROJECT_ROOT)}")
    return 0
