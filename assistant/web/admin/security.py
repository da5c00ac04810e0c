"""The inbox's protections: its CSP and headers, session and login cookies, CSRF, opaque ids, rate
limit, the per-client login lock and the client's address behind a proxy.

Nothing here touches the database; :mod:`assistant.web.admin.views` joins it to the accounts.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time
from collections import deque
from typing import Callable, Deque, Dict, Iterable, Mapping, TypeVar
from urllib.parse import urlsplit

from aiohttp import web

from assistant.rate_limit import client_address

SESSION_COOKIE = "inbox_session"
LOGIN_COOKIE = "inbox_login"
DEVICE_COOKIE = "inbox_device"  # the known-device token (assistant.enquiries.accounts)
# The __Host- prefix (Secure, Path=/, no Domain) stops a sibling subdomain from setting them.
SECURE_PREFIX = "__Host-"
CSRF_FIELD = "csrf"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}

T = TypeVar("T")


def admin_csp() -> str:
    """The demo page's policy made stricter: no script at all, forms only to this origin."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'none'",
            "style-src 'self'",
            "img-src 'self'",
            "connect-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "object-src 'none'",
            "require-trusted-types-for 'script'",
        ]
    )


ADMIN_HEADERS: Mapping[str, str] = {
    "Content-Security-Policy": admin_csp(),
    "Cache-Control": "no-store",
    # Same-origin, not no-referrer: under no-referrer Chromium sends "Origin: null" with a form
    # post, and the origin check needs the real one. Nothing leaves the site either way.
    "Referrer-Policy": "same-origin",
    "Pragma": "no-cache",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Robots-Tag": "noindex, nofollow",
}


