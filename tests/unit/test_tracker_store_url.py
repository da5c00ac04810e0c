"""The tracker store's database comes from one URL: ``url:`` in endpoints.yml or TRACKER_DB_URL."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig, read_endpoint_config

from assistant.settings import PROJECT_ROOT
from assistant.tracker_store import RedactingSQLTrackerStore

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> Dict[str, Any]:
    """Rasa's SQLTrackerStore.__init__ replaced by a recorder (no database is touched)."""
    calls: Dict[str, Any] = {}

    def record(self: SQLTrackerStore, domain: Any = None, **kwargs: Any) -> None:
        calls.update(kwargs)

    monkeypatch.setattr(SQLTrackerStore, "__init__", record)
    return calls


def test_a_sqlite_url_from_the_environment_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_DB_URL", f"sqlite:///{tmp_path / 'from-env.db'}")
    store = RedactingSQLTrackerStore(Domain.empty())
    tracker = DialogueStateTracker("visitor", slots=[])
    tracker.update(UserUttered("hello", intent={"name": "greet", "confidence": 1.0}))
    asyncio.run(store.save(tracker))
    assert store.engine.url.get_backend_name() == "sqlite"
    assert (tmp_path / "from-env.db").exists()
    restored = asyncio.run(store.retrieve("visitor"))
    assert restored is not None and restored.latest_message.text == "hello"


def test_the_default_is_var_tracker_db_under_the_project(
    captured: Dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRACKER_DB_URL", raising=False)
    RedactingSQLTrackerStore(Domain.empty())
    assert captured["host"] == f"sqlite:///{PROJECT_ROOT / 'var' / 'tracker.db'}"
    assert captured["dialect"] == "sqlite"


def test_an_empty_variable_means_the_default(
    captured: Dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_DB_URL", "  ")
    RedactingSQLTrackerStore(Domain.empty())
    assert captured["host"].endswith("/var/tracker.db")


def test_a_relative_sqlite_path_is_resolved_against_the_project(
    captured: Dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_DB_URL", "sqlite:///var/other.db")
    RedactingSQLTrackerStore(Domain.empty())
    assert captured["host"] == f"sqlite:///{PROJECT_ROOT / 'var' / 'other.db'}"


def test_the_dialect_comes_from_a_postgresql_url(
    captured: Dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_DB_URL", "sqlite:///ignored.db")
    url = "postgresql+psycopg2://rasa:secret@db.internal:5432/rasa"
    RedactingSQLTrackerStore(Domain.empty(), host=url)  # `url:` in endpoints.yml arrives as host
    assert captured["host"] == url and captured["dialect"] == "postgresql"


def test_rasa_parameters_still_work(captured: Dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_DB_URL", "sqlite:///ignored.db")
    RedactingSQLTrackerStore(Domain.empty(), dialect="postgresql", host="db", port=5432, db="rasa")
    assert captured["host"] == "db" and captured["dialect"] == "postgresql" and captured["db"] == "rasa"
    assert captured["port"] == 5432


def test_endpoints_yml_names_no_unset_variable_for_the_stores(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stores load with TRACKER_DB_URL and REDIS_URL unset (Rasa rejects an unset ${VAR}).

    ACTION_ENDPOINT_URL and ACTION_SERVER_TOKEN are the only ${VAR}s in the file (serve.sh
    exports both).
    """
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "test-token")
    monkeypatch.delenv("TRACKER_DB_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    tracker = read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store")
    locks = read_endpoint_config(str(ROOT / "endpoints.yml"), "lock_store")
    assert (
        isinstance(tracker, EndpointConfig)
        and tracker.type == "assistant.tracker_store.RedactingSQLTrackerStore"
    )
    assert isinstance(locks, EndpointConfig) and locks.type == "assistant.lock_store.EnvironmentLockStore"


def test_rasa_sends_the_action_server_token_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "s3cret-token")
    action = read_endpoint_config(str(ROOT / "endpoints.yml"), "action_endpoint")
    assert action.headers == {"X-Action-Token": "s3cret-token"}
