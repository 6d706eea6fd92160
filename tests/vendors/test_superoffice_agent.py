"""SuperOffice's Chat agent calls on one session: what each changes, who may make it (the topic
rights of the demo associate: Can Respond on topic 1, Listen on 2, Notifications on 3, Manager on
4, a member of no other), that every later call sees the change, and that every answer, JSON or
XML, is one the spec documents."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver import MockServer
from mockserver.admin import Control
from mockserver.config import Settings
from mockserver.vendors.superoffice.checks import _xml_differences
from tests.conftest import Conforms, FakeClock, RaceLost, serving
from tests.test_sdk import run_sdk

AGENT = "/superoffice/api/v1/Agents/Chat/"
DEMO = ("demo", "demo-password")
HJOHANSEN = ("hjohansen8", "hjohansen8-password")  # Can Respond on topic 1
NAMESPACE = "{http://www.superoffice.net/ws/crm/NetServer/Services88}"
# Fixture sessions by topic and state (see fixtures/superoffice/sessions.json).
QUEUED = {1: 28, 2: 197, 3: 161, 4: 196, 6: 4}
DEMOS_OWN = 77  # topic 1, UserLast, demo's
HJOHANSENS = 17  # topic 1, CustomerLast, hjohansen8's
MANAGED = 55  # topic 4, UserLast, hjohansen8's
LISTENED = 64  # topic 2, CustomerLast
FOREIGN = 63  # topic 6: demo is no member
ALL_FALSE = 1  # topic 5: demo's row grants nothing


def call(
    client: TestClient,
    conforms: Conforms,
    name: str,
    body: Any = None,
    *,
    auth: tuple[str, str] = DEMO,
    status: int = 200,
    **kwargs: Any,
) -> httpx.Response:
    response = client.post(AGENT + name, json=body, auth=auth, **kwargs)
    assert response.status_code == status, response.text
    conforms(response)
    return response


def get(client: TestClient, conforms: Conforms, ident: int, **kwargs: Any) -> Any:
    params = {"chatSessionEntityId": ident, **kwargs.pop("params", {})}
    return call(client, conforms, "GetChatSessionEntity", params=params, **kwargs).json()


def listed(client: TestClient, conforms: Conforms, auth: tuple[str, str] = DEMO) -> dict[int, Any]:
    answer = call(client, conforms, "ChatSessionsForUser", auth=auth).json()
    return {s["ChatSessionId"]: s for s in answer}


# -- reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize("ident", [DEMOS_OWN, LISTENED, QUEUED[3], MANAGED])
def test_a_member_with_any_right_gets_the_session_as_the_list_shows_it(
    client: TestClient, conforms: Conforms, ident: int
) -> None:
    assert get(client, conforms, ident) == listed(client, conforms)[ident]


@pytest.mark.parametrize("ident", [FOREIGN, ALL_FALSE, 999_999])
def test_a_session_that_is_missing_or_not_the_callers_is_a_404_in_superoffices_shape(
    client: TestClient, conforms: Conforms, ident: int
) -> None:
    error = get(client, conforms, ident, status=404)
    assert error["ErrorType"] == "SoNotFoundException"
    assert (
        error["ErrorMessage"] == error["Message"] == f"ChatSessionEntity with id {ident} not found"
    )


def test_get_takes_select_time_zone_and_language_like_the_list(
    client: TestClient, conforms: Conforms
) -> None:
    headers = {"SO-TimeZone": "US-NY, includeTZOffset", "Accept-Language": "en"}
    params = {"$select": "status,user/fullname,WhenRequested"}
    one = get(client, conforms, DEMOS_OWN, params=params, headers=headers)
    place = list(listed(client, conforms)).index(DEMOS_OWN)
    listing = call(client, conforms, "ChatSessionsForUser", params=params, headers=headers).json()
    assert one == listing[place]
    assert one["ChatSessionId"] is None
    assert one["Status"] == "UserLast"
    assert one["WhenRequested"].endswith(("-04:00", "-05:00"))
    assert set(one["User"].values()) - {None} == {one["User"]["FullName"]}


def test_an_unknown_select_name_is_aspnets_400(client: TestClient, conforms: Conforms) -> None:
    error = get(client, conforms, DEMOS_OWN, params={"$select": "nope"}, status=400)
    assert error["Message"] == "The request is invalid."
    assert "'nope'" in error["MessageDetail"]


# -- picking up ------------------------------------------------------------------------------


@pytest.mark.parametrize("topic", [1, 4])
def test_a_pick_up_makes_the_session_the_callers_and_the_list_shows_it(
    client: TestClient, conforms: Conforms, clock: FakeClock, topic: int
) -> None:
    ident = QUEUED[topic]
    picked = call(client, conforms, "PickUpChatSession", {"ChatSessionId": ident}).json()
    assert picked["User"]["AssociateId"] == 2
    assert picked["Status"] == "UserLast"
    assert picked["WhenStarted"] == picked["WhenIdle"] != "0001-01-01T00:00:00"
    assert picked["LastMessage"] == "[SR_CHAT_WELCOME_MESSAGE]"
    assert picked["Rank"] >= 1
    assert listed(client, conforms)[ident] == picked
    messages = call(client, conforms, "GetChatMessages", {"ChatSessionId": ident}).json()
    assert messages[-1]["SpecialType"] == "Welcome"
    assert messages[-1]["Author"] == "Dina Demo"


def test_a_pick_up_that_lost_its_race_welcomes_nobody(clock: FakeClock) -> None:
    """Another agent picks the session up between the read and the write of ours: the answer
    is the session as they left it, and no welcome message is posted in our name."""
    backend = RaceLost()
    server = MockServer(Settings(clock=clock), control=Control(clock, backend))
    ident = QUEUED[1]
    with server.app.test_client() as client:
        before = client.post(AGENT + "GetChatMessages", json={"ChatSessionId": ident}, auth=DEMO)
        backend.interfere = lambda session: {**session, "Status": "UserLast"}
        picked = client.post(AGENT + "PickUpChatSession", json={"ChatSessionId": ident}, auth=DEMO)
        after = client.post(AGENT + "GetChatMessages", json={"ChatSessionId": ident}, auth=DEMO)
    assert picked.status_code == 200, picked.text
    assert picked.json()["Status"] == "UserLast"
    assert picked.json()["LastMessage"] != "[SR_CHAT_WELCOME_MESSAGE]"
    assert after.json() == before.json()


@pytest.mark.parametrize("topic", [2, 3])
def test_a_listener_or_notified_member_may_not_pick_up(
    client: TestClient, conforms: Conforms, topic: int
) -> None:
    error = call(
        client, conforms, "PickUpChatSession", {"ChatSessionId": QUEUED[topic]}, status=403
    ).json()
    assert error["ErrorType"] == "SoSecurityException"
    assert get(client, conforms, QUEUED[topic])["Status"] == "InQueue"


def test_picking_up_a_session_not_in_the_queue_answers_null_and_changes_nothing(
    client: TestClient, conforms: Conforms
) -> None:
    before = get(client, conforms, HJOHANSENS)
    answer = call(client, conforms, "PickUpChatSession", {"ChatSessionId": HJOHANSENS})
    assert answer.json() is None
    xml = call(
        client,
        conforms,
        "PickUpChatSession",
        {"ChatSessionId": HJOHANSENS},
        headers={"Accept": "application/xml"},
    )
    root = ElementTree.fromstring(xml.content)
    assert root.tag == f"{NAMESPACE}ChatSessionEntity"
    assert root.get("{http://www.w3.org/2001/XMLSchema-instance}nil") == "true"
    assert get(client, conforms, HJOHANSENS) == before


def test_pick_up_first_takes_the_queue_in_order_of_request_then_answers_null(
    client: TestClient, conforms: Conforms
) -> None:
    queue = sorted(
        (s["WhenRequested"], ident)
        for ident, s in listed(client, conforms).items()
        if s["Status"] == "InQueue" and s["TopicId"] in (1, 4)  # Can Respond, Manager
    )
    assert len(queue) >= 2
    picked = [call(client, conforms, "PickUpFirstChatSession").json() for _ in queue]
    assert [s["ChatSessionId"] for s in picked] == [ident for _, ident in queue]
    assert [s["Rank"] for s in picked] == list(
        range(picked[0]["Rank"], picked[0]["Rank"] + len(queue))
    )
    assert call(client, conforms, "PickUpFirstChatSession").json() is None


# -- transfers -------------------------------------------------------------------------------


@pytest.mark.parametrize("to", ["hjohansen8", "HJohansen8", "8"])
def test_a_transfer_shows_transfer_to_until_it_is_accepted(
    client: TestClient, conforms: Conforms, to: str
) -> None:
    offered = call(
        client, conforms, "TransferChatSession", {"ChatSessionId": DEMOS_OWN, "ToAssociate": to}
    ).json()
    assert offered["TransferTo"]["AssociateId"] == 8
    assert offered["User"]["AssociateId"] == 2
    assert listed(client, conforms)[DEMOS_OWN]["TransferTo"]["AssociateId"] == 8
    body = {"ChatSessionId": DEMOS_OWN}
    unchanged = call(client, conforms, "AcceptChatSessionTransfer", body).json()
    assert unchanged == offered, "only the receiver accepts"
    taken = call(client, conforms, "AcceptChatSessionTransfer", body, auth=HJOHANSEN).json()
    assert taken["User"]["AssociateId"] == 8
    assert taken["TransferTo"] is None
    assert listed(client, conforms, HJOHANSEN)[DEMOS_OWN] == taken


def test_a_rejected_transfer_leaves_the_session_with_its_user(
    client: TestClient, conforms: Conforms
) -> None:
    body = {"ChatSessionId": DEMOS_OWN}
    call(client, conforms, "TransferChatSession", {**body, "ToAssociate": "hjohansen8"})
    kept = call(client, conforms, "RejectChatSessionTransfer", body, auth=HJOHANSEN).json()
    assert kept["TransferTo"] is None
    assert kept["User"]["AssociateId"] == 2
    assert get(client, conforms, DEMOS_OWN) == kept


def test_transferring_a_session_that_is_not_the_callers_changes_nothing(
    client: TestClient, conforms: Conforms
) -> None:
    before = get(client, conforms, HJOHANSENS)
    body = {"ChatSessionId": HJOHANSENS, "ToAssociate": "bkohler9"}
    assert call(client, conforms, "TransferChatSession", body).json() == before


@pytest.mark.parametrize(
    ("to", "why"),
    [("other", "neither Can Respond nor Manager"), ("retired", "no active"),
     ("nobody", "no active"), ("demo", "its own user")],
)  # fmt: skip
def test_a_transfer_to_someone_who_cannot_take_it_is_a_400(
    client: TestClient, conforms: Conforms, to: str, why: str
) -> None:
    body = {"ChatSessionId": DEMOS_OWN, "ToAssociate": to}
    error = call(client, conforms, "TransferChatSession", body, status=400).json()
    assert why in error["MessageDetail"]


# -- messages --------------------------------------------------------------------------------


def test_a_message_updates_last_message_and_idle_time(
    client: TestClient, conforms: Conforms, clock: FakeClock
) -> None:
    before = get(client, conforms, HJOHANSENS, headers={"SO-TimeZone": "UTC"})
    clock.advance(90)
    body = {"ChatSessionId": HJOHANSENS, "Message": {"Message": "Hello <b>there</b>"}}
    message = call(client, conforms, "AddChatMessage", body, headers={"SO-TimeZone": "UTC"}).json()
    assert message["Type"] == "ToCustomer"
    assert message["Author"] == "Dina Demo"
    after = get(client, conforms, HJOHANSENS, headers={"SO-TimeZone": "UTC"})
    assert after["LastMessage"] == "Hello <b>there</b>"
    assert after["WhenIdle"] == message["WhenPosted"] > before["WhenIdle"]
    assert after["Status"] == "UserLast" != before["Status"]
    history = call(client, conforms, "GetChatMessages", {"ChatSessionId": HJOHANSENS}).json()
    assert history[-1] == message
    later = {"ChatSessionId": HJOHANSENS, "After": history[-2]["ChatMessageId"]}
    assert call(client, conforms, "GetChatMessages", later).json() == [message]
    text = call(client, conforms, "GetChatTranscript", {"ChatSessionId": HJOHANSENS}).json()
    assert text.splitlines()[-1] == f"[{message['WhenPosted']}] Dina Demo: Hello <b>there</b>"
    page = call(
        client, conforms, "GetChatTranscript", {"ChatSessionId": HJOHANSENS, "Html": True}
    ).json()
    assert "Hello &lt;b&gt;there&lt;/b&gt;" in page


def test_a_closed_session_takes_no_message(client: TestClient, conforms: Conforms) -> None:
    closed = next(
        ident
        for ident, s in listed(client, conforms).items()
        if s["Status"] == "Closed" and s["TopicId"] == 1
    )
    body = {"ChatSessionId": closed, "Message": {"Message": "hi"}}
    call(client, conforms, "AddChatMessage", body, status=400)


@pytest.mark.parametrize("accept", ["application/json", "application/xml", "text/xml"])
def test_messages_and_transcripts_conform_in_every_media_type(
    client: TestClient, conforms: Conforms, accept: str
) -> None:
    headers = {"Accept": accept}
    body = {"ChatSessionId": HJOHANSENS}
    call(client, conforms, "GetChatMessages", body, headers=headers)
    call(client, conforms, "GetChatTranscript", body, headers=headers)
    call(client, conforms, "AddChatMessage", {**body, "Message": {}}, headers=headers)


# -- saving, creating, resetting, deleting ---------------------------------------------------


def test_a_save_is_what_the_next_read_returns(client: TestClient, conforms: Conforms) -> None:
    headers = {"SO-TimeZone": "US-CA"}
    session = get(client, conforms, DEMOS_OWN, headers=headers)
    changed = {**session, "CustomerName": "Renamed", "Rating": 4, "Person": None}
    saved = call(client, conforms, "SaveChatSessionEntity", changed, headers=headers).json()
    assert saved == changed
    assert get(client, conforms, DEMOS_OWN, headers=headers) == changed
    assert get(client, conforms, DEMOS_OWN)["WhenRequested"] != changed["WhenRequested"]


def test_saving_id_zero_creates_a_session_with_the_next_id(
    client: TestClient, conforms: Conforms
) -> None:
    default = call(client, conforms, "CreateDefaultChatSessionEntity").json()
    assert default["ChatSessionId"] == 0
    contact = next(s["Contact"] for s in listed(client, conforms).values() if s["Contact"])
    new = {**default, "TopicId": 1, "CustomerName": "New", "Contact": contact}
    created = call(client, conforms, "SaveChatSessionEntity", new).json()
    assert created["ChatSessionId"] == 251
    assert created["Contact"] == contact
    assert listed(client, conforms)[251] == created


@pytest.mark.parametrize(
    ("change", "status"),
    [({"TopicId": 2}, 403), ({"TopicId": 99}, 400), ({"User": {"AssociateId": 999}}, 400),
     ({"WhenIdle": "2025-13-45T00:00:00"}, 400)],
)  # fmt: skip
def test_a_save_the_caller_may_not_make_is_refused(
    client: TestClient, conforms: Conforms, change: dict[str, Any], status: int
) -> None:
    session = get(client, conforms, DEMOS_OWN)
    call(client, conforms, "SaveChatSessionEntity", {**session, **change}, status=status)
    assert get(client, conforms, DEMOS_OWN) == session


def test_create_for_topic_queues_a_new_session(client: TestClient, conforms: Conforms) -> None:
    created = call(client, conforms, "CreateChatSessionForTopic", {"ChatTopicId": 2}).json()
    assert created["Status"] == "InQueue"
    assert created["TopicId"] == 2
    assert created["InitialQueuePos"] == 2  # session 197 waits already
    assert listed(client, conforms)[created["ChatSessionId"]] == created
    call(client, conforms, "CreateChatSessionForTopic", {"ChatTopicId": 6}, status=404)


def test_a_reset_puts_the_session_back_in_the_queue(client: TestClient, conforms: Conforms) -> None:
    queued = call(client, conforms, "ResetChatSession", {"ChatSessionId": DEMOS_OWN}).json()
    assert (queued["Status"], queued["User"], queued["ChatbotIsActive"]) == ("InQueue", None, False)
    assert call(client, conforms, "PickUpFirstChatSession").json()["ChatSessionId"] in (
        QUEUED[1],
        QUEUED[4],
        DEMOS_OWN,
    )


def test_a_manager_deletes_and_the_session_is_gone(client: TestClient, conforms: Conforms) -> None:
    response = call(
        client,
        conforms,
        "DeleteChatSessionEntity",
        params={"chatSessionEntityId": MANAGED},
        status=204,
    )
    assert response.content == b""
    assert MANAGED not in listed(client, conforms)
    for name in ("GetChatSessionEntity", "DeleteChatSessionEntity"):
        error = call(
            client, conforms, name, params={"chatSessionEntityId": MANAGED}, status=404
        ).json()
        assert error["ErrorType"] == "SoNotFoundException"
    for name in ("PickUpChatSession", "GetChatMessages", "ResetChatSession"):
        call(client, conforms, name, {"ChatSessionId": MANAGED}, status=404)


@pytest.mark.parametrize("ident", [DEMOS_OWN, LISTENED])
def test_only_a_manager_may_delete(client: TestClient, conforms: Conforms, ident: int) -> None:
    call(
        client,
        conforms,
        "DeleteChatSessionEntity",
        params={"chatSessionEntityId": ident},
        status=403,
    )
    assert ident in listed(client, conforms)


# -- every call, every media type, every refusal ---------------------------------------------

CALLS = [
    ("GetChatSessionEntity", None, {"chatSessionEntityId": DEMOS_OWN}),
    ("CreateDefaultChatSessionEntity", None, {}),
    ("TransferChatSession", {"ChatSessionId": DEMOS_OWN, "ToAssociate": "8"}, {}),
    ("AcceptChatSessionTransfer", {"ChatSessionId": DEMOS_OWN}, {}),
    ("RejectChatSessionTransfer", {"ChatSessionId": DEMOS_OWN}, {}),
    ("PickUpChatSession", {"ChatSessionId": QUEUED[1]}, {}),
    ("PickUpFirstChatSession", None, {}),
    ("ResetChatSession", {"ChatSessionId": DEMOS_OWN}, {}),
    ("CreateChatSessionForTopic", {"ChatTopicId": 1}, {}),
]


@pytest.mark.parametrize("accept", ["application/xml", "text/xml", "application/merge-patch+json"])
@pytest.mark.parametrize(("name", "body", "params"), CALLS)
def test_every_entity_answer_conforms_in_xml_and_json_and_says_the_same(
    client: TestClient,
    conforms: Conforms,
    name: str,
    body: Any,
    params: dict[str, Any],
    accept: str,
) -> None:
    response = call(client, conforms, name, body, params=params, headers={"Accept": accept})
    assert response.headers["content-type"].startswith(accept)
    if "xml" not in accept:
        return
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{NAMESPACE}ChatSessionEntity"
    ident = int(root.findtext(f"{NAMESPACE}ChatSessionId") or "")
    json = (
        get(client, conforms, ident)
        if ident
        else call(client, conforms, "CreateDefaultChatSessionEntity").json()
    )
    assert not _xml_differences(root, json, "")


@pytest.mark.parametrize(("name", "body", "params"), CALLS)
def test_every_call_needs_credentials_and_refuses_a_retired_associate(
    client: TestClient, conforms: Conforms, name: str, body: Any, params: dict[str, Any]
) -> None:
    response = client.post(AGENT + name, json=body, params=params)
    assert response.status_code == 401
    conforms(response)
    call(client, conforms, name, body, params=params, auth=("retired", "retired-password"),
         status=403)  # fmt: skip


@pytest.mark.parametrize(("name", "body", "params"), CALLS)
def test_every_call_routes_whatever_the_case_of_its_path(
    client: TestClient, conforms: Conforms, name: str, body: Any, params: dict[str, Any]
) -> None:
    response = client.post((AGENT + name).lower(), json=body, params=params, auth=DEMO)
    assert response.status_code == 200, response.text


def test_query_parameter_names_match_whatever_their_case(
    client: TestClient, conforms: Conforms
) -> None:
    """As ASP.NET binds them; the vendor's npm client sends ``?ChatSessionEntityId=``."""
    url = f"{AGENT}GetChatSessionEntity?CHATSESSIONENTITYID={DEMOS_OWN}&%24SELECT=STATUS"
    response = client.post(url, auth=DEMO)
    assert response.status_code == 200, response.text
    assert response.json()["Status"] == "UserLast"
    assert response.json()["ChatSessionId"] is None
    deleted = client.post(
        f"{AGENT}deletechatsessionentity?ChatSessionEntityId={MANAGED}", auth=DEMO
    )
    assert deleted.status_code == 204
    get(client, conforms, MANAGED, status=404)


