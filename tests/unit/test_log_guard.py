"""DEBUG logs, which would hold what visitors type, are refused unless explicitly allowed."""

from __future__ import annotations

import logging

import pytest
from rasa.shared.core.domain import Domain

from assistant.log_guard import refuse_debug_logs
from assistant.tracker_store import RedactingSQLTrackerStore


@pytest.fixture
def rasa_at_debug():  # type: ignore[no-untyped-def]
    names = ("rasa", "sanic")
    before = {n: logging.getLogger(n).level for n in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield
    for name, level in before.items():
        logging.getLogger(name).setLevel(level)


def test_debug_is_put_back_to_info_when_the_assistant_starts(rasa_at_debug, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("ALLOW_DEBUG_LOGS", raising=False)
    RedactingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))
    assert logging.getLogger("rasa").level == logging.INFO
    assert not logging.getLogger("rasa.core.processor").isEnabledFor(logging.DEBUG)


def test_debug_stays_when_explicitly_allowed(rasa_at_debug, monkeypatch) -> None:
    monkeypatch.setenv("ALLOW_DEBUG_LOGS", "1")
    assert refuse_debug_logs() is False
    assert logging.getLogger("rasa").level == logging.DEBUG


def test_info_and_warning_levels_are_left_alone(monkeypatch) -> None:
    monkeypatch.delenv("ALLOW_DEBUG_LOGS", raising=False)
    logging.getLogger("rasa_sdk").setLevel(logging.WARNING)
    assert refuse_debug_logs(["rasa_sdk"]) is False
    assert logging.getLogger("rasa_sdk").level == logging.WARNING
