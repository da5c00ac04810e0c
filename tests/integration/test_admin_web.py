"""The therapist's inbox over HTTP (aiohttp's test client, a SQLite store, no Rasa, no browser).

Every admin route refuses anonymous requests; CSRF and origin checks; cookie flags; headers;
lockout; idle expiry; TOTP; logout everywhere; the audit log holds no content; no enquiry data
in any URL; the cross-origin rules of the chat API and the widget's files.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import re
import time
from dataclasses import replace
from datetime import timedelta
from typing import Any, Awaitable, Callable, Dict, List, Tuple

import pyotp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from assistant.enquiries.accounts import AdminAccounts
from assistant.enquiries.models import utcnow
from assistant.enquiries.store import EnquiryStore
from assistant.web.app import create_app
from assistant.web.config import WebConfig
from tests.integration.support import TrackerDB, enquiry

PASSWORD = "correct horse battery staple"
USER = "therapist"
SECRET_MESSAGE = "My partner found the chats on my phone"

# (method, path) of every admin route; {id} is replaced by a real opaque id where it matters.
ADMIN_ROUTES: List[Tuple[str, str]] = [
    ("GET", "/admin/"),
    ("GET", "/admin/login/code"),
    ("POST", "/admin/login/code"),
    ("POST", "/admin/logout"),
    ("POST", "/admin/logout-all"),
    ("POST", "/admin/search"),
    ("POST", "/admin/export"),
    ("GET", "/admin/enquiry/{id}"),
    ("POST", "/admin/enquiry/{id}/handled"),
    ("GET", "/admin/enquiry/{id}/erase"),
    ("POST", "/admin/enquiry/{id}/erase"),
    ("GET", "/admin/purge"),
    ("POST", "/admin/purge"),
    ("GET", "/admin/security"),
    ("POST", "/admin/security/totp"),
    ("POST", "/admin/security/totp/confirm"),
    ("GET", "/admin/audit"),
    ("GET", "/admin/anything-else"),
    ("PUT", "/admin/"),
]


def web_config(**changes: Any) -> WebConfig:
    return replace(WebConfig(admin_login_delay=0.0, rasa_url="http://127.0.0.1:9"), **changes)


Scenario = Callable[[TestClient, EnquiryStore], Awaitable[None]]


def run(store: EnquiryStore, scenario: Scenario, **changes: Any) -> None:
    async def main() -> None:
        app = create_app(web_config(**changes), store=store)
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            await scenario(client, store)

    asyncio.run(main())


@pytest.fixture
def inbox_store(make_store: Callable[..., EnquiryStore], sqlite_url: str, tracker: TrackerDB) -> EnquiryStore:
    store = make_store(sqlite_url)
    AdminAccounts(store).set_password(USER, PASSWORD)
    return store


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, "the page has a CSRF field"
    return match[1]


async def log_in(client: TestClient, user: str = USER, password: str = PASSWORD) -> Any:
    form = await client.get("/admin/login")
    page = await form.text()
    # A Secure cookie is never sent back over the tests' plain http: hand it over explicitly.
    cookie = [c.split(";", 1)[0] for c in form.headers.getall("Set-Cookie") if c.startswith("__Host-")]
    return await client.post(
        "/admin/login",
        data={"csrf": csrf_of(page), "username": user, "password": password},
        headers={"Cookie": cookie[0]} if cookie else {},
        allow_redirects=False,
    )


async def inbox_page(client: TestClient) -> str:
    response = await client.get("/admin/")
    assert response.status == 200
    return await response.text()


def detail_links(page: str) -> List[str]:
    return re.findall(r'href="(/admin/enquiry/[0-9a-f]{24})"', page)


def test_every_admin_route_refuses_an_anonymous_request(inbox_store: EnquiryStore) -> None:
    reference = inbox_store.create(enquiry(message=SECRET_MESSAGE), "key-anon").reference

    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        await log_in(client)
        real_id = detail_links(await inbox_page(client))[0].rsplit("/", 1)[1]
        client.session.cookie_jar.clear()
        for method, path in ADMIN_ROUTES:
            response = await client.request(method, path.format(id=real_id), allow_redirects=False)
            body = await response.text()
            assert response.status in (303, 401), (method, path, response.status)
            if response.status == 303:
                assert response.headers["Location"] == "/admin/login"
            assert reference not in body and "Sam Example" not in body and SECRET_MESSAGE not in body
            assert response.headers["Cache-Control"] == "no-store"

    run(inbox_store, scenario)


def test_login_sets_a_strict_cookie_and_the_pages_have_strict_headers(inbox_store: EnquiryStore) -> None:
    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        response = await log_in(client)
        assert response.status == 303 and response.headers["Location"] == "/admin/"
        cookie = response.headers.getall("Set-Cookie")
        session = [c for c in cookie if c.startswith("inbox_session=")][0]
        assert "HttpOnly" in session and "SameSite=Strict" in session and "Path=/" in session
        assert "Secure" not in session  # plain http on loopback only
        page = await client.get("/admin/")
        assert page.headers["Cache-Control"] == "no-store"
        csp = page.headers["Content-Security-Policy"]
        assert "script-src 'none'" in csp and "frame-ancestors 'none'" in csp and "form-action 'self'" in csp
        assert page.headers["X-Frame-Options"] == "DENY"

    run(inbox_store, scenario)


def test_the_cookie_is_secure_behind_an_https_address(
    make_store, sqlite_url: str, tracker: TrackerDB
) -> None:
    store = make_store(sqlite_url, PUBLIC_BASE_URL="https://chat.example.org")
    AdminAccounts(store).set_password(USER, PASSWORD)

    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        response = await log_in(client)
        cookies = response.headers.getall("Set-Cookie")
        assert any(c.startswith("__Host-inbox_session=") and "Secure" in c for c in cookies)

    run(store, scenario)


def test_wrong_password_then_lockout_even_for_the_right_one(inbox_store: EnquiryStore) -> None:
    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        for _ in range(2):
            wrong = await log_in(client, password="not the password at all")
            assert wrong.status == 401
            assert "Wrong user name or password" in await wrong.text()
        locked = await log_in(client, password="still not the password")
        assert locked.status == 401 and "Wrong user name or password" in await locked.text()
        right = await log_in(client)
        assert right.status == 401, "this address is locked: even the right password is refused"

    run(inbox_store, scenario, admin_max_failures=3)
    actions = [e.action for e in AdminAccounts(inbox_store).recent_audit()]
    assert actions.count("login_wrong") == 2 and "login_locked" in actions


def test_the_login_rate_limit_per_address(inbox_store: EnquiryStore) -> None:
    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        assert (await log_in(client, user="nobody", password="x" * 12)).status == 401
        assert (await log_in(client, user="nobody", password="x" * 12)).status == 401
        assert (await log_in(client)).status == 429

    run(inbox_store, scenario, admin_login_rate=2)


def test_a_form_without_the_csrf_token_or_from_another_origin_is_refused(inbox_store: EnquiryStore) -> None:
    reference = inbox_store.create(enquiry(), "key-csrf").reference

    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        # The login form itself needs its token.
        refused = await client.post("/admin/login", data={"username": USER, "password": PASSWORD})
        assert refused.status == 403
        await log_in(client)
        link = detail_links(await inbox_page(client))[0]
        no_token = await client.post(link + "/handled", data={}, allow_redirects=False)
        assert no_token.status == 403
        wrong_token = await client.post(link + "/handled", data={"csrf": "x" * 43}, allow_redirects=False)
        assert wrong_token.status == 403
        page = await (await client.get(link)).text()
        other_site = await client.post(
            link + "/handled",
            data={"csrf": csrf_of(page)},
            headers={"Origin": "https://evil.example"},
            allow_redirects=False,
        )
        assert other_site.status == 403
        assert store.get(reference).is_open
        ok = await client.post(link + "/handled", data={"csrf": csrf_of(page)}, allow_redirects=False)
        assert ok.status == 303
        assert not store.get(reference).is_open

    run(inbox_store, scenario)


def test_the_session_ends_after_the_idle_timeout(inbox_store: EnquiryStore) -> None:
    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        await log_in(client)
        assert (await client.get("/admin/", allow_redirects=False)).status == 200
        await asyncio.sleep(1.3)
        expired = await client.get("/admin/", allow_redirects=False)
        assert expired.status == 303 and expired.headers["Location"] == "/admin/login"

    run(inbox_store, scenario, admin_idle_seconds=1.0)


def test_no_enquiry_data_in_any_url_and_search_is_a_post(inbox_store: EnquiryStore) -> None:
    first = inbox_store.create(enquiry(email="first@example.com"), "key-1").reference
    second = inbox_store.create(
        enquiry(email="second@example.com", message=SECRET_MESSAGE), "key-2"
    ).reference

    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        await log_in(client)
        page = await inbox_page(client)
        assert page.index(second) < page.index(first), "newest first"
        urls = re.findall(r'(?:href|action)="([^"]+)"', page)
        for url in urls:
            for value in (first, second, "first@example.com", "example.com", "Sam"):
                assert value not in url
        assert SECRET_MESSAGE not in page and "Sam Example" not in page  # the list shows no content
        assert 'action="/admin/search"' in page and 'method="post"' in page
        found = await client.post("/admin/search", data={"csrf": csrf_of(page), "q": "SECOND@example.com"})
        text = await found.text()
        assert second in text and first not in text
        by_ref = await client.post("/admin/search", data={"csrf": csrf_of(page), "q": first.lower()})
        text = await by_ref.text()
        assert first in text and second not in text

    run(inbox_store, scenario)


def test_detail_marks_read_shows_content_and_the_audit_log_has_none_of_it(inbox_store: EnquiryStore) -> None:
    reference = inbox_store.create(enquiry(message=SECRET_MESSAGE), "key-detail").reference

    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        await log_in(client)
        page = await inbox_page(client)
        assert "tag-new" in page
        detail = await (await client.get(detail_links(page)[0])).text()
        assert SECRET_MESSAGE in detail and "sam@example.com" in detail
        # Page titles go into the browser's history: no reference there either.
        assert reference not in re.search(r"<title>(.*?)</title>", detail, re.S).group(1)
        assert store.get(reference).status == "read"
        audit = await (await client.get("/admin/audit")).text()
        assert "view" in audit and reference in audit
        assert SECRET_MESSAGE not in audit and "sam@example.com" not in audit

    run(inbox_store, scenario)
    entries = AdminAccounts(inbox_store).recent_audit()
    assert any(e.action == "view" and e.reference == reference and e.username == USER for e in entries)
    assert all(SECRET_MESSAGE not in str(e) and "sam@example.com" not in str(e) for e in entries)


def test_export_erase_and_purge(inbox_store: EnquiryStore, tracker: TrackerDB) -> None:
    data = enquiry()
    reference = inbox_store.create(data, "key-erase").reference
    tracker.add(data.sender_id or "", count=3)
    old = inbox_store.create(enquiry(email="old@example.com"), "key-old", now=utcnow() - timedelta(days=800))
    old_ref = old.reference

    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        await log_in(client)
        page = await inbox_page(client)
        exported = await client.post("/admin/export", data={"csrf": csrf_of(page)})
        assert exported.status == 200 and exported.headers["Content-Type"].startswith("text/csv")
        assert "attachment" in exported.headers["Content-Disposition"]
        rows = list(csv.DictReader(io.StringIO(await exported.text())))
        assert {row["reference"] for row in rows} == {reference, old_ref}
        link = [u for u in detail_links(page)][0]  # newest first: the recent one
        confirm = await (await client.get(link + "/erase")).text()
        assert f"Erase {reference}" in confirm
        assert reference not in re.search(r"<title>(.*?)</title>", confirm, re.S).group(1)
        erased = await client.post(link + "/erase", data={"csrf": csrf_of(confirm)})
        text = await erased.text()
        assert erased.status == 200 and "Conversation events removed: 3" in text
        assert store.get(reference) is None and tracker.count(data.sender_id) == 0
        preview = await (await client.get("/admin/purge")).text()
        assert "1 enquiry" in preview
        purged = await client.post("/admin/purge", data={"csrf": csrf_of(preview)})
        assert "Enquiries erased: 1" in await purged.text()
        assert store.get(old_ref) is None

    run(inbox_store, scenario)
    actions = [(e.action, e.reference) for e in AdminAccounts(inbox_store).recent_audit()]
    assert ("erase", reference) in actions and ("export", None) in actions and ("purge", None) in actions


def test_failed_notification_and_overdue_reply_are_shown(inbox_store: EnquiryStore) -> None:
    from sqlalchemy import update

    from assistant.enquiries.models import Outbox

    late = inbox_store.create(enquiry(), "key-late", now=utcnow() - timedelta(days=6)).reference
    with inbox_store.session() as session:
        session.execute(update(Outbox).values(status="failed", last_error="SMTPAuthenticationError 535"))

    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        await log_in(client)
        page = await inbox_page(client)
        assert "could not be sent" in page and late in page
        assert "reply overdue" in page and "not delivered" in page

    run(inbox_store, scenario)


def test_totp_setup_then_login_needs_the_code(inbox_store: EnquiryStore) -> None:
    state: Dict[str, str] = {}

    async def setup(client: TestClient, store: EnquiryStore) -> None:
        await log_in(client)
        security = await (await client.get("/admin/security")).text()
        shown = await (await client.post("/admin/security/totp", data={"csrf": csrf_of(security)})).text()
        assert "<svg" in shown and 'role="img"' in shown
        secret = re.search(r"<code>([A-Z2-7]{32})</code>", shown)
        assert secret
        state["secret"] = secret[1]
        wrong = await client.post(
            "/admin/security/totp/confirm",
            data={"csrf": csrf_of(shown), "code": "000000", "password": PASSWORD},
        )
        assert wrong.status == 400
        shown = await (await client.post("/admin/security/totp", data={"csrf": csrf_of(security)})).text()
        state["secret"] = re.search(r"<code>([A-Z2-7]{32})</code>", shown)[1]  # type: ignore[index]
        code = pyotp.TOTP(state["secret"]).now()
        state["setup_code"] = code  # the exact code typed at set-up, replayed at login
        on = await client.post(
            "/admin/security/totp/confirm", data={"csrf": csrf_of(shown), "code": code, "password": PASSWORD}
        )
        assert "Two-step login is on" in await on.text()
        again = await (await client.get("/admin/security")).text()
        assert "<svg" not in again, "the QR code is shown once"

    async def login(client: TestClient, store: EnquiryStore) -> None:
        first = await log_in(client)
        assert first.headers["Location"] == "/admin/login/code"
        assert (await client.get("/admin/", allow_redirects=False)).status == 303, "no inbox before the code"
        form = await (await client.get("/admin/login/code")).text()
        wrong = await client.post("/admin/login/code", data={"csrf": csrf_of(form), "code": "123456"})
        assert wrong.status == 401
        # The code typed at set-up cannot be used again, whenever the login comes (replaying
        # TOTP.now() here instead would pass or fail depending on the 30-second window).
        replayed = await client.post(
            "/admin/login/code", data={"csrf": csrf_of(form), "code": state["setup_code"]}
        )
        assert replayed.status == 401
        code = pyotp.TOTP(state["secret"]).at(time.time() + 30)  # the next 30-second step
        right = await client.post(
            "/admin/login/code", data={"csrf": csrf_of(form), "code": code}, allow_redirects=False
        )
        assert right.status == 303 and right.headers["Location"] == "/admin/"
        assert (await client.get("/admin/", allow_redirects=False)).status == 200

    run(inbox_store, setup)
    run(inbox_store, login)


def test_logout_everywhere_ends_every_session(inbox_store: EnquiryStore) -> None:
    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        await log_in(client)
        jar = client.session.cookie_jar.filter_cookies(client.make_url("/"))
        other_cookies = {name: morsel.value for name, morsel in jar.items()}
        assert other_cookies
        client.session.cookie_jar.clear()
        await log_in(client)
        page = await inbox_page(client)
        out = await client.post("/admin/logout-all", data={"csrf": csrf_of(page)})
        assert "logged out everywhere" in await out.text()
        client.session.cookie_jar.update_cookies(other_cookies)
        assert (await client.get("/admin/", allow_redirects=False)).status == 303

    run(inbox_store, scenario)


def test_set_password_ends_sessions_and_the_cli_never_takes_it_as_an_argument(
    inbox_store: EnquiryStore,
) -> None:
    from assistant.enquiries.admin import build_parser

    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        await log_in(client)
        AdminAccounts(store).set_password(USER, "another long password")
        assert (await client.get("/admin/", allow_redirects=False)).status == 303

    run(inbox_store, scenario)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["set-password", "--password", "x"])


# -- embedding: the chat API and the widget on another origin -----------------------------------


class FakeRasa:
    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        return web.json_response([{"recipient_id": body["sender"], "text": "Hello from the assistant"}])


def run_with_rasa(store: EnquiryStore, scenario: Scenario, **changes: Any) -> None:
    async def main() -> None:
        rasa = web.Application()
        rasa.router.add_post("/webhooks/rest/webhook", FakeRasa().webhook)
        async with TestServer(rasa, host="127.0.0.1") as upstream:
            config = web_config(rasa_url=str(upstream.make_url("")).rstrip("/"), **changes)
            async with TestClient(TestServer(create_app(config, store=store), host="127.0.0.1")) as client:
                await scenario(client, store)

    asyncio.run(main())


def test_cors_is_limited_to_the_embedding_site(inbox_store: EnquiryStore) -> None:
    site = "http://127.0.0.1:8001"
    body = {"sender": "abcdefgh1234", "message": "hello"}

    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        pre = await client.options(
            "/webhooks/rest/webhook",
            headers={
                "Origin": site,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        assert pre.status == 204 and pre.headers["Access-Control-Allow-Origin"] == site
        assert "Content-Type" in pre.headers["Access-Control-Allow-Headers"]
        other = await client.options(
            "/webhooks/rest/webhook",
            headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert other.status == 403 and "Access-Control-Allow-Origin" not in other.headers
        ok = await client.post("/webhooks/rest/webhook", json=body, headers={"Origin": site})
        assert ok.status == 200 and ok.headers["Access-Control-Allow-Origin"] == site
        refused = await client.post(
            "/webhooks/rest/webhook", json=body, headers={"Origin": "http://evil.example"}
        )
        assert refused.status == 403 and "Access-Control-Allow-Origin" not in refused.headers
        same = await client.post("/webhooks/rest/webhook", json=body)
        assert same.status == 200 and "Access-Control-Allow-Origin" not in same.headers
        widget = await client.get("/widget/chat.js", headers={"Origin": site})
        assert widget.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
        assert widget.headers["Access-Control-Allow-Origin"] == site
        admin = await client.get("/admin/login", headers={"Origin": site})
        assert "Access-Control-Allow-Origin" not in admin.headers
        assert admin.headers["Cross-Origin-Resource-Policy"] == "same-origin"
        page = await client.get("/")
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]

    run_with_rasa(inbox_store, scenario, embed_origins=(site,))


def test_without_embed_origins_nothing_is_cross_origin(inbox_store: EnquiryStore) -> None:
    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        widget = await client.get("/widget/chat.js", headers={"Origin": "http://127.0.0.1:8001"})
        assert widget.headers["Cross-Origin-Resource-Policy"] == "same-origin"
        assert "Access-Control-Allow-Origin" not in widget.headers
        pre = await client.options(
            "/webhooks/rest/webhook",
            headers={"Origin": "http://127.0.0.1:8001", "Access-Control-Request-Method": "POST"},
        )
        assert pre.status == 403

    run_with_rasa(inbox_store, scenario)


def test_the_notification_links_to_the_inbox_without_content(make_config, sqlite_url: str) -> None:
    from assistant.enquiries.mail import build_notification

    config = make_config(sqlite_url, PUBLIC_BASE_URL="https://chat.example.org/")
    message = build_notification("TN-7K3P", "individual", utcnow(), config)
    body = message.get_content()
    assert "https://chat.example.org/admin/\n" in body
    assert "TN-7K3P" not in body.split("https://chat.example.org/admin/")[1].split("\n")[0]
    plain = make_config(sqlite_url)
    assert (
        'make admin ARGS="show TN-7K3P"'
        in build_notification("TN-7K3P", "individual", utcnow(), plain).get_content()
    )


def test_the_logs_never_hold_enquiry_content(
    inbox_store: EnquiryStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    address = "private.person@example.com"
    inbox_store.create(enquiry(email=address, message=SECRET_MESSAGE, name="Priya Private"), "key-logs")

    async def scenario(client: TestClient, store: EnquiryStore) -> None:
        await log_in(client)
        page = await inbox_page(client)
        await client.post("/admin/search", data={"csrf": csrf_of(page), "q": address})
        link = detail_links(page)[0]
        await client.get(link)
        await client.post("/admin/export", data={"csrf": csrf_of(page)})
        confirm = await (await client.get(link + "/erase")).text()
        await client.post(link + "/erase", data={"csrf": csrf_of(confirm)})
        client.session.cookie_jar.clear()
        await log_in(client, password="a wrong password typed here")

    run(inbox_store, scenario)
    logged = caplog.text
    assert "admin view" in logged and "admin erase" in logged
    for value in (address, SECRET_MESSAGE, "Priya", PASSWORD, "a wrong password typed here"):
        assert value not in logged
