"""Signed tokens: what the issuer accepts, and that every vendor checks a token's claims against
its data (a signed token with claims the server did not write is a 401, never a 500)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from mockserver import MockServer
from mockserver.auth import SpentTokens, TokenIssuer
from mockserver.errors import Unauthorized
from tests.conftest import Conforms

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


def test_a_token_names_its_claims_types_or_it_is_not_ours() -> None:
    issuer = TokenIssuer(SECRET, clock=lambda: 1_000_000.0)
    token = issuer.issue("1", 60, companyId=3, type="access")
    assert issuer.verify(token, companyId=int, type=str)["companyId"] == 3
    for odd in ({"companyId": "3"}, {"companyId": True}, {"companyId": None}, {"type": ""}):
        with pytest.raises(Unauthorized) as caught:
            issuer.verify(
                issuer.issue("1", 60, **{"type": "access", "companyId": 3, **odd}),
                companyId=int,
                type=str,
            )
        assert caught.value.reason == "invalid_token"
    with pytest.raises(Unauthorized):
        issuer.verify(token, app=int)  # a claim this token does not carry


@pytest.mark.parametrize(
    "claims",
    [
        {"iat": 1, "exp": 2_000_000, "jti": "j"},  # no sub
        {"sub": 7, "iat": 1, "exp": 2_000_000, "jti": "j"},
        {"sub": "a", "iat": 1, "exp": "later", "jti": "j"},
        {"sub": "a", "iat": 1, "jti": "j"},  # no expiry is not "expired": it was never ours
        {"sub": "a", "iat": 1, "exp": 2_000_000, "jti": ["j"]},
        {"sub": "a", "iat": 1.5, "exp": 2_000_000, "jti": "j"},
    ],
)
def test_standard_claims_of_another_shape_are_an_invalid_token(claims: dict[str, Any]) -> None:
    token = jwt.encode(claims, SECRET, algorithm="HS256")
    with pytest.raises(Unauthorized) as caught:
        TokenIssuer(SECRET, clock=lambda: 1_000_000.0).verify(token)
    assert caught.value.reason == "invalid_token"


def test_a_spent_token_is_refused_and_cannot_be_spent_twice() -> None:
    issuer = TokenIssuer(SECRET, clock=lambda: 1_000_000.0)
    token = issuer.issue("alice", 60)
    claims = issuer.verify(token)
    asyncio.run(issuer.spend(claims))
    with pytest.raises(Unauthorized):
        issuer.verify(token)
    with pytest.raises(Unauthorized):
        asyncio.run(issuer.averify(token))
    with pytest.raises(Unauthorized):
        asyncio.run(issuer.spend(claims))
    assert issuer.verify(issuer.issue("alice", 60))["sub"] == "alice"  # only that token


def test_spent_tokens_are_forgotten_once_they_would_have_expired_anyway() -> None:
    spent = SpentTokens()

    async def spend_all() -> None:
        assert await spent.spend("old", expires=10, now=0)
        for n in range(1, 1024):
            assert await spent.spend(f"j{n}", expires=1_000, now=20)
        assert await spent.spend("new", expires=1_000, now=20)  # the 1025th prunes the expired

    asyncio.run(spend_all())
    assert "old" not in spent
    assert "j1" in spent
    assert "new" in spent


def test_an_expired_token_is_looked_at_only_when_asked() -> None:
    now = [1_000_000.0]
    issuer = TokenIssuer(SECRET, clock=lambda: now[0])
    token = issuer.issue("alice", 60)
    now[0] += 120
    assert issuer.verify(token, allow_expired=True)["sub"] == "alice"
    with pytest.raises(Unauthorized):
        issuer.verify(token)


# -- the vendors' tokens, signed by the server but with claims it did not write -----------------


class Signed:
    """A vendor's protected list, the token it issues, and how to sign claims as the server."""

    def __init__(self, vendor: str, client: TestClient, server: MockServer) -> None:
        self.vendor = vendor
        self.secret = server.settings.token_secret
        self.url, token = _PROTECTED[vendor](client)
        self.claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})

    def token(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.secret, algorithm="HS256")


def _chatkitty(client: TestClient) -> tuple[str, str]:
    response = client.post(
        "/chatkitty/oauth/token",
        auth=("demo-client", "demo-secret"),
        data={"grant_type": "client_credentials"},
    )
    return "/chatkitty/chat-sessions", str(response.json()["access_token"])


def _twin(client: TestClient) -> tuple[str, str]:
    response = client.post(
        TWIN_LOGIN, json={"email": "demo@twin.example", "password": "demo-password"}
    )
    return "/twin/api/v1/sessions", str(response.json()["token"])


def _hapihub(client: TestClient) -> tuple[str, str]:
    response = client.post(
        "/hapihub/authentication",
        json={"strategy": "local", "email": "doctor@hapihub.example", "password": "demo-password"},
    )
    return "/hapihub/chat-sessions", str(response.json()["accessToken"])