@pytest.mark.parametrize(
    ("sent", "kind"), [(2, "ToUser"), ("touser", "ToUser"), ("ToCustomer", "ToCustomer")]
)
def test_bodies_bind_as_json_net_binds_them(
    client: TestClient, conforms: Conforms, sent: Any, kind: str
) -> None:
    """Names in any case, enums by name or number: what the vendor's npm client sends."""
    body = {"chatSessionId": HJOHANSENS, "message": {"message": "Hei", "type": sent}}
    message = call(client, conforms, "AddChatMessage", body).json()
    assert (message["Type"], message["Message"]) == (kind, "Hei")
    session = get(client, conforms, HJOHANSENS)
    assert session["Status"] == ("UserLast" if kind == "ToCustomer" else "CustomerLast")


def camel(value: Any) -> Any:
    """``value`` as the vendor's npm client holds it: every property name camelCase, at every
    level (dictionary keys included: the server must not care)."""
    if isinstance(value, dict):
        return {k[:1].lower() + k[1:]: camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camel(v) for v in value]
    return value


def test_a_camel_case_save_binds_as_json_net_binds_it(
    client: TestClient, conforms: Conforms
) -> None:
    """What the npm client posts back: camelCase names, flag sets as numbers, enums in any case."""
    session = get(client, conforms, DEMOS_OWN)
    assert session["Flags"] == "CustomerIsTyping"
    sent = {
        **camel(session),
        "customerName": "Camel",
        "status": "customerlast",
        "flags": 1,  # UserIsTyping
        "tableRight": {"mask": 11, "reason": ""},  # UDR: the server's to set, so ignored
        "fieldProperties": {
            "rating": {"fieldRight": {"mask": 65, "reason": ""}, "fieldType": "", "fieldLength": 4}
        },
    }
    expected = {
        **session,
        "CustomerName": "Camel",
        "Status": "CustomerLast",
        "Flags": "UserIsTyping",
    }
    assert call(client, conforms, "SaveChatSessionEntity", sent).json() == expected
    assert get(client, conforms, DEMOS_OWN) == expected


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [(("flags",), 2, "Flags"), (("status",), "Asleep", "Status"), (("rating",), "five", "Rating"),
     (("user", "associateId"), "two", "User/AssociateId"),
     (("tableRight", "mask"), 1 << 20, "TableRight/Mask")],
)  # fmt: skip
def test_a_camel_case_value_json_net_cannot_bind_is_a_400_naming_the_property(
    client: TestClient, conforms: Conforms, path: tuple[str, ...], value: Any, field: str
) -> None:
    session = get(client, conforms, DEMOS_OWN)
    sent = camel(session)
    *parents, last = path
    target = sent
    for name in parents:
        target = target[name]
    target[last] = value
    error = call(client, conforms, "SaveChatSessionEntity", sent, status=400).json()
    # Problems with the value only: every other name was bound.
    problems = error["MessageDetail"].split("; ")
    assert all(p.startswith(f"body field '{field}' must") for p in problems), problems
    assert get(client, conforms, DEMOS_OWN) == session


