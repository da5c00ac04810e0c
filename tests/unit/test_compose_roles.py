"""Least privilege in docker-compose.yml: each service gets only the databases it needs, each
through a role of its own, and none the PostgreSQL superuser.

- Rasa (internet-facing): the tracker store only, as the tracker role; no enquiry database.
- Action servers and the schema migration: the enquiry database only, as the enquiries role.
- Worker and admin tool: the enquiries role, and the tracker through the eraser role (delete
  conversations and empty abandoned form values, the retention purge), which cannot add events.
"""

from __future__ import annotations

import re
from typing import Dict

import pytest
import yaml
from sqlalchemy.engine import make_url

from tests.conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES: Dict[str, dict] = COMPOSE["services"]
URL_KEYS = ("DATABASE_URL", "TRACKER_DB_URL")
TRACKER_ROLE, ENQUIRIES_ROLE, ERASER_ROLE = "assistant_tracker", "assistant_enquiries", "assistant_eraser"


def env(service: str) -> Dict[str, str]:
    return {k: str(v) for k, v in (SERVICES[service].get("environment") or {}).items()}


def role_and_database(value: str) -> tuple:
    url = make_url(value)
    return url.username, url.database


def app_services() -> list:
    return [name for name in SERVICES if name not in {"postgres", "redis", "nginx"}]


def superuser() -> str:
    return env("postgres").get("POSTGRES_USER", "postgres")


@pytest.mark.parametrize("service", ["rasa-1", "rasa-2"])
def test_rasa_gets_the_tracker_only(service: str) -> None:
    values = env(service)
    assert "DATABASE_URL" not in values
    assert role_and_database(values["TRACKER_DB_URL"]) == (TRACKER_ROLE, "tracker")


@pytest.mark.parametrize("service", ["actions-1", "actions-2", "migrate"])
def test_action_servers_and_the_migration_get_the_enquiries_only(service: str) -> None:
    values = env(service)
    assert role_and_database(values["DATABASE_URL"]) == (ENQUIRIES_ROLE, "enquiries")
    assert "TRACKER_DB_URL" not in values


@pytest.mark.parametrize("service", ["worker", "admin", "web"])
def test_worker_and_admin_get_the_enquiries_and_may_only_erase_from_the_tracker(service: str) -> None:
    values = env(service)
    assert role_and_database(values["DATABASE_URL"]) == (ENQUIRIES_ROLE, "enquiries")
    assert role_and_database(values["TRACKER_DB_URL"]) == (ERASER_ROLE, "tracker")


def test_the_admin_tool_is_not_started_with_the_stack() -> None:
    assert SERVICES["admin"].get("profiles"), "run it with: docker compose run --rm admin <command>"


def test_no_service_uses_the_superuser_or_its_password() -> None:
    for service in app_services():
        for key, value in env(service).items():
            assert "POSTGRES_PASSWORD" not in value, (service, key)
            if key in URL_KEYS:
                assert role_and_database(value)[0] != superuser(), (service, key)
    assert superuser() not in {TRACKER_ROLE, ENQUIRIES_ROLE, ERASER_ROLE}


def test_each_role_has_its_own_password() -> None:
    passwords: Dict[str, set] = {}
    for service in app_services():
        for key, value in env(service).items():
            if key in URL_KEYS:
                variables = re.findall(r"\$\{(\w+)", value)
                passwords.setdefault(role_and_database(value)[0], set()).update(variables)
    assert all(len(v) == 1 for v in passwords.values()), passwords
    assert len({next(iter(v)) for v in passwords.values()}) == len(passwords)


def test_the_postgres_init_script_creates_every_role_used() -> None:
    mounts = [m for m in SERVICES["postgres"]["volumes"] if "docker-entrypoint-initdb.d" in m]
    scripts = [ROOT / m.split(":")[0] for m in mounts]
    assert scripts and all(path.exists() for path in scripts)
    text = "\n".join(path.read_text(encoding="utf-8") for path in scripts)
    for role in (TRACKER_ROLE, ENQUIRIES_ROLE, ERASER_ROLE):
        assert re.search(rf"CREATE ROLE {role}\b", text), role
    postgres_env = env("postgres")
    for service in app_services():
        for key, value in env(service).items():
            if key in URL_KEYS:
                for variable in re.findall(r"\$\{(\w+)", value):
                    assert variable in postgres_env, f"the init script needs {variable}"


def test_the_inbox_is_published_behind_nginx() -> None:
    """The web front (the therapist's inbox, the widget's files) runs in the stack, behind nginx."""
    from tests.conftest import ROOT

    web = env("web")
    assert SERVICES["web"]["command"] == ["python", "-m", "assistant.web"]
    assert not SERVICES["web"].get("profiles") and not SERVICES["web"].get("ports")
    assert (
        web["TRUSTED_PROXY_HOPS"] == "1" and "PUBLIC_BASE_URL" in web and "PUBLIC_BASE_URL" in env("worker")
    )
    nginx = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    for location in ("location /admin/ {", "location /widget/ {"):
        block = nginx.split(location, 1)[1].split("\n        }", 1)[0]
        assert "proxy_pass http://web;" in block and "proxy_set_header Host $host;" in block
