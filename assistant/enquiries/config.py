"""Enquiry settings: read from the environment in one place, with safe local defaults.

Nothing here touches the disk or the network; directories are made by the code that uses them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from sqlalchemy.engine import URL, make_url

from assistant.settings import PROJECT_ROOT, SettingsError

VAR_DIR = PROJECT_ROOT / "var"
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'enquiries.db'}"
DEFAULT_TRACKER_DB_URL = f"sqlite:///{VAR_DIR / 'tracker.db'}"
DEFAULT_MAIL_DIR = VAR_DIR / "mail"
# With the default backoff (30 s doubling to an hour) twelve attempts span about five hours:
# long enough to ride out a mail server's outage. Permanent errors fail at the first attempt.
DEFAULT_MAX_ATTEMPTS = 12
# Enquiries with one email address or phone number in 24 hours; 0 turns the limit off.
DEFAULT_MAX_PER_ADDRESS_PER_DAY = 5


@dataclass(frozen=True)
class EnquiryConfig:
    """Where enquiries are kept, how the therapist is told, and for how long data is kept."""

    database_url: str = DEFAULT_DATABASE_URL
    tracker_db_url: str = DEFAULT_TRACKER_DB_URL
    retention_months: int = 12
    reply_time: str = "within two working days"
    # The same promise as a number, for the inbox's "reply overdue" mark (ENQUIRY_REPLY_WORKING_DAYS).
    reply_working_days: int = 2
    # Where the therapist's inbox is published, for the link in the notification (PUBLIC_BASE_URL).
    public_base_url: str = ""
    phone_region: str = "GB"
    therapist_email: str = "therapist@localhost"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    smtp_from: str = "assistant@localhost"
    smtp_timeout: float = 30.0
    mail_dir: Path = DEFAULT_MAIL_DIR
    db_connect_timeout: float = 5.0
    db_statement_timeout: float = 10.0
    save_timeout: float = 10.0
    worker_poll_seconds: float = 5.0
    sending_lease_seconds: float = 300.0
    retry_base_seconds: float = 30.0
    retry_max_seconds: float = 3600.0
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    max_per_address_per_day: int = DEFAULT_MAX_PER_ADDRESS_PER_DAY

    def __repr__(self) -> str:  # never print the SMTP password
        return f"EnquiryConfig(database={safe_url(self.database_url)}, smtp_host={self.smtp_host!r})"


def safe_url(url: str) -> str:
    """A database URL fit to print: the password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL is reported elsewhere
        return "<invalid url>"


def resolve_sqlite_url(url: str) -> str:
    """A SQLite URL with a relative path made absolute against the project root.

    The action server, the worker and the admin tool then agree on one file whatever their
    working directory. Other URLs are returned unchanged.
    """
    parsed: URL = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return url
    database = parsed.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return url
    path = Path(database)
    if not path.is_absolute():
        path = PROJECT_ROOT / path
    return parsed.set(database=str(path)).render_as_string(hide_password=False)


def tracker_db_url(env: Mapping[str, str]) -> str:
    """The tracker store's URL as the assistant resolves it: ``TRACKER_DB_URL``, else ``var/tracker.db``.

    A relative SQLite path is taken from the project root, so the assistant
    (``assistant.tracker_store``) and the admin tool open the same file from any directory.
    """
    return resolve_sqlite_url((env.get("TRACKER_DB_URL") or "").strip() or DEFAULT_TRACKER_DB_URL)


