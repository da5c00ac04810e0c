"""Enquiry settings, read through :mod:`assistant.settings` (where each variable is declared with
its default and meaning).

Nothing here touches the disk or the network; directories are made by the code that uses them.
Importing it imports neither the store nor Alembic nor phonenumbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from sqlalchemy.engine import URL, make_url

from assistant.settings import DEFAULTS, PROJECT_ROOT, Config, read_reply_time, read_retention_months

VAR_DIR = PROJECT_ROOT / "var"
DEFAULT_MAIL_DIR = DEFAULTS.path("MAIL_DIR")


@dataclass(frozen=True)
class EnquiryConfig:
    """Where enquiries are kept, how the therapist is told, and for how long data is kept.

    Built by :func:`load_config`; the defaults are those declared in :mod:`assistant.settings`.
    """

    database_url: str
    tracker_db_url: str
    retention_months: int
    reply_time: str
    # The same promise as a number, for the inbox's "reply overdue" mark (ENQUIRY_REPLY_WORKING_DAYS).
    reply_working_days: int
    # Where the therapist's inbox is published, for the link in the notification (PUBLIC_BASE_URL).
    public_base_url: str
    phone_region: str
    therapist_email: str
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str
    smtp_starttls: bool
    smtp_from: str
    smtp_timeout: float
    mail_dir: Path
    db_connect_timeout: float
    db_statement_timeout: float
    save_timeout: float
    worker_poll_seconds: float
    sending_lease_seconds: float
    # With the default backoff (30 s doubling to an hour) twelve attempts span about five hours:
    # long enough to ride out a mail server's outage. Permanent errors fail at the first attempt.
    retry_base_seconds: float
    retry_max_seconds: float
    max_attempts: int
    # Enquiries with one email address or phone number in 24 hours; 0 turns the limit off.
    max_per_address_per_day: int

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


DEFAULT_DATABASE_URL = resolve_sqlite_url(DEFAULTS.text("DATABASE_URL"))
DEFAULT_TRACKER_DB_URL = resolve_sqlite_url(DEFAULTS.text("TRACKER_DB_URL"))


def tracker_db_url(env: Mapping[str, str] | None = None) -> str:
    """The tracker store's URL as the assistant resolves it: ``TRACKER_DB_URL``, else ``var/tracker.db``.

    A relative SQLite path is taken from the project root, so the assistant
    (``assistant.tracker_store``) and the admin tool open the same file from any directory.
    """
    return resolve_sqlite_url(Config(env).text("TRACKER_DB_URL"))


def load_config(env: Mapping[str, str] | None = None) -> EnquiryConfig:
    """Build the enquiry settings from the environment (``env`` for tests)."""
    config = Config(env)
    starttls = config.flag("SMTP_STARTTLS")
    timeout = config.number("SMTP_TIMEOUT", minimum=1.0)
    return EnquiryConfig(
        database_url=resolve_sqlite_url(config.text("DATABASE_URL")),
        tracker_db_url=tracker_db_url(env),
        retention_months=read_retention_months(config),
        reply_time=read_reply_time(config),
        reply_working_days=config.integer("ENQUIRY_REPLY_WORKING_DAYS", minimum=0),
        public_base_url=config.base_url("PUBLIC_BASE_URL"),
        phone_region=config.text("ENQUIRY_PHONE_REGION").upper(),
        therapist_email=config.text("THERAPIST_EMAIL"),
        smtp_host=config.text("SMTP_HOST"),
        smtp_port=config.integer("SMTP_PORT", default=587 if starttls else 25, minimum=1),
        smtp_user=config.secret("SMTP_USER"),
        smtp_password=config.secret("SMTP_PASSWORD"),
        smtp_starttls=starttls,
        smtp_from=config.text("SMTP_FROM"),
        smtp_timeout=timeout,
        mail_dir=config.path("MAIL_DIR"),
        db_connect_timeout=config.number("DB_CONNECT_TIMEOUT", minimum=1.0),
        db_statement_timeout=config.number("DB_STATEMENT_TIMEOUT", minimum=1.0),
        save_timeout=config.number("ENQUIRY_SAVE_TIMEOUT", minimum=1.0),
        worker_poll_seconds=config.number("ENQUIRY_WORKER_POLL_SECONDS", minimum=0.1),
        # A claimed row is given back to other workers only after the slowest possible send.
        sending_lease_seconds=max(config.number("ENQUIRY_SENDING_LEASE_SECONDS", minimum=0.0), 3 * timeout),
        retry_base_seconds=config.number("ENQUIRY_RETRY_BASE_SECONDS", minimum=1.0),
        retry_max_seconds=config.number("ENQUIRY_RETRY_MAX_SECONDS", minimum=1.0),
        max_attempts=config.integer("ENQUIRY_MAX_ATTEMPTS", minimum=1),
        max_per_address_per_day=config.integer("ENQUIRY_MAX_PER_ADDRESS_PER_DAY", minimum=0),
    )


@lru_cache(maxsize=1)
def get_config() -> EnquiryConfig:
    """The process-wide enquiry settings, read once on first use."""
    return load_config()
