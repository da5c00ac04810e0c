"""The inbox's rules, one by one: reply due dates, the three states, accounts (hashes, lockout,
sessions, TOTP), set-password on the command line, the inbox's helpers and settings.

A SQLite file in tmp_path stands in for the enquiry database; nothing touches the network.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import select

from assistant.enquiries.accounts import (
    STAGE_OK,
    AdminAccounts,
    Lockout,
    LoginResult,
    PasswordRejected,
    check_new_password,
    token_hash,
)
from assistant.enquiries.admin import EXIT_CANCELLED, EXIT_OK, EXIT_USAGE, run
from assistant.enquiries.config import load_config
from assistant.enquiries.models import AdminSession, AdminUser
from assistant.enquiries.records import EnquiryRecord, reply_due
from assistant.enquiries.store import EnquiryStore
from assistant.settings import SettingsError
from assistant.web.admin.security import LoginThrottle, OpaqueIds, RateLimiter, host_name, is_loopback_host
from assistant.web.config import WebConfigError, load_web_config

PASSWORD = "a perfectly long password"
UTC = timezone.utc


@pytest.fixture
def store(tmp_path: Path):
    store = EnquiryStore(config=load_config({"DATABASE_URL": f"sqlite:///{tmp_path / 'e.db'}"}))
    yield store
    store.dispose()


# -- the reply time and the inbox's states ------------------------------------------------------


@pytest.mark.parametrize(
    "received, days, due",
    [
        (datetime(2026, 11, 30, 9, 0, tzinfo=UTC), 2, datetime(2026, 12, 2, 9, 0, tzinfo=UTC)),  # Mon -> Wed
        (datetime(2026, 12, 3, 15, 0, tzinfo=UTC), 2, datetime(2026, 12, 7, 15, 0, tzinfo=UTC)),  # Thu -> Mon
        (datetime(2026, 12, 4, 18, 0, tzinfo=UTC), 1, datetime(2026, 12, 7, 18, 0, tzinfo=UTC)),  # Fri -> Mon
        (datetime(2026, 12, 5, 11, 0, tzinfo=UTC), 2, datetime(2026, 12, 9, 0, 0, tzinfo=UTC)),  # Sat -> Wed
        (datetime(2026, 11, 30, 9, 0, tzinfo=UTC), 0, datetime(2026, 11, 30, 9, 0, tzinfo=UTC)),
    ],
)
def test_reply_due_counts_working_days(received: datetime, days: int, due: datetime) -> None:
    assert reply_due(received, days) == due


def _record(**changes: object) -> EnquiryRecord:
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    base = EnquiryRecord(
        reference="TN-2345",
        created_at=now,
        route="individual",
        name="x",
        contact_method="email",
        email=None,
        phone=None,
        who_for="me",
        availability=None,
        message=None,
        consent_text="ok",
        consent_at=now,
        sender_id=None,
        handled_at=None,
        notification="pending",
        notification_attempts=0,
        notified_at=None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_status_and_overdue() -> None:
    later = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    assert _record().status == "new"
    assert _record(read_at=later).status == "read"
    assert _record(read_at=later, handled_at=later).status == "handled"
    assert _record().reply_overdue(2, later)
    assert not _record().reply_overdue(2, datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    assert not _record(handled_at=later).reply_overdue(2, later), "a handled enquiry is never overdue"


# -- accounts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["short", "therapist", "x" * 1025])
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(PasswordRejected):
        check_new_password(password, "therapist" if password != "therapist" else "Therapist")


def test_only_an_argon2id_hash_is_stored(store: EnquiryStore) -> None:
    AdminAccounts(store).set_password("tim", PASSWORD)
    with store.session() as session:
        user = session.execute(select(AdminUser)).scalar_one()
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_lockout_refuses_even_the_right_password_until_it_expires(store: EnquiryStore) -> None:
    accounts = AdminAccounts(store, Lockout(3, timedelta(minutes=15)))
    accounts.set_password("tim", PASSWORD)
    now = datetime.now(UTC)
    results = [accounts.check_password("tim", "wrong password!", now).result for _ in range(3)]
    assert results == [LoginResult.WRONG, LoginResult.WRONG, LoginResult.LOCKED]
    assert accounts.check_password("tim", PASSWORD, now + timedelta(minutes=5)).result is LoginResult.LOCKED
    assert accounts.check_password("tim", PASSWORD, now + timedelta(minutes=16)).result is LoginResult.OK
    assert accounts.check_password("nobody", PASSWORD).result is LoginResult.WRONG


def test_sessions_are_hashed_expire_when_idle_and_end_everywhere(store: EnquiryStore) -> None:
    accounts = AdminAccounts(store)
    accounts.set_password("tim", PASSWORD)
    user = accounts.check_password("tim", PASSWORD).user_id
    assert user is not None
    now = datetime.now(UTC)
    one = accounts.start_session(user, STAGE_OK, now)
    two = accounts.start_session(user, STAGE_OK, now)
    with store.session() as session:
        stored = set(session.execute(select(AdminSession.token_hash)).scalars())
    assert stored == {token_hash(one), token_hash(two)} and one not in stored
    idle, life = timedelta(minutes=30), timedelta(hours=12)
    assert accounts.session_for(one, idle, life, now + timedelta(minutes=29)) is not None
    assert accounts.session_for(one, idle, life, now + timedelta(minutes=58)) is not None  # touched at 29
    assert accounts.session_for(one, idle, life, now + timedelta(minutes=90)) is None
    assert accounts.session_for(two, idle, life, now + timedelta(minutes=31)) is None
    three = accounts.start_session(user, STAGE_OK)
    assert accounts.end_all_sessions(user) == 1
    assert accounts.session_for(three, idle, life) is None


def test_totp_is_confirmed_with_a_code_before_it_is_required(store: EnquiryStore) -> None:
    accounts = AdminAccounts(store)
    accounts.set_password("tim", PASSWORD)
    user = accounts.check_password("tim", PASSWORD).user_id
    assert user is not None
    token = accounts.start_session(user, STAGE_OK)
    secret = accounts.begin_totp(token)
    assert accounts.check_password("tim", PASSWORD).result is LoginResult.OK, "not on until confirmed"
    assert not accounts.confirm_totp(token, "000000", PASSWORD)
    assert not accounts.confirm_totp(token, pyotp.TOTP(secret).now(), "not the password!"), (
        "needs the password"
    )
    assert accounts.confirm_totp(token, pyotp.TOTP(secret).now(), PASSWORD)
    assert accounts.check_password("tim", PASSWORD).result is LoginResult.NEEDS_CODE
    assert accounts.check_code(user, "12345").result is LoginResult.WRONG
    later = datetime.now(UTC) + timedelta(seconds=30)
    code = pyotp.TOTP(secret).at(later)
    assert accounts.check_code(user, code, later).result is LoginResult.OK
    assert accounts.check_code(user, code, later).result is LoginResult.WRONG, "a code is used once"
    used_at_setup = pyotp.TOTP(secret).now()
    assert accounts.check_code(user, used_at_setup).result is LoginResult.WRONG, "older than the last one"
    assert accounts.reset_totp("tim")
    assert accounts.check_password("tim", PASSWORD).result is LoginResult.OK


def test_a_pending_secret_never_replaces_an_active_one_and_turning_it_on_ends_other_sessions(
    store: EnquiryStore,
) -> None:
    accounts = AdminAccounts(store)
    accounts.set_password("tim", PASSWORD)
    user = accounts.check_password("tim", PASSWORD).user_id
    assert user is not None
    idle, life = timedelta(minutes=30), timedelta(hours=12)
    old, other, new = (accounts.start_session(user, STAGE_OK) for _ in range(3))
    stale = accounts.begin_totp(old)  # set up in one tab, never confirmed
    active = accounts.begin_totp(new)
    assert accounts.confirm_totp(new, pyotp.TOTP(active).now(), PASSWORD)
    assert accounts.session_for(new, idle, life) is not None, "the session that turned it on stays"
    assert accounts.session_for(other, idle, life) is None, "every other session ends"
    assert accounts.session_for(old, idle, life) is None
    # Even a session still holding a pending secret cannot swap the active one.
    again = accounts.start_session(user, STAGE_OK)
    stale = accounts.begin_totp(again)
    assert not accounts.confirm_totp(again, pyotp.TOTP(stale).now(), PASSWORD)
    with store.session() as session:
        assert session.execute(select(AdminUser)).scalar_one().totp_secret == active


def test_wrong_codes_survive_a_right_password_until_a_right_code(store: EnquiryStore) -> None:
    accounts = AdminAccounts(store, Lockout(5, timedelta(minutes=15)))
    accounts.set_password("tim", PASSWORD)
    user = accounts.check_password("tim", PASSWORD).user_id
    assert user is not None
    token = accounts.start_session(user, STAGE_OK)
    secret = accounts.begin_totp(token)
    assert accounts.confirm_totp(token, pyotp.TOTP(secret).now(), PASSWORD)
    assert [accounts.check_code(user, "000000").result for _ in range(4)] == [LoginResult.WRONG] * 4
    assert accounts.check_password("tim", PASSWORD).result is LoginResult.NEEDS_CODE
    assert accounts.check_code(user, "000000").result is LoginResult.LOCKED
    assert accounts.check_password("tim", PASSWORD).result is LoginResult.LOCKED
    later = datetime.now(UTC) + timedelta(minutes=16)
    assert accounts.check_password("tim", PASSWORD, later).result is LoginResult.NEEDS_CODE
    assert accounts.check_code(user, pyotp.TOTP(secret).at(later), later).result is LoginResult.OK


def test_a_locked_account_costs_a_hash_check_and_is_named(store: EnquiryStore, monkeypatch) -> None:
    from assistant.enquiries import accounts as module

    accounts = AdminAccounts(store, Lockout(2, timedelta(minutes=15)))
    accounts.set_password("tim", PASSWORD)
    for _ in range(2):
        accounts.check_password("tim", "wrong password!")
    calls: list = []
    real = module._verify
    monkeypatch.setattr(module, "_verify", lambda h, p: calls.append(h) or real(h, p))
    locked = accounts.check_password("tim", PASSWORD)
    assert locked.result is LoginResult.LOCKED and locked.username == "tim" and locked.user_id is None
    assert len(calls) == 1
    assert accounts.check_password("tim", PASSWORD, blocked=True).result is LoginResult.LOCKED
    assert len(calls) == 2, "a client's own lock costs a hash check too"


def test_a_known_device_token_passes_the_account_lock_only_while_valid(store: EnquiryStore) -> None:
    accounts = AdminAccounts(store, Lockout(2, timedelta(minutes=15)))
    accounts.set_password("tim", PASSWORD)
    user = accounts.check_password("tim", PASSWORD).user_id
    assert user is not None
    device = accounts.device_token(user)
    for _ in range(2):
        accounts.check_password("tim", "wrong password!")
    assert accounts.check_password("tim", PASSWORD).result is LoginResult.LOCKED
    assert (
        accounts.check_password(
            "tim", PASSWORD, device=device[:-1] + ("1" if device.endswith("0") else "0")
        ).result
        is LoginResult.LOCKED
    )
    assert accounts.check_password("tim", PASSWORD, device=device).result is LoginResult.OK
    assert accounts.check_password("tim", PASSWORD, device=device, blocked=True).result is LoginResult.LOCKED
    accounts.set_password("tim", PASSWORD + "!")
    assert accounts.check_password("tim", PASSWORD + "!", device=device).result is LoginResult.OK
    for _ in range(2):
        accounts.check_password("tim", "wrong password!")
    assert accounts.check_password("tim", PASSWORD + "!", device=device).result is LoginResult.LOCKED, (
        "a new password revokes the old devices"
    )


def test_the_login_throttle_locks_one_pair_for_longer_each_time() -> None:
    now = [0.0]
    throttle = LoginThrottle(3, 60.0, clock=lambda: now[0])
    attacker, therapist = throttle.key("Therapist", "203.0.113.7"), throttle.key("therapist", "198.51.100.2")
    assert throttle.key("therapist", "203.0.113.7") == attacker and "203.0" not in attacker
    assert [throttle.failed(attacker) for _ in range(3)] == [False, False, True]
    assert throttle.locked(attacker) and not throttle.locked(therapist)
    now[0] = 61
    assert not throttle.locked(attacker)
    assert [throttle.failed(attacker) for _ in range(3)] == [False, False, True]
    now[0] = 61 + 119
    assert throttle.locked(attacker), "the second lock lasts twice as long"
    now[0] = 61 + 121
    assert not throttle.locked(attacker)
    throttle.succeeded(attacker)
    assert not throttle.failed(attacker)


def test_the_audit_log_keeps_who_what_reference_and_when(store: EnquiryStore) -> None:
    accounts = AdminAccounts(store)
    accounts.audit("tim", "view", "TN-2345")
    entry = accounts.recent_audit()[0]
    assert (entry.username, entry.action, entry.reference) == ("tim", "view", "TN-2345")
    assert entry.at.tzinfo is not None


# -- set-password on the command line -------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_set_password_asks_twice_on_a_terminal(store: EnquiryStore) -> None:
    out, err = io.StringIO(), io.StringIO()
    answers = iter([PASSWORD, PASSWORD])
    code = run(["set-password"], store, out, err, Terminal(), prompt=lambda _: next(answers))
    assert code == EXIT_OK and "account therapist created" in out.getvalue()
    assert PASSWORD not in out.getvalue() + err.getvalue()


def test_set_password_refuses_differing_answers_a_pipe_and_a_weak_password(tmp_path: Path) -> None:
    def fresh() -> EnquiryStore:
        return EnquiryStore(config=load_config({"DATABASE_URL": f"sqlite:///{tmp_path / 'e.db'}"}))

    answers = iter([PASSWORD, PASSWORD + "!"])
    err = io.StringIO()
    assert (
        run(["set-password"], fresh(), io.StringIO(), err, Terminal(), prompt=lambda _: next(answers))
        == EXIT_CANCELLED
    )
    assert "differ" in err.getvalue()
    assert run(["set-password"], fresh(), io.StringIO(), io.StringIO(), io.StringIO("")) == EXIT_CANCELLED
    err = io.StringIO()
    code = run(["set-password", "--password-stdin"], fresh(), io.StringIO(), err, io.StringIO("short\n"))
    assert code == EXIT_USAGE and "at least 12" in err.getvalue()
    code = run(
        ["set-password", "--password-stdin"],
        fresh(),
        io.StringIO(),
        io.StringIO(),
        io.StringIO(PASSWORD + "\n"),
    )
    assert code == EXIT_OK


# -- the inbox's helpers and settings ---------------------------------------------------------------


@pytest.mark.parametrize(
    "host, loopback",
    [
        ("127.0.0.1:8080", True),
        ("localhost", True),
        ("[::1]:80", True),
        ("127.3.4.5", True),
        ("chat.example.org", False),
        ("10.0.0.1:8080", False),
        ("", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback_host(host_name(host)) is loopback


def test_opaque_ids_depend_on_the_session() -> None:
    ids = OpaqueIds(b"k" * 32)
    one = ids.make("session-one", "TN-2345")
    assert "2345" not in one and len(one) == 24
    assert ids.find("session-one", one, ["TN-9999", "TN-2345"]) == "TN-2345"
    assert ids.find("session-two", one, ["TN-2345"]) is None


def test_the_rate_limiter_forgets_after_its_window() -> None:
    limiter = RateLimiter(2, window=60)
    assert limiter.allow("a", 0) and limiter.allow("a", 1) and not limiter.allow("a", 2)
    assert limiter.allow("b", 2)
    assert limiter.allow("a", 61.5)
    assert RateLimiter(0).allow("a")


def test_web_settings_for_the_inbox_and_embedding() -> None:
    config = load_web_config(
        {"EMBED_ORIGINS": "https://www.Site.example, http://127.0.0.1:8001/", "ADMIN_IDLE_SECONDS": "5"}
    )
    assert config.embed_origins == ("https://www.site.example", "http://127.0.0.1:8001")
    assert config.admin_idle_seconds == 5
    with pytest.raises(WebConfigError):
        load_web_config({"EMBED_ORIGINS": "https://site.example/page"})
    with pytest.raises(WebConfigError):
        load_web_config({"ADMIN_MAX_FAILURES": "0"})


def test_public_base_url_is_checked() -> None:
    assert (
        load_config({"PUBLIC_BASE_URL": "https://chat.example.org/"}).public_base_url
        == "https://chat.example.org"
    )
    for bad in ("chat.example.org", "https://user:pw@chat.example.org", "https://chat.example.org/?a=1"):
        with pytest.raises(SettingsError):
            load_config({"PUBLIC_BASE_URL": bad})


def test_same_origin_compares_hosts_not_schemes() -> None:
    from aiohttp.test_utils import make_mocked_request

    from assistant.web.admin.security import same_origin

    def post(origin: str | None, **headers: str) -> bool:
        extra = {"Host": "chat.example.org", **headers}
        if origin is not None:
            extra["Origin"] = origin
        return same_origin(
            make_mocked_request("POST", "/admin/login", headers=extra), "https://inbox.example.org"
        )

    assert post("https://chat.example.org") and post("http://chat.example.org") and post(None)
    assert post("https://inbox.example.org")
    forged = {"X-Forwarded-Host": "evil.example"}
    assert not post("https://evil.example", **forged), "X-Forwarded-Host is anyone's to send"
    assert (
        not post("https://evil.example")
        and not post("null")
        and not post("https://chat.example.org.evil.example")
    )


def test_secure_cookies_are_read_only_under_the_host_prefix() -> None:
    from aiohttp.test_utils import make_mocked_request

    from assistant.web.admin.security import read_cookie

    planted = make_mocked_request("GET", "/admin/", headers={"Cookie": "inbox_session=planted"})
    assert read_cookie(planted, "inbox_session", secure=True) == "", "a sibling subdomain could set it"
    assert read_cookie(planted, "inbox_session", secure=False) == "planted"
    real = make_mocked_request("GET", "/admin/", headers={"Cookie": "__Host-inbox_session=real"})
    assert read_cookie(real, "inbox_session", secure=True) == "real"
