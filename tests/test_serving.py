"""A served mock closes connections whose requests do not arrive in time (real sockets)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from tests.state.conftest import Served

REQUEST_SECONDS = 2
IDLE_SECONDS = 1


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    server = Served(
        "memory",
        "--limit",
        f"request_seconds={REQUEST_SECONDS}",
        "--limit",
        f"idle_seconds={IDLE_SECONDS}",
    )
    yield server
    server.stop()


def seconds_until_closed(connection: socket.socket, *, trickle: bytes = b"") -> float:
    """Time until the server closes ``connection`` (sending ``trickle`` a byte a half second)."""
    started = time.monotonic()
    connection.settimeout(0.5)
    for _ in range(40):  # 20 s at most
        if trickle:
            try:
                connection.sendall(trickle[:1])
            except OSError:
                break
            trickle = trickle[1:] or trickle
        try:
            if connection.recv(65536) == b"":
                break
        except TimeoutError:
            continue
        except OSError:
            break
    return time.monotonic() - started


def read_answer(connection: socket.socket) -> bytes:
    """One whole answer (head and Content-Length bytes of body) from ``connection``."""
    answer = b""
    for _ in range(100):
        answer += connection.recv(65536)
        head, _, body = answer.partition(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ),
            None,
        )
        if length is not None and len(body) >= length:
            return answer
    raise AssertionError(f"no whole answer: {answer[:200]!r}")


def connect(served: Served) -> socket.socket:
    return socket.create_connection(("127.0.0.1", served.port), timeout=5)


def test_a_silent_connection_is_closed(served: Served) -> None:
    with connect(served) as connection:
        assert seconds_until_closed(connection) < REQUEST_SECONDS + 1.5


def test_a_request_head_sent_a_byte_at_a_time_is_cut_off(served: Served) -> None:
    head = b"GET /hapihub/chat-sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"x" * 100
    with connect(served) as connection:
        assert seconds_until_closed(connection, trickle=head) < REQUEST_SECONDS + 1.5


def test_a_body_sent_a_byte_at_a_time_is_cut_off(served: Served) -> None:
    head = (
        b"POST /hapihub/chat-sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    )
    with connect(served) as connection:
        connection.sendall(head)
        assert seconds_until_closed(connection, trickle=b"[" * 100) < REQUEST_SECONDS + 1.5


def test_a_prompt_client_is_answered_and_kept_alive_only_while_idle_is_short(
    served: Served,
) -> None:
    request = b"GET /hapihub/chat-sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with connect(served) as connection:
        for _ in range(3):  # keep-alive: one connection, several requests
            connection.sendall(request)
            assert read_answer(connection).startswith(b"HTTP/1.1 401 ")
        waited = seconds_until_closed(connection)
        assert IDLE_SECONDS - 0.5 < waited < IDLE_SECONDS + 1.5
