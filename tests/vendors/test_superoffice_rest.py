"""SuperOffice's REST ``ChatSession`` resource: each call does what the Chat agent call it is
documented to call does (same answer, same state afterwards, same refusals), in JSON and XML,
plus what is the resource's own (``_Links``, the path's id, 404 for a missing entity)."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver import MockServer
from mockserver.vendors.superoffice.checks import _xml_differences
from mockserver.vendors.superoffice.contract import (
    ARCHIVE_OPTIONS,
    CONTRACT,
    served_archive_options,
    superoffice_served_archive_options,
)
from tests.conftest import Conforms
from tests.vendors.test_superoffice_agent import (
    AGENT,
    DEMO,
    DEMOS_OWN,
    FOREIGN,
    HJOHANSEN,
    HJOHANSENS,
    LISTENED,
    MANAGED,
    NAMESPACE,
    QUEUED,
    camel,
)

REST = "/superoffice/api/v1/ChatSession"

Request = tuple[str, str, dict[str, Any]]


def send(
    client: TestClient, conforms: Conforms, request: Request, auth: tuple[str, str] = DEMO
) -> httpx.Response:
    method, url, kwargs = request
    response = client.request(method, url, auth=auth, **kwargs)
    conforms(response)
    return response


def agent(name: str, body: Any = None, **params: Any) -> Request:
    return ("POST", AGENT + name, {"json": body, "params": params})


def rest(method: str, path: str, **kwargs: Any) -> Request:
    return (method, REST + path, kwargs)


def unlinked(body: Any) -> Any:
    return {k: v for k, v in body.items() if k != "_Links"} if isinstance(body, dict) else body


# (REST request, the agent request it stands for, who asks)
PAIRS: list[tuple[Request, Request, tuple[str, str]]] = [
    (rest("GET", "/default"), agent("CreateDefaultChatSessionEntity"), DEMO),
    (rest("GET", "/ForCurrentUser"), agent("ChatSessionsForUser"), DEMO),
    *(
        (rest("GET", f"/{ident}"), agent("GetChatSessionEntity", chatSessionEntityId=ident), DEMO)
        for ident in (LISTENED, FOREIGN)
    ),
    *(
        (rest("DELETE", f"/{ident}"),
         agent("DeleteChatSessionEntity", chatSessionEntityId=ident), DEMO)
        for ident in (MANAGED, DEMOS_OWN)
    ),
    *(
        (rest("POST", f"/{DEMOS_OWN}/TransferTo/{to}"),
         agent("TransferChatSession", {"ChatSessionId": DEMOS_OWN, "ToAssociate": to}), DEMO)
        for to in ("hjohansen8", "other")
    ),
    (rest("POST", f"/{HJOHANSENS}/AcceptTransfer"),
     agent("AcceptChatSessionTransfer", {"ChatSessionId": HJOHANSENS}), HJOHANSEN),
    (rest("POST", f"/{HJOHANSENS}/RejectTransfer"),
     agent("RejectChatSessionTransfer", {"ChatSessionId": HJOHANSENS}), HJOHANSEN),
    *(
        (rest("POST", f"/{ident}/Pickup"),
         agent("PickUpChatSession", {"ChatSessionId": ident}), DEMO)
        for ident in (QUEUED[1], QUEUED[2], HJOHANSENS)
    ),
    (rest("POST", "/Pickup"), agent("PickUpFirstChatSession"), DEMO),
    (rest("POST", f"/{DEMOS_OWN}/Reset"),
     agent("ResetChatSession", {"ChatSessionId": DEMOS_OWN}), DEMO),
    (rest("POST", f"/{HJOHANSENS}/Transcript", params={"html": True}),
     agent("GetChatTranscript", {"ChatSessionId": HJOHANSENS, "Html": True}), DEMO),
    (rest("GET", f"/{HJOHANSENS}/Messages", params={"after": 1}),
     agent("GetChatMessages", {"ChatSessionId": HJOHANSENS, "After": 1}), DEMO),
    *(
        (rest("POST", f"/{ident}/Messages", json={"Message": "Hei"}),
         agent("AddChatMessage", {"ChatSessionId": ident, "Message": {"Message": "Hei"}}), DEMO)
        for ident in (HJOHANSENS, LISTENED)
    ),
]  # fmt: skip


def state(server: MockServer) -> dict[str, list[Any]]:
    """Everything the calls can change, as stored."""
    collections = server.store.collections("superoffice")
    return {name: list(collections[name]) for name in ("sessions", "messages")}


@pytest.mark.parametrize(("by_rest", "by_agent", "who"), PAIRS)
def test_each_rest_call_answers_and_changes_what_its_agent_call_does(
    client: TestClient,
    server: MockServer,
    conforms: Conforms,
    by_rest: Request,
    by_agent: Request,
    who: tuple[str, str],
) -> None:
    server.store.collections("superoffice")["sessions"].update(
        HJOHANSENS, lambda s: {**s, "transfer_to_id": 8, "user_id": 9}
    )
    setup = state(server)
    answered = send(client, conforms, by_rest, auth=who)
    after = state(server)
    server.store.reset("superoffice")
    server.store.collections("superoffice")["sessions"].update(
        HJOHANSENS, lambda s: {**s, "transfer_to_id": 8, "user_id": 9}
    )
    assert state(server) == setup
    expected = send(client, conforms, by_agent, auth=who)
    assert answered.status_code == expected.status_code, answered.text
    assert unlinked(answered.json() if answered.content else None) == (
        expected.json() if expected.content else None
    )
    assert after == state(server)


@pytest.mark.parametrize("accept", ["application/json", "application/xml", "text/xml"])
@pytest.mark.parametrize(("by_rest", "by_agent", "who"), PAIRS)
def test_every_rest_answer_conforms_in_every_media_type(
    client: TestClient,
    conforms: Conforms,
    by_rest: Request,
    by_agent: Request,
    who: tuple[str, str],
    accept: str,
) -> None:
    method, url, kwargs = by_rest
    response = send(client, conforms, (method, url, {**kwargs, "headers": {"Accept": accept}}), who)
    if response.status_code == 200:
        assert response.headers["content-type"].startswith(accept)


def test_one_session_answers_carry_links_to_its_resources(
    client: TestClient, conforms: Conforms
) -> None:
    body = send(client, conforms, rest("GET", f"/{DEMOS_OWN}")).json()
    url = f"http://testserver{REST}/{DEMOS_OWN}"
    assert body["_Links"] == {
        "Self": url,
        "Messages": f"{url}/Messages",
        "Transcript": f"{url}/Transcript",
    }
    xml = send(client, conforms, rest("GET", f"/{DEMOS_OWN}", headers={"Accept": "text/xml"}))
    root = ElementTree.fromstring(xml.content)
    assert root.tag == f"{NAMESPACE}ChatSessionEntityWithLinks"
    assert root.findtext(f"{NAMESPACE}_Links/{NAMESPACE}Self") == url
    selected = send(client, conforms, rest("GET", f"/{DEMOS_OWN}", params={"$select": "status"}))
    assert selected.json()["_Links"] is None
    assert selected.json()["Status"] == "UserLast"


def test_put_saves_the_session_the_path_names_and_post_creates_one(
    client: TestClient, conforms: Conforms
) -> None:
    session = unlinked(send(client, conforms, rest("GET", f"/{DEMOS_OWN}")).json())
    changed = {**session, "ChatSessionId": HJOHANSENS, "CustomerName": "Put"}
    put = send(client, conforms, rest("PUT", f"/{DEMOS_OWN}", json=changed)).json()
    assert put["ChatSessionId"] == DEMOS_OWN
    assert put["CustomerName"] == "Put"
    assert send(client, conforms, rest("GET", f"/{HJOHANSENS}")).json()["CustomerName"] != "Put"
    created = send(client, conforms, rest("POST", "", json=changed)).json()
    assert created["ChatSessionId"] == 251
    assert send(client, conforms, rest("GET", "/251")).json() == created
    missing = send(client, conforms, rest("PUT", "/999999", json=changed))
    assert missing.status_code == 404
    assert send(client, conforms, rest("PUT", f"/{DEMOS_OWN}")).status_code == 400


def test_put_and_post_bind_a_camel_case_entity(client: TestClient, conforms: Conforms) -> None:
    """The npm client's carriers, as Json.NET binds them: the REST calls save like the agent's."""
    session = unlinked(send(client, conforms, rest("GET", f"/{DEMOS_OWN}")).json())
    sent = {**camel(session), "customerName": "Camel", "flags": 1}
    put = unlinked(send(client, conforms, rest("PUT", f"/{DEMOS_OWN}", json=sent)).json())
    assert put == {**session, "CustomerName": "Camel", "Flags": "UserIsTyping"}
    created = send(client, conforms, rest("POST", "", json={**sent, "chatSessionId": 0})).json()
    assert unlinked(created) == {**put, "ChatSessionId": 251}


def test_the_resource_routes_whatever_the_case_of_its_path(client: TestClient) -> None:
    response = client.get(f"{REST.lower()}/{DEMOS_OWN}/MESSAGES", auth=DEMO)
    assert response.status_code == 200
    assert response.json()[0]["ChatSessionId"] == DEMOS_OWN


# -- the OData list ----------------------------------------------------------------------------


def archive(
    client: TestClient,
    conforms: Conforms,
    status: int = 200,
    auth: tuple[str, str] = DEMO,
    headers: dict[str, str] | None = None,
    **params: Any,
) -> Any:
    """``GET /api/v1/ChatSession`` with ``$``-options given as keyword arguments."""
    query = {f"${name}": value for name, value in params.items()}
    response = send(client, conforms, rest("GET", "", params=query, headers=headers), auth=auth)
    assert response.status_code == status, response.text
    return response.json()


def members(client: TestClient, conforms: Conforms, auth: tuple[str, str] = DEMO) -> list[Any]:
    """The sessions the agent's list gives the caller: what the archive must be made of."""
    return list(send(client, conforms, rest("GET", "/ForCurrentUser"), auth=auth).json())