def _number(env: Mapping[str, str], key: str, default: float, minimum: float = 0.0) -> float:
    raw = (env.get(key) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{key} must be a number, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{key} must be at least {minimum}")
    return value


def _count(env: Mapping[str, str], key: str, default: int) -> int:
    raw = (env.get(key) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{key} must be a whole number, got {raw!r}") from None
    if value < 0:
        raise SettingsError(f"{key} must be 0 (no limit) or more")
    return value


def _flag(env: Mapping[str, str], key: str, default: bool) -> bool:
    raw = (env.get(key) or "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{key} must be 0 or 1, got {raw!r}")


def _path(env: Mapping[str, str], key: str, default: Path) -> Path:
    raw = (env.get(key) or "").strip()
    if not raw:
        return default
    path = Path(raw)
    return path if path.is_absolute() else PROJECT_ROOT / path


def _base_url(env: Mapping[str, str], key: str) -> str:
    """An http(s) address with no query or fragment, without its trailing slash (or empty)."""
    raw = (env.get(key) or "").strip().rstrip("/")
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise SettingsError(f"{key} must be an http(s) address such as https://chat.example.org, got {raw!r}")
    if parts.username or parts.password:
        raise SettingsError(f"{key} must not contain a user name or password")
    return raw


def load_config(env: Mapping[str, str] | None = None) -> EnquiryConfig:
    """Build the enquiry settings from the environment (``env`` for tests)."""
    env = os.environ if env is None else env
    starttls = _flag(env, "SMTP_STARTTLS", True)
    timeout = _number(env, "SMTP_TIMEOUT", 30.0, minimum=1.0)
    return EnquiryConfig(
        database_url=resolve_sqlite_url((env.get("DATABASE_URL") or "").strip() or DEFAULT_DATABASE_URL),
        tracker_db_url=tracker_db_url(env),
        retention_months=int(_number(env, "ENQUIRY_RETENTION_MONTHS", 12, minimum=1)),
        reply_time=(env.get("ENQUIRY_REPLY_TIME") or "").strip() or "within two working days",
        reply_working_days=int(_number(env, "ENQUIRY_REPLY_WORKING_DAYS", 2, minimum=0)),
        public_base_url=_base_url(env, "PUBLIC_BASE_URL"),
        phone_region=((env.get("ENQUIRY_PHONE_REGION") or "").strip() or "GB").upper(),
        therapist_email=(env.get("THERAPIST_EMAIL") or "").strip() or "therapist@localhost",
        smtp_host=(env.get("SMTP_HOST") or "").strip(),
        smtp_port=int(_number(env, "SMTP_PORT", 587 if starttls else 25, minimum=1)),
        smtp_user=env.get("SMTP_USER") or "",
        smtp_password=env.get("SMTP_PASSWORD") or "",
        smtp_starttls=starttls,
        smtp_from=(env.get("SMTP_FROM") or "").strip() or "assistant@localhost",
        smtp_timeout=timeout,
        mail_dir=_path(env, "MAIL_DIR", DEFAULT_MAIL_DIR),
        db_connect_timeout=_number(env, "DB_CONNECT_TIMEOUT", 5.0, minimum=1.0),
        db_statement_timeout=_number(env, "DB_STATEMENT_TIMEOUT", 10.0, minimum=1.0),
        save_timeout=_number(env, "ENQUIRY_SAVE_TIMEOUT", 10.0, minimum=1.0),
        worker_poll_seconds=_number(env, "ENQUIRY_WORKER_POLL_SECONDS", 5.0, minimum=0.1),
        # A claimed row is given back to other workers only after the slowest possible send.
        sending_lease_seconds=max(_number(env, "ENQUIRY_SENDING_LEASE_SECONDS", 300.0), 3 * timeout),
        retry_base_seconds=_number(env, "ENQUIRY_RETRY_BASE_SECONDS", 30.0, minimum=1.0),
        retry_max_seconds=_number(env, "ENQUIRY_RETRY_MAX_SECONDS", 3600.0, minimum=1.0),
        max_attempts=int(_number(env, "ENQUIRY_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS, minimum=1)),
        max_per_address_per_day=_count(
            env, "ENQUIRY_MAX_PER_ADDRESS_PER_DAY", DEFAULT_MAX_PER_ADDRESS_PER_DAY
        ),
    )


@lru_cache(maxsize=1)
def get_config() -> EnquiryConfig:
    """The process-wide enquiry settings, read once on first use."""
    return load_config()
