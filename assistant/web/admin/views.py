"""The therapist's inbox at ``/admin/``: login (password, optional TOTP), the enquiries, the tools.

Every page is server-rendered HTML with no script (keyboard use is the browser's own), under
a CSP stricter than the demo page's. Every route but the login page and its stylesheet needs a
session; an anonymous GET is sent to the login page (303) and any other anonymous request gets
401, with no enquiry data either way. Every POST needs the session's (or, for the login form,
the login cookie's) CSRF token and, when the browser names one, this origin. Enquiries appear in
URLs only as per-session opaque ids; search terms travel in POST bodies. Store calls run in a
thread (the store is synchronous). The enquiry rules themselves are the store's and the admin
tool's: this module only calls them. Logs name actions and references, never content.
"""

from __future__ import annotations

import asyncio
import functools
import io
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Mapping, TypeVar

import jinja2
import segno
from aiohttp import web
from markupsafe import Markup

from assistant.enquiries.accounts import (
    DEVICE_LIFETIME,
    STAGE_OK,
    STAGE_TOTP,
    AdminAccounts,
    Lockout,
    LoginResult,
    SessionInfo,
    totp_uri,
)
from assistant.enquiries.admin import TRACKER_PROBLEMS, notification_summary
from assistant.enquiries.errors import StoreUnavailable, TrackerStoreUnavailable
from assistant.enquiries.mail import ROUTE_DESCRIPTIONS
from assistant.enquiries.models import utcnow
from assistant.enquiries.records import EnquiryRecord
from assistant.enquiries.store import EnquiryStore
from assistant.rate_limit import trusted_proxy_hops
from assistant.settings import PROJECT_ROOT
from assistant.web.admin.security import (
    ADMIN_HEADERS,
    CSRF_FIELD,
    DEVICE_COOKIE,
    HSTS,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    LoginThrottle,
    OpaqueIds,
    RateLimiter,
    clear_cookie,
    new_token,
    read_cookie,
    request_address,
    same_origin,
    same_token,
    secure_cookies,
    set_cookie,
)
from assistant.web.config import WebConfig

logger = logging.getLogger(__name__)

T = TypeVar("T")
TEMPLATES = Path(__file__).resolve().parent / "templates"
ASSETS = PROJECT_ROOT / "web" / "admin"
PREFIX = "/admin/"
ROUTE_LABELS = {"individual": "individual", "couple_partner": "couple or partner", "general": "general"}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# The whole account locks after this many times the per-address limit of wrong passwords or codes:
# one attacker's address is locked long before, so only many addresses together reach it, and
# even then the therapist's known device gets in.
ACCOUNT_LOCK_FACTOR = 4
# Wrong, unknown and locked get one answer, so the login tells nobody which accounts exist.
LOGIN_REFUSED = (
    "Wrong user name or password. After several wrong attempts logins wait a while: "
    "if you are sure of your password, try again later."
)


@dataclass
class AdminState:
    """What the inbox's handlers share: settings, the store, the accounts, the id and rate keys."""

    config: WebConfig
    store: EnquiryStore
    accounts: AdminAccounts
    ids: OpaqueIds
    limiter: RateLimiter
    throttle: LoginThrottle
    templates: jinja2.Environment
    proxy_hops: int = 0

    @property
    def idle(self) -> timedelta:
        return timedelta(seconds=self.config.admin_idle_seconds)

    @property
    def lifetime(self) -> timedelta:
        return timedelta(hours=self.config.admin_session_hours)


ADMIN_KEY = web.AppKey("admin", AdminState)


def make_state(
    config: WebConfig, store: EnquiryStore | None = None, env: Mapping[str, str] | None = None
) -> AdminState:
    """The inbox's state; the store connects on first use, the templates load when first rendered.

    ``TRUSTED_PROXY_HOPS`` (from ``env``, default the environment) is read as the chat channel
    reads it: the client's address is then taken from X-Forwarded-For.
    """
    store = store or EnquiryStore()
    lockout = Lockout(
        config.admin_max_failures * ACCOUNT_LOCK_FACTOR, timedelta(seconds=config.admin_lockout_seconds)
    )
    templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    templates.globals["when"] = _when
    return AdminState(
        config=config,
        store=store,
        accounts=AdminAccounts(store, lockout),
        ids=OpaqueIds(),
        limiter=RateLimiter(config.admin_login_rate),
        throttle=LoginThrottle(config.admin_max_failures, config.admin_lockout_seconds),
        templates=templates,
        proxy_hops=trusted_proxy_hops(env),
    )


