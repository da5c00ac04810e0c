"""The inbox's smaller protections (review findings 8 and 11): a HEAD of an enquiry's page changes
nothing and writes no audit row; HSTS on every inbox response when cookies are Secure, never on
plain http to loopback.
"""

from __future__ import annotations

from typing import Callable

from aiohttp.test_utils import TestClient

from assistant.enquiries.accounts import AdminAccounts
from assistant.enquiries.store import EnquiryStore
from tests.integration.support import TrackerDB, enquiry
from tests.integration.test_admin_web import PASSWORD, USER, detail_links, inbox_page, log_in, run


def test_a_head_request_neither_marks_read_nor_audits(
    make_store: Callable[..., EnquiryStore], sqlite_url: str, tracker: TrackerDB
) -> None:
    store = make_store(sqlite_url)
    AdminAccounts(store).set_password(USER, PASSWORD)
    reference = store.create(enquiry(), "key-head").reference

    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        await log_in(client)
        link = detail_links(await inbox_page(client))[0]
        head = await client.head(link)
        assert head.status == 200
        record = store.get(reference)
        assert record is not None and record.read_at is None and record.status == "new"
        assert "view" not in [e.action for e in AdminAccounts(store).recent_audit()]
        assert (await client.get(link)).status == 200
        record = store.get(reference)
        assert record is not None and record.status == "read", "a GET still marks it read"

    run(store, scenario)


def test_hsts_when_cookies_are_secure_and_not_on_loopback_http(
    make_store: Callable[..., EnquiryStore], sqlite_url: str, tracker: TrackerDB
) -> None:
    local = make_store(sqlite_url)

    async def plain(client: TestClient, store: EnquiryStore) -> None:
        page = await client.get("/admin/login")
        assert "Strict-Transport-Security" not in page.headers

    run(local, plain)
    public = make_store(sqlite_url, PUBLIC_BASE_URL="https://chat.example.org")

    async def behind_tls(client: TestClient, store: EnquiryStore) -> None:
        for path in ("/admin/login", "/admin/", "/admin/admin.css"):
            response = await client.get(path, allow_redirects=False)
            assert response.headers["Strict-Transport-Security"].startswith("max-age="), path
            assert int(response.headers["Strict-Transport-Security"].split("=")[1]) >= 15_552_000
        chat_page = await client.get("/")
        assert "Strict-Transport-Security" not in chat_page.headers, "only the inbox's responses"

    run(public, behind_tls)


def test_a_user_at_the_code_step_can_log_out(
    make_store: Callable[..., EnquiryStore], sqlite_url: str, tracker: TrackerDB
) -> None:
    import re

    import pyotp

    store = make_store(sqlite_url)
    accounts = AdminAccounts(store)
    accounts.set_password(USER, PASSWORD)
    check = accounts.check_password(USER, PASSWORD)
    assert check.user_id is not None
    token = accounts.start_session(check.user_id, "ok")
    secret = accounts.begin_totp(token)
    assert accounts.confirm_totp(token, pyotp.TOTP(secret).now(), PASSWORD)
    accounts.end_all_sessions(check.user_id)

    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        first = await log_in(client)
        assert first.headers["Location"] == "/admin/login/code"
        form = await (await client.get("/admin/login/code")).text()
        assert 'action="/admin/logout"' in form
        csrf = re.search(r'name="csrf" value="([^"]+)"', form)
        assert csrf
        out = await client.post("/admin/logout", data={"csrf": csrf[1]}, allow_redirects=False)
        assert out.status == 200 and "You have logged out." in await out.text()
        assert (await client.get("/admin/login/code", allow_redirects=False)).status == 303
        with store.session() as session:
            from assistant.enquiries.models import AdminSession

            assert session.query(AdminSession).count() == 0, "the half-open session is gone"

    run(store, scenario)
