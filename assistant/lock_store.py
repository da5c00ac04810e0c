"""The conversation lock store, chosen from the environment: Redis when ``REDIS_URL`` is set.

Configured in endpoints.yml as ``lock_store: type: assistant.lock_store.EnvironmentLockStore``.
Rasa processes the messages of one conversation one after another by holding a ticket lock
per conversation. With one Rasa process the locks can live in memory (the default, no
service needed); with several replicas behind a load balancer they must be shared, so
``REDIS_URL`` (``redis://[user:password@]host:port/db``, ``rediss://`` for TLS) selects Rasa's
``RedisLockStore`` (with the correction below). The locking itself stays Rasa's.

The variable is read here rather than through ``${REDIS_URL}`` in endpoints.yml because
Rasa 3.6 refuses to load an endpoints file that names an unset variable.

One correction to Rasa 3.6's ``RedisLockStore``: it changes a conversation's ticket lock by
reading it, changing it in Python and writing it back, so two replicas handling messages of
the same conversation at the same moment can overwrite each other's tickets (two messages
served at once, a message dropped with ``LockError``, or a conversation stalled until the
lock expires after 60 s; RasaHQ/rasa#9213, fixed only in Rasa Pro's concurrent lock store).
``AtomicRedisLockStore`` keeps Rasa's tickets, keys and waiting loop unchanged and only
wraps each read-change-write in a short Redis mutex per conversation. scripts/scaleout.py
shows the difference (``--lock-store rasa-redis``).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, Mapping
from urllib.parse import unquote, urlsplit

from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from assistant.settings import Config

logger = logging.getLogger(__name__)

REDIS_URL_ENV = "REDIS_URL"
REDIS_SCHEMES = {"redis": False, "rediss": True}
# RedisLockStore options that may also be given in endpoints.yml (they win over the URL's).
PASSTHROUGH = ("key_prefix", "socket_timeout", "ssl_certfile", "ssl_keyfile", "ssl_ca_certs")


# Longest a mutex can be held (a replica that dies holding it blocks the conversation at most this long).
MUTEX_SECONDS = 5.0
MUTEX_PREFIX = "mutex:"


class LockStoreSettingsError(ValueError):
    """REDIS_URL is not a usable Redis URL (the message never contains the password)."""


def redis_options(url: str) -> Dict[str, Any]:
    """RedisLockStore keyword arguments from a ``redis://`` or ``rediss://`` URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in REDIS_SCHEMES:
        raise LockStoreSettingsError(f"{REDIS_URL_ENV} must start with redis:// or rediss://")
    if not parts.hostname:
        raise LockStoreSettingsError(f"{REDIS_URL_ENV} has no host")
    try:
        port = parts.port or 6379
    except ValueError:
        raise LockStoreSettingsError(f"{REDIS_URL_ENV} has an invalid port") from None
    path = parts.path.strip("/")
    if path and not path.isdigit():
        raise LockStoreSettingsError(f"{REDIS_URL_ENV} database must be a number")
    return {
        "host": parts.hostname,
        "port": port,
        "db": int(path) if path else 1,
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "use_ssl": REDIS_SCHEMES[parts.scheme],
    }


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's RedisLockStore with every change of a conversation's ticket lock made atomic."""

    def _mutex(self, conversation_id: str) -> Any:
        # Outside the lock keys' namespace, so no conversation id can name another's mutex.
        return self.red.lock(
            f"{MUTEX_PREFIX}{self.key_prefix}{conversation_id}",
            timeout=MUTEX_SECONDS,
            sleep=0.002,
            blocking_timeout=MUTEX_SECONDS,
        )

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issue the next ticket (read, change and write the lock under the mutex)."""
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets (under the mutex)."""
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Give back a ticket and delete the lock if no one waits (one step, under the mutex)."""
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)


def create_lock_store(
    endpoint_config: EndpointConfig | None = None, env: Mapping[str, str] | None = None
) -> LockStore:
    """The Redis lock store when a Redis URL is configured, else Rasa's InMemoryLockStore.

    The URL is ``url:`` in endpoints.yml if given, else ``REDIS_URL`` from the environment.
    """
    url = (endpoint_config.url if endpoint_config and endpoint_config.url else "") or Config(env).text(
        REDIS_URL_ENV
    )
    if not url.strip():
        logger.debug("No REDIS_URL: conversation locks are kept in memory (one Rasa process).")
        return InMemoryLockStore()
    options = redis_options(url)
    extra = endpoint_config.kwargs if endpoint_config else {}
    options.update({key: extra[key] for key in PASSTHROUGH if key in extra})
    logger.info(
        "Conversation locks in Redis at %s:%s db %s.", options["host"], options["port"], options["db"]
    )
    return AtomicRedisLockStore(**options)


class EnvironmentLockStore:
    """Entry point for endpoints.yml: constructing it returns Rasa's Redis or in-memory lock store.

    Rasa loads a custom lock store by class path and calls it with ``endpoint_config=``;
    ``__new__`` hands back the store made by :func:`create_lock_store` (an instance of one of
    Rasa's classes, so this class itself is never instantiated).
    """

    def __new__(cls, endpoint_config: EndpointConfig | None = None) -> LockStore:
        return create_lock_store(endpoint_config)
