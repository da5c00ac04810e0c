"""End to end over HTTP: an enquiry typed into the chat reaches the store and the mail folder."""

from __future__ import annotations

import re
import sqlite3
import time

from assistant.enquiries.config import load_config
from assistant.enquiries.store import EnquiryStore
from tests.e2e.conftest import conversation, texts

REFERENCE = re.compile(r"\bTN-[A-Z0-9]{4,}\b")


def e2e_store(served) -> EnquiryStore:
    """The enquiry store of the running servers."""
    config = load_config({"DATABASE_URL": served.env["DATABASE_URL"], "MAIL_DIR": str(served.mail_dir)})
    return EnquiryStore(config=config)


def fill_until_consent(send, email: str = "sam@example.com") -> str:
    assert "What name should he use" in texts(send("Send an enquiry"))
    assert "get back to you" in texts(send("Sam"))
    assert "email address" in texts(send("By email"))
    assert "Who is the enquiry about" in texts(send(email))
    assert "days or times" in texts(send("Just me"))
    assert "short message" in texts(send("weekday evenings"))
    return texts(send("skip"))


def test_an_enquiry_is_saved_once_and_its_notification_written(server, served) -> None:
    send = conversation(server)
    consent = fill_until_consent(send)
    assert "deleted after 12 months" in consent
    summary = texts(send("Yes, I agree"))
    assert "sam@example.com" in summary and "weekday evenings" in summary and "Sam" in summary
    done = texts(send("Send it"))
    [reference] = REFERENCE.findall(done)
    assert "received" in done and "within two working days" in done
    send("Send it")  # a repeated send does not create a second enquiry

    store = e2e_store(served)
    try:
        mine = [r for r in store.list(include_handled=True) if r.reference == reference]
        assert len(mine) == 1 and mine[0].email == "sam@example.com" and mine[0].route == "individual"
    finally:
        store.dispose()
    eml = served.mail_dir / f"{reference}.eml"
    deadline = time.time() + 20
    while not eml.exists() and time.time() < deadline:
        time.sleep(0.5)
    assert eml.exists(), "the worker did not write the notification"
    body = eml.read_text()
    assert reference in body and "sam@example.com" not in body and "Sam" not in body.split("\n\n", 1)[1]


def test_a_correction_before_sending(server) -> None:
    send = conversation(server)
    fill_until_consent(send)
    send("Yes, I agree")
    assert "What would you like to change" in texts(send("Change something"))
    assert "get back to you" in texts(send("Change the contact details"))
    reply = texts(send("By phone"))
    assert "phone number" in reply
    summary = texts(send("07911 123456"))
    assert "+447911123456" in summary and "sam@example.com" not in summary


def test_cancel_stores_nothing(server, served) -> None:
    send = conversation(server)
    send("Send an enquiry")
    send("Canary Person")
    assert "Cancelled" in texts(send("cancel"))
    store = e2e_store(served)
    try:
        assert not [r for r in store.list(include_handled=True) if r.name == "Canary Person"]
    finally:
        store.dispose()


def test_no_consent_stores_nothing_and_offers_another_way(server, served) -> None:
    send = conversation(server)
    fill_until_consent(send, email="no-consent@example.com")
    reply = texts(send("No, I don't agree"))
    assert "Nothing has been stored" in reply and "contact" in reply
    store = e2e_store(served)
    try:
        assert not [r for r in store.list(include_handled=True) if r.email == "no-consent@example.com"]
    finally:
        store.dispose()


def test_a_page_question_mid_form_is_answered_and_the_form_resumes(server) -> None:
    send = conversation(server)
    send("Send an enquiry")
    reply = texts(send("How is it different from porn?"))
    assert "#understanding" in reply and "What name should he use" in reply


def test_an_under_18_disclosure_blocks_the_enquiry(server) -> None:
    send = conversation(server)
    send("Send an enquiry")
    send("Alex")
    assert "18" in texts(send("I'm 16"))
    reply = texts(send("Send an enquiry"))
    assert "under 18" in reply and "What name" not in reply


def test_delete_my_chat_erases_the_stored_conversation(server, served) -> None:
    send = conversation(server)
    send("what is compulsive online sexual behaviour")
    assert "delete this whole conversation" in texts(send("delete my chat"))
    reply = send("Yes, delete it")
    assert "deleted" in texts(reply)
    assert any((m.get("custom") or {}).get("forget_conversation") for m in reply)
    with sqlite3.connect(served.dir / "tracker.db") as db:
        rows = db.execute("select count(*) from events where sender_id = ?", (send.sender,)).fetchone()[0]
    assert rows == 0


def test_rejected_answers_and_errors_put_nothing_in_the_logs(server) -> None:
    """Invalid values go through the validators' error paths; the session's log check greps for them."""
    send = conversation(server)
    send("Send an enquiry")
    # (an address that can't be used, so it isn't kept for the contact step)
    assert "name or an alias" in texts(send("canary-name@canary"))
    send("canary Person")
    send("By email")
    assert "can't be in one" in texts(send("canary@@not-an-email"))
    send("canary-ok@example.com")
    send("Just me")
    send("canary evenings")
    assert "limit is 500" in texts(send("canary " * 90))
    assert "Cancelled" in texts(send("cancel"))
