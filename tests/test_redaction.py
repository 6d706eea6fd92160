"""What counts as a secret, decided once for the journal and the logs alike."""

from __future__ import annotations

import logging

import pytest

from mockserver.errors import Problem
from mockserver.redaction import (
    LogRedaction,
    install_log_redaction,
    is_secret,
    redact_headers,
    redact_problem,
    redact_query,
    redact_target,
)


@pytest.mark.parametrize(
    "name",
    [
        "Authorization",
        "Cookie",
        "Set-Cookie",
        "X-XSRF-TOKEN",
        "SO-AppToken",
        "X-Api-Key",
        "api_key",
        "access_token",
        "refreshToken",
        "X-Auth",
        "X-Auth-User",
        "X-Session",
        "Session",
        "password",
        "newPassword",
        "credentials/password",
        "client_secret",
        "X-Amz-Signature",
        "pwd",
    ],
)
def test_a_name_that_says_credential_is_a_secret(name: str) -> None:
    assert is_secret(name)
    assert is_secret(name.lower())


@pytest.mark.parametrize(
    "name", ["Accept", "state", "page", "author", "passport", "keyword", "companyId", "sort"]
)
def test_other_names_are_not(name: str) -> None:
    assert not is_secret(name)


def test_headers_are_redacted_by_name_and_joined_when_repeated() -> None:
    raw = [(b"x-auth", b"a"), (b"x-session", b"s"), (b"accept", b"a/b"), (b"accept", b"c/d")]
    assert redact_headers(raw) == {
        "x-auth": "[redacted]",
        "x-session": "[redacted]",
        "accept": "a/b, c/d",
    }


@pytest.mark.parametrize(
    ("query", "redacted"),
    [
        ("page=1&size=2", "page=1&size=2"),
        ("state=token-like", "state=token-like"),
        ("refreshToken=eyJ.x.y&ttl=60", "refreshToken=[redacted]&ttl=60"),
        ("access%5Ftoken=abc", "access_token=[redacted]"),
    ],
)
def test_query_values_are_redacted_by_their_names(query: str, redacted: str) -> None:
    assert redact_query(query) == redacted
    assert redact_target(f"/x?{query}") == f"/x?{redacted}"


def test_a_problem_about_a_secret_field_loses_the_value_it_quotes() -> None:
    wrong_type = Problem("body", "password", "must be a string, got 123456789")
    assert (
        str(redact_problem(wrong_type)) == "body field 'password' must be a string, got [redacted]"
    )
    pattern = Problem("body", "user/password", "'hunter2' is too short")
    assert redact_problem(pattern).message == "[redacted] is too short"
    other = Problem("body", "ttl", "must be an integer, got 'x'")
    assert redact_problem(other) is other


def test_uvicorns_access_log_line_loses_the_refresh_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    install_log_redaction()
    install_log_redaction()  # once is enough, twice changes nothing
    access = logging.getLogger("uvicorn.access")
    assert sum(isinstance(f, LogRedaction) for f in access.filters) == 1
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        access.info(
            '%s - "%s %s HTTP/%s" %d',
            "127.0.0.1:5000",
            "GET",
            "/twin/api/v1/auth/refresh?refreshToken=eyJhbGciOi.secret.sig&ttl=60",
            "1.1",
            200,
        )
    assert caplog.messages == [
        '127.0.0.1:5000 - "GET /twin/api/v1/auth/refresh?refreshToken=[redacted]&ttl=60 '
        'HTTP/1.1" 200'
    ]
