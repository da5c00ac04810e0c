"""Nothing of a child-protection disclosure is written to the tracker store."""

from __future__ import annotations

import asyncio
import json

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Restarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.tracker_store import RedactingSQLTrackerStore


@pytest.mark.parametrize("intent", ["safety_child_content", "safety_crisis", "safety_abuse"])
def test_safety_turn_is_stored_without_its_words(tmp_path, intent: str) -> None:
    store = RedactingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))
    tracker = DialogueStateTracker("visitor", slots=[])
    secret = "canary-words-of-the-disclosure"
    tracker.update(UserUttered("what is this about", intent={"name": "faq", "confidence": 0.9}))
    tracker.update(ActionExecuted("utter_faq"))
    tracker.update(
        UserUttered(secret, intent={"name": intent, "confidence": 1.0}, parse_data={"text": secret})
    )
    asyncio.run(store.save(tracker))

    with store.session_scope() as session:
        rows = [json.loads(r.data) for r in session.query(store.SQLEvent).all()]
    assert secret not in json.dumps(rows)
    user_rows = [r for r in rows if r["event"] == "user"]
    assert user_rows[0]["text"] == "what is this about"  # other turns are kept
    assert user_rows[1]["parse_data"]["intent"]["name"] == intent


def _store(tmp_path) -> RedactingSQLTrackerStore:
    domain = Domain.from_dict(
        {
            "slots": {
                "reflect_before": {"type": "text", "mappings": [{"type": "custom"}]},
                "reflect_gives": {"type": "text", "mappings": [{"type": "custom"}]},
                "reflection_themes": {"type": "list", "mappings": [{"type": "custom"}]},
            },
            "forms": {"reflection_form": {"required_slots": ["reflect_before", "reflect_gives"]}},
        }
    )
    return RedactingSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "t.db"))


def _rows(store: RedactingSQLTrackerStore) -> str:
    with store.session_scope() as session:
        return json.dumps([json.loads(r.data) for r in session.query(store.SQLEvent).all()])


def _answer_turn(tracker: DialogueStateTracker, text: str, slot: str, themes: list) -> None:
    tracker.update(
        UserUttered(text, intent={"name": "share_context", "confidence": 0.7}, parse_data={"text": text})
    )
    tracker.update(SlotSet(slot, text))
    tracker.update(SlotSet(slot, "answered"))
    tracker.update(SlotSet("reflection_themes", themes))


@pytest.mark.parametrize("ending", ["finished", "stopped", "safety"])
def test_reflection_answers_are_never_stored_and_erased_when_it_ends(tmp_path, ending: str) -> None:
    store = _store(tmp_path)
    tracker = store.init_tracker("visitor")
    canary = "canary-lonely-after-work"
    tracker.update(UserUttered("yes let's begin", intent={"name": "affirm", "confidence": 0.9}))
    tracker.update(ActionExecuted("reflection_form"))
    tracker.update(ActiveLoop("reflection_form"))
    asyncio.run(store.save(tracker))
    _answer_turn(tracker, canary, "reflect_before", ["loneliness"])
    asyncio.run(store.save(tracker))
    stored = _rows(store)
    assert canary not in stored  # neither the message nor the slot value
    assert "loneliness" in stored  # the theme ids live until the end
    assert asyncio.run(store.retrieve("visitor")).get_slot("reflection_themes") == ["loneliness"]

    if ending == "finished":
        _answer_turn(tracker, "canary-second", "reflect_gives", ["loneliness", "validation"])
        tracker.update(ActiveLoop(None))
        for slot in ("reflect_before", "reflect_gives", "reflection_themes"):
            tracker.update(SlotSet(slot, None))
    elif ending == "stopped":
        tracker.update(UserUttered("stop", intent={"name": "stop", "confidence": 0.9}))
        tracker.update(ActiveLoop(None))
    else:
        tracker.update(UserUttered("canary-crisis", intent={"name": "safety_crisis", "confidence": 1.0}))
        tracker.update(ActionExecuted("utter_safety_crisis"))
        tracker.update(ActiveLoop(None))
    asyncio.run(store.save(tracker))

    stored = _rows(store)
    assert "canary" not in stored
    assert "loneliness" not in stored and "validation" not in stored
    again = asyncio.run(store.retrieve("visitor"))
    for slot in ("reflect_before", "reflect_gives", "reflection_themes"):
        assert again.get_slot(slot) is None


