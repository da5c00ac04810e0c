"""Timeouts, read from the actual sources: each part gives up before the part that waits for it.

An action call < a channel turn < the web front's and nginx's wait for Rasa < the widget's wait
for a reply. Otherwise the widget shows "taking too long" while the turn still runs, and Retry
sends the message again behind it (a form answer or "send" applied twice).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict

import pytest
import rasa.core.actions.action as rasa_action

from assistant.channels import RestChannel
from assistant.web.config import WebConfigError, load_web_config

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_VARIABLES = ("ACTION_TIMEOUT_SECONDS", "CHAT_TIMEOUT_SECONDS", "WEB_UPSTREAM_TIMEOUT")


@pytest.fixture(autouse=True)
def _defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    """No timeout from the environment, and Rasa's action-call timeout put back afterwards."""
    for name in TIMEOUT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT", rasa_action.DEFAULT_REQUEST_TIMEOUT)


def _nginx_read_timeouts() -> Dict[str, float]:
    """``proxy_read_timeout`` (seconds) of each ``location = ...`` block of deploy/nginx.conf."""
    conf = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    found: Dict[str, float] = {}
    for match in re.finditer(r"location\s*=\s*(\S+)\s*\{(.*?)\n\s*\}", conf, re.S):
        value = re.search(r"proxy_read_timeout\s+(\d+)s;", match.group(2))
        if value:
            found[match.group(1)] = float(value.group(1))
    return found


def _widget_timeout_seconds() -> float:
    """The widget's default wait for a reply (chat.js), and the demo page's data-timeout if set."""
    script = (ROOT / "web" / "widget" / "chat.js").read_text(encoding="utf-8")
    constant = re.search(r"var DEFAULT_TIMEOUT_MS = (\d+);", script)
    assert constant, "chat.js defines DEFAULT_TIMEOUT_MS"
    assert "parseInt(data.timeout, 10) || DEFAULT_TIMEOUT_MS" in script, "the default is the one used"
    page = (ROOT / "web" / "index.html").read_text(encoding="utf-8")
    on_page = re.search(r'data-timeout="(\d+)"', page)
    if on_page:
        assert on_page.group(1) == constant.group(1), "the demo page's data-timeout is the default"
    return int(constant.group(1)) / 1000


def test_each_part_gives_up_before_the_part_that_waits_for_it() -> None:
    channel = RestChannel()  # sets Rasa's action-call timeout, as when Rasa loads the channel
    action_call = float(rasa_action.DEFAULT_REQUEST_TIMEOUT)
    web_front = load_web_config({}).upstream_timeout
    assert action_call < channel.timeout < web_front, (action_call, channel.timeout, web_front)
    nginx = _nginx_read_timeouts()
    assert nginx["/webhooks/rest/webhook"] == web_front, "nginx and the web front are the same proxy layer"
    assert nginx["/webhook"] <= action_call, "nginx gives up on an action call no later than Rasa does"
    assert web_front < _widget_timeout_seconds()


def test_the_values_are_defined_once_and_read_by_every_python_part() -> None:
    from assistant.chat_request import TIMEOUTS, load_timeouts

    assert load_timeouts({}) == TIMEOUTS
    assert (TIMEOUTS.action_call, TIMEOUTS.channel_turn, TIMEOUTS.web_front, TIMEOUTS.widget) == (
        20.0,
        25.0,
        30.0,
        35.0,
    )
    channel = RestChannel()
    assert channel.timeout == TIMEOUTS.channel_turn
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == TIMEOUTS.action_call
    assert load_web_config({}).upstream_timeout == TIMEOUTS.web_front
    assert _nginx_read_timeouts() == {
        "/webhooks/rest/webhook": TIMEOUTS.web_front,
        "/webhooks/rest/": 5.0,
        "/webhook": TIMEOUTS.action_call,
        "/health": 5.0,
    }
    assert _widget_timeout_seconds() == TIMEOUTS.widget


def test_the_environment_can_change_them_in_order() -> None:
    from assistant.chat_request import load_timeouts

    env = {"ACTION_TIMEOUT_SECONDS": "8", "CHAT_TIMEOUT_SECONDS": "10", "WEB_UPSTREAM_TIMEOUT": "12"}
    timeouts = load_timeouts(env)
    assert (timeouts.action_call, timeouts.channel_turn, timeouts.web_front) == (8.0, 10.0, 12.0)
    assert load_web_config(env).upstream_timeout == 12.0


@pytest.mark.parametrize(
    "env",
    [
        {"CHAT_TIMEOUT_SECONDS": "60"},  # the channel would outlast the web front (the old 60 s)
        {"CHAT_TIMEOUT_SECONDS": "30"},  # equal is a race
        {"ACTION_TIMEOUT_SECONDS": "300"},  # Rasa's own default
        {"WEB_UPSTREAM_TIMEOUT": "35"},  # the widget would give up first
        {"WEB_UPSTREAM_TIMEOUT": "20"},  # below the channel turn
        {"CHAT_TIMEOUT_SECONDS": "0"},
        {"ACTION_TIMEOUT_SECONDS": "-1"},
        {"CHAT_TIMEOUT_SECONDS": "soon"},
        {"CHAT_TIMEOUT_SECONDS": "nan"},
    ],
)
def test_timeouts_out_of_order_stop_the_parts_that_read_them(
    monkeypatch: pytest.MonkeyPatch, env: Dict[str, str]
) -> None:
    from assistant.chat_request import load_timeouts

    with pytest.raises(ValueError):
        load_timeouts(env)
    with pytest.raises(WebConfigError):
        load_web_config(env)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValueError):
        RestChannel()