TWIN_LOGIN = "/twin/api/v1/auth/login"
_PROTECTED: dict[str, Callable[[TestClient], tuple[str, str]]] = {
    "chatkitty": _chatkitty,
    "twin": _twin,
    "hapihub": _hapihub,
}
_ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@pytest.fixture(scope="module")
def signed(client: TestClient, server: MockServer) -> dict[str, Signed]:
    return {vendor: Signed(vendor, client, server) for vendor in _PROTECTED}


@pytest.mark.parametrize("vendor", list(_PROTECTED))
def test_a_signed_token_with_odd_claims_is_a_401_in_the_vendors_shape(
    client: TestClient, signed: dict[str, Signed], conforms: Conforms, vendor: str
) -> None:
    """Whatever claims carry the server's signature, the answer is the vendor's: never a 500."""
    target = signed[vendor]
    assert client.get(target.url, headers=_bearer(target.token(target.claims))).status_code == 200

    @settings(deadline=None, max_examples=60, suppress_health_check=list(HealthCheck))
    @given(
        changes=st.dictionaries(st.sampled_from([*target.claims, "app", "scope"]), _ODD_VALUES),
        dropped=st.sets(st.sampled_from(list(target.claims))),
    )
    def check(changes: dict[str, Any], dropped: set[str]) -> None:
        claims = {k: v for k, v in {**target.claims, **changes}.items() if k not in dropped}
        response = client.get(target.url, headers=_bearer(target.token(claims)))
        assert response.status_code in (200, 401, 403), response.text
        conforms(response)
        if response.status_code == 200:  # only the claims the server wrote, or their equal
            assert all(claims[k] == target.claims[k] for k in target.claims if k != "jti")

    check()


@pytest.mark.parametrize(
    ("vendor", "change"),
    [
        ("chatkitty", {"sub": "no-such-client"}),
        ("chatkitty", {"app": 2}),  # another application than the client's
        ("chatkitty", {"scope": "read delete admin"}),  # more than the client may
        ("twin", {"sub": "999"}),
        ("twin", {"sub": "01"}),  # the same number, not the same subject
        ("twin", {"companyId": 9}),  # a company the user neither is nor supervises
        ("twin", {"type": "refresh"}),
        ("hapihub", {"sub": "no-such-account"}),
        ("hapihub", {"typ": "refresh"}),
    ],
)
def test_claims_are_checked_against_the_data_as_it_is_now(
    client: TestClient,
    signed: dict[str, Signed],
    conforms: Conforms,
    vendor: str,
    change: dict[str, Any],
) -> None:
    target = signed[vendor]
    response = client.get(target.url, headers=_bearer(target.token({**target.claims, **change})))
    assert response.status_code == 401, response.text
    conforms(response)


def test_a_chatkitty_token_ends_with_its_clients_move_to_another_application(
    client: TestClient, server: MockServer, signed: dict[str, Signed]
) -> None:
    target = signed["chatkitty"]
    token = target.token(target.claims)
    clients = server.store.collections("chatkitty")["clients"]
    clients.update("demo-client", lambda record: {**record, "application_id": 2})
    response = client.get(target.url, headers=_bearer(token))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_a_twin_token_ends_when_the_company_stops_being_supervised(
    client: TestClient, server: MockServer, conforms: Conforms
) -> None:
    login = client.post(
        TWIN_LOGIN, json={"email": "demo@twin.example", "password": "demo-password", "companyId": 2}
    )
    headers = _bearer(login.json()["token"])
    assert client.get("/twin/api/v1/sessions", headers=headers).status_code == 200
    companies = server.store.collections("twin")["companies"]
    companies.update(1, lambda company: {**company, "supervisedCompanyIds": [3, 4]})
    response = client.get("/twin/api/v1/sessions", headers=headers)
    assert response.status_code == 401
    conforms(response)
    assert response.json() == {"error": "User is not authenticated", "details": []}


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_twin_refresh_token_is_single_use(
    client: TestClient, conforms: Conforms, method: str
) -> None:
    tokens = client.post(
        TWIN_LOGIN, json={"email": "demo@twin.example", "password": "demo-password"}
    ).json()

    def refresh(refresh_token: str) -> httpx.Response:
        if method == "GET":
            return client.get(TWIN_REFRESH, params={"refreshToken": refresh_token})
        return client.post(TWIN_REFRESH, json={"refreshToken": refresh_token})

    first = refresh(tokens["refreshToken"])
    assert first.status_code == 200, first.text
    again = refresh(tokens["refreshToken"])
    assert again.status_code == 401
    conforms(again)
    assert again.json() == {"error": "Refresh token is invalid or expired.", "details": []}
    assert refresh(first.json()["refreshToken"]).status_code == 200  # the rotated one works


TWIN_REFRESH = "/twin/api/v1/auth/refresh"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