def _secure(request: web.Request) -> bool:
    return secure_cookies(request, request.app[ADMIN_KEY].store.config.public_base_url)


def _address(request: web.Request) -> str:
    return request_address(request, request.app[ADMIN_KEY].proxy_hops)


def _when(moment: datetime | None) -> str:
    return f"{moment:%d %b %Y, %H:%M} UTC" if moment else "-"


async def _db(call: Callable[..., T], *args: Any) -> T:
    """A store call off the event loop."""
    return await asyncio.to_thread(call, *args)


# --- rendering -------------------------------------------------------------------------------


def render(request: web.Request, template: str, status: int = 200, **values: Any) -> web.Response:
    """An HTML page (autoescaped) with the inbox's headers."""
    state = request.app[ADMIN_KEY]
    values.setdefault("session", request.get("admin_session"))
    values.setdefault("notice", None)
    values.setdefault("error", None)
    values.setdefault("nav", "")
    page = state.templates.get_template(template).render(**values)
    return web.Response(text=page, content_type="text/html", charset="utf-8", status=status)


def see_other(location: str) -> web.Response:
    """A 303 redirect (after a POST, or to the login page)."""
    return web.Response(status=303, headers={"Location": location})


def _message(request: web.Request, status: int, heading: str, text: str, **extra: Any) -> web.Response:
    extra.setdefault("link", PREFIX)
    extra.setdefault("link_text", "Back to the enquiries")
    return render(request, "message.html", status=status, heading=heading, text=text, **extra)


def refused(request: web.Request) -> web.Response:
    """An anonymous request: GETs go to the login page, anything else is 401. No data either way."""
    if request.method in ("GET", "HEAD"):
        response = see_other(PREFIX + "login")
    else:
        request["admin_session"] = None
        response = _message(
            request,
            401,
            "Please log in",
            "Your session has ended.",
            link=PREFIX + "login",
            link_text="Log in",
        )
    response.headers["WWW-Authenticate"] = 'FormBased realm="inbox"'
    return response


def _forbidden(request: web.Request) -> web.Response:
    return _message(
        request,
        403,
        "This form has expired",
        "Nothing was changed. Go back, reload the page and try again.",
    )


# --- session handling -----------------------------------------------------------------------


async def _session(request: web.Request) -> SessionInfo | None:
    state = request.app[ADMIN_KEY]
    token = read_cookie(request, SESSION_COOKIE, _secure(request))
    if not token:
        return None
    return await _db(state.accounts.session_for, token, state.idle, state.lifetime)


async def _form(request: web.Request) -> Dict[str, str]:
    data = await request.post()
    return {key: value for key, value in data.items() if isinstance(value, str)}


def requires_login(*stages: str) -> Callable[[Handler], Handler]:
    """A handler for signed-in users at one of ``stages`` (default: fully logged in); POSTs also
    need the CSRF token and this origin."""
    allowed = stages or (STAGE_OK,)

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def wrapper(request: web.Request) -> web.StreamResponse:
            session = await _session(request)
            if session is None or session.stage not in allowed:
                return refused(request)
            request["admin_session"] = session
            request["admin_token"] = read_cookie(request, SESSION_COOKIE, _secure(request))
            if request.method == "POST":
                form = await _form(request)
                if not same_origin(
                    request, request.app[ADMIN_KEY].store.config.public_base_url
                ) or not same_token(form.get(CSRF_FIELD, ""), session.csrf_token):
                    logger.warning("inbox: %s refused (CSRF token or origin)", request.path)
                    return _forbidden(request)
                request["admin_form"] = form
            return await handler(request)

        return wrapper

    return decorate


def _who(request: web.Request) -> str:
    session: SessionInfo | None = request.get("admin_session")
    return session.username if session else "-"


