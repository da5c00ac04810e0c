"""The admin tool and the worker open the tracker store the running assistant writes to.

``assistant.tracker_store.RedactingSQLTrackerStore`` (inside Rasa) and
``assistant.enquiries.config`` (the admin tool, the worker) must resolve ``TRACKER_DB_URL`` the
same way, or an erase would look in one database while the conversations are in another.
"""

from __future__ import annotations

from typing import Any, Dict

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain

from assistant.enquiries.config import load_config
from assistant.settings import PROJECT_ROOT
from assistant.tracker_store import RedactingSQLTrackerStore


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> Dict[str, Any]:
    """Rasa's SQLTrackerStore.__init__ replaced by a recorder (no database is touched)."""
    calls: Dict[str, Any] = {}

    def record(self: SQLTrackerStore, domain: Any = None, **kwargs: Any) -> None:
        calls.update(kwargs)

    monkeypatch.setattr(SQLTrackerStore, "__init__", record)
    return calls


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "sqlite:///var/tracker.db",
        "sqlite:///var/elsewhere/other.db",
        "sqlite:////srv/assistant/tracker.db",
        "postgresql+psycopg2://rasa:secret@db.internal:5432/tracker",
    ],
)
def test_the_admin_tool_opens_the_assistants_tracker_store(
    captured: Dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path, value: str | None
) -> None:
    monkeypatch.chdir(tmp_path)  # the admin's shell may be anywhere
    env = {} if value is None else {"TRACKER_DB_URL": value}
    if value is None:
        monkeypatch.delenv("TRACKER_DB_URL", raising=False)
    else:
        monkeypatch.setenv("TRACKER_DB_URL", value)
    RedactingSQLTrackerStore(Domain.empty())
    assert load_config(env).tracker_db_url == captured["host"]


def test_unset_means_var_tracker_db_under_the_project() -> None:
    assert load_config({}).tracker_db_url == f"sqlite:///{PROJECT_ROOT / 'var' / 'tracker.db'}"
