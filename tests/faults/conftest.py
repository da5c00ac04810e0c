"""Fault tests: the real servers, with parts stopped and started on purpose (tests/harness/).

The enquiry database is the harness's throwaway PostgreSQL, which the tests stop (as a crash
would) and start again; the tracker store is a SQLite file in the served folder, so a
restarted Rasa finds the conversation where it was.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import pytest

from tests.harness.postgres import Postgres, PostgresUnavailable
from tests.harness.served import Served, serving, texts  # noqa: F401 - texts for the tests

FAULT_ENV = {
    "DB_CONNECT_TIMEOUT": "2",
    "ENQUIRY_SAVE_TIMEOUT": "5",
    "ENQUIRY_RETRY_BASE_SECONDS": "1",
}


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    try:
        server = Postgres()
        server.start()
    except PostgresUnavailable as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield server
    finally:
        server.remove()


@contextmanager
def running_stack(postgres: Postgres, **env: str) -> Iterator[Served]:
    """The assistant on ``postgres`` (with ``env`` added to its environment), stopped and removed after."""
    with serving(DATABASE_URL=postgres.url(), **{**FAULT_ENV, **env}) as served:
        yield served


# What the fault tests type that no log may hold, whichever order they ran in (checked once
# every test of the module has used the stack).
LOG_SECRETS = ("robin@example.com", "Robin", "lonely evenings", "feeling wanted", "kill myself")


@pytest.fixture(scope="module")
def stack(postgres: Postgres) -> Iterator[Served]:
    with running_stack(postgres) as started:
        yield started
        logs = started.logs()
    leaked = [secret for secret in LOG_SECRETS if secret in logs]
    if leaked:
        pytest.fail(f"visitor words in the logs after the faults: {leaked}", pytrace=False)