def is_loopback_host(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1 (a Host header's name, without the port)."""
    name = (host or "").strip().lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def secure_cookies(request: web.Request, public_base_url: str) -> bool:
    """Cookies are ``Secure`` except for plain http on loopback (a developer's machine, the tests).

    Behind a proxy the public address decides: an https ``PUBLIC_BASE_URL`` always means Secure.
    """
    if public_base_url.startswith("https://") or request.secure:
        return True
    return not is_loopback_host(host_name(request.host))


def host_name(host: str) -> str:
    """The name in a Host header, without its port (``[::1]:8080`` -> ``::1``)."""
    host = (host or "").strip()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def cookie_name(base: str, secure: bool) -> str:
    """The cookie's name: with the ``__Host-`` prefix whenever it is Secure."""
    return SECURE_PREFIX + base if secure else base


def read_cookie(request: web.Request, base: str, secure: bool) -> str:
    """A cookie by its base name: only the ``__Host-`` one when cookies are Secure (an unprefixed
    cookie could have been planted by a sibling subdomain or over plain http)."""
    return request.cookies.get(cookie_name(base, secure)) or ""


def set_cookie(
    response: web.StreamResponse, base: str, value: str, secure: bool, max_age: int | None = None
) -> None:
    """HttpOnly, SameSite=Strict, Path=/; a browser-session cookie (the server enforces the timeout)
    unless ``max_age`` seconds are given."""
    response.set_cookie(
        cookie_name(base, secure),
        value,
        path="/",
        httponly=True,
        secure=secure,
        samesite="Strict",
        max_age=max_age,
    )


def clear_cookie(response: web.StreamResponse, base: str, secure: bool) -> None:
    """Remove a cookie."""
    response.del_cookie(cookie_name(base, secure), path="/")


def new_token() -> str:
    """A random token for a form or cookie."""
    return secrets.token_urlsafe(32)


def same_token(given: str, expected: str) -> bool:
    """Constant-time comparison of two tokens; an empty one never matches."""
    return bool(given) and bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def same_origin(request: web.Request, public_base_url: str = "") -> bool:
    """A form post from this site. ``Origin``, which browsers send with every POST, must name this
    host when present: the Host header or the host of ``PUBLIC_BASE_URL`` (never
    ``X-Forwarded-Host``, which any client can send). The scheme is not compared (behind a TLS
    proxy this server sees http)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True  # not a browser form post (browsers always send it on POST)
    hosts = {request.host.lower()}
    if public_base_url:
        hosts.add(urlsplit(public_base_url).netloc.lower())
    parts = urlsplit(origin)
    return origin != "null" and parts.scheme in ("http", "https") and parts.netloc.lower() in hosts


class OpaqueIds:
    """Per-session ids for enquiries in URLs: an HMAC of the reference, never the reference itself.

    The key is this process's own; the session's secret is mixed in, so an id seen in a browser's
    history means nothing after logout or to another session.
    """

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def make(self, session_secret: str, reference: str) -> str:
        digest = hmac.new(self._key, f"{session_secret}\x00{reference}".encode(), hashlib.sha256)
        return digest.hexdigest()[:24]

    def find(self, session_secret: str, opaque: str, references: Iterable[str]) -> str | None:
        """The reference whose id is ``opaque``, or None."""
        if len(opaque) != 24:
            return None
        for reference in references:
            if hmac.compare_digest(self.make(session_secret, reference), opaque):
                return reference
        return None


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds per key (in memory, per process)."""

    def __init__(self, limit: int, window: float = 15 * 60) -> None:
        self.limit = limit
        self.window = window
        self._events: Dict[str, Deque[float]] = {}

    def allow(self, key: str, now: float | None = None) -> bool:
        """Count one event for ``key``; False when it is over the limit (0 = no limit)."""
        if self.limit <= 0:
            return True
        moment = time.monotonic() if now is None else now
        events = self._events.setdefault(key, deque())
        while events and events[0] <= moment - self.window:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(moment)
        if len(self._events) > 10_000:  # forget idle keys rather than grow without bound
            for stale in [k for k, v in self._events.items() if not v or v[-1] <= moment - self.window]:
                del self._events[stale]
        return True


def request_address(request: web.Request, trusted_hops: int) -> str:
    """The client's address: the chat channel's rule (:func:`assistant.rate_limit.client_address`),
    X-Forwarded-For read ``trusted_hops`` proxies from the right. Kept in memory only, never stored."""
    return client_address(request.remote, request.headers.get("X-Forwarded-For"), trusted_hops)


HSTS = "max-age=31536000"


class LoginThrottle:
    """Wrong passwords and codes per (account name, client address), in memory, per process.

    ``max_failures`` of them lock that pair for ``duration``; each further lock of the same pair
    lasts twice as long as the one before (up to ``longest``), until a full login from it. Another
    address (the therapist's) is not affected: the account-wide lock in the database is set higher.
    The key is a hash, so the memory holds neither the name nor the address in clear.
    """

    def __init__(
        self,
        max_failures: int,
        duration: float,
        longest: float = 24 * 3600,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.duration = duration
        self.longest = longest
        self.clock = clock
        self._salt = secrets.token_bytes(16)
        # key -> [failures since the last lock, locks so far, locked until, last event]
        self._state: Dict[str, list] = {}

    def key(self, username: str, address: str) -> str:
        """The pair's key: a salted hash of the (case-folded) name and the address."""
        raw = f"{(username or '').strip().casefold()}\x00{address}".encode()
        return hashlib.sha256(self._salt + raw).hexdigest()

    def locked(self, key: str) -> bool:
        """Whether the pair is locked now."""
        state = self._state.get(key)
        return state is not None and state[2] > self.clock()

    def failed(self, key: str) -> bool:
        """Count a wrong password or code; True when it locks the pair."""
        now = self.clock()
        state = self._state.setdefault(key, [0, 0, 0.0, now])
        state[0] += 1
        state[3] = now
        if state[0] < self.max_failures:
            return False
        state[0] = 0
        state[2] = now + min(self.longest, self.duration * (2 ** state[1]))
        state[1] += 1
        self._forget_idle(now)
        return True

    def succeeded(self, key: str) -> None:
        """A full login from the pair: forget its failures and locks."""
        self._state.pop(key, None)

    def _forget_idle(self, now: float) -> None:
        if len(self._state) > 10_000:
            for stale in [k for k, v in self._state.items() if v[2] <= now and now - v[3] > self.longest]:
                del self._state[stale]
