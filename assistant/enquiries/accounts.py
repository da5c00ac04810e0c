"""The therapist's accounts for the web inbox: passwords, TOTP, sessions, lockout and the audit log.

Passwords are kept only as Argon2id hashes (``argon2-cffi``). A session's cookie holds a random
token; the database holds its SHA-256, so a copy of the database opens no session. Every
failed password or code counts towards a lockout of the whole account (the web front sets its
threshold above the per-address lock it keeps itself, so one attacker cannot reach it); while the
account is locked the right password is refused except from a browser holding a known-device
token (:meth:`AdminAccounts.device_token`, issued at a successful login). A right password with a
code still due clears nothing: only a full login does. A locked account and an unknown name cost
the same hash check as a wrong password. The audit log records who did what to which reference and when,
never what an enquiry says. Everything goes through the enquiry store's engine and its
:meth:`EnquiryStore.guarded` (database errors become :class:`StoreUnavailable`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import List

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select

from assistant.enquiries.models import AdminAudit, AdminSession, AdminUser, utcnow
from assistant.enquiries.store import EnquiryStore

logger = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
USERNAME_MAX = 64
STAGE_TOTP = "totp"
STAGE_OK = "ok"
TOTP_ISSUER = "Enquiry inbox"

_hasher = PasswordHasher()  # Argon2id, argon2-cffi's RFC 9106 "low memory" profile


class PasswordRejected(ValueError):
    """A new password that is not acceptable (the message says why, never what it was)."""


class LoginResult(Enum):
    """The outcome of a password or code check."""

    OK = "ok"
    NEEDS_CODE = "needs_code"
    WRONG = "wrong"
    LOCKED = "locked"


@dataclass(frozen=True)
class LoginCheck:
    """A login step's result; ``user_id`` only on success."""

    result: LoginResult
    user_id: int | None = None
    username: str | None = None


@dataclass(frozen=True)
class SessionInfo:
    """A live session as the web front sees it."""

    user_id: int
    username: str
    stage: str
    csrf_token: str
    created_at: datetime
    has_totp: bool
    totp_pending: str | None


@dataclass(frozen=True)
class AuditEntry:
    """One row of the audit log."""

    at: datetime
    username: str
    action: str
    reference: str | None
    detail: str | None


@dataclass(frozen=True)
class Lockout:
    """How many wrong passwords or codes lock an account, and for how long."""

    max_failures: int = 5
    duration: timedelta = timedelta(minutes=15)


# A known-device token stays good this long (the browser keeps the cookie as long).
DEVICE_LIFETIME = timedelta(days=90)