def ids(answer: Any) -> list[int]:
    return [row["PrimaryKey"] for row in answer["value"]]


@pytest.mark.parametrize("who", [DEMO, HJOHANSEN, ("other", "other-password")])
def test_the_archive_lists_the_callers_sessions_with_their_scalar_columns(
    client: TestClient, conforms: Conforms, who: tuple[str, str]
) -> None:
    answer = archive(client, conforms, auth=who)
    sessions = members(client, conforms, who)
    assert ids(answer) == [s["ChatSessionId"] for s in sessions]
    assert answer["odata.nextLink"] is None
    assert answer["odata.metadata"].endswith("/superoffice/api/v1/archive$metadata")
    for row, session in zip(answer["value"], sessions, strict=True):
        scalars = {k: v for k, v in session.items() if not isinstance(v, dict | type(None))}
        assert row.pop("EntityName") == "chatSession"
        assert row.pop("PrimaryKey") == session["ChatSessionId"]
        assert {k: v for k, v in row.items() if v is not None} == scalars


def test_the_archive_needs_credentials_and_refuses_a_retired_associate(
    client: TestClient, conforms: Conforms
) -> None:
    assert send(client, conforms, rest("GET", ""), auth=None).status_code == 401  # type: ignore[arg-type]
    archive(client, conforms, status=403, auth=("retired", "retired-password"))


