"""Settings: the one module that reads the environment, and the list of every variable it reads.

Every process (Rasa and its components, the action server, the delivery worker, the admin tool,
the web front and the scripts) reads its settings the same way, through :class:`Config`, in the
manner of Starlette's ``Config(key, cast, default)``: ``config.integer("WEB_PORT")``. Each name
is declared once in :data:`VARIABLES` with its default and meaning; reading a name that is not
declared there is a ``KeyError``, so nothing is read that is not documented. The documentation
(docs/configuration.md) is generated from that list::

    python -m assistant.settings           # write docs/configuration.md
    python -m assistant.settings --check   # exit 1 if it is out of date

and ``tests/unit/test_settings_documented.py`` fails when code reads a name that is not listed or
the page is stale. An empty value counts as unset. Values several parts share (the message
length, the timeouts) are defined here once.

The site's own settings (helplines and links from ``settings/resources.yml``) are
:func:`load_settings`. This module imports nothing from the project (a leaf of the import
graph): cheap to import from any process, with no cycle.
"""

from __future__ import annotations

import math
import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Tuple, TypeVar
from urllib.parse import urlsplit

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RESOURCES = PROJECT_ROOT / "settings" / "resources.yml"
DEFAULT_KNOWLEDGE = PROJECT_ROOT / "data" / "knowledge" / "page.yml"
DEFAULT_SPACY_MODEL = PROJECT_ROOT / "var" / "spacy" / "en_pipeline"
DOCUMENTATION = PROJECT_ROOT / "docs" / "configuration.md"

# Characters in a chat message: the widget (web/widget/chat.js), the web front and the channel
# all stop there.
MAX_MESSAGE_CHARS = 1000

T = TypeVar("T")


class SettingsError(ValueError):
    """The configuration is unusable (a malformed number, an unknown region, a missing file)."""


@dataclass(frozen=True)
class Variable:
    """One environment variable: its name, its default as it would be written, and what it does.

    ``default`` is parsed like a value from the environment when the variable is unset or empty;
    ``""`` means there is none (the reader decides, and ``shown`` says what happens). ``secret``
    keeps the value out of every error message.
    """

    name: str
    default: str
    meaning: str
    shown: str = ""
    secret: bool = False

    @property
    def documented_default(self) -> str:
        if self.shown:
            return self.shown
        return f"`{self.default}`" if self.default else "empty"


@dataclass(frozen=True)
class Group:
    """Variables read by the same part of the assistant, documented under one heading."""

    title: str
    variables: Tuple[Variable, ...]


