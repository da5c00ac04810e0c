"""The inbox's login under attack (findings 1-3 of the security review), over HTTP.

An attacker's wrong passwords lock out the attacker's address, not the therapist at another one
nor a browser holding the known-device cookie; behind a proxy the address is the one the proxy
wrote in X-Forwarded-For (``TRUSTED_PROXY_HOPS``), so one client's attempts do not rate-limit
everyone. A right password with a code still due does not wipe out wrong codes. A locked account
and a wrong password get the same answer, and the locked path still pays for a hash check.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict

import pyotp
import pytest
from aiohttp.test_utils import TestClient

from assistant.enquiries import accounts as accounts_module
from assistant.enquiries.accounts import AdminAccounts
from assistant.enquiries.store import EnquiryStore
from tests.integration.support import TrackerDB
from tests.integration.test_admin_web import PASSWORD, USER, csrf_of, run

ATTACKER = "203.0.113.7"
THERAPIST = "198.51.100.20"


async def log_in_from(
    client: TestClient, address: str, password: str = PASSWORD, user: str = USER, cookies: str = ""
) -> Any:
    """A login from ``address`` as the proxy reports it (X-Forwarded-For), with no cookie jar."""
    client.session.cookie_jar.clear()
    form = await client.get("/admin/login", headers={"X-Forwarded-For": address})
    page = await form.text()
    login_cookie = form.cookies["inbox_login"].value
    return await client.post(
        "/admin/login",
        data={"csrf": csrf_of(page), "username": user, "password": password},
        headers={
            "X-Forwarded-For": address,
            "Cookie": "; ".join(c for c in (f"inbox_login={login_cookie}", cookies) if c),
        },
        allow_redirects=False,
    )


@pytest.fixture
def inbox_store(make_store: Callable[..., EnquiryStore], sqlite_url: str, tracker: TrackerDB) -> EnquiryStore:
    store = make_store(sqlite_url)
    AdminAccounts(store).set_password(USER, PASSWORD)
    return store


@pytest.fixture
def behind_a_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "1")


def test_an_attacker_at_one_address_does_not_lock_out_the_therapist_at_another(
    inbox_store: EnquiryStore, behind_a_proxy: None
) -> None:
    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        for _ in range(5):
            assert (await log_in_from(client, ATTACKER, password="not the password at all")).status == 401
        refused = await log_in_from(client, ATTACKER)
        assert refused.status == 401, "the attacker's address is locked, even with the right password"
        therapist = await log_in_from(client, THERAPIST)
        assert therapist.status == 303 and therapist.headers["Location"] == "/admin/"

    run(inbox_store, scenario, admin_max_failures=3)


def test_the_known_device_cookie_passes_a_lock_of_the_whole_account(
    inbox_store: EnquiryStore, behind_a_proxy: None
) -> None:
    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        first = await log_in_from(client, THERAPIST)
        assert first.status == 303
        device = first.cookies["inbox_device"].value
        assert first.cookies["inbox_device"]["httponly"] and first.cookies["inbox_device"]["max-age"]
        for attacker in range(6):  # many addresses: the account as a whole gets locked
            for _ in range(3):
                await log_in_from(client, f"203.0.113.{attacker + 1}", password="wrong password!!")
        stranger = await log_in_from(client, "192.0.2.99")
        assert stranger.status == 401, "a new device waits out the account's lock"
        forged = await log_in_from(client, "192.0.2.98", cookies=f"inbox_device={device[:-2]}xx")
        assert forged.status == 401
        known = await log_in_from(client, "192.0.2.98", cookies=f"inbox_device={device}")
        assert known.status == 303, "the therapist's own browser gets in with the right password"

    run(inbox_store, scenario, admin_max_failures=3)


def test_the_rate_limit_counts_the_client_behind_the_proxy_not_the_proxy(
    inbox_store: EnquiryStore, behind_a_proxy: None
) -> None:
    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        for _ in range(2):
            await log_in_from(client, ATTACKER, user="nobody", password="x" * 12)
        assert (await log_in_from(client, ATTACKER, user="nobody", password="x" * 12)).status == 429
        assert (await log_in_from(client, THERAPIST)).status == 303

    run(inbox_store, scenario, admin_login_rate=2)


def test_a_forged_forwarded_for_is_ignored_without_trusted_hops(inbox_store: EnquiryStore) -> None:
    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        for n in range(3):
            await log_in_from(client, f"203.0.113.{n}", user="nobody", password="x" * 12)
        assert (await log_in_from(client, THERAPIST)).status == 429, "every request is 127.0.0.1"

    run(inbox_store, scenario, admin_login_rate=2)


def _enable_totp(store: EnquiryStore) -> str:
    accounts = AdminAccounts(store)
    check = accounts.check_password(USER, PASSWORD)
    assert check.user_id is not None
    token = accounts.start_session(check.user_id, "ok")
    secret = accounts.begin_totp(token)
    assert accounts.confirm_totp(token, pyotp.TOTP(secret).now(), PASSWORD)
    return secret


async def _code(client: TestClient, address: str, code: str, form: Dict[str, str]) -> Any:
    return await client.post(
        "/admin/login/code",
        data={"csrf": form["csrf"], "code": code},
        headers={"X-Forwarded-For": address, "Cookie": form["cookie"]},
        allow_redirects=False,
    )


async def _password_then_code_form(client: TestClient, address: str) -> Dict[str, str]:
    first = await log_in_from(client, address)
    assert first.status == 303 and first.headers["Location"] == "/admin/login/code"
    cookie = f"inbox_session={first.cookies['inbox_session'].value}"
    page = await (await client.get("/admin/login/code", headers={"Cookie": cookie})).text()
    return {"csrf": csrf_of(page), "cookie": cookie}


def test_wrong_codes_are_not_forgotten_when_the_password_is_typed_again(
    inbox_store: EnquiryStore, behind_a_proxy: None
) -> None:
    _enable_totp(inbox_store)

    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        form = await _password_then_code_form(client, ATTACKER)
        for _ in range(4):
            assert (await _code(client, ATTACKER, "000000", form)).status == 401
        form = await _password_then_code_form(client, ATTACKER)  # the right password again
        locked = await _code(client, ATTACKER, "000000", form)
        assert "Log in" in await locked.text() and locked.status == 401
        again = await log_in_from(client, ATTACKER)
        assert again.status == 401, "locked: the password step refuses this address now"

    run(inbox_store, scenario)
    with inbox_store.session() as session:
        from assistant.enquiries.models import AdminUser

        assert session.query(AdminUser).one().failed_logins == 5


def test_code_posts_are_rate_limited(inbox_store: EnquiryStore, behind_a_proxy: None) -> None:
    _enable_totp(inbox_store)

    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        form = await _password_then_code_form(client, ATTACKER)  # one attempt of three
        assert (await _code(client, ATTACKER, "000000", form)).status == 401
        assert (await _code(client, ATTACKER, "000000", form)).status == 401
        assert (await _code(client, ATTACKER, "000000", form)).status == 429

    run(inbox_store, scenario, admin_login_rate=3)


def test_a_locked_account_answers_like_a_wrong_password_and_like_an_unknown_name(
    inbox_store: EnquiryStore, behind_a_proxy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified: list = []
    real_verify = accounts_module._verify
    monkeypatch.setattr(
        accounts_module,
        "_verify",
        lambda hashed, password: verified.append(1) or real_verify(hashed, password),
    )
    answers: Dict[str, tuple] = {}

    def strip(page: str) -> str:
        return re.sub(r'value="[^"]*"', "", page)

    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        unknown = await log_in_from(client, ATTACKER, user="nobody-here")
        answers["unknown"] = (unknown.status, strip(await unknown.text()).replace("nobody-here", USER))
        wrong = await log_in_from(client, ATTACKER, password="not the password at all")
        answers["wrong"] = (wrong.status, strip(await wrong.text()))
        for _ in range(4):
            await log_in_from(client, ATTACKER, password="not the password at all")
        verified.clear()
        locked = await log_in_from(client, ATTACKER, password="not the password at all")
        answers["locked"] = (locked.status, strip(await locked.text()))
        assert verified, "a locked account still costs a hash check"

    run(inbox_store, scenario)
    assert answers["unknown"] == answers["wrong"] == answers["locked"]
    assert answers["wrong"][0] == 401
    entries = AdminAccounts(inbox_store).recent_audit()
    locked_rows = [e for e in entries if e.action == "login_locked"]
    assert locked_rows and all(e.username == USER for e in locked_rows), "the account attempted is named"
    assert all("not the password" not in (e.detail or "") for e in entries)