async def _audit(
    request: web.Request, action: str, reference: str | None = None, detail: str | None = None
) -> None:
    state = request.app[ADMIN_KEY]
    await _db(state.accounts.audit, _who(request), action, reference, detail)


# --- login ----------------------------------------------------------------------------------


def _login_page(request: web.Request, status: int = 200, **values: Any) -> web.Response:
    state = request.app[ADMIN_KEY]
    secure = secure_cookies(request, state.store.config.public_base_url)
    token = new_token()
    request["admin_session"] = None
    response = render(
        request,
        "login.html",
        status=status,
        csrf=token,
        idle_minutes=max(1, round(state.config.admin_idle_seconds / 60)),
        has_users=values.pop("has_users", True),
        username=values.pop("username", ""),
        **values,
    )
    set_cookie(response, LOGIN_COOKIE, token, secure)
    return response


async def login_page(request: web.Request) -> web.StreamResponse:
    """GET /admin/login."""
    state = request.app[ADMIN_KEY]
    session = await _session(request)
    if session is not None and session.stage == STAGE_OK:
        return see_other(PREFIX)
    return _login_page(request, has_users=await _db(state.accounts.has_users))


async def login_post(request: web.Request) -> web.StreamResponse:
    """POST /admin/login: the password step.

    Rate-limited per client address; wrong passwords are answered after a delay and lock this
    (account, address) pair after ADMIN_MAX_FAILURES, each lock longer than the last. The therapist
    at another address is not locked out, nor, from any address, is a browser with the
    known-device cookie. Wrong, unknown and locked all get the same answer.
    """
    state = request.app[ADMIN_KEY]
    form = await _form(request)
    secure = _secure(request)
    if not same_origin(request, state.store.config.public_base_url) or not same_token(
        form.get(CSRF_FIELD, ""), read_cookie(request, LOGIN_COOKIE, secure)
    ):
        return _forbidden(request)
    address = _address(request)
    if not state.limiter.allow(address):
        logger.warning("inbox: login rate limit reached")
        await asyncio.sleep(state.config.admin_login_delay)
        return _login_page(
            request, 429, error="Too many attempts from here. Wait a few minutes and try again."
        )
    username = form.get("username", "")[:64]
    key = state.throttle.key(username, address)
    check = await _db(
        functools.partial(
            state.accounts.check_password,
            username,
            form.get("password", ""),
            blocked=state.throttle.locked(key),
            device=read_cookie(request, DEVICE_COOKIE, secure),
        )
    )
    if check.result in (LoginResult.WRONG, LoginResult.LOCKED):
        if check.result is LoginResult.WRONG and state.throttle.failed(key):
            logger.warning("inbox: logins from one address locked after repeated wrong attempts")
            check = replace(check, result=LoginResult.LOCKED)
        await asyncio.sleep(state.config.admin_login_delay)
        # An existing account is named; what was typed for an unknown one is never stored.
        await _db(state.accounts.audit, check.username or "-", f"login_{check.result.value}")
        return _login_page(request, 401, error=LOGIN_REFUSED, username=username)
    assert check.user_id is not None and check.username is not None
    old = read_cookie(request, SESSION_COOKIE, secure)
    if old:
        await _db(state.accounts.end_session, old)
    stage = STAGE_TOTP if check.result is LoginResult.NEEDS_CODE else STAGE_OK
    token = await _db(state.accounts.start_session, check.user_id, stage)
    response = see_other(PREFIX if stage == STAGE_OK else PREFIX + "login/code")
    if stage == STAGE_OK:
        await _logged_in(request, response, check.user_id, check.username, key)
    set_cookie(response, SESSION_COOKIE, token, secure)
    clear_cookie(response, LOGIN_COOKIE, secure)
    return response


async def _logged_in(
    request: web.Request, response: web.StreamResponse, user_id: int, username: str, key: str
) -> None:
    """A full login: forget this pair's failures, audit it, and (re)issue the known-device cookie."""
    state = request.app[ADMIN_KEY]
    state.throttle.succeeded(key)
    await _db(state.accounts.audit, username, "login")
    device = await _db(state.accounts.device_token, user_id)
    set_cookie(
        response, DEVICE_COOKIE, device, _secure(request), max_age=int(DEVICE_LIFETIME.total_seconds())
    )


