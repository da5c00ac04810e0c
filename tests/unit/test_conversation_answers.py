"""Page answers as a conversation: follow-ups from context, list items, clarifying, other languages."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from assistant import answers
from assistant.domain_files import response_files
from assistant.english import is_other_language
from assistant.nlg import FEELING_OFFERS, SettingsResponseNLG
from assistant.nlu.conversation_gate import ConversationGate, bare_followup
from assistant.nlu.retrieval_gate import RetrievalConfidenceGate
from assistant.unnamed import asked_group, asked_method
from tests.conftest import ROOT

K = answers.knowledge()
WORD_LIMIT_SHORT = 60
WORD_LIMIT_MORE = 70


@pytest.fixture(scope="module")
def nlg() -> SettingsResponseNLG:
    return SettingsResponseNLG(domain=Domain.load([str(f) for f in response_files()]))


def tracker(*turns: Any, active_loop: str | None = None) -> DialogueStateTracker:
    """A tracker from (user text, intent, parse extras) and ("bot", metadata) turns."""
    t = DialogueStateTracker("conversation-test", [])
    t.update(SessionStarted())
    t.update(ActionExecuted("action_listen"))
    for turn in turns:
        if turn[0] == "bot":
            t.update(BotUttered("reply", metadata=turn[1]))
        else:
            text, intent, extra = (*turn, {})[:3]
            parse = {"intent": {"name": intent, "confidence": 0.9}, "text": text, **extra}
            t.update(UserUttered(text, intent=parse["intent"], parse_data=parse))
    if active_loop:
        t.update(ActiveLoop(active_loop))
    return t


def say(nlg: SettingsResponseNLG, name: str, t: DialogueStateTracker) -> Dict[str, Any]:
    out = asyncio.run(nlg.generate(name, t, "rest"))
    assert out is not None
    return out


def payloads(response: Dict[str, Any]) -> List[str]:
    return [b["payload"] for b in response.get("buttons") or []]


# --- the knowledge ----------------------------------------------------------


@pytest.mark.parametrize("section", K.sections, ids=lambda s: s.id)
def test_every_section_has_short_wordings_a_plain_version_and_more(section: answers.Section) -> None:
    assert len(section.short) >= 2
    assert all(len(text.split()) <= WORD_LIMIT_SHORT for text in section.short)
    assert section.plain and len(section.plain.split()) <= WORD_LIMIT_SHORT
    assert section.more and len(section.more.split()) <= WORD_LIMIT_MORE
    assert section.ask.endswith("?")


def test_the_generated_answers_vary_and_offer_more() -> None:
    first = answers.first_answers(K.section("neuroscience"))
    assert len({r["text"] for r in first}) >= 2
    assert all(payloads(r)[0] == answers.MORE for r in first)


# --- follow-ups from the latest answer ----------------------------------------


def test_what_do_you_mean_explains_the_latest_answer_in_plainer_words(nlg: SettingsResponseNLG) -> None:
    t = tracker(
        ("why is it so hard to stop", "faq"),
        ("bot", {"utter_action": "utter_faq/neuroscience"}),
        ("what do you mean?", "followup_plain"),
    )
    out = say(nlg, "utter_followup_plain", t)
    assert K.section("neuroscience").plain in out["text"]
    assert out[answers.SECTION_KEY] == "neuroscience"
    assert "{" not in out["text"]


def test_tell_me_more_twice_then_the_page_says_no_more(nlg: SettingsResponseNLG) -> None:
    t = tracker(
        ("x", "faq"), ("bot", {"utter_action": "utter_faq/process"}), ("tell me more", "followup_more")
    )
    out = say(nlg, "utter_followup_more", t)
    assert K.section("process").more in out["text"]
    t = tracker(("x", "faq"), ("bot", {"section": "process", "followup": "more"}), ("more", "followup_more"))
    out = say(nlg, "utter_followup_more", t)
    assert "everything the page says" in out["text"]


def test_a_plain_version_follows_a_plain_version_of_the_same_section(nlg: SettingsResponseNLG) -> None:
    t = tracker(
        ("x", "faq"), ("bot", {"section": "focus_somatic", "followup": "plain"}), ("huh", "followup_plain")
    )
    assert K.section("focus_somatic").plain in say(nlg, "utter_followup_plain", t)["text"]


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("the second one", "focus_attachment"),
        ("the body one", "focus_somatic"),
        ("the last one", "focus_lifestyle"),
        ("tell me about the first one", "focus_dopamine"),
        ("3", "focus_somatic"),
        ("what about the sleep one", "focus_lifestyle"),
    ],
)
def test_an_item_of_the_focus_list_gets_its_own_answer(
    nlg: SettingsResponseNLG, text: str, section: str
) -> None:
    t = tracker(("x", "faq"), ("bot", {"utter_action": "utter_faq/focus_areas"}), (text, "followup_item"))
    out = say(nlg, "utter_followup_item", t)
    assert out[answers.SECTION_KEY] == section
    assert K.section(section).short[0] in out["text"]


def test_naming_a_therapy_after_the_list_explains_that_therapy(nlg: SettingsResponseNLG) -> None:
    ifs = next(item for item in K.section("approaches").items if "ifs" in item.aliases)
    t = tracker(("x", "faq"), ("bot", {"utter_action": "utter_faq/approaches"}), ("what's IFS?", "faq"))
    out = say(nlg, "utter_faq/approaches", t)
    assert ifs.text in out["text"]


def test_a_follow_up_with_nothing_before_it_asks_what_to_explain(nlg: SettingsResponseNLG) -> None:
    t = tracker(("what do you mean", "followup_plain"))
    out = say(nlg, "utter_followup_plain", t)
    assert out["text"] == answers.NO_CONTEXT["plain"]
    # an earlier session's answer is not this session's context
    t = tracker(("x", "faq"), ("bot", {"utter_action": "utter_faq/process"}))
    t.update(SessionStarted())
    t.update(UserUttered("tell me more", intent={"name": "followup_more", "confidence": 1.0}))
    assert say(nlg, "utter_followup_more", t)["text"] == answers.NO_CONTEXT["more"]


def test_yes_after_a_feeling_gives_the_section_it_offered(nlg: SettingsResponseNLG) -> None:
    t = tracker(
        ("i feel so ashamed", "feeling"),
        ("bot", {"utter_action": "utter_feeling/shame"}),
        ("yes please", "affirm"),
    )
    out = say(nlg, "utter_affirm", t)
    assert out[answers.SECTION_KEY] == "not_moral_failure"


@pytest.mark.parametrize(
    "feeling, section",
    [("shame", "not_moral_failure"), ("partner_hurt", "relationships"), ("confused", "not_addiction")],
)
def test_followups_after_a_feeling_explain_the_part_of_the_page_it_named(
    nlg: SettingsResponseNLG, feeling: str, section: str
) -> None:
    before = (
        ("i feel awful about all this", "feeling"),
        ("bot", {"utter_action": f"utter_feeling/{feeling}"}),
    )
    plain = say(nlg, "utter_followup_plain", tracker(*before, ("what do you mean?", "followup_plain")))
    assert plain[answers.SECTION_KEY] == section
    assert plain["text"] != answers.NO_CONTEXT["plain"]
    more = say(nlg, "utter_followup_more", tracker(*before, ("tell me more", "followup_more")))
    assert more[answers.SECTION_KEY] == section
    # anything else in between: no context, as before
    t = tracker(
        *before,
        ("bot", {"utter_action": "utter_ask_reflect_before"}),
        ("what do you mean?", "followup_plain"),
    )
    assert say(nlg, "utter_followup_plain", t)["text"] == answers.NO_CONTEXT["plain"]


def test_after_a_feeling_with_a_check_in_no_page_text(nlg: SettingsResponseNLG) -> None:
    """The check-in line may be what the visitor asks about: no page text for it."""
    before = (
        ("i feel so ashamed i dont see the point", "feeling"),
        ("bot", {"utter_action": "utter_feeling/shame", "check_in": True}),
    )
    plain = say(nlg, "utter_followup_plain", tracker(*before, ("what do you mean?", "followup_plain")))
    assert plain["text"] == answers.NO_CONTEXT["plain"] and answers.SECTION_KEY not in plain
    yes = asyncio.run(nlg.generate("utter_affirm", tracker(*before, ("yes", "affirm")), "rest"))
    assert yes is None or answers.SECTION_KEY not in yes


def test_every_feeling_offer_is_a_section_of_the_page() -> None:
    ids = {section.id for section in K.sections}
    assert FEELING_OFFERS and set(FEELING_OFFERS.values()) <= ids


# --- clarifying ---------------------------------------------------------------


def ranked(*pairs: Any) -> Message:
    message = Message(data={"text": "the body thing?"})
    message.set("intent", {"name": "faq", "confidence": 0.6})
    ranking = [{"intent_response_key": f"faq/{sid}", "confidence": c} for sid, c in pairs]
    message.set(
        "response_selector", {"default": {"response": {"confidence": pairs[0][1]}, "ranking": ranking}}
    )
    return message


def test_close_sections_get_a_clarifying_question_and_clear_ones_do_not() -> None:
    gate = RetrievalConfidenceGate(
        {"threshold": 0.2, "retrieval_intents": ["faq"], "clarify_below": 0.6, "clarify_margin": 0.2}
    )
    close = gate.process([ranked(("focus_somatic", 0.45), ("approaches", 0.35), ("process", 0.05))])[0]
    assert close.get("clarify_sections") == ["focus_somatic", "approaches"]
    clear = gate.process([ranked(("focus_somatic", 0.85), ("approaches", 0.1))])[0]
    assert clear.get("clarify_sections") is None
    far = gate.process([ranked(("focus_somatic", 0.5), ("approaches", 0.2))])[0]
    assert far.get("clarify_sections") is None


def test_the_clarifying_question_offers_each_section_and_never_interrupts_a_form(
    nlg: SettingsResponseNLG,
) -> None:
    extra = {"clarify_sections": ["focus_somatic", "approaches"]}
    out = say(nlg, "utter_faq/focus_somatic", tracker(("the body thing?", "faq", extra)))
    assert payloads(out) == [K.section("focus_somatic").ask, K.section("approaches").ask]
    inside = say(
        nlg, "utter_faq/focus_somatic", tracker(("the body thing?", "faq", extra), active_loop="enquiry_form")
    )
    assert inside[answers.SECTION_KEY] == "focus_somatic"


# --- things the page doesn't name -----------------------------------------------


def test_an_unnamed_therapy_or_group_is_named_back_never_implied(nlg: SettingsResponseNLG) -> None:
    out = say(
        nlg,
        "utter_not_on_page/other_therapies",
        tracker(("does he do hypnosis or hypnotherapy?", "not_on_page")),
    )
    assert "doesn't mention hypnotherapy" in out["text"]
    out = say(nlg, "utter_not_on_page/groups", tracker(("do you see gay men?", "not_on_page")))
    assert "works with LGBTQ+ people" in out["text"]
    assert asked_method("does he use tapping") == "EFT"
    assert asked_method("something else entirely") == "that approach"
    assert asked_group("no group named") == "a particular group of people"


# --- the gate: other languages and bare follow-ups ----------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what do you mean?", "followup_plain"),
        ("Huh??", "followup_plain"),
        ("Tell me more", "followup_more"),
        ("why?", "followup_more"),
        ("the second one", "followup_item"),
        ("number 3", "followup_item"),
        ("ok go on", "affirm"),
        ("what do you mean by emotional rhythm", None),
        ("why do I keep going back to the apps", None),
        ("I want to die", None),
    ],
)
def test_bare_follow_ups(text: str, expected: str | None) -> None:
    assert bare_followup(text) == expected


@pytest.mark.parametrize(
    ("text", "other"),
    [
        ("Hola, tengo un problema con las apps de citas, ¿qué puedo hacer?", True),
        ("Ist dieser Chat vertraulich? Kann Tim das lesen?", True),
        ("Привет, мне нужна помощь", True),
        ("i am from spain sorry for my english, is this confidential?", False),
        ("my fiancée and I went to a café", False),
        ("naïve question but is this private", False),
        ("I want to die", False),
    ],
)
def test_other_languages(text: str, other: bool) -> None:
    assert is_other_language(text) is other


def test_the_gate_sets_the_intent_and_leaves_other_messages_alone() -> None:
    gate = ConversationGate()
    messages = [
        Message(data={"text": t})
        for t in (
            "Ist dieser Chat vertraulich? Kann Tim das lesen?",
            "what do you mean?",
            "how is it different from porn",
        )
    ]
    for message in messages:
        message.set("intent", {"name": "faq", "confidence": 0.9})
    out = gate.process(messages)
    assert [m.get("intent")["name"] for m in out] == ["other_language", "followup_plain", "faq"]


# --- every button is understood -------------------------------------------------


def _training_examples() -> Dict[str, str]:
    import yaml

    examples: Dict[str, str] = {}
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            for line in (block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    examples[line.strip()[2:].strip().lower()] = block["intent"]
    return examples


# A form's buttons are read by the form itself as the step's answer, not by the classifier.
FORM_STEPS = ("utter_ask_enquiry_", "utter_enquiry_", "utter_reflection_next_steps")


def test_every_button_the_assistant_shows_is_a_training_example() -> None:
    import yaml

    examples = _training_examples()
    payloads_shown = {
        answers.MORE,
        *(s.ask for s in K.sections),
        *(s.next_question for s in K.sections if s.next_question),
    }
    for path in response_files():
        responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
        for name, variants in responses.items():
            if name.startswith(FORM_STEPS):
                continue
            for variant in variants or []:
                for button in variant.get("buttons") or []:
                    if "payload" in button and not str(button["payload"]).startswith("/"):
                        payloads_shown.add(str(button["payload"]))
    missing = sorted(p for p in payloads_shown if p.lower() not in examples and bare_followup(p) is None)
    assert not missing, missing


def test_each_section_question_trains_its_own_section() -> None:
    examples = _training_examples()
    for section in K.sections:
        assert examples.get(section.ask.lower()) == f"faq/{section.id}", section.ask


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("delete this conversation", True),
        ("Please delete my chat.", True),
        ("can you wipe the whole conversation please", True),
        ("how do I delete this chat?", False),
        ("can i delete this later?", False),
        ("delete the message I wrote in the form", False),
    ],
)
def test_a_request_to_delete_the_chat_is_the_command(text: str, command: bool) -> None:
    from assistant.nlu.conversation_gate import delete_command

    assert delete_command(text, "privacy") is command
    assert delete_command(text, "faq") is False


def test_the_x_one_with_no_list_before_it_is_a_page_question(nlg: SettingsResponseNLG) -> None:
    ranking = {
        "default": {
            "ranking": [
                {"intent_response_key": "faq/focus_somatic", "confidence": 0.8},
                {"intent_response_key": "faq/approaches", "confidence": 0.1},
            ]
        }
    }
    out = say(
        nlg,
        "utter_followup_item",
        tracker(("the body thing?", "followup_item", {"response_selector": ranking})),
    )
    assert out[answers.SECTION_KEY] == "focus_somatic"
    unsure = {"default": {"ranking": [{"intent_response_key": "faq/focus_somatic", "confidence": 0.3}]}}
    out = say(
        nlg,
        "utter_followup_item",
        tracker(("the body thing?", "followup_item", {"response_selector": unsure})),
    )
    assert out["text"] == answers.NO_CONTEXT["item"]


def test_yes_after_the_low_mood_reply_or_a_check_in_never_continues_with_page_text(
    nlg: SettingsResponseNLG,
) -> None:
    t = tracker(
        ("i feel like scum", "feeling_low"), ("bot", {"utter_action": "utter_feeling_low"}), ("yes", "affirm")
    )
    out = say(nlg, "utter_affirm", t)
    assert answers.SECTION_KEY not in out
    checked = {"utter_action": "utter_faq/process", "section": "process", "check_in": True}
    out = say(nlg, "utter_affirm", tracker(("x", "faq"), ("bot", checked), ("yes", "affirm")))
    assert answers.SECTION_KEY not in out


def test_a_follow_up_after_anything_but_a_page_answer_has_no_page_context(nlg: SettingsResponseNLG) -> None:
    t = tracker(
        ("x", "faq"),
        ("bot", {"utter_action": "utter_faq/process"}),
        ("I want to end it all", "safety_crisis"),
        ("bot", {"utter_action": "utter_safety_crisis"}),
        ("why", "followup_more"),
    )
    assert say(nlg, "utter_followup_more", t)["text"] == answers.NO_CONTEXT["more"]


def test_the_second_one_after_did_you_mean_picks_from_the_offer(nlg: SettingsResponseNLG) -> None:
    offer = answers.clarify([K.section("focus_somatic"), K.section("approaches")])
    metadata = {key: offer[key] for key in (answers.FOLLOWUP_KEY, answers.CLARIFY_KEY)}
    t = tracker(("the body thing?", "faq"), ("bot", metadata), ("the second one", "followup_item"))
    assert say(nlg, "utter_followup_item", t)[answers.SECTION_KEY] == "approaches"


def test_a_count_is_not_a_position() -> None:
    items = K.section("focus_areas").items
    assert answers.chosen_item("can I work on two of them at once?", items) is None
    assert answers.chosen_item("number 2", items) is items[1]


def test_no_feeling_or_privacy_reply_suggests_contact_to_a_minor(nlg: SettingsResponseNLG) -> None:
    from assistant.nlg import apply_safety_rules

    for name, variants in nlg.responses.items():
        if not name.startswith(("utter_feeling/", "utter_privacy/", "utter_not_on_page/")):
            continue
        for variant in variants:
            out = apply_safety_rules(
                variant, ["feeling"], is_minor=True, contact_phrase="the contact details"
            )
            assert "enquiry as" not in out.get("text", ""), name
            assert all(
                b["payload"] not in ("Get in touch", "Send an enquiry") for b in out.get("buttons") or []
            ), name


def test_a_failing_composition_falls_back_to_the_domain_response(
    nlg: SettingsResponseNLG, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.nlg as module

    def broken(*args: Any) -> None:
        raise FileNotFoundError("knowledge")

    monkeypatch.setattr(module, "conversational_response", broken)
    out = say(nlg, "utter_followup_more", tracker(("tell me more", "followup_more")))
    assert out["text"] == answers.NO_CONTEXT["more"]


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("Can we do the private reflection?", "start_reflection"),
        ("more real closeness", "nlu_fallback"),
        ("is this chat confidential?", None),
        ("wait is this being saved somewhere", None),
        ("does the reflection keep my answers?", None),
        ("will my wife find out from this", None),
    ],
)
def test_a_privacy_reading_needs_a_word_about_the_chats_keeping(text: str, reading: str | None) -> None:
    from assistant.nlu.conversation_gate import privacy_reading

    assert privacy_reading(text, "privacy") == reading
    assert privacy_reading(text, "faq") is None


def test_the_classifiers_other_language_guess_needs_a_sign_of_another_language() -> None:
    gate = ConversationGate()
    english = Message(
        data={
            "text": "is the first consultation free",
            "intent": {"name": "other_language", "confidence": 0.7},
            "intent_ranking": [
                {"name": "other_language", "confidence": 0.7},
                {"name": "not_on_page", "confidence": 0.2},
                {"name": "faq", "confidence": 0.1},
            ],
        }
    )
    unsure = Message(
        data={
            "text": "isn't this just people making excuses",
            "intent": {"name": "other_language", "confidence": 0.5},
            "intent_ranking": [
                {"name": "other_language", "confidence": 0.5},
                {"name": "faq", "confidence": 0.4},
            ],
        }
    )
    foreign = Message(
        data={
            "text": "¿Hola?",
            "intent": {"name": "other_language", "confidence": 0.9},
            "intent_ranking": [{"name": "other_language", "confidence": 0.9}],
        }
    )
    gate.process([english, unsure, foreign])
    assert english.get("intent")["name"] == "nlu_fallback"  # the next guess (0.2) is too unsure
    assert unsure.get("intent")["name"] == "faq"
    assert [r["name"] for r in unsure.get("intent_ranking")] == ["faq"]
    assert foreign.get("intent")["name"] == "other_language"
