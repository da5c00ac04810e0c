"""The web front's settings, read from the environment in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Tuple
from urllib.parse import urlsplit

from assistant.chat_request import MAX_MESSAGE_CHARS, TIMEOUTS, load_timeouts
from assistant.settings import PROJECT_ROOT

DEFAULT_WEB_ROOT = PROJECT_ROOT / "web"


class WebConfigError(ValueError):
    """A setting of the web front is unusable."""


@dataclass(frozen=True)
class WebConfig:
    """Where the web front listens, what it serves and where it sends chat messages."""

    host: str = "127.0.0.1"
    port: int = 8080
    rasa_url: str = "http://127.0.0.1:5005"
    web_root: Path = DEFAULT_WEB_ROOT
    # Seconds to wait for Rasa's reply before answering 504 (WEB_UPSTREAM_TIMEOUT): above the
    # channel's turn, below the widget's wait (assistant.chat_request.Timeouts).
    upstream_timeout: float = TIMEOUTS.web_front
    # Largest request body accepted on the chat API, in bytes (1000 characters of
    # UTF-8 with JSON escaping fit comfortably).
    max_body_bytes: int = 16 * 1024
    max_message_chars: int = MAX_MESSAGE_CHARS
    # Chat server the widget talks to when it is not this web front (its origin is
    # added to connect-src); empty: the widget uses this server's proxy.
    chat_server_url: str = ""
    # Origins of the therapist's site that embed the widget from this server (EMBED_ORIGINS):
    # the widget's files and the chat API answer their cross-origin requests, nobody else's.
    embed_origins: Tuple[str, ...] = ()
    # The therapist's inbox at /admin/.
    admin_idle_seconds: float = 30 * 60  # ADMIN_IDLE_SECONDS: a session ends after this long unused
    admin_session_hours: float = 12.0  # ADMIN_SESSION_HOURS: and in any case this long after login
    admin_login_delay: float = 1.0  # ADMIN_LOGIN_DELAY: seconds before a wrong password is answered
    admin_max_failures: int = 5  # ADMIN_MAX_FAILURES: wrong passwords or codes that lock the account
    admin_lockout_seconds: float = 15 * 60  # ADMIN_LOCKOUT_SECONDS: how long it stays locked
    admin_login_rate: int = 30  # ADMIN_LOGIN_RATE: login attempts per address per 15 minutes

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
    env = os.environ if env is None else env
    try:
        timeouts = load_timeouts(env)
    except ValueError as exc:
        raise WebConfigError(str(exc)) from None
    try:
        config = WebConfig(
            host=env.get("WEB_HOST") or "127.0.0.1",
            port=int(env.get("WEB_PORT") or 8080),
            rasa_url=(env.get("RASA_URL") or "http://127.0.0.1:5005").rstrip("/"),
            web_root=Path(env.get("WEB_ROOT") or DEFAULT_WEB_ROOT),
            upstream_timeout=timeouts.web_front,
            max_body_bytes=int(env.get("WEB_MAX_BODY_BYTES") or 16 * 1024),
            chat_server_url=(env.get("CHAT_SERVER_URL") or "").rstrip("/"),
            embed_origins=_origins(env.get("EMBED_ORIGINS") or ""),
            admin_idle_seconds=float(env.get("ADMIN_IDLE_SECONDS") or 30 * 60),
            admin_session_hours=float(env.get("ADMIN_SESSION_HOURS") or 12),
            admin_login_delay=float(env.get("ADMIN_LOGIN_DELAY") or 1.0),
            admin_max_failures=int(env.get("ADMIN_MAX_FAILURES") or 5),
            admin_lockout_seconds=float(env.get("ADMIN_LOCKOUT_SECONDS") or 15 * 60),
            admin_login_rate=int(env.get("ADMIN_LOGIN_RATE") or 30),
        )
    except ValueError as exc:
        raise WebConfigError(f"invalid number in the web settings: {exc}") from exc
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