@requires_login(STAGE_TOTP)
async def code_page(request: web.Request) -> web.StreamResponse:
    """GET /admin/login/code: the second step."""
    session: SessionInfo = request["admin_session"]
    request["admin_session"] = None  # no navigation before the code
    return render(request, "code.html", csrf=session.csrf_token)


@requires_login(STAGE_TOTP)
async def code_post(request: web.Request) -> web.StreamResponse:
    """POST /admin/login/code: check the TOTP code; on success a new session replaces this one.

    Rate-limited and locked per (account, address) like the password step; wrong codes count until
    a code is right, whatever passwords come in between.
    """
    state = request.app[ADMIN_KEY]
    session: SessionInfo = request["admin_session"]
    address = _address(request)
    if not state.limiter.allow(address):
        logger.warning("inbox: login rate limit reached (code step)")
        await asyncio.sleep(state.config.admin_login_delay)
        request["admin_session"] = None
        return render(
            request,
            "code.html",
            status=429,
            csrf=session.csrf_token,
            error="Too many attempts from here. Wait a few minutes and try again.",
        )
    key = state.throttle.key(session.username, address)
    check = await _db(
        functools.partial(
            state.accounts.check_code,
            session.user_id,
            request["admin_form"].get("code", ""),
            blocked=state.throttle.locked(key),
            device=read_cookie(request, DEVICE_COOKIE, _secure(request)),
        )
    )
    if check.result is LoginResult.OK:
        await _db(state.accounts.end_session, request["admin_token"])
        token = await _db(state.accounts.start_session, session.user_id, STAGE_OK)
        response = see_other(PREFIX)
        await _logged_in(request, response, session.user_id, session.username, key)
        set_cookie(response, SESSION_COOKIE, token, _secure(request))
        return response
    if check.result is LoginResult.WRONG and state.throttle.failed(key):
        logger.warning("inbox: logins from one address locked after repeated wrong codes")
        check = replace(check, result=LoginResult.LOCKED)
    await asyncio.sleep(state.config.admin_login_delay)
    await _db(state.accounts.audit, session.username, f"code_{check.result.value}")
    if check.result is LoginResult.LOCKED:
        await _db(state.accounts.end_session, request["admin_token"])
        response = _login_page(request, 401, error=LOGIN_REFUSED)
        clear_cookie(response, SESSION_COOKIE, _secure(request))
        return response
    request["admin_session"] = None
    return render(request, "code.html", status=401, csrf=session.csrf_token, error="That code is not right.")


@requires_login(STAGE_OK, STAGE_TOTP)
async def logout(request: web.Request) -> web.StreamResponse:
    """POST /admin/logout (also from the code step)."""
    state = request.app[ADMIN_KEY]
    await _db(state.accounts.end_session, request["admin_token"])
    await _audit(request, "logout")
    return _logged_out(request, "You have logged out.")


@requires_login()
async def logout_everywhere(request: web.Request) -> web.StreamResponse:
    """POST /admin/logout-all: end every session of the account."""
    state = request.app[ADMIN_KEY]
    session: SessionInfo = request["admin_session"]
    count = await _db(state.accounts.end_all_sessions, session.user_id)
    await _audit(request, "logout_everywhere", detail=f"{count} sessions")
    return _logged_out(request, "You have logged out everywhere.")


def _logged_out(request: web.Request, notice: str) -> web.Response:
    response = _login_page(request, notice=notice)
    clear_cookie(response, SESSION_COOKIE, _secure(request))
    return response


# --- the enquiries --------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of the inbox."""

    record: EnquiryRecord
    id: str
    received: str
    route: str
    overdue: bool


def _route(record: EnquiryRecord) -> str:
    return ROUTE_LABELS.get(record.route, record.route)


def _rows(request: web.Request, records: List[EnquiryRecord]) -> List[Row]:
    state = request.app[ADMIN_KEY]
    session: SessionInfo = request["admin_session"]
    now = utcnow()
    days = state.store.config.reply_working_days
    return [
        Row(
            r,
            state.ids.make(session.csrf_token, r.reference),
            _when(r.created_at),
            _route(r),
            r.reply_overdue(days, now),
        )
        for r in records
    ]