@pytest.mark.parametrize("keys", [("Message", "Type"), ("message", "type")])
@pytest.mark.parametrize("sent", [9, "Shouting", True])
def test_a_message_type_that_is_no_member_is_a_400(
    client: TestClient, conforms: Conforms, sent: Any, keys: tuple[str, str]
) -> None:
    """Whether the spec's validation (PascalCase) or the handler's binding (any case) sees it."""
    message, kind = keys
    body = {"ChatSessionId": HJOHANSENS, message: {message: "Hei", kind: sent}}
    error = call(client, conforms, "AddChatMessage", body, status=400).json()
    assert "Type" in error["MessageDetail"]
    assert repr(sent) in error["MessageDetail"] or str(sent) in error["MessageDetail"]


# -- GET on an agent URL ----------------------------------------------------------------------

# Each agent call: what its description must say of its body and answer (from the spec).
DESCRIBED = [
    ("ChatSessionsForUser", None, "ChatSessionEntity[]"),
    ("CreateDefaultChatSessionEntity", None, "ChatSessionEntity"),
    ("SaveChatSessionEntity", "ChatSessionEntity", "ChatSessionEntity"),
    ("DeleteChatSessionEntity", None, "Void"),
    ("GetChatSessionEntity", None, "ChatSessionEntity"),
    ("TransferChatSession", "TransferChatSessionRequest", "ChatSessionEntity"),
    ("AcceptChatSessionTransfer", "ChatSessionRequest", "ChatSessionEntity"),
    ("RejectChatSessionTransfer", "ChatSessionRequest", "ChatSessionEntity"),
    ("PickUpChatSession", "ChatSessionRequest", "ChatSessionEntity"),
    ("PickUpFirstChatSession", None, "ChatSessionEntity"),
    ("ResetChatSession", "ChatSessionRequest", "ChatSessionEntity"),
    ("GetChatTranscript", "GetChatTranscriptRequest", "String"),
    ("GetChatMessages", "GetChatMessagesRequest", "ChatMessage[]"),
    ("AddChatMessage", "AddChatMessageRequest", "ChatMessage"),
    ("CreateChatSessionForTopic", "CreateChatSessionForTopicRequest", "ChatSessionEntity"),
]


