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