def _inbox(
    request: web.Request, records: List[EnquiryRecord], query: str | None = None, **values: Any
) -> web.Response:
    state = request.app[ADMIN_KEY]
    rows = _rows(request, records)
    return render(
        request,
        "inbox.html",
        nav="inbox",
        records=records,
        rows=rows,
        query=query,
        failed=[r.reference for r in records if r.delivery == "failed"],
        overdue=sum(1 for row in rows if row.overdue),
        reply_time=state.store.config.reply_time,
        **values,
    )


@requires_login()
async def inbox(request: web.Request) -> web.StreamResponse:
    """GET /admin/: every enquiry, newest first."""
    state = request.app[ADMIN_KEY]
    records = await _db(functools.partial(state.store.list, include_handled=True, newest_first=True))
    return _inbox(request, records)


@requires_login()
async def search(request: web.Request) -> web.StreamResponse:
    """POST /admin/search: by reference or email address (the term never appears in a URL or log)."""
    state = request.app[ADMIN_KEY]
    query = request["admin_form"].get("q", "").strip()[:254]
    records = await _db(state.store.search, query) if query else []
    await _audit(request, "search", detail=f"{len(records)} found")
    return _inbox(request, records, query=query)


async def _resolve(request: web.Request) -> str | None:
    """The reference behind the URL's opaque id, or None."""
    state = request.app[ADMIN_KEY]
    session: SessionInfo = request["admin_session"]
    records = await _db(functools.partial(state.store.list, include_handled=True))
    return state.ids.find(session.csrf_token, request.match_info["id"], [r.reference for r in records])


def _not_found(request: web.Request) -> web.Response:
    return _message(request, 404, "Not found", "There is no such enquiry (it may have been erased).")


@requires_login()
async def detail(request: web.Request) -> web.StreamResponse:
    """GET /admin/enquiry/{id}: one enquiry, marked read. A HEAD changes nothing and is not audited
    (a link checker or prefetch must not mark an enquiry read); it gets the status only."""
    state = request.app[ADMIN_KEY]
    reference = await _resolve(request)
    if reference is None:
        return _not_found(request)
    if request.method == "HEAD":
        return web.Response(status=200, content_type="text/html", charset="utf-8")
    await _db(state.store.mark_read, reference)
    record = await _db(state.store.get, reference)
    if record is None:
        return _not_found(request)
    await _audit(request, "view", reference)
    config = state.store.config
    return render(
        request,
        "detail.html",
        nav="inbox",
        record=record,
        id=request.match_info["id"],
        route=f"{_route(record)} ({ROUTE_DESCRIPTIONS.get(record.route, record.route)})",
        notification=notification_summary(record),
        overdue=record.reply_overdue(config.reply_working_days, utcnow()),
        reply_time=config.reply_time,
    )


@requires_login()
async def mark_handled(request: web.Request) -> web.StreamResponse:
    """POST /admin/enquiry/{id}/handled."""
    state = request.app[ADMIN_KEY]
    reference = await _resolve(request)
    if reference is None or not await _db(state.store.mark_handled, reference):
        return _not_found(request)
    await _audit(request, "mark_handled", reference)
    return see_other(f"{PREFIX}enquiry/{request.match_info['id']}")


@requires_login()
async def erase_page(request: web.Request) -> web.StreamResponse:
    """GET /admin/enquiry/{id}/erase: the confirmation."""
    reference = await _resolve(request)
    if reference is None:
        return _not_found(request)
    return render(request, "erase.html", nav="inbox", reference=reference, id=request.match_info["id"])


def _tracker_problem(request: web.Request, exc: TrackerStoreUnavailable) -> web.Response:
    reason = TRACKER_PROBLEMS.get(exc.error, exc.error)
    return _message(
        request,
        503,
        "Nothing was erased",
        f"The conversation store could not be used ({reason}), so the visitor's conversation could not be "
        "erased with the enquiry. Check TRACKER_DB_URL on the server.",
    )