FILTERS: list[tuple[str, Any]] = [
    ("topicId eq 1", lambda s: s["TopicId"] == 1),
    ("TOPICID ne 1", lambda s: s["TopicId"] != 1),
    ("rating gt 3", lambda s: s["Rating"] > 3),
    ("rating ge 3 and rating le 4", lambda s: 3 <= s["Rating"] <= 4),
    ("initialQueuePos lt 2", lambda s: s["InitialQueuePos"] < 2),
    ("status eq 'inqueue'", lambda s: s["Status"] == "InQueue"),
    ("customerConsented eq false", lambda s: s["CustomerConsented"] is False),
    ("customerName contains 'KATA'", lambda s: "kata" in s["CustomerName"].lower()),
    ("customerName begins 'ju'", lambda s: s["CustomerName"].lower().startswith("ju")),
    ("startswith(customerEmail, 'KATA')", lambda s: s["CustomerEmail"].startswith("kata")),
    ("endswith(customerEmail, '.NO')", lambda s: s["CustomerEmail"].lower().endswith(".no")),
    ("contains(customerEmail, 'live')", lambda s: "live" in s["CustomerEmail"]),
    ("substringof('live', customerEmail)", lambda s: "live" in s["CustomerEmail"]),
    ("user/fullName eq 'håkon johansen'",
     lambda s: (s["User"] or {}).get("FullName") == "Håkon Johansen"),
    ("user/fullName eq null", lambda s: s["User"] is None),
    ("user/fullName lt 'i'", lambda s: s["User"] is not None and s["User"]["FullName"] < "I"),
    ("user/fullName ne 'Håkon Johansen'",
     lambda s: s["User"] is None or s["User"]["FullName"] != "Håkon Johansen"),
    ("whenRequested ge '2025-06-30T13:30'", lambda s: s["WhenRequested"] >= "2025-06-30T13:30"),
    # and binds before or; parentheses regroup
    ("topicId eq 2 or topicId eq 1 and status eq 'InQueue'",
     lambda s: s["TopicId"] == 2 or (s["TopicId"] == 1 and s["Status"] == "InQueue")),
    ("(topicId eq 2 or topicId eq 1) and status eq 'InQueue'",
     lambda s: s["TopicId"] in (1, 2) and s["Status"] == "InQueue"),
]  # fmt: skip


