from __future__ import annotations

import pytest

from mockserver.auth import TokenIssuer
from mockserver.errors import Unauthorized

SECRET = "a-test-secret-that-is-long-enough-for-hs256"


def test_issued_token_verifies_with_its_claims() -> None:
    issuer = TokenIssuer(SECRET, clock=lambda: 1_000_000.0)
    claims = issuer.verify(issuer.issue("alice", 60, app=3))
    assert (claims["sub"], claims["app"], claims["exp"]) == ("alice", 3, 1_000_060)


def test_expiry_follows_the_injected_clock() -> None:
    now = [1_000_000.0]
    issuer = TokenIssuer(SECRET, clock=lambda: now[0])
    token = issuer.issue("alice", 60)
    now[0] += 59
    issuer.verify(token)
    now[0] += 1
    with pytest.raises(Unauthorized) as caught:
        issuer.verify(token)
    assert caught.value.reason == "expired_token"


@pytest.mark.parametrize("token", ["", "abc", "a.b.c"])
def test_garbage_is_an_invalid_token(token: str) -> None:
    with pytest.raises(Unauthorized) as caught:
        TokenIssuer(SECRET).verify(token)
    assert caught.value.reason == "invalid_token"


def test_another_servers_token_is_refused() -> None:
    token = TokenIssuer(SECRET + "-other").issue("alice", 60)
    with pytest.raises(Unauthorized):
        TokenIssuer(SECRET).verify(token)


def test_a_clock_ahead_of_the_wall_clock_still_accepts_its_own_tokens() -> None:
    later = TokenIssuer(SECRET, clock=lambda: 4_000_000_000.0)
    assert later.verify(later.issue("alice", 60))["sub"] == "alice"