V = Variable
# Every environment variable the assistant, its scripts and endpoints.yml read, once each; one
# line each, so the list reads as a table.
# fmt: off
GROUPS: Tuple[Group, ...] = (
    Group(
        "The page, its links and helplines (Rasa's responses and the actions)",
        (
            V("PAGE_URL", "", "the therapist's page; answers link to `PAGE_URL#<anchor>` (empty: same-page links, right when the chat sits on that page)", shown="`site.page_url` of the resources file (empty)"),
            V("CONTACT_URL", "", 'the practice\'s contact page (empty: "the contact details on this website")', shown="`site.contact_url` of the resources file (empty)"),
            V("BOOKING_URL", "", "online booking page (https only); the booking option is hidden when empty", shown="`site.booking_url` of the resources file (empty)"),
            V("HELP_REGION", "", "helpline set from the resources file (`uk` or `us`)", shown="`uk` (`help.default_region` of the resources file)"),
            V("RESOURCES_FILE", "settings/resources.yml", "the links and helpline numbers, per region"),
            V("KNOWLEDGE_FILE", "data/knowledge/page.yml", "the page's sections, searched when the classifiers are unsure"),
            V("SPACY_MODEL", "var/spacy/en_pipeline", "the offline spaCy pipeline of the page search and the reflection's themes"),
            V("RETRIEVAL_THRESHOLD", "", "BM25 score above which the page search answers", shown="measured, `DEFAULT_THRESHOLD` in `assistant/knowledge.py`"),
        ),
    ),
    Group(
        "The chat: limits and timeouts (Rasa's channel and the web front)",
        (
            V("MAX_MESSAGE_CHARS", str(MAX_MESSAGE_CHARS), "characters in one chat message; longer ones are refused with a clear reply (the widget stops at 1000)"),
            V("RATE_LIMIT_PER_SENDER", "30", "messages per conversation per minute (`0` = off)"),
            V("RATE_LIMIT_PER_ADDRESS", "120", "messages per address per minute, per Rasa replica (`0` = off)"),
            V("CHAT_MAX_BODY", "65536", "bytes in a request body Rasa accepts (`scripts/serve.sh` passes it to Sanic as `SANIC_REQUEST_MAX_SIZE`)"),
            V("ACTION_TIMEOUT_SECONDS", "20", "seconds Rasa waits for a custom action; the timeouts must grow outwards: action < turn < web front and nginx < the widget's 35 s (`web/widget/chat.js`), checked at start"),
            V("CHAT_TIMEOUT_SECONDS", "25", 'seconds one chat turn may take in the channel, waiting for the conversation\'s lock included (then "sorry, try again")'),
            V("WEB_UPSTREAM_TIMEOUT", "30", "seconds the web front waits for Rasa's reply (then 504); nginx's `proxy_read_timeout` for the chat is the same layer"),
            V("TRUSTED_PROXY_HOPS", "", "how many proxies of yours append to `X-Forwarded-For`; the visitor's address is the entry that many places from the right (0: the socket address, the header ignored)", shown="`0` (`1` with `TRUST_PROXY=1`; `scripts/run.sh` sets `1` for Rasa on loopback behind its own web front)"),
            V("TRUST_PROXY", "0", "the older form of `TRUSTED_PROXY_HOPS=1`"),
        ),
    ),
    Group(
        "Servers and processes (`scripts/serve.sh`, `scripts/run.sh`, `scripts/web.sh`)",
        (
            V("RASA_HOST", "127.0.0.1", "where Rasa listens"),
            V("RASA_PORT", "5005", "Rasa's port"),
            V("ACTIONS_HOST", "127.0.0.1", "where the action server listens"),
            V("ACTIONS_PORT", "5055", "the action server's port"),
            V("ACTION_ENDPOINT_URL", "http://127.0.0.1:5055/webhook", "the action server as Rasa calls it (`endpoints.yml`; `scripts/serve.sh` sets it from `ACTIONS_HOST` and `ACTIONS_PORT`)"),
            V("ACTION_SERVER_TOKEN", "", "the secret Rasa sends the action server (`X-Action-Token`, `endpoints.yml`); the action server refuses to start without one", shown="a fresh random one per `scripts/serve.sh` start", secret=True),
            V("ACTION_SERVER_ALLOW_NO_TOKEN", "0", "`1` lets the action server run without `ACTION_SERVER_TOKEN` (local experiments only)"),
            V("CORS_ORIGINS", "", "origins Rasa answers browsers from", shown="the web front's address under `make run`, else Rasa's"),
            V("RASA_API", "0", "`1` turns on Rasa's HTTP API (tracker, model, conversation endpoints), which then needs `RASA_JWT_SECRET`"),
            V("RASA_JWT_SECRET", "", "the secret of the JWT in the `Authorization` header of Rasa's HTTP API", secret=True),
            V("MODEL", "models/assistant.tar.gz", "the trained model Rasa serves"),
            V("LOG_DIR", "var/log", "where the servers' logs are appended"),
            V("LOG_LEVEL", "", "Rasa's log level; `DEBUG` is refused unless `ALLOW_DEBUG_LOGS=1`", shown="Rasa's (INFO)"),
            V("ALLOW_DEBUG_LOGS", "0", "`1` lets Rasa log at DEBUG (it would log what visitors type); otherwise DEBUG is put back to INFO at start"),
            V("SERVE", "worker,actions,rasa", "which parts `scripts/serve.sh` starts (the fault tests restart one)"),
            V("WEB_HOST", "127.0.0.1", "where the web front (demo page, widget, proxy to Rasa, the inbox) listens"),
            V("WEB_PORT", "8080", "the web front's port"),
            V("RASA_URL", "http://127.0.0.1:5005", "where the web front forwards chat messages", shown="`http://RASA_HOST:RASA_PORT`"),
            V("WEB_ROOT", "web", "the demo page and the widget's files the web front serves"),
            V("WEB_MAX_BODY_BYTES", "16384", "bytes in a chat request body the web front accepts"),
            V("WEB_TRUSTED_PROXY_HOPS", "0", "`TRUSTED_PROXY_HOPS` for the web front under `make run` (it faces the browser itself)"),
            V("CHAT_SERVER_URL", "", "only if the widget talks to a chat server on another origin (added to the page's `connect-src`)"),
            V("EMBED_ORIGINS", "", "the therapist's site(s) that embed the widget from this server, e.g. `https://www.timnorton.example` (comma-separated origins): the chat API answers their CORS requests and refuses every other origin; the widget's files are served `Cross-Origin-Resource-Policy: cross-origin`"),
            V("TF_CPP_MIN_LOG_LEVEL", "3", "TensorFlow's own log level (3: errors only)"),
            V("OPENBLAS_NUM_THREADS", "1", "BLAS threads per process (the sentence encoder's small products are fastest on one)"),
        ),
    ),
    Group(
        "Storage (Rasa, the actions, the worker and the admin tool)",
        (
            V("DATABASE_URL", "sqlite:///var/enquiries.db", "the enquiry store, a SQLAlchemy URL (PostgreSQL: `postgresql://user:pass@host/db`); a relative SQLite path is taken from the project root"),
            V("TRACKER_DB_URL", "sqlite:///var/tracker.db", "the tracker store (PostgreSQL for several replicas), also used by the admin tool to erase conversations"),
            V("REDIS_URL", "", "the Redis lock store (`redis://host:6379/1`), needed with several Rasa replicas", shown="empty (locks in memory)"),
            V("DB_CONNECT_TIMEOUT", "5", "seconds to connect to the enquiry database"),
            V("DB_STATEMENT_TIMEOUT", "10", "seconds one statement on the enquiry database may take (PostgreSQL)"),
        ),
    ),
    Group(
        "Enquiries and their delivery (the actions, the worker, the admin tool)",
        (
            V("ENQUIRY_RETENTION_MONTHS", "12", "told to the visitor; the worker purges older enquiries once a day (also `make admin ARGS=purge`)"),
            V("ENQUIRY_REPLY_TIME", "within two working days", "the reply time told to visitors"),
            V("ENQUIRY_REPLY_WORKING_DAYS", "2", "the same promise in working days (keep it in step with `ENQUIRY_REPLY_TIME`); the inbox flags open enquiries older than this"),
            V("ENQUIRY_PHONE_REGION", "GB", "the region of phone numbers typed without a country code"),
            V("ENQUIRY_SAVE_TIMEOUT", "10", "seconds the enquiry action waits for the store before saying it could not save"),
            V("ENQUIRY_MAX_PER_ADDRESS_PER_DAY", "5", "enquiries with one email address or phone number in 24 hours (`0` = no limit)"),
            V("ENQUIRY_MAX_ATTEMPTS", "12", "notification attempts before an enquiry's email is marked failed (about five hours of backoff); permanent SMTP errors (5xx, no STARTTLS) fail at once"),
            V("ENQUIRY_RETRY_BASE_SECONDS", "30", "the first retry's delay, doubling each time"),
            V("ENQUIRY_RETRY_MAX_SECONDS", "3600", "the longest delay between retries"),
            V("ENQUIRY_WORKER_POLL_SECONDS", "5", "how often the worker looks at the outbox"),
            V("ENQUIRY_SENDING_LEASE_SECONDS", "300", "after this long a claimed notification is given back to other workers (at least three SMTP timeouts)"),
            V("PUBLIC_BASE_URL", "", "the web front's public address, e.g. `https://chat.example.org`; the notification email links to `PUBLIC_BASE_URL/admin/` (empty: it names the `make admin` commands instead); an https address also forces `Secure` cookies behind a proxy"),
            V("THERAPIST_EMAIL", "therapist@localhost", "where notifications go"),
            V("SMTP_HOST", "", "the mail server; with none, notifications are written as `.eml` files to `MAIL_DIR`", shown="empty (no SMTP)"),
            V("SMTP_PORT", "", "the mail server's port", shown="`587` (`25` with `SMTP_STARTTLS=0`)"),
            V("SMTP_USER", "", "the mail server's user name"),
            V("SMTP_PASSWORD", "", "the mail server's password", secret=True),
            V("SMTP_STARTTLS", "1", "`1`: nothing is sent without STARTTLS"),
            V("SMTP_FROM", "assistant@localhost", "the notifications' sender"),
            V("SMTP_TIMEOUT", "30", "seconds for each SMTP operation"),
            V("MAIL_DIR", "var/mail", "where notifications are written as `.eml` files when there is no `SMTP_HOST`"),
        ),
    ),
    Group(
        "The therapist's inbox at /admin/ (the web front; the worker purges its sessions)",
        (
            V("ADMIN_IDLE_SECONDS", "1800", "an inbox session ends after this long unused"),
            V("ADMIN_SESSION_HOURS", "12", "and in any case this long after login"),
            V("ADMIN_MAX_FAILURES", "5", "wrong passwords or codes that lock an account"),
            V("ADMIN_LOCKOUT_SECONDS", "900", "how long it stays locked"),
            V("ADMIN_LOGIN_DELAY", "1", "seconds before a wrong password is answered"),
            V("ADMIN_LOGIN_RATE", "30", "login attempts per address per 15 minutes (`0` = off)"),
        ),
    ),
    Group(
        "Test stacks (`tests/harness/`: the test tiers that run servers, the benchmark and the scale-out test)",
        (
            V("POSTGRES_BIN", "", "the directory of PostgreSQL's programs", shown="found on the machine"),
            V("STACK_PIDFILE", "", "a file the stack appends its process groups and work directory to, for the wrapper's clean-up (`scripts/scaleout_test.sh` sets it)"),
            V("TEST_SEED", "", "the seed of `make test`'s shuffled test order, to repeat one (printed at the start and the end)", shown="random"),
            V("TEST_OUT", "", "the folder `make test` writes its reports, screenshots and story results to", shown="a new temporary folder"),
            V("BROWSER_RESULTS_DIR", "", "where the browser tests put screenshots and axe reports (`scripts/test.sh` sets it under `TEST_OUT`)", shown="a temporary folder"),
        ),
    ),
)
# fmt: on
del V