def token_hash(token: str) -> str:
    """What the database keeps of a session token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_new_password(password: str, username: str) -> None:
    """Raise :class:`PasswordRejected` for a password too short, too long or equal to the user name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRejected(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordRejected(f"the password must be at most {MAX_PASSWORD_LENGTH} characters long")
    if password.strip().lower() == username.strip().lower():
        raise PasswordRejected("the password must not be the user name")


def check_username(username: str) -> str:
    """A user name as stored: stripped, 1-64 printable characters with no spaces."""
    name = (username or "").strip()
    if not name or len(name) > USERNAME_MAX or not name.isprintable() or " " in name:
        raise ValueError("a user name is 1-64 characters, with no spaces")
    return name


def totp_uri(secret: str, username: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=TOTP_ISSUER)


def new_totp_secret() -> str:
    """A fresh base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(32)


def _code_step(secret: str, code: str, now: datetime | None = None) -> int | None:
    """The time step (30-second window) whose code ``code`` is, this one or either neighbour, or None."""
    digits = "".join(ch for ch in (code or "") if not ch.isspace())
    if not (digits.isdigit() and len(digits) == 6):
        return None
    totp = pyotp.TOTP(secret)
    moment = now or utcnow()
    current = totp.timecode(moment)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


# An Argon2 hash checked when the user name is unknown, so both cases take the same time.
_DUMMY_HASH: List[str] = []


def _dummy_hash() -> str:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(_hasher.hash(secrets.token_urlsafe(16)))
    return _DUMMY_HASH[0]


class AdminAccounts:
    """Accounts, sessions and the audit log, in the enquiry database."""

    def __init__(self, store: EnquiryStore, lockout: Lockout | None = None) -> None:
        self.store = store
        self.lockout = lockout or Lockout()

    # -- accounts ------------------------------------------------------------------------------

    def has_users(self) -> bool:
        """Whether any account exists (the login page says how to create one when none does)."""

        def run() -> bool:
            with self.store.session() as session:
                return session.execute(select(AdminUser.id).limit(1)).first() is not None

        return self.store.guarded("admin users", run)

    def set_password(self, username: str, password: str, now: datetime | None = None) -> bool:
        """Create the account or change its password; True when it was created.

        Changing a password ends every session of the account and lifts a lockout.
        """
        name = check_username(username)
        check_new_password(password, name)
        hashed = _hasher.hash(password)
        moment = now or utcnow()

        def run() -> bool:
            with self.store.session() as session:
                user = session.execute(
                    select(AdminUser).where(AdminUser.username == name)
                ).scalar_one_or_none()
                created = user is None
                if user is None:
                    user = AdminUser(username=name, created_at=moment, failed_logins=0)
                    session.add(user)
                user.password_hash = hashed
                user.password_changed_at = moment
                user.failed_logins = 0
                user.locked_until = None
                session.flush()
                session.execute(delete(AdminSession).where(AdminSession.user_id == user.id))
                return created

        created = self.store.guarded("set password", run)
        self.audit(name, "account_created" if created else "password_changed")
        return created

    def reset_totp(self, username: str) -> bool:
        """Turn the second factor off (a lost phone); ends the account's sessions. False: no such user."""
        name = check_username(username)

        def run() -> bool:
            with self.store.session() as session:
                user = session.execute(
                    select(AdminUser).where(AdminUser.username == name)
                ).scalar_one_or_none()
                if user is None:
                    return False
                user.totp_secret = None
                user.totp_last_step = None
                session.execute(delete(AdminSession).where(AdminSession.user_id == user.id))
                return True

        found = self.store.guarded("reset totp", run)
        if found:
            self.audit(name, "totp_removed")
        return found

    def check_password(
        self,
        username: str,
        password: str,
        now: datetime | None = None,
        *,
        blocked: bool = False,
        device: str = "",
    ) -> LoginCheck:
        """The first login step.

        WRONG for an unknown name or a wrong password, LOCKED when ``blocked`` (the caller's lock of
        this client) or the account is locked and ``device`` is not a known-device token of it.
        Every path costs one Argon2 check, so none is faster than another. The user name is given
        back for an existing account (the audit log names the account attempted). A right password
        with a code still due leaves the failure count alone: only a full login clears it.
        """
        moment = now or utcnow()
        name = (username or "").strip()

        def run() -> LoginCheck:
            with self.store.session() as session:
                user = session.execute(
                    select(AdminUser).where(AdminUser.username == name)
                ).scalar_one_or_none()
                if user is None:
                    _verify(_dummy_hash(), password)
                    return LoginCheck(LoginResult.WRONG)
                if blocked or (self._locked(user, moment) and not _device_ok(user, device, moment)):
                    _verify(_dummy_hash(), password)
                    return LoginCheck(LoginResult.LOCKED, username=user.username)
                if not _verify(user.password_hash, password):
                    return self._failed(user, moment)
                if _hasher.check_needs_rehash(user.password_hash):
                    user.password_hash = _hasher.hash(password)
                if user.totp_secret:
                    return LoginCheck(LoginResult.NEEDS_CODE, user.id, user.username)
                _succeeded(user)
                return LoginCheck(LoginResult.OK, user.id, user.username)

        return self.store.guarded("check password", run)

    def check_code(
        self,
        user_id: int,
        code: str,
        now: datetime | None = None,
        *,
        blocked: bool = False,
        device: str = "",
    ) -> LoginCheck:
        """The second login step: a TOTP code (wrong codes count towards the lockout; the right one
        clears it). ``blocked`` and ``device`` as for :meth:`check_password`."""
        moment = now or utcnow()

        def run() -> LoginCheck:
            with self.store.session() as session:
                user = session.get(AdminUser, user_id)
                if user is None or not user.totp_secret:
                    return LoginCheck(LoginResult.WRONG)
                if blocked or (self._locked(user, moment) and not _device_ok(user, device, moment)):
                    return LoginCheck(LoginResult.LOCKED, username=user.username)
                step = _code_step(user.totp_secret, code, moment)
                if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
                    return self._failed(user, moment)  # wrong, or a code already used (a replay)
                user.totp_last_step = step
                _succeeded(user)
                return LoginCheck(LoginResult.OK, user.id, user.username)

        return self.store.guarded("check code", run)

    def device_token(self, user_id: int, now: datetime | None = None) -> str:
        """A known-device token for a browser that just logged in (signed with a key derived from
        the account's password hash, so a new password revokes every one). Empty: no such user."""
        moment = now or utcnow()

        def run() -> str:
            with self.store.session() as session:
                user = session.get(AdminUser, user_id)
                return _device_sign(user, int(moment.timestamp())) if user is not None else ""

        return self.store.guarded("device token", run)

    @staticmethod
    def _locked(user: AdminUser, moment: datetime) -> bool:
        return user.locked_until is not None and user.locked_until > moment

    def _failed(self, user: AdminUser, moment: datetime) -> LoginCheck:
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= self.lockout.max_failures:
            user.locked_until = moment + self.lockout.duration
            user.failed_logins = 0
            logger.warning("admin account locked after %d failed attempts", self.lockout.max_failures)
            return LoginCheck(LoginResult.LOCKED, username=user.username)
        return LoginCheck(LoginResult.WRONG, username=user.username)

    # -- sessions ------------------------------------------------------------------------------

    def start_session(self, user_id: int, stage: str, now: datetime | None = None) -> str:
        """A new session; returns the token for the cookie (only its hash is stored)."""
        token = secrets.token_urlsafe(32)
        moment = now or utcnow()

        def run() -> None:
            with self.store.session() as session:
                session.add(
                    AdminSession(
                        token_hash=token_hash(token),
                        user_id=user_id,
                        stage=stage,
                        csrf_token=secrets.token_urlsafe(32),
                        created_at=moment,
                        last_seen_at=moment,
                    )
                )

        self.store.guarded("start session", run)
        return token

    def session_for(
        self, token: str, idle: timedelta, lifetime: timedelta, now: datetime | None = None
    ) -> SessionInfo | None:
        """The live session for a cookie's token (its idle clock restarted), or None.

        A session idle for ``idle`` or older than ``lifetime`` is deleted and None returned.
        """
        if not token or len(token) > 100:
            return None
        moment = now or utcnow()
        key = token_hash(token)

        def run() -> SessionInfo | None:
            with self.store.session() as session:
                row = session.execute(
                    select(AdminSession, AdminUser)
                    .join(AdminUser, AdminUser.id == AdminSession.user_id)
                    .where(AdminSession.token_hash == key)
                ).first()
                if row is None:
                    return None
                live, user = row
                if moment - live.last_seen_at >= idle or moment - live.created_at >= lifetime:
                    session.delete(live)
                    return None
                live.last_seen_at = moment
                return SessionInfo(
                    user_id=user.id,
                    username=user.username,
                    stage=live.stage,
                    csrf_token=live.csrf_token,
                    created_at=live.created_at,
                    has_totp=bool(user.totp_secret),
                    totp_pending=live.totp_pending,
                )

        return self.store.guarded("read session", run)

    def end_session(self, token: str) -> None:
        """Delete one session (log out)."""
        key = token_hash(token)

        def run() -> None:
            with self.store.session() as session:
                session.execute(delete(AdminSession).where(AdminSession.token_hash == key))

        self.store.guarded("end session", run)

    def end_all_sessions(self, user_id: int) -> int:
        """Delete every session of an account (log out everywhere); returns how many."""

        def run() -> int:
            with self.store.session() as session:
                result = session.execute(delete(AdminSession).where(AdminSession.user_id == user_id))
                return int(result.rowcount or 0)

        return self.store.guarded("end sessions", run)

    def end_expired_sessions(self, idle: timedelta, lifetime: timedelta, now: datetime | None = None) -> int:
        """Delete sessions idle or old past their limits."""
        moment = now or utcnow()

        def run() -> int:
            with self.store.session() as session:
                result = session.execute(
                    delete(AdminSession).where(
                        (AdminSession.last_seen_at <= moment - idle)
                        | (AdminSession.created_at <= moment - lifetime)
                    )
                )
                return int(result.rowcount or 0)

        return self.store.guarded("end expired sessions", run)

    def purge_audit(self, before: datetime) -> int:
        """Delete activity-log rows older than ``before`` (the retention cutoff); returns how many."""

        def run() -> int:
            with self.store.session() as session:
                result = session.execute(delete(AdminAudit).where(AdminAudit.at < before))
                return int(result.rowcount or 0)

        return self.store.guarded("purge audit", run)

    # -- the second factor ---------------------------------------------------------------------

    def begin_totp(self, token: str) -> str:
        """A new secret held on this session until a code from it is confirmed; returns the secret."""
        secret = new_totp_secret()
        key = token_hash(token)

        def run() -> None:
            with self.store.session() as session:
                live = session.get(AdminSession, key)
                if live is not None:
                    live.totp_pending = secret

        self.store.guarded("begin totp", run)
        return secret

    def confirm_totp(self, token: str, code: str, password: str) -> bool:
        """Turn the second factor on with the pending secret if ``code`` matches it and ``password``
        is the account's. Refused when the account already has one (a secret left pending by an
        older session must not replace it). On success every other session of the account ends."""
        key = token_hash(token)

        def run() -> bool:
            with self.store.session() as session:
                live = session.get(AdminSession, key)
                if live is None or not live.totp_pending:
                    return False
                user = session.get(AdminUser, live.user_id)
                if user is None or user.totp_secret or not _verify(user.password_hash, password):
                    return False
                step = _code_step(live.totp_pending, code)
                if step is None:
                    return False
                user.totp_secret = live.totp_pending
                user.totp_last_step = step
                live.totp_pending = None
                session.execute(
                    delete(AdminSession).where(
                        AdminSession.user_id == user.id, AdminSession.token_hash != key
                    )
                )
                return True

        return self.store.guarded("confirm totp", run)

    # -- the audit log -------------------------------------------------------------------------

    def audit(
        self,
        username: str,
        action: str,
        reference: str | None = None,
        detail: str | None = None,
        now: datetime | None = None,
    ) -> None:
        """Record one admin action (never an enquiry's content: callers pass a reference or a count)."""
        moment = now or utcnow()

        def run() -> None:
            with self.store.session() as session:
                session.add(
                    AdminAudit(
                        at=moment,
                        username=(username or "-")[:USERNAME_MAX],
                        action=action[:32],
                        reference=reference,
                        detail=detail[:100] if detail else None,
                    )
                )

        self.store.guarded("audit", run)
        logger.info("admin %s%s", action, f" {reference}" if reference else "")

    def recent_audit(self, limit: int = 200) -> List[AuditEntry]:
        """The newest entries of the audit log."""

        def run() -> List[AuditEntry]:
            with self.store.session() as session:
                rows = session.execute(
                    select(AdminAudit).order_by(AdminAudit.at.desc(), AdminAudit.id.desc()).limit(limit)
                ).scalars()
                return [AuditEntry(r.at, r.username, r.action, r.reference, r.detail) for r in rows]

        return self.store.guarded("read audit", run)


def _succeeded(user: AdminUser) -> None:
    user.failed_logins = 0
    user.locked_until = None


def _device_sign(user: AdminUser, issued: int) -> str:
    key = hashlib.sha256(("known-device\x00" + user.password_hash).encode("utf-8")).digest()
    mac = hmac.new(key, f"{user.id}.{issued}".encode(), hashlib.sha256).hexdigest()
    return f"{user.id}.{issued}.{mac}"


def _device_ok(user: AdminUser, token: str, moment: datetime) -> bool:
    """Whether ``token`` is a known-device token of ``user`` that has not expired."""
    parts = (token or "").split(".")
    if len(parts) != 3 or not parts[1].isdigit() or len(token) > 200:
        return False
    issued = int(parts[1])
    if not 0 <= moment.timestamp() - issued <= DEVICE_LIFETIME.total_seconds():
        return False
    return hmac.compare_digest(_device_sign(user, issued), token)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