@pytest.mark.parametrize(("name", "body", "answer"), DESCRIBED)
def test_a_get_on_every_agent_url_describes_its_call_without_running_it(
    client: TestClient, conforms: Conforms, name: str, body: str | None, answer: str
) -> None:
    before = listed(client, conforms)
    url = AGENT + name
    described = client.get(url, params={"chatSessionEntityId": MANAGED})  # no credentials
    assert described.status_code == 200, described.text
    conforms(described)
    description = described.json()
    assert description["HttpMethod"] == "POST"
    assert description["RelativePath"].partition("?")[0] == "api/v1/Agents/Chat/" + name
    sources = {p["Name"]: (p["Source"], p["Type"]) for p in description["ParameterDescriptions"]}
    assert sources.get("request") == (body and ("FromBody", body))
    assert description["ResponseDescription"]["DeclaredType"] == answer
    assert description["Documentation"]
    assert listed(client, conforms) == before  # a GET on Delete or PickUp changes nothing
    assert client.get(url.lower()).json() == description  # routed whatever the case
    xml = client.get(url, headers={"Accept": "text/xml"})
    conforms(xml)
    assert not _xml_differences(ElementTree.fromstring(xml.content), description, "")


@pytest.fixture(scope="module")
def own_live_url() -> Iterator[str]:
    """A server of its own: the client's calls change what the shared live server's tests read."""
    with serving(MockServer(Settings()).app) as url:
        yield url


