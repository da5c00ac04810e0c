"""The lock store is Rasa's RedisLockStore when REDIS_URL is set, else Rasa's in-memory one."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict

import pytest
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from assistant.lock_store import (
    AtomicRedisLockStore,
    EnvironmentLockStore,
    LockStoreSettingsError,
    create_lock_store,
    redis_options,
)


def test_no_url_means_in_memory() -> None:
    assert isinstance(create_lock_store(None, env={}), InMemoryLockStore)
    assert isinstance(create_lock_store(EndpointConfig(type="x"), env={"REDIS_URL": " "}), InMemoryLockStore)


def test_a_redis_url_gives_rasas_redis_lock_store() -> None:
    store = create_lock_store(None, env={"REDIS_URL": "redis://:s3cret@cache.internal:6380/2"})
    assert isinstance(store, RedisLockStore) and type(store) is AtomicRedisLockStore
    kwargs = store.red.connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["db"], kwargs["password"]) == (
        "cache.internal",
        6380,
        2,
        "s3cret",
    )


def test_url_in_endpoints_wins_and_options_pass_through() -> None:
    config = EndpointConfig(url="redis://localhost/3", type="x", key_prefix="tim", socket_timeout=2)
    store = create_lock_store(config, env={"REDIS_URL": "redis://elsewhere/1"})
    assert isinstance(store, RedisLockStore)
    kwargs = store.red.connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["db"], kwargs["socket_timeout"]) == ("localhost", 3, 2)
    assert store.key_prefix == "tim:lock:"


@pytest.mark.parametrize(
    "url, expected",
    [
        ("redis://127.0.0.1:6379/1", {"host": "127.0.0.1", "port": 6379, "db": 1, "use_ssl": False}),
        ("redis://redis", {"host": "redis", "port": 6379, "db": 1, "password": None, "username": None}),
        (
            "rediss://user:p%40ss@r.example:6390/0",
            {"use_ssl": True, "username": "user", "password": "p@ss", "db": 0},
        ),
    ],
)
def test_redis_options(url: str, expected: dict) -> None:
    options = redis_options(url)
    assert {key: options[key] for key in expected} == expected


@pytest.mark.parametrize(
    "url", ["http://redis:6379", "redis://", "redis://host:notaport/1", "redis://host/x"]
)
def test_bad_urls_are_refused_without_echoing_secrets(url: str) -> None:
    with pytest.raises(LockStoreSettingsError) as error:
        redis_options(url.replace("redis://host", "redis://:topsecret@host"))
    assert "topsecret" not in str(error.value)


def test_the_endpoints_entry_point_returns_a_rasa_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    store = LockStore.create(EndpointConfig(type="assistant.lock_store.EnvironmentLockStore"))
    assert type(store) is InMemoryLockStore
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/1")
    assert type(EnvironmentLockStore(endpoint_config=None)) is AtomicRedisLockStore


def test_in_memory_locks_serialise_one_conversation() -> None:
    store = create_lock_store(None, env={})
    first = store.issue_ticket("c1")
    second = store.issue_ticket("c1")
    lock = store.get_lock("c1")
    assert lock is not None and lock.now_serving == first and second == first + 1


class SlowSharedRedis:
    """Just enough of a Redis server for the lock store, slow enough to expose lost updates."""

    def __init__(self) -> None:
        self.data: Dict[str, Any] = {}
        self.mutexes: Dict[str, threading.Lock] = defaultdict(threading.Lock)

    def get(self, key: str) -> Any | None:
        time.sleep(0.002)
        return self.data.get(key)

    def set(self, key: str, value: Any) -> None:
        time.sleep(0.002)
        self.data[key] = value

    def delete(self, key: str) -> int:
        return 1 if self.data.pop(key, None) is not None else 0

    def lock(self, name: str, **kwargs: Any) -> threading.Lock:
        return self.mutexes[name]


def test_two_replicas_never_get_the_same_ticket_and_the_lock_is_released() -> None:
    """Rasa's RedisLockStore reads, changes and writes the lock: replicas can overwrite each other."""
    server = SlowSharedRedis()
    replicas = [create_lock_store(None, env={"REDIS_URL": "redis://127.0.0.1:1/1"}) for _ in range(2)]
    for replica in replicas:
        replica.red = server  # type: ignore[attr-defined]
    with ThreadPoolExecutor(max_workers=12) as pool:
        tickets = list(pool.map(lambda i: (i % 2, replicas[i % 2].issue_ticket("c1")), range(12)))
    numbers = sorted(number for _, number in tickets)
    assert numbers == list(range(12))
    assert not any(name.startswith("lock:") for name in server.mutexes)  # mutexes live outside lock keys
    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(lambda pair: replicas[pair[0]].cleanup("c1", pair[1]), tickets))
    assert server.data == {}