@requires_login()
async def erase(request: web.Request) -> web.StreamResponse:
    """POST /admin/enquiry/{id}/erase: the enquiry, its notification and the conversation."""
    state = request.app[ADMIN_KEY]
    reference = await _resolve(request)
    if reference is None:
        return _not_found(request)
    try:
        await _db(state.store.conversations.check)
        result = await _db(state.store.erase, reference)
    except TrackerStoreUnavailable as exc:
        return _tracker_problem(request, exc)
    await _audit(request, "erase", reference, f"{result.conversation_events} conversation events")
    return render(
        request,
        "done.html",
        heading=f"{reference} erased",
        lines=[
            f"Enquiries erased: {result.enquiries}",
            f"Notifications removed: {result.outbox_rows}",
            f"Local email files removed: {result.mail_files}",
            f"Conversation events removed: {result.conversation_events}",
        ],
    )


@requires_login()
async def export(request: web.Request) -> web.StreamResponse:
    """POST /admin/export: every enquiry as CSV (a download; the store's own export)."""
    state = request.app[ADMIN_KEY]
    buffer = io.StringIO()
    count = await _db(state.store.export_csv, buffer)
    await _audit(request, "export", detail=f"{count} enquiries")
    name = f"enquiries-{utcnow():%Y%m%d-%H%M}.csv"
    return web.Response(
        body=buffer.getvalue().encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@requires_login()
async def purge_page(request: web.Request) -> web.StreamResponse:
    """GET /admin/purge: what the retention purge would erase now."""
    state = request.app[ADMIN_KEY]
    try:
        preview = await _db(functools.partial(state.store.purge, dry_run=True))
    except TrackerStoreUnavailable as exc:
        return _tracker_problem(request, exc)
    return render(
        request,
        "purge.html",
        nav="purge",
        months=state.store.config.retention_months,
        cutoff=f"{preview.cutoff:%d %b %Y}",
        enquiries=preview.erased.enquiries,
        conversations=preview.old_conversations,
    )


@requires_login()
async def purge(request: web.Request) -> web.StreamResponse:
    """POST /admin/purge: erase what is older than the retention period."""
    state = request.app[ADMIN_KEY]
    try:
        result = await _db(state.store.purge)
    except TrackerStoreUnavailable as exc:
        return _tracker_problem(request, exc)
    await _audit(
        request,
        "purge",
        detail=f"{result.erased.enquiries} enquiries, {result.old_conversations} conversations",
    )
    return render(
        request,
        "done.html",
        nav="purge",
        heading="Retention purge done",
        lines=[
            f"Enquiries erased: {result.erased.enquiries}",
            f"Other conversations erased: {result.old_conversations}",
            f"Conversation events removed: {result.erased.conversation_events}",
        ],
    )


# --- security and the audit log ------------------------------------------------------------


@requires_login()
async def security_page(request: web.Request) -> web.StreamResponse:
    """GET /admin/security: two-step login and sessions."""
    return render(request, "security.html", nav="security", qr=None, secret=None)


@requires_login()
async def totp_begin(request: web.Request) -> web.StreamResponse:
    """POST /admin/security/totp: a new secret and its QR code, shown this once."""
    state = request.app[ADMIN_KEY]
    session: SessionInfo = request["admin_session"]
    if session.has_totp:
        return see_other(PREFIX + "security")
    secret = await _db(state.accounts.begin_totp, request["admin_token"])
    svg = segno.make(totp_uri(secret, session.username), error="m").svg_inline(
        scale=5, light="#ffffff", title="QR code for your authenticator app"
    )
    qr = Markup(svg.replace("<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1))
    return render(request, "security.html", nav="security", qr=qr, secret=secret)


@requires_login()
async def totp_confirm(request: web.Request) -> web.StreamResponse:
    """POST /admin/security/totp/confirm: turn two-step login on with the first code and the password
    (the account's other sessions end)."""
    state = request.app[ADMIN_KEY]
    form = request["admin_form"]
    ok = await _db(
        state.accounts.confirm_totp, request["admin_token"], form.get("code", ""), form.get("password", "")
    )
    if not ok:
        return render(
            request,
            "security.html",
            status=400,
            nav="security",
            qr=None,
            secret=None,
            error="That code or password did not match, so two-step login is still off. Set it up again.",
        )
    await _audit(request, "totp_enabled")
    session = await _session(request)
    request["admin_session"] = session
    return render(
        request, "security.html", nav="security", qr=None, secret=None, notice="Two-step login is on."
    )


@requires_login()
async def audit_page(request: web.Request) -> web.StreamResponse:
    """GET /admin/audit: the newest admin actions."""
    state = request.app[ADMIN_KEY]
    entries = await _db(state.accounts.recent_audit)
    return render(request, "audit.html", nav="audit", entries=entries)


async def stylesheet(request: web.Request) -> web.StreamResponse:
    """GET /admin/admin.css (public: the login page needs it)."""
    return web.FileResponse(ASSETS / "admin.css")


@requires_login()
async def unknown(request: web.Request) -> web.StreamResponse:
    """Any other /admin/ address: 401/redirect when anonymous (the decorator), else 404."""
    return _message(request, 404, "Not found", "There is no such page in the inbox.")


# --- wiring ---------------------------------------------------------------------------------


@web.middleware
async def store_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The enquiry database being down becomes a plain 503 page (no error text from the database)."""
    if not request.path.startswith(PREFIX) and request.path != "/admin":
        return await handler(request)
    try:
        return await handler(request)
    except StoreUnavailable as exc:
        logger.warning("inbox: enquiry store unavailable (%s)", exc.error)
        request["admin_session"] = None
        return _message(
            request,
            503,
            "The inbox is unavailable",
            "The enquiry database could not be reached. Try again in a minute.",
        )


async def admin_headers(request: web.Request, response: web.StreamResponse) -> None:
    """The inbox's headers on every /admin response, whatever produced it; HSTS too when cookies
    are Secure (https, or behind an https PUBLIC_BASE_URL), never on plain http to loopback."""
    if request.path.startswith(PREFIX) or request.path == "/admin":
        response.headers.update(ADMIN_HEADERS)
        if _secure(request):
            response.headers["Strict-Transport-Security"] = HSTS


def setup_admin(app: web.Application, config: WebConfig, store: EnquiryStore | None = None) -> None:
    """Add the inbox's routes (before the static catch-all) and headers to ``app``.

    ``app`` must have :func:`store_errors` among its middlewares.
    """
    app[ADMIN_KEY] = make_state(config, store)
    app.on_response_prepare.append(admin_headers)  # type: ignore[arg-type]  # aiohttp 3.9 types its signals for aiosignal 1.3, not 1.4
    app.on_cleanup.append(_dispose)  # type: ignore[arg-type]  # aiohttp 3.9 types its signals for aiosignal 1.3, not 1.4
    router = app.router
    router.add_get("/admin", _redirect_slash)
    router.add_get(PREFIX, inbox)
    router.add_get(PREFIX + "admin.css", stylesheet)
    router.add_get(PREFIX + "login", login_page)
    router.add_post(PREFIX + "login", login_post)
    router.add_get(PREFIX + "login/code", code_page)
    router.add_post(PREFIX + "login/code", code_post)
    router.add_post(PREFIX + "logout", logout)
    router.add_post(PREFIX + "logout-all", logout_everywhere)
    router.add_post(PREFIX + "search", search)
    router.add_post(PREFIX + "export", export)
    router.add_get(PREFIX + "enquiry/{id}", detail)
    router.add_post(PREFIX + "enquiry/{id}/handled", mark_handled)
    router.add_get(PREFIX + "enquiry/{id}/erase", erase_page)
    router.add_post(PREFIX + "enquiry/{id}/erase", erase)
    router.add_get(PREFIX + "purge", purge_page)
    router.add_post(PREFIX + "purge", purge)
    router.add_get(PREFIX + "security", security_page)
    router.add_post(PREFIX + "security/totp", totp_begin)
    router.add_post(PREFIX + "security/totp/confirm", totp_confirm)
    router.add_get(PREFIX + "audit", audit_page)
    router.add_route("*", PREFIX + "{tail:.*}", unknown)


async def _redirect_slash(request: web.Request) -> web.Response:
    return see_other(PREFIX)


async def _dispose(app: web.Application) -> None:
    await asyncio.to_thread(app[ADMIN_KEY].store.dispose)