@pytest.mark.parametrize(("expression", "expected"), FILTERS, ids=[f for f, _ in FILTERS])
def test_the_archive_filters_with_the_documented_operators(
    client: TestClient, conforms: Conforms, expression: str, expected: Any
) -> None:
    wanted = [s["ChatSessionId"] for s in members(client, conforms) if expected(s)]
    assert wanted, "the fixtures hold no session this filter finds: a test that proves nothing"
    assert ids(archive(client, conforms, filter=expression)) == wanted


def test_the_archive_orders_pages_and_selects(client: TestClient, conforms: Conforms) -> None:
    sessions = members(client, conforms)
    by_request = sorted(sessions, key=lambda s: s["WhenRequested"], reverse=True)
    first = archive(client, conforms, orderBy="whenRequested desc", top=5,
                    select="chatSessionId,user/fullName")  # fmt: skip
    assert ids(first) == [s["ChatSessionId"] for s in by_request[:5]]
    assert set(first["value"][0]) == {"PrimaryKey", "EntityName", "ChatSessionId", "User/FullName"}
    following = client.get(first["odata.nextLink"], auth=DEMO)
    assert ids(following.json()) == [s["ChatSessionId"] for s in by_request[5:10]]
    safe = archive(client, conforms, select="user/fullName", jsonSafe="true", skip=1, top=1)
    user = sessions[1]["User"]
    assert safe["value"] == [{"PrimaryKey": sessions[1]["ChatSessionId"],
                              "EntityName": "chatSession",
                              "User_FullName": user and user["FullName"]}]  # fmt: skip
    last = archive(client, conforms, skip=len(sessions) - 1, top=5)
    assert (ids(last), last["odata.nextLink"]) == ([sessions[-1]["ChatSessionId"]], None)
    by_topic = archive(client, conforms, orderBy="topicId desc,rating", select="topicId,rating")
    keys = [(-row["TopicId"], row["Rating"], row["PrimaryKey"]) for row in by_topic["value"]]
    assert keys == sorted(keys)


def test_the_archive_shows_what_other_calls_changed_in_the_callers_zone(
    client: TestClient, conforms: Conforms
) -> None:
    session = unlinked(send(client, conforms, rest("GET", f"/{DEMOS_OWN}")).json())
    send(client, conforms, rest("PUT", f"/{DEMOS_OWN}", json={**session, "CustomerName": "Zoë"}))
    found = archive(client, conforms, filter="customerName eq 'zoë'", select="customerName")
    assert found["value"] == [{"PrimaryKey": DEMOS_OWN, "EntityName": "chatSession",
                               "CustomerName": "Zoë"}]  # fmt: skip
    zone = {"SO-TimeZone": "US-NY, includeTZOffset"}
    shifted = archive(client, conforms, headers=zone, filter=f"chatSessionId eq {DEMOS_OWN}")
    agent_view = send(client, conforms, rest("GET", f"/{DEMOS_OWN}", headers=zone)).json()
    assert shifted["value"][0]["WhenRequested"] == agent_view["WhenRequested"]
    assert agent_view["WhenRequested"].endswith(("-04:00", "-05:00"))


