"""The Redis backend: replicas on one Redis, clear when Redis is gone, whole again when it is back.

Each test starts Debian's ``redis-server`` on a free loopback port (tests/conftest.py); what
every backend promises is in tests/test_store.py and tests/state/test_workers.py, run on Redis
too.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from click.testing import CliRunner
from starlette.testclient import TestClient

from mockserver import MockServer
from mockserver.cli import main
from mockserver.config import Settings
from mockserver.errors import StateError
from mockserver.state import open_backend, queue
from mockserver.state.redis import FreshReads, RedisBackend
from mockserver.store import Store
from mockserver.testing import RedisServer
from mockserver.vendors.hapihub.generator import DEMO_ACCOUNTS
from tests.conftest import _free_port
from tests.state.conftest import DOCTOR_TOKEN, SESSIONS, Served
from tests.test_store import race_updates

PARTICIPANTS = [a["uid"] for a in DEMO_ACCOUNTS[:2]]
TWIN_LOGIN, TWIN_REFRESH = "/twin/api/v1/auth/login", "/twin/api/v1/auth/refresh"
TWIN_SESSIONS = "/twin/api/v1/sessions"


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


def test_a_request_reaches_redis_through_the_asyncio_client_only(
    redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No request holds its worker's event loop for a Redis round trip: reads, writes, spent
    tokens, namespaces, rule counters and the journal's batches all go through redis-py's
    asyncio client. Here the synchronous client refuses to run on an event loop; the admin API
    (a worker thread) and start-up may use it."""
    state = redis_server.url()
    server = MockServer(Settings(state=state))
    blocking: list[str] = []

    def refused_on_a_loop(synchronous: Callable[..., Any]) -> Callable[..., Any]:
        def refusing(client: Any, *args: Any, **options: Any) -> Any:
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                return synchronous(client, *args, **options)
            blocking.append(" ".join(str(a) for a in args[:2]) or synchronous.__name__)
            raise AssertionError("the synchronous Redis client on the event loop")

        return refusing

    monkeypatch.setattr(
        redis.Redis, "execute_command", refused_on_a_loop(redis.Redis.execute_command)
    )
    monkeypatch.setattr(
        redis.client.Pipeline, "execute", refused_on_a_loop(redis.client.Pipeline.execute)
    )
    with TestClient(server.app) as client:
        # TWIN: a login, a refresh (the refresh token spent), a session renamed.
        demo = {"email": "demo@twin.example", "password": "demo-password"}
        tokens = client.post(TWIN_LOGIN, json=demo).json()
        refreshed = client.post(TWIN_REFRESH, json={"refreshToken": tokens["refreshToken"]})
        assert refreshed.status_code == 200, refreshed.text
        twin = {"Authorization": f"Bearer {refreshed.json()['token']}"}
        first = client.get(TWIN_SESSIONS, headers=twin).json()["items"][0]["id"]
        renamed = client.patch(f"{TWIN_SESSIONS}/{first}/names/Renamed", headers=twin)
        assert renamed.status_code == 200, renamed.text
        # HAPI Hub: created and patched, in the default namespace and in another one.
        for namespace in ({}, {"Mock-Namespace": "loop"}):
            headers = {**DOCTOR_TOKEN, **namespace}
            made = client.post(SESSIONS, json={"participants": PARTICIPANTS}, headers=headers)
            assert made.status_code == 200, made.text
            patched = client.patch(
                f"{SESSIONS}/{made.json()['id']}", json={"room": "r2"}, headers=headers
            )
            assert patched.status_code == 200, patched.text
        # A fault rule (added through the admin API) counting calls with INCR.
        rule = {"path": SESSIONS, "method": "GET", "status": 503, "every": 2}
        assert client.post("/__admin/rules", json=rule).status_code == 201
        answered = [client.get(SESSIONS, headers=DOCTOR_TOKEN).status_code for _ in range(4)]
        assert answered == [200, 503, 200, 503]
        elsewhere = open_backend(state)
        for _ in range(100):  # the journal's batches, written by the loop's task meanwhile
            if len(elsewhere.entries("journal", 100)) == 10:
                break
            time.sleep(queue.FLUSH_INTERVAL)
        assert len(elsewhere.entries("journal", 100)) == 10  # TWIN 4, HAPI Hub 6
    assert blocking == []
    elsewhere.close()


def test_a_stopping_server_closes_its_loop_s_connections(redis_server: RedisServer) -> None:
    server = MockServer(Settings(state=redis_server.url()))
    watcher = redis.Redis.from_url(redis_server.url().partition("?")[0])

    def connections() -> int:
        return len(watcher.client_list())

    before = connections()
    with TestClient(server.app) as client:
        assert client.get(SESSIONS, headers=DOCTOR_TOKEN).status_code == 200
        assert connections() > before  # the loop's asyncio client
    assert connections() == before
    server.control.backend.close()
    watcher.close()


class FakeStamp:
    """A stamp read as Redis answers it: with the stamp it holds when the read reaches it."""

    def __init__(self) -> None:
        self.stamp = 0
        self.down = False
        self.sent: list[int] = []
        self.first_answer = asyncio.Event()  # the first read waits for it: it is on its way

    async def read(self) -> int:
        if self.down:
            self.sent.append(-1)
            raise StateError("redis://fake", "cannot reach Redis")
        self.sent.append(self.stamp)
        if len(self.sent) == 1:
            await self.first_answer.wait()
        else:
            await asyncio.sleep(0)
        return self.sent[-1]


async def while_the_first_read_is_on_its_way(
    redis: FakeStamp, change: Callable[[], None], callers: int
) -> tuple[int, list[int | BaseException]]:
    """The first caller's read is sent; ``change`` happens; ``callers`` more ask; it answers."""
    reads = FreshReads(redis.read)
    first = asyncio.create_task(reads())
    await asyncio.sleep(0)
    assert len(redis.sent) == 1
    change()
    later = [asyncio.create_task(reads()) for _ in range(callers)]
    await asyncio.sleep(0)
    redis.first_answer.set()
    return await first, await asyncio.gather(*later, return_exceptions=True)


def test_a_stamp_read_on_its_way_answers_nobody_who_asked_after_it_was_sent() -> None:
    """Guarantee 1 with shared reads: a write acknowledged while a read was on its way may be
    missing from its answer, so the requests that arrived after it take the next read (one
    for all of them), never that one."""
    redis = FakeStamp()

    def acknowledge_a_write() -> None:
        redis.stamp = 1

    first, later = asyncio.run(while_the_first_read_is_on_its_way(redis, acknowledge_a_write, 3))
    assert (first, later) == (0, [1, 1, 1])
    assert redis.sent == [0, 1]


def test_a_caller_alone_sends_its_own_read() -> None:
    async def one_after_another() -> list[int]:
        reads, answers = FreshReads(redis.read), []
        for stamp in (1, 2, 3):
            redis.stamp = stamp
            answers.append(await reads())
        return answers

    redis = FakeStamp()
    redis.first_answer.set()
    assert asyncio.run(one_after_another()) == [1, 2, 3]
    assert redis.sent == [1, 2, 3]


def test_a_failed_stamp_read_fails_every_caller_it_would_have_answered_at_once() -> None:
    """Redis gone: the requests sharing a read get its 503 together; none sends a read of its
    own to wait for the same failure again."""
    redis = FakeStamp()

    def redis_goes_down() -> None:
        redis.down = True

    first, later = asyncio.run(while_the_first_read_is_on_its_way(redis, redis_goes_down, 3))
    assert first == 0
    assert [type(error) for error in later] == [StateError] * 3
    assert redis.sent == [0, -1]


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
