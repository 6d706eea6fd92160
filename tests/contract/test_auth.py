"""Each vendor's credentials piece: what goes on which operation, and tokens fetched and renewed."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from schemathesis import AuthContext

from mockserver import MockServer
from mockserver.contract import Contract
from mockserver.contract.auth import Credentials
from mockserver.contract.runner import load_schema
from mockserver.contract.vendors import contracts
from mockserver.vendors import VENDORS
from mockserver.vendors.chatkitty.contract import ChatKittyCredentials
from mockserver.vendors.hapihub.contract import HapiHubCredentials
from mockserver.vendors.twin.contract import TwinCredentials
from tests.conftest import FakeClock


def authorization(credentials: Credentials, api: str, operation_id: str, app: Any) -> str | None:
    """What ``credentials`` put on a request to ``operation_id`` of ``api`` (in-process)."""
    schema = load_schema(api, Contract(apis=(api,)), app)
    operation = schema.find_operation_by_id(operation_id)
    case = operation.Case()
    return credentials.get(case, AuthContext(operation=operation, app=app))


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize("api", [v.name for v in VENDORS])
def test_every_vendor_has_its_credentials(api: str) -> None:
    part = contracts()[api]
    assert part.vendor == api
    assert issubclass(part.credentials, Credentials)
    assert part.credentials.__module__ == f"mockserver.vendors.{api}.contract"


def test_chatkitty_token_endpoint_gets_the_client_in_basic(server: MockServer) -> None:
    credentials = ChatKittyCredentials("demo-client", "demo-secret")
    header = authorization(credentials, "chatkitty", "getAccessToken", server.app)
    assert header == basic("demo-client", "demo-secret")


def test_chatkitty_token_is_fetched_once_and_renewed_before_it_expires(
    server: MockServer,
) -> None:
    clock = FakeClock()
    credentials = ChatKittyCredentials(clock=clock)
    first = authorization(credentials, "chatkitty", "listChatSessions", server.app)
    assert first is not None
    assert first.startswith("Bearer ey")
    clock.advance(3000)  # within 90 % of the demo client's 3600 s
    assert authorization(credentials, "chatkitty", "listChatSessions", server.app) == first
    clock.advance(300)
    renewed = authorization(credentials, "chatkitty", "listChatSessions", server.app)
    assert renewed not in (None, first)


def test_chatkitty_refused_client_names_the_status_not_the_secret(server: MockServer) -> None:
    credentials = ChatKittyCredentials("demo-client", "not-the-secret")
    with pytest.raises(Exception, match="answered 401") as refused:
        authorization(credentials, "chatkitty", "listChatSessions", server.app)
    assert "not-the-secret" not in str(refused.value)


def test_twin_logs_in_and_sends_no_credential_to_the_login(server: MockServer) -> None:
    credentials = TwinCredentials()
    assert authorization(credentials, "twin", "login", server.app) is None
    header = authorization(credentials, "twin", "getSessionList", server.app)
    assert header is not None
    assert header.startswith("Bearer ey")


def test_twin_token_is_sent_as_given(server: MockServer) -> None:
    credentials = credentials_from("twin", token="a-token")
    assert authorization(credentials, "twin", "getSessionList", server.app) == "Bearer a-token"


def test_hapihub_sends_the_demo_api_token_by_default(server: MockServer) -> None:
    header = authorization(HapiHubCredentials(), "hapihub", "findChatSessions", server.app)
    assert header == "Bearer demo-doctor-token"
    assert (
        authorization(HapiHubCredentials(), "hapihub", "createAuthentication", server.app) is None
    )


def test_hapihub_login_gives_each_logout_a_login_of_its_own(server: MockServer) -> None:
    credentials = HapiHubCredentials(email="doctor@hapihub.example", password="demo-password")
    session = authorization(credentials, "hapihub", "findChatSessions", server.app)
    logout = authorization(credentials, "hapihub", "removeAuthentication", server.app)
    assert session is not None
    assert logout is not None
    assert session != logout
    assert authorization(credentials, "hapihub", "findChatSessions", server.app) == session


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, basic("demo", "demo-password")),
        ({"basic": "other:other-password"}, basic("other", "other-password")),
        ({"ticket": "7T:demo-ticket"}, "SOTicket 7T:demo-ticket"),
        ({"bearer": "8A:demo-token"}, "Bearer 8A:demo-token"),
    ],
)
def test_superoffice_schemes(options: dict[str, str], expected: str, server: MockServer) -> None:
    credentials = credentials_from("superoffice", **options)
    assert authorization(credentials, "superoffice", "chatSessionsForUser", server.app) == expected
    describe = authorization(credentials, "superoffice", "describeChatSessionsForUser", server.app)
    assert describe is None


@pytest.mark.parametrize(
    ("api", "options"),
    [
        ("superoffice", {"basic": "a:b", "ticket": "7T:x"}),
        ("superoffice", {"basic": "no-colon"}),
        ("hapihub", {"email": "doctor@hapihub.example"}),
        ("hapihub", {"token": "t", "email": "e", "password": "p"}),
        ("twin", {"password": "p"}),
        ("twin", {"token": "t", "email": "e", "password": "p"}),
    ],
)
def test_bad_combinations_are_refused(api: str, options: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="--"):
        contracts()[api].credentials.from_options(options)


def credentials_from(api: str, **options: str) -> Credentials:
    return contracts()[api].credentials.from_options(options)
