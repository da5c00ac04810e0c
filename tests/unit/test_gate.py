"""The retrieval confidence gate turns unsure page answers into fallbacks."""

from __future__ import annotations

from rasa.shared.nlu.training_data.message import Message

from assistant.nlu.retrieval_gate import RetrievalConfidenceGate


def message(intent: str, selector_confidence: float | None) -> Message:
    msg = Message(data={"text": "question", "intent": {"name": intent, "confidence": 0.9}})
    if selector_confidence is not None:
        msg.set(
            "response_selector",
            {
                "default": {
                    "response": {"confidence": selector_confidence, "intent_response_key": f"{intent}/x"}
                }
            },
        )
    return msg


def gate() -> RetrievalConfidenceGate:
    return RetrievalConfidenceGate({"threshold": 0.5, "retrieval_intents": ["faq", "not_on_page"]})


def test_unsure_answer_becomes_a_fallback() -> None:
    (out,) = gate().process([message("faq", 0.3)])
    assert out.get("intent")["name"] == "nlu_fallback"


def test_confident_answer_is_kept() -> None:
    (out,) = gate().process([message("not_on_page", 0.8)])
    assert out.get("intent")["name"] == "not_on_page"


def test_other_intents_are_untouched() -> None:
    (out,) = gate().process([message("greet", 0.1)])
    assert out.get("intent")["name"] == "greet"


def test_missing_selector_output_is_left_alone() -> None:
    (out,) = gate().process([message("faq", None)])
    assert out.get("intent")["name"] == "faq"
