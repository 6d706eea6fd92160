"""The Redis backend: replicas on one Redis, clear when Redis is gone, whole again when it is back.

Each test starts Debian's ``redis-server`` on a free loopback port (tests/conftest.py); what
every backend promises is in tests/test_store.py and tests/state/test_workers.py, run on Redis
too.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from mockserver.cli import main
from mockserver.errors import StateError
from mockserver.state import open_backend
from mockserver.state.redis import RedisBackend
from mockserver.store import Store
from mockserver.testing import RedisServer
from mockserver.vendors.hapihub.generator import DEMO_ACCOUNTS
from tests.conftest import _free_port
from tests.state.conftest import DOCTOR_TOKEN, SESSIONS, Served
from tests.test_store import race_updates

PARTICIPANTS = [a["uid"] for a in DEMO_ACCOUNTS[:2]]


def create(client: httpx.Client) -> str:
    answer = client.post(SESSIONS, json={"participants": PARTICIPANTS}, headers=DOCTOR_TOKEN)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["id"])


def test_an_unreachable_redis_stops_serve_naming_it_without_its_password() -> None:
    port = _free_port()
    url = f"redis://:hunter2-secret@127.0.0.1:{port}/0"
    result = CliRunner().invoke(main, ["serve", "--state", url, "--port", "1"])
    assert result.exit_code == 2
    assert f"redis://127.0.0.1:{port}/0" in result.output
    assert "cannot reach Redis" in result.output
    assert "hunter2" not in result.output


def test_a_url_that_is_not_redis_s_is_named() -> None:
    with pytest.raises(StateError, match="not a Redis URL"):
        open_backend("redis://127.0.0.1:notaport/0")


def test_a_redis_socket_url_is_not_taken_for_a_host() -> None:
    # redis-py reads unix:// too; the mock names its Redis by host and port, so it says no.
    with pytest.raises(StateError, match=re.escape("unknown state URL 'unix:///run/redis.sock'")):
        open_backend("unix:///run/redis.sock")


def test_replicas_on_their_own_connections_lose_no_update(redis_server: RedisServer) -> None:
    """Two backends (two replicas' connection pools) racing read-modify-writes on one record."""
    url = redis_server.url()
    backends = [RedisBackend(url), RedisBackend(url)]
    fixtures = {"v": {"c": ("id", [{"id": 1, "n": 0}])}}
    race_updates([Store(fixtures, backend) for backend in backends], threads=4, each=200)
    for backend in backends:
        backend.close()


def test_redis_down_is_a_503_and_back_up_serves_what_was_written(
    tmp_path: Path, serve: type[Served]
) -> None:
    """A durable Redis (append-only file) restarted: requests meanwhile are refused in the
    vendor's shape, nothing half-written; afterwards every acknowledged write is there."""
    redis = RedisServer(tmp_path, durable=True)
    try:
        served = serve(redis.url())
        with served.client() as client:
            session = create(client)
            redis.stop()
            down = client.get(SESSIONS, headers=DOCTOR_TOKEN)
            assert down.status_code == 503, down.text
            assert down.json()["code"] == 503
            assert f"redis://127.0.0.1:{redis.port}/0" in down.json()["message"]
            refused = client.post(
                SESSIONS, json={"participants": PARTICIPANTS}, headers=DOCTOR_TOKEN
            )
            assert refused.status_code == 503
            redis.start()
            found = client.get(f"{SESSIONS}/{session}", headers=DOCTOR_TOKEN)
            assert found.status_code == 200, found.text
            assert create(client) != session
    finally:
        redis.stop()


def test_a_redis_that_lost_its_data_takes_every_replica_back_to_the_fixtures(
    tmp_path: Path, serve: type[Served]
) -> None:
    """A Redis restarted without persistence: no replica keeps serving what Redis no longer
    has, and stamps never repeat, so new writes are seen everywhere."""
    redis = RedisServer(tmp_path)
    try:
        first, second = serve(redis.url("lost")), serve(redis.url("lost"))
        with first.client() as one, second.client() as two:
            before = create(one)
            assert two.get(f"{SESSIONS}/{before}", headers=DOCTOR_TOKEN).status_code == 200
            redis.stop()
            redis.start()
            for client in (one, two):
                gone = client.get(f"{SESSIONS}/{before}", headers=DOCTOR_TOKEN)
                assert gone.status_code == 404, gone.text
            after = create(two)
            assert one.get(f"{SESSIONS}/{after}", headers=DOCTOR_TOKEN).status_code == 200
    finally:
        redis.stop()