def test_the_vendors_npm_client_drives_a_session_through_its_life(own_live_url: str) -> None:
    result = run_sdk(
        "superoffice.mjs", own_live_url, "calls", *map(str, (QUEUED[1], DEMOS_OWN, MANAGED))
    )
    assert result["pickedUp"]["user"] == 2
    assert result["pickedUp"]["status"] == "UserLast"
    assert result["listed"] == result["pickedUp"]
    assert result["notInQueue"] is None
    # The client posts its own carrier back: camelCase names, masks and flags as numbers.
    assert (result["saved"]["customerName"], result["saved"]["rating"]) == ("Saved by the SDK", 5)
    assert result["savedRead"] == result["saved"]
    assert {**result["saved"], "customerName": None, "rating": None} == {
        **result["untouched"],
        "customerName": None,
        "rating": None,
    }
    assert result["transferred"]["transferTo"] == 8
    assert (result["accepted"]["user"], result["accepted"]["transferTo"]) == (8, None)
    assert result["message"]["author"] == "Dina Demo"
    assert result["afterMessage"]["lastMessage"] == "Hello from the SDK"
    assert result["messages"][-2:] == ["Welcome! How can we help you?", "Hello from the SDK"]
    assert result["transcript"].endswith("Dina Demo: Hello from the SDK")
    assert (result["reset"]["status"], result["reset"]["user"]) == ("InQueue", None)
    assert result["afterDelete"] == {"status": 404, "type": "SoNotFoundException"}