@pytest.mark.parametrize(
    ("params", "kind", "named"),
    [({"filter": "rating between 1"}, "NotSupportedException", "between"),
     ({"filter": "not (rating eq 1)"}, "NotSupportedException", "'not'"),
     ({"filter": "this(whenRequested, week)"}, "NotSupportedException", "this"),
     ({"select": "Count(status):Footer"}, "NotSupportedException", "Count(status)"),
     ({"mode": "Full"}, "NotSupportedException", "$mode"),
     ({"output": "Display"}, "NotSupportedException", "$output"),
     ({"entities": "contact,person"}, "NotSupportedException", "$entities"),
     ({"options": "GrandTotal=true"}, "NotSupportedException", "$options"),
     ({"context": "x"}, "NotSupportedException", "$context"),
     ({"format": "csv"}, "NotSupportedException", "$format"),
     ({"filter": "colour eq 'red'"}, "ArgumentException", "colour"),
     ({"filter": "topicId eq 'one'"}, "ArgumentException", "TopicId"),
     ({"filter": "customerName contains 3"}, "ArgumentException", "CustomerName"),
     ({"filter": "rating gt null"}, "ArgumentException", "null"),
     ({"filter": "(rating eq 1"}, "ArgumentException", "ends"),
     ({"filter": "rating eq 1 rating"}, "ArgumentException", "rating"),
     ({"filter": "rating eq 1 & 2"}, "ArgumentException", "&"),
     ({"select": "user"}, "ArgumentException", "carrier"),
     ({"orderBy": "rating sideways"}, "ArgumentException", "sideways"),
     ({"orderBy": "colour"}, "ArgumentException", "colour")],
)  # fmt: skip
def test_what_the_archive_does_not_serve_is_a_400_naming_it(
    client: TestClient, conforms: Conforms, params: dict[str, str], kind: str, named: str
) -> None:
    error = archive(client, conforms, status=400, **params)
    assert (error["Error"], error["ErrorType"]) == (True, kind)
    assert named in error["ErrorMessage"], error


@pytest.mark.parametrize("accept", ["application/xml", "text/xml"])
def test_the_archive_in_xml_says_what_the_json_says(
    client: TestClient, conforms: Conforms, accept: str
) -> None:
    params = {"$select": "chatSessionId,status,user/fullName,whenRequested", "$top": "20"}
    json = send(client, conforms, rest("GET", "", params=params)).json()
    xml = send(client, conforms, rest("GET", "", params=params, headers={"Accept": accept}))
    assert xml.headers["content-type"].startswith(accept)
    root = ElementTree.fromstring(xml.content)
    assert root.tag == "ODataSlimResponse"
    assert not _xml_differences(root, json, "")
    # $format overrides Accept, either way
    by_format = send(client, conforms, rest("GET", "", params={**params, "$format": "XML"}))
    assert by_format.headers["content-type"].startswith("application/xml")
    rows = ElementTree.fromstring(by_format.content).find("value")
    assert rows is not None
    assert not _xml_differences(rows, json["value"], "")
    as_json = rest("GET", "", params={**params, "$format": "json"}, headers={"Accept": accept})
    assert send(client, conforms, as_json).json()["value"] == json["value"]


@pytest.mark.parametrize(
    "generated",
    [{"$filter": "x", "$orderBy": "", "$select": "ab", "$mode": "Full", "$options": "o"},
     {"$filter": "??", "$format": "yaml", "$output": "Display", "$entities": "x", "$context": ""},
     {"$filter": "abc", "$orderBy": "a", "$select": "a,b", "$top": 3},
     {"$filter": "abcd", "$orderBy": "ab"}, {"$filter": "abcde", "$orderBy": "abc"}],
)  # fmt: skip
def test_the_contract_runs_valid_archive_requests_with_what_the_mock_serves(
    client: TestClient, conforms: Conforms, generated: dict[str, Any]
) -> None:
    """The contract hook turns a positive case's options into served ones: the mock answers 200,
    and every served choice is one a test of its own could pick."""
    assert ("map_case", superoffice_served_archive_options) in CONTRACT.hooks
    query = dict(generated)
    served_archive_options(query)
    assert set(query) <= set(generated) - {"$options", "$context"}
    response = send(client, conforms, rest("GET", "", params=query))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("name", "value"), [(n, v) for n, vs in ARCHIVE_OPTIONS.items() for v in vs]
)
def test_every_option_the_contract_sends_as_valid_is_served(
    client: TestClient, conforms: Conforms, name: str, value: str
) -> None:
    response = send(client, conforms, rest("GET", "", params={name: value}))
    assert response.status_code == 200, response.text
