"""The web front's settings, read through :mod:`assistant.settings` (where each variable is
declared with its default and meaning)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Tuple
from urllib.parse import urlsplit

from assistant.chat_request import TIMEOUTS, load_timeouts
from assistant.settings import DEFAULTS, Config, SettingsError

DEFAULT_WEB_ROOT = DEFAULTS.path("WEB_ROOT")


class WebConfigError(SettingsError):
    """A setting of the web front is unusable."""


@dataclass(frozen=True)
class WebConfig:
    """Where the web front listens, what it serves and where it sends chat messages.

    The defaults are the declared ones (``assistant.settings``); :func:`load_web_config` reads
    the environment.
    """

    host: str = DEFAULTS.text("WEB_HOST")
    port: int = DEFAULTS.integer("WEB_PORT")
    rasa_url: str = DEFAULTS.text("RASA_URL")
    web_root: Path = DEFAULT_WEB_ROOT
    # Seconds to wait for Rasa's reply before answering 504 (WEB_UPSTREAM_TIMEOUT): above the
    # channel's turn, below the widget's wait (assistant.chat_request.Timeouts).
    upstream_timeout: float = TIMEOUTS.web_front
    # Largest request body accepted on the chat API, in bytes (1000 characters of
    # UTF-8 with JSON escaping fit comfortably).
    max_body_bytes: int = DEFAULTS.integer("WEB_MAX_BODY_BYTES")
    # The same limit as Rasa's channel (MAX_MESSAGE_CHARS).
    max_message_chars: int = DEFAULTS.integer("MAX_MESSAGE_CHARS")
    # Chat server the widget talks to when it is not this web front (its origin is
    # added to connect-src); empty: the widget uses this server's proxy.
    chat_server_url: str = ""
    # Origins of the therapist's site that embed the widget from this server (EMBED_ORIGINS):
    # the widget's files and the chat API answer their cross-origin requests, nobody else's.
    embed_origins: Tuple[str, ...] = ()
    # The therapist's inbox at /admin/ (ADMIN_*).
    admin_idle_seconds: float = DEFAULTS.number("ADMIN_IDLE_SECONDS")
    admin_session_hours: float = DEFAULTS.number("ADMIN_SESSION_HOURS")
    admin_login_delay: float = DEFAULTS.number("ADMIN_LOGIN_DELAY")
    admin_max_failures: int = DEFAULTS.integer("ADMIN_MAX_FAILURES")
    admin_lockout_seconds: float = DEFAULTS.number("ADMIN_LOCKOUT_SECONDS")
    admin_login_rate: int = DEFAULTS.integer("ADMIN_LOGIN_RATE")

    @property
    def webhook_url(self) -> str:
        return self.rasa_url.rstrip("/") + "/webhooks/rest/webhook"

    @property
    def chat_server_origin(self) -> str:
        """The origin of ``chat_server_url`` (scheme://host[:port]) or ``""``."""
        if not self.chat_server_url:
            return ""
        parts = urlsplit(self.chat_server_url)
        return f"{parts.scheme}://{parts.netloc}"


def _origins(raw: str) -> Tuple[str, ...]:
    """``EMBED_ORIGINS``: comma- or space-separated origins (scheme://host[:port], no path)."""
    origins = []
    for item in raw.replace(",", " ").split():
        parts = urlsplit(item.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query:
            raise WebConfigError(f"EMBED_ORIGINS: {item!r} is not an origin such as https://www.example.org")
        origins.append(f"{parts.scheme}://{parts.netloc}".lower())
    return tuple(dict.fromkeys(origins))


def _origin_ok(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def load_web_config(env: Mapping[str, str] | None = None) -> WebConfig:
    """Build the configuration from the environment (``env`` for tests)."""
    settings = Config(env)
    try:
        config = WebConfig(
            host=settings.text("WEB_HOST"),
            port=settings.integer("WEB_PORT", minimum=0),
            rasa_url=settings.text("RASA_URL").rstrip("/"),
            web_root=settings.path("WEB_ROOT"),
            upstream_timeout=load_timeouts(env).web_front,
            max_body_bytes=settings.integer("WEB_MAX_BODY_BYTES"),
            max_message_chars=settings.integer("MAX_MESSAGE_CHARS", minimum=1),
            chat_server_url=settings.text("CHAT_SERVER_URL").rstrip("/"),
            embed_origins=_origins(settings.text("EMBED_ORIGINS")),
            admin_idle_seconds=settings.number("ADMIN_IDLE_SECONDS"),
            admin_session_hours=settings.number("ADMIN_SESSION_HOURS"),
            admin_login_delay=settings.number("ADMIN_LOGIN_DELAY"),
            admin_max_failures=settings.integer("ADMIN_MAX_FAILURES"),
            admin_lockout_seconds=settings.number("ADMIN_LOCKOUT_SECONDS"),
            admin_login_rate=settings.integer("ADMIN_LOGIN_RATE"),
        )
    except WebConfigError:
        raise
    except SettingsError as exc:
        raise WebConfigError(str(exc)) from None
    if not _origin_ok(config.rasa_url):
        raise WebConfigError(f"RASA_URL={config.rasa_url!r} is not an http(s) address")
    if config.chat_server_url and not _origin_ok(config.chat_server_url):
        raise WebConfigError(f"CHAT_SERVER_URL={config.chat_server_url!r} is not an http(s) address")
    if not (config.web_root / "index.html").is_file():
        raise WebConfigError(f"no index.html in WEB_ROOT={config.web_root}")
    if config.admin_idle_seconds <= 0 or config.admin_session_hours <= 0 or config.admin_max_failures <= 0:
        raise WebConfigError(
            "ADMIN_IDLE_SECONDS, ADMIN_SESSION_HOURS and ADMIN_MAX_FAILURES must be positive"
        )
    if config.admin_login_delay < 0 or config.admin_lockout_seconds < 0 or config.admin_login_rate < 0:
        raise WebConfigError(
            "ADMIN_LOGIN_DELAY, ADMIN_LOCKOUT_SECONDS and ADMIN_LOGIN_RATE must not be negative"
        )
    if config.max_body_bytes <= 0:
        raise WebConfigError("WEB_MAX_BODY_BYTES must be positive")
    return config
