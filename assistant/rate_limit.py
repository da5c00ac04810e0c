"""Sliding-window rate limits, per conversation and per address, kept in memory per process.

Each Rasa replica keeps its own counts; behind a load balancer the effective limit
per address is the configured one times the number of replicas (nginx can add a
shared limit in front, see deploy/nginx.conf). The address counted behind proxies
is chosen by :func:`client_address`.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Deque, Dict, Mapping

from assistant.settings import Config

WINDOW_SECONDS = 60.0
MAX_KEYS = 50_000  # memory stays bounded whatever the traffic


def trusted_proxy_hops(env: Mapping[str, str] | None = None) -> int:
    """``TRUSTED_PROXY_HOPS``: how many proxies of our own stand in front (default 0: none,
    X-Forwarded-For is ignored), from the environment (``env`` for tests). The older
    ``TRUST_PROXY=1`` means one. SettingsError (a ValueError) unless a whole number, 0 or more."""
    config = Config(env)
    return config.integer("TRUSTED_PROXY_HOPS", default=1 if config.flag("TRUST_PROXY") else 0, minimum=0)


def client_address(peer: str | None, forwarded_for: str | None, trusted_hops: int) -> str:
    """The address a request is counted against.

    Each proxy appends the address it was connected from to X-Forwarded-For, so with
    ``trusted_hops`` proxies of our own the client is the entry that many places from the
    right; entries further left were written by the client (or proxies we do not run) and
    can say anything. With no trusted hops, or a header with fewer entries than that (the
    request did not come through our proxies), the socket peer ``peer`` is used.
    """
    if trusted_hops > 0 and forwarded_for:
        hops = [hop.strip() for hop in forwarded_for.split(",")]
        if len(hops) >= trusted_hops and hops[-trusted_hops]:
            return hops[-trusted_hops]
    return peer or "unknown"


@dataclass
class SlidingWindowLimiter:
    """At most ``limit`` events per key in any ``window`` seconds."""

    limit: int
    window: float = WINDOW_SECONDS
    clock: Callable[[], float] = time.monotonic
    _hits: Dict[str, Deque[float]] = field(default_factory=dict)

    def allow(self, key: str) -> bool:
        """Record an event for ``key`` and say whether it is within the limit."""
        if self.limit <= 0:
            return True
        now = self.clock()
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= MAX_KEYS:
                self.prune(now)
            hits = self._hits.setdefault(key, deque())
        while hits and now - hits[0] >= self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True

    def retry_after(self, key: str) -> int:
        """Whole seconds until ``key`` may send again."""
        hits = self._hits.get(key)
        if not hits:
            return 0
        return max(1, int(self.window - (self.clock() - hits[0])) + 1)

    def prune(self, now: float | None = None) -> None:
        """Forget keys with no event inside the window (and the oldest half if still too many)."""
        now = self.clock() if now is None else now
        for key in [k for k, v in self._hits.items() if not v or now - v[-1] >= self.window]:
            del self._hits[key]
        if len(self._hits) >= MAX_KEYS:
            for key in list(self._hits)[: len(self._hits) // 2]:
                del self._hits[key]

    def __len__(self) -> int:
        return len(self._hits)