def test_messages_outside_private_forms_are_kept(tmp_path) -> None:
    store = _store(tmp_path)
    tracker = store.init_tracker("visitor")
    tracker.update(UserUttered("how is it different from porn", intent={"name": "faq", "confidence": 0.9}))
    asyncio.run(store.save(tracker))
    assert "different from porn" in _rows(store)


def test_delete_my_chat_removes_every_stored_event_of_the_conversation(tmp_path) -> None:
    store = _store(tmp_path)
    tracker = store.init_tracker("visitor")
    other = store.init_tracker("someone-else")
    tracker.update(UserUttered("canary-first-session", intent={"name": "faq", "confidence": 0.9}))
    other.update(UserUttered("kept", intent={"name": "faq", "confidence": 0.9}))
    asyncio.run(store.save(tracker))
    asyncio.run(store.save(other))
    tracker.update(UserUttered("delete my chat", intent={"name": "delete_chat", "confidence": 0.9}))
    tracker.update(ActionExecuted("utter_confirm_delete_chat"))
    tracker.update(UserUttered("yes", intent={"name": "affirm", "confidence": 0.9}))
    tracker.update(ActionExecuted("action_restart"))
    tracker.update(Restarted())
    asyncio.run(store.save(tracker))
    stored = _rows(store)
    assert "canary" not in stored and "delete my chat" not in stored
    assert "kept" in stored
    assert asyncio.run(store.retrieve("visitor")) is None


def test_enquiry_details_are_erased_when_the_form_is_interrupted(tmp_path) -> None:
    domain = Domain.from_dict(
        {
            "slots": {"enquiry_name": {"type": "text", "mappings": [{"type": "custom"}]}},
            "forms": {"enquiry_form": {"required_slots": ["enquiry_name"]}},
        }
    )
    store = RedactingSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "t.db"))
    tracker = store.init_tracker("visitor")
    tracker.update(ActiveLoop("enquiry_form"))
    tracker.update(UserUttered("Canary Name", intent={"name": "share_context", "confidence": 0.5}))
    tracker.update(SlotSet("enquiry_name", "Canary Name"))
    asyncio.run(store.save(tracker))
    assert "Canary" in _rows(store)  # kept while the form needs it, but not the typed message
    assert asyncio.run(store.retrieve("visitor")).get_slot("enquiry_name") == "Canary Name"
    tracker.update(UserUttered("i'm canary-fifteen", intent={"name": "safety_under_18", "confidence": 1.0}))
    tracker.update(ActiveLoop(None))
    asyncio.run(store.save(tracker))
    assert "Canary" not in _rows(store) and "canary-fifteen" not in _rows(store)
    assert asyncio.run(store.retrieve("visitor")).get_slot("enquiry_name") is None


def test_bot_messages_built_from_private_words_are_stored_without_text(tmp_path) -> None:
    from rasa.shared.core.events import BotUttered

    store = _store(tmp_path)
    tracker = store.init_tracker("visitor")
    tracker.update(
        BotUttered("Name: canary-name", metadata={"utter_action": "utter_enquiry_summary", "name": "x"})
    )
    tracker.update(
        BotUttered("So canary-theme can come", metadata={"utter_action": "utter_reflect_ack_before"})
    )
    tracker.update(BotUttered("public answer", metadata={"utter_action": "utter_faq/overview"}))
    asyncio.run(store.save(tracker))
    stored = _rows(store)
    assert "canary" not in stored and "public answer" in stored
    assert "utter_enquiry_summary" in stored  # which reply it was is kept


def test_a_private_reply_keeps_its_check_in_marks_and_nothing_else(tmp_path) -> None:
    from rasa.shared.core.events import BotUttered

    store = _store(tmp_path)
    tracker = store.init_tracker("visitor")
    metadata = {"utter_action": "utter_reflect_ack_before", "check_in": True, "check_in_route": "crisis"}
    tracker.update(BotUttered("So canary-theme can come", metadata={**metadata, "quote": "canary-quote"}))
    asyncio.run(store.save(tracker))
    stored = _rows(store)
    assert "canary" not in stored
    retrieved = asyncio.run(store.retrieve("visitor"))
    assert retrieved is not None
    (restored,) = [e for e in retrieved.events if isinstance(e, BotUttered)]
    assert restored.metadata == metadata and not restored.text


