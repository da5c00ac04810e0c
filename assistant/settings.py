"""Settings: one place that reads the environment and ``settings/resources.yml``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Mapping

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RESOURCES = PROJECT_ROOT / "settings" / "resources.yml"
DEFAULT_KNOWLEDGE = PROJECT_ROOT / "data" / "knowledge" / "page.yml"
DEFAULT_SPACY_MODEL = PROJECT_ROOT / "var" / "spacy" / "en_pipeline"


class SettingsError(ValueError):
    """The configuration is unusable (unknown region, missing file)."""


@dataclass(frozen=True)
class Settings:
    """What the assistant needs to know about where it runs."""

    therapist: str
    page_url: str
    contact_url: str
    region: str
    help: Mapping[str, str]
    knowledge_file: Path = DEFAULT_KNOWLEDGE
    spacy_model: Path = DEFAULT_SPACY_MODEL
    retrieval_threshold: float | None = None
    # Online booking page (Calendly/Cal.com style); the option is hidden when empty.
    booking_url: str = ""
    reply_time: str = "within two working days"
    retention_months: int = 12

    def template_vars(self) -> Dict[str, str]:
        """Values that responses may use as ``{placeholders}``."""
        if self.contact_url:
            contact_link = f"[the contact page]({self.contact_url})"
        else:
            contact_link = "the contact details on this website"
        values = {
            "therapist": self.therapist,
            "page_url": self.page_url,
            "contact_link": contact_link,
            "booking_url": self.booking_url,
            "reply_time": self.reply_time,
            "retention_months": str(self.retention_months),
        }
        values.update({f"help_{key}": value for key, value in self.help.items()})
        return values


def _read_yaml(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle) or {}
    except OSError as exc:
        raise SettingsError(f"cannot read {path}: {exc.strerror}") from exc


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build settings from the environment (``env`` for tests) and the resources file."""
    env = os.environ if env is None else env
    resources_file = Path(env.get("RESOURCES_FILE") or DEFAULT_RESOURCES)
    data = _read_yaml(resources_file)
    site = data.get("site") or {}
    help_cfg = data.get("help") or {}
    regions = help_cfg.get("regions") or {}
    region = (env.get("HELP_REGION") or help_cfg.get("default_region") or "uk").lower()
    if region not in regions:
        raise SettingsError(f"HELP_REGION={region!r} is not one of {sorted(regions)} in {resources_file}")
    booking_url = (env.get("BOOKING_URL") or site.get("booking_url") or "").strip()
    if booking_url and not booking_url.startswith("https://"):
        raise SettingsError("BOOKING_URL must be an https:// address")
    from assistant.enquiries.config import load_config  # one reader of the enquiry settings

    enquiry = load_config(env)
    return Settings(
        therapist=str(site.get("therapist", "")),
        page_url=(env.get("PAGE_URL") or site.get("page_url") or "").rstrip("/"),
        contact_url=env.get("CONTACT_URL") or site.get("contact_url") or "",
        region=region,
        help={k: str(v) for k, v in regions[region].items()},
        knowledge_file=Path(env.get("KNOWLEDGE_FILE") or DEFAULT_KNOWLEDGE),
        spacy_model=Path(env.get("SPACY_MODEL") or DEFAULT_SPACY_MODEL),
        retrieval_threshold=(float(env["RETRIEVAL_THRESHOLD"]) if env.get("RETRIEVAL_THRESHOLD") else None),
        booking_url=booking_url,
        reply_time=enquiry.reply_time,
        retention_months=enquiry.retention_months,
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once on first use."""
    return load_settings()
