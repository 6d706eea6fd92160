"""Testing against the chat-session mock with its pytest plugin (installed with the package).

    pytest examples/test_with_mockserver.py                  # the mock in-process, no port
    pytest -n 2 examples/test_with_mockserver.py             # two workers (pytest-xdist)
    pytest --mockserver-serve=port examples/...              # on a free loopback port
    pytest --mockserver-url http://127.0.0.1:8080 examples/  # a mock you started yourself

Each test gets ``mockserver_ns``: its own namespace on the mock, whose clients send the
``Mock-Namespace`` header, so parallel tests never see each other's writes, rules or requests.
"""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given, settings

SESSIONS = "/chatkitty/chat-sessions"


def bearer(client: httpx.Client) -> dict[str, str]:
    """ChatKitty's client-credentials login, as its SDK does it, with the demo client."""
    response = client.post(
        "/chatkitty/oauth/token",
        auth=("demo-client", "demo-secret"),
        data={"grant_type": "client_credentials"},
    )
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_list_and_verify_the_call(mockserver_ns):
    client = mockserver_ns.client
    response = client.get(SESSIONS, params={"size": 5}, headers=bearer(client))
    assert response.status_code == 200
    assert len(response.json()["_embedded"]["sessions"]) == 5
    # WireMock's verify: exactly one such request, answered 200, with this query.
    (entry,) = mockserver_ns.assert_called("chatkitty", "GET", "/chat-sessions", times=1)
    assert entry["query"] == "size=5"
    mockserver_ns.assert_not_called("chatkitty", "GET", "/chat-sessions", status="4xx")


def test_seeded_records_are_what_the_api_answers(mockserver_ns):
    (template,) = mockserver_ns.records("chatkitty", "sessions")  # a stored record to start from
    mockserver_ns.seed(
        "chatkitty",
        sessions=[
            {**template, "id": 1, "state": "ACTIVE"},
            {**template, "id": 2, "state": "ENDED"},
        ],
    )
    client = mockserver_ns.client
    ended = client.get(SESSIONS, params={"state": "ENDED"}, headers=bearer(client)).json()
    assert [s["id"] for s in ended["_embedded"]["sessions"]] == [2]


def test_writes_are_verified_by_their_body(mockserver_ns):
    doctor, patient = mockserver_ns.records("hapihub", "accounts", limit=2)
    body = {"participants": [patient["uid"], doctor["uid"]], "room": "consult-42"}
    created = mockserver_ns.client.post(
        "/hapihub/chat-sessions", json=body, headers={"Authorization": "Bearer demo-doctor-token"}
    )
    assert created.status_code == 200, created.text
    mockserver_ns.assert_called(
        "hapihub", "POST", "/chat-sessions", times=1, body={"room": "consult-42"}
    )
    mockserver_ns.assert_not_called("hapihub", "GET", "/chat-sessions/{id}")


def test_a_fault_rule_for_one_block(mockserver_ns):
    client = mockserver_ns.client
    auth = bearer(client)
    with mockserver_ns.fault(SESSIONS, method="GET", status=503, times=1):
        assert client.get(SESSIONS, headers=auth).status_code == 503
    assert client.get(SESSIONS, headers=auth).status_code == 200


def test_prefer_chooses_the_answer(mockserver_ns):
    client = mockserver_ns.client
    auth = bearer(client)
    with mockserver_ns.prefer(code=404):
        response = client.get(SESSIONS, headers=auth)
    assert response.status_code == 404
    assert response.json()["error"] == "ResourceNotFoundError"  # ChatKitty's own error shape


def test_explain_why_a_request_was_refused(mockserver_ns):
    client = mockserver_ns.client
    assert client.get(SESSIONS, params={"state": "OPEN"}, headers=bearer(client)).status_code == 400
    (entry,) = mockserver_ns.requests("chatkitty", "GET", "/chat-sessions", status=400)
    assert "query parameter 'state' must be one of ACTIVE, ENDED" in mockserver_ns.explain(entry)


@pytest.mark.mockserver_strict  # any request off the spec would fail this test at its end
def test_strict_mode_with_requests_on_the_spec(mockserver_ns):
    client = mockserver_ns.client
    assert client.get(SESSIONS, params={"state": "ACTIVE"}, headers=bearer(client)).is_success


@pytest.mark.anyio
async def test_an_async_client(mockserver_ns):
    async with mockserver_ns.async_client() as client:
        response = await client.get("/twin/api/v1/sessions")
    assert response.status_code == 401  # no token: TWIN's own 401
    mockserver_ns.assert_called("twin", "GET", "/api/v1/sessions", status=401)


def test_chatkitty_lists_conform_to_the_spec(mockserver_chatkitty_schema):
    """A property test of your own: Schemathesis cases for one operation, sent to the mock
    with the demo credentials, each answer checked against the spec."""
    operation = mockserver_chatkitty_schema["/chat-sessions"]["GET"]

    @given(case=operation.as_strategy())
    @settings(max_examples=5, derandomize=True, database=None, deadline=None)
    def answers_conform(case):
        case.call_and_validate()

    answers_conform()