def test_a_form_left_open_until_the_session_expired_is_erased(tmp_path) -> None:
    from rasa.shared.core.events import SessionStarted

    domain = Domain.from_dict(
        {
            "slots": {"enquiry_email": {"type": "text", "mappings": [{"type": "custom"}]}},
            "forms": {"enquiry_form": {"required_slots": ["enquiry_email"]}},
        }
    )
    store = RedactingSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "t.db"))
    tracker = store.init_tracker("visitor")
    tracker.update(ActiveLoop("enquiry_form"))
    tracker.update(SlotSet("enquiry_email", "canary@example.com"))
    asyncio.run(store.save(tracker))
    assert "canary@example.com" in _rows(store)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    asyncio.run(store.save(tracker))
    assert "canary@example.com" not in _rows(store)


def test_im_fine_retractions_are_not_stored() -> None:
    from assistant.tracker_store import redact

    event = UserUttered(
        "canary I was joking about dying", intent={"name": "safety_retract", "confidence": 0.9}
    )
    assert redact(event).text == ""


def _user(text: str, intent: str, concern: str | None = None) -> UserUttered:
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9}}
    if concern:
        parse["safety_concern"] = concern
    return UserUttered(text, intent=parse["intent"], parse_data=parse)


def test_messages_after_a_disclosure_are_stored_without_words_until_the_topic_changes(tmp_path) -> None:
    store = RedactingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))
    tracker = DialogueStateTracker("visitor", slots=[])
    tracker.update(_user("canary-disclosure", "safety_crisis"))
    tracker.update(ActionExecuted("utter_safety_crisis"))
    tracker.update(_user("canary-my wife found the messages and left", "share_context"))
    tracker.update(ActionExecuted("utter_after_crisis_unclear"))
    tracker.update(_user("canary-i dont want to ring anyone", "safety_reluctant_to_call"))
    tracker.update(ActionExecuted("utter_after_crisis_reluctant_to_call"))
    asyncio.run(store.save(tracker))
    tracker.update(_user("how is it different from porn", "faq"))  # the topic changes: kept
    tracker.update(ActionExecuted("utter_faq"))
    asyncio.run(store.save(tracker))
    stored = _rows(store)
    assert "canary" not in stored
    assert "how is it different from porn" in stored


def test_a_possible_concern_is_stored_without_its_words(tmp_path) -> None:
    store = RedactingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))
    tracker = DialogueStateTracker("visitor", slots=[])
    tracker.update(_user("canary-whats the point of anything", "feeling_low", concern="crisis"))
    asyncio.run(store.save(tracker))
    stored = _rows(store)
    assert "canary" not in stored and '"safety_concern": "crisis"' in stored


def test_a_failing_write_does_not_put_the_visitors_words_in_the_error(tmp_path) -> None:
    store = RedactingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))
    with store.engine.begin() as connection:  # every INSERT fails from now on, as on a full disk
        connection.exec_driver_sql(
            "CREATE TRIGGER full_disk BEFORE INSERT ON events BEGIN SELECT RAISE(FAIL, 'disk full'); END"
        )
    tracker = DialogueStateTracker("visitor", slots=[])
    tracker.update(_user("canary-typed words", "faq"))
    with pytest.raises(Exception) as failure:
        asyncio.run(store.save(tracker))
    assert "canary" not in str(failure.value)
    assert "canary" not in repr(failure.value)


def test_the_whole_reflection_summary_is_stored_without_text(tmp_path) -> None:
    from rasa.shared.core.events import BotUttered

    store = RedactingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))
    tracker = DialogueStateTracker("visitor", slots=[])
    for name in (
        "utter_reflection_summary",
        "utter_reflection_focus_dopamine",
        "utter_reflection_next_steps",
    ):
        tracker.update(
            BotUttered(
                "canary-focus text",
                data={"buttons": [{"title": "canary-read more", "payload": "canary-read more"}]},
                metadata={"utter_action": name},
            )
        )
    asyncio.run(store.save(tracker))
    stored = _rows(store)
    assert "canary" not in stored and "utter_reflection_focus_dopamine" in stored