VARIABLES: Tuple[Variable, ...] = tuple(variable for group in GROUPS for variable in group.variables)
BY_NAME: Dict[str, Variable] = {variable.name: variable for variable in VARIABLES}
assert len(BY_NAME) == len(VARIABLES), "a variable is declared twice"

_INTEGER = re.compile(r"-?[0-9]+")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


class Config:
    """Typed reads of declared variables from one environment (``os.environ`` unless given).

    ``config("WEB_PORT", cast=int)`` as in Starlette, or the named getters below, which also
    check a minimum. The default is the declared one unless the call gives its own (a default
    computed from another setting). A value that does not parse raises :class:`SettingsError`
    naming the variable (and never the value of a secret).
    """

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ: Mapping[str, str] = os.environ if environ is None else environ

    @staticmethod
    def declared(key: str) -> Variable:
        """The declaration of ``key``; KeyError for a name not in :data:`GROUPS`."""
        try:
            return BY_NAME[key]
        except KeyError:
            raise KeyError(f"{key} is not declared in assistant.settings.GROUPS") from None

    def raw(self, key: str, strip: bool = True) -> str:
        """The value as written (stripped unless ``strip`` is False), else the declared default."""
        variable = self.declared(key)
        value = self.environ.get(key) or ""
        value = value.strip() if strip else value
        return value or variable.default

    def is_set(self, key: str) -> bool:
        """True when the environment gives the variable a non-empty value."""
        self.declared(key)
        return bool((self.environ.get(key) or "").strip())

    def __call__(self, key: str, cast: Callable[[str], T], default: T | None = None) -> T:
        raw = self.raw(key)
        if not raw and default is not None:
            return default
        try:
            return cast(raw)
        except (TypeError, ValueError):
            raise SettingsError(f"{key} is not valid: {self._shown(key, raw)}") from None

    def _shown(self, key: str, raw: str) -> str:
        return "(hidden)" if self.declared(key).secret else repr(raw)

    def text(self, key: str, default: str | None = None) -> str:
        """The value stripped of surrounding spaces, else the default."""
        return self.raw(key) or (default or "")

    def secret(self, key: str) -> str:
        """The value exactly as given (a password may start or end with a space)."""
        return self.raw(key, strip=False)

    def integer(self, key: str, default: int | None = None, minimum: int | None = None) -> int:
        """A whole number, at least ``minimum``."""
        raw = self.raw(key)
        if not raw and default is not None:
            return default
        if not _INTEGER.fullmatch(raw):
            raise SettingsError(f"{key} must be a whole number, got {self._shown(key, raw)}")
        value = int(raw)
        if minimum is not None and value < minimum:
            raise SettingsError(f"{key} must be at least {minimum}")
        return value

    def number(self, key: str, default: float | None = None, minimum: float | None = None) -> float:
        """A finite number, at least ``minimum``."""
        raw = self.raw(key)
        if not raw and default is not None:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise SettingsError(f"{key} must be a number, got {self._shown(key, raw)}") from None
        if not math.isfinite(value):
            raise SettingsError(f"{key} must be a finite number")
        if minimum is not None and value < minimum:
            raise SettingsError(f"{key} must be at least {minimum:g}")
        return value

    def flag(self, key: str) -> bool:
        """``1``/``true``/``yes``/``on`` or ``0``/``false``/``no``/``off``; anything else is refused."""
        raw = self.raw(key).lower()
        if raw in _TRUE:
            return True
        if raw in _FALSE or not raw:
            return False
        raise SettingsError(f"{key} must be 0 or 1, got {self._shown(key, raw)}")

    def path(self, key: str) -> Path:
        """A path; a relative one is taken from the project root."""
        path = Path(self.raw(key))
        return path if path.is_absolute() else PROJECT_ROOT / path

    def base_url(self, key: str) -> str:
        """An http(s) address with no query, fragment or credentials, without its trailing slash
        (or empty)."""
        raw = self.raw(key).rstrip("/")
        if not raw:
            return ""
        parts = urlsplit(raw)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise SettingsError(
                f"{key} must be an http(s) address such as https://chat.example.org, got {raw!r}"
            )
        if parts.username or parts.password:
            raise SettingsError(f"{key} must not contain a user name or password")
        return raw


