"""The Host guard: the names no DNS rebinding can produce pass, any other name needs saying."""

from __future__ import annotations

import pytest

from mockserver.hosts import host_name, is_allowed_host


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:8080",
        "[::1]:8080",
        "localhost",
        "LOCALHOST:8080",
        "localhost.:8080",
        "app.localhost:3000",
        "192.168.1.20:8080",  # an IP literal is never a rebound name
        "[fe80::1]",
        "mockserver:8080",  # a Docker service, a machine on the LAN
        "testserver",
    ],
)
def test_names_no_rebinding_can_produce_are_answered(host: str) -> None:
    assert is_allowed_host(host, ())


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:8080",
        "127.0.0.1.nip.io",
        "localhost.evil.example",
        "[::1",
        "a b",
        "user@localhost",
        "",
    ],
)
def test_other_names_are_refused_unless_given(host: str) -> None:
    assert not is_allowed_host(host, ())
    assert is_allowed_host(host, ("*",))


def test_a_given_name_is_answered_in_any_letter_case() -> None:
    assert is_allowed_host("Mock.Internal.Example:8080", ("mock.internal.example",))
    assert not is_allowed_host("other.internal.example", ("mock.internal.example",))


def test_host_name_drops_port_brackets_and_case() -> None:
    assert host_name("[::1]:80") == "::1"
    assert host_name("Example.COM:443") == "example.com"
    assert host_name("[::1") is None