# The declared defaults, for the defaults of settings objects built without an environment.
DEFAULTS = Config({})


def read_retention_months(config: Config) -> int:
    """``ENQUIRY_RETENTION_MONTHS``: told to visitors, and how long the worker keeps enquiries."""
    return config.integer("ENQUIRY_RETENTION_MONTHS", minimum=1)


def read_reply_time(config: Config) -> str:
    """``ENQUIRY_REPLY_TIME``: when visitors can expect a reply, in words."""
    return config.text("ENQUIRY_REPLY_TIME")


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
    reply_time: str = read_reply_time(DEFAULTS)
    retention_months: int = read_retention_months(DEFAULTS)

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
    config = Config(env)
    resources_file = config.path("RESOURCES_FILE")
    data = _read_yaml(resources_file)
    site = data.get("site") or {}
    help_cfg = data.get("help") or {}
    regions = help_cfg.get("regions") or {}
    region = config.text("HELP_REGION", default=help_cfg.get("default_region") or "uk").lower()
    if region not in regions:
        raise SettingsError(f"HELP_REGION={region!r} is not one of {sorted(regions)} in {resources_file}")
    booking_url = config.text("BOOKING_URL", default=site.get("booking_url") or "")
    if booking_url and not booking_url.startswith("https://"):
        raise SettingsError("BOOKING_URL must be an https:// address")
    threshold = config.number("RETRIEVAL_THRESHOLD") if config.is_set("RETRIEVAL_THRESHOLD") else None
    return Settings(
        therapist=str(site.get("therapist", "")),
        page_url=config.text("PAGE_URL", default=site.get("page_url") or "").rstrip("/"),
        contact_url=config.text("CONTACT_URL", default=site.get("contact_url") or ""),
        region=region,
        help={k: str(v) for k, v in regions[region].items()},
        knowledge_file=config.path("KNOWLEDGE_FILE"),
        spacy_model=config.path("SPACY_MODEL"),
        retrieval_threshold=threshold,
        booking_url=booking_url,
        reply_time=read_reply_time(config),
        retention_months=read_retention_months(config),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once on first use."""
    return load_settings()


# -- the documentation ------------------------------------------------------------------------

HEADER = """<!-- Generated from assistant/settings.py (GROUPS) by `python -m assistant.settings`; do not edit. -->

# Configuration

Everything is read from the environment, through `assistant/settings.py`; the defaults need no
external service. An empty value counts as unset. Numbers that do not parse, and flags other than
`1`/`0` (or `true`/`false`, `yes`/`no`, `on`/`off`), stop the process at start with the
variable's name.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_documentation() -> str:
    """docs/configuration.md: one table per group, every declared variable once."""
    lines: List[str] = [HEADER]
    for group in GROUPS:
        lines += [f"## {group.title}", "", "| variable | default | meaning |", "| --- | --- | --- |"]
        for variable in group.variables:
            lines.append(
                f"| `{variable.name}` | {_cell(variable.documented_default)} | {_cell(variable.meaning)} |"
            )
        lines.append("")
    return "\n".join(lines)


def main(argv: List[str]) -> int:
    """Write docs/configuration.md, or with ``--check`` say whether it is up to date."""
    text = render_documentation()
    if argv == ["--check"]:
        current = DOCUMENTATION.read_text(encoding="utf-8") if DOCUMENTATION.exists() else ""
        if current != text:
            print(f"{DOCUMENTATION.relative_to(PROJECT_ROOT)} is out of date: python -m assistant.settings")
            return 1
        return 0
    if argv:
        print("usage: python -m assistant.settings [--check]", file=sys.stderr)
        return 2
    DOCUMENTATION.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
