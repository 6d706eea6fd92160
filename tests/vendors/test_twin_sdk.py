"""TWIN's PHP SDK (twin/sdk, GitHub URALINNOVATSIYA/sdk-php at a6ff191) replayed call by call.

The SDK is not on a registry this project can install from (Packagist is not one of them), and
fetched code is never committed, so it cannot run here. :class:`PhpSdk` sends exactly what its
``HttpClient`` and ``Authenticator`` send (Guzzle's ``query`` option, i.e. ``http_build_query``
with RFC 3986 encoding: booleans as ``1``/``0``, ``+`` as ``%2B``, commas as ``%2C``; the JSON
body ``[]`` for calls without parameters; ``Content-Type: application/json`` on every verb; the
login body, the refresh with the old token sent bare, the retry on ``Token is expired.``), and
:func:`sdk_accepts` holds every answer to the types its entities declare (``?string`` tags,
integers that are JSON integers, dates PHP can parse), where a mismatch makes the SDK drop the
whole answer. Every answer also conforms to the spec.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver import MockServer
from tests.conftest import Conforms, FakeClock

CHAT = "/twin/api/v1"
IAM = "/twin/api/v1/auth"

# The order in which the SDK's request entities list their properties (``toArray`` keeps it):
# ``QueryRequest``'s first, then ``SessionQueryRequest``'s.
QUERY_REQUEST = (
    "limit", "offset", "page", "sort", "group", "fields", "timezone", "language", "withoutCount",
    "withoutItems", "offsetField", "offsetValue",
)  # fmt: skip
SESSION_QUERY_REQUEST = (
    *QUERY_REQUEST, "sessionId", "from", "to", "markedAsSpam", "operatorId", "operatorType",
    "botStatus", "status", "name", "chatId", "groupByClientId", "tags", "clientBanned", "keyword",
)  # fmt: skip
MESSAGE_LIST_REQUEST = (*QUERY_REQUEST, "from", "to", "companyId")


def http_build_query(params: Mapping[str, Any], order: tuple[str, ...]) -> str:
    """PHP's ``http_build_query($params, '', '&', PHP_QUERY_RFC3986)`` as Guzzle calls it,
    after the entity's ``toArray(true)`` (nulls left out, properties in declared order)."""
    unknown = set(params) - set(order)
    assert not unknown, f"the SDK's request entity has no {unknown}"
    pairs = []
    for name in order:
        value = params.get(name)
        if value is None:
            continue
        if isinstance(value, bool):
            value = int(value)
        pairs.append(f"{quote(name, safe='')}={quote(str(value), safe='')}")
    return "&".join(pairs)


class PhpSdk:
    """The SDK's ``ChatHttpClient`` and ``Authenticator`` on the wire, over a test client."""

    def __init__(
        self, client: TestClient, clock: FakeClock, email: str, password: str, ttl: int = 3600
    ) -> None:
        self.client, self.clock = client, clock
        self.email, self.password, self.ttl = email, password, ttl
        self.auth_token = self.refresh_token = ""
        self.expires_at = 0.0
        self.sent: list[httpx.Request] = []

    # -- Authenticator -------------------------------------------------------------------------

    def _token(self) -> str:
        if not self.auth_token:
            self._tokens("login", {
                "email": self.email, "password": self.password, "ttl": self.ttl,
                "companyId": None, "extra": [],
            }, {})  # fmt: skip
        elif self.expires_at <= self.clock():
            self.refresh()
        return self.auth_token

    def refresh(self) -> None:
        body = {"refreshToken": self.refresh_token, "ttl": self.ttl}
        self._tokens("refresh", body, {"Authorization": self.auth_token})

    def _tokens(self, path: str, body: Any, headers: dict[str, str]) -> None:
        response = self.client.post(
            f"{IAM}/{path}",
            content=json.dumps(body),
            headers={"Content-Type": "application/json", **headers},
        )
        assert response.status_code == 200, response.text
        data = response.json()
        # LoginResponse's AuthenticationTokenData: both strings, required.
        assert isinstance(data["token"], str)
        assert isinstance(data["refreshToken"], str)
        self.auth_token, self.refresh_token = data["token"], data["refreshToken"]
        payload = self.auth_token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        self.expires_at = float(claims["exp"])

    # -- HttpClient ----------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None = None,
        order: tuple[str, ...] = (),
    ) -> httpx.Response:
        """``HttpClient::requestSync``: the token, then the call, again after a refresh when
        the answer is 401 ``Token is expired.``."""
        params = params or {}
        while True:
            headers = {
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self._token()}",
            }
            url = f"{CHAT}/{path}"
            if method == "GET":
                query = http_build_query(params, order)
                response = self.client.get(f"{url}?{query}" if query else url, headers=headers)
            else:
                content = json.dumps({k: v for k, v in params.items() if v is not None} or [])
                response = self.client.request(method, url, content=content, headers=headers)
            self.sent.append(response.request)
            if response.status_code == 401 and response.json().get("error") == "Token is expired.":
                self.expires_at = 0  # what the SDK does: refresh on the next round
                continue
            return response

    # -- ChatHttpClient ------------------------------------------------------------------------

    def get_session_list(self, **request: Any) -> httpx.Response:
        return self.request("GET", "sessions", request, SESSION_QUERY_REQUEST)

    def get_session_details(self, session_id: str, **request: Any) -> httpx.Response:
        return self.request("GET", f"sessions/{session_id}", request, SESSION_QUERY_REQUEST)

    def delete_session(self, session_id: str, result: str | None = None) -> httpx.Response:
        return self.request("DELETE", f"sessions/{session_id}", {"result": result})

    def rename_chat_session(self, session_id: str, name: str) -> httpx.Response:
        return self.request("PATCH", f"sessions/{session_id}/names/{name}")

    def mark_session_spam(self, session_id: str) -> httpx.Response:
        return self.request("PATCH", f"sessions/{session_id}/spam")

    def mark_session_not_spam(self, session_id: str) -> httpx.Response:
        return self.request("PATCH", f"sessions/{session_id}/notSpam")

    def add_session_operator(self, session_id: str, operator_id: str) -> httpx.Response:
        return self.request("PUT", f"sessions/{session_id}/operators/{operator_id}")

    def switch_session_operator(self, session_id: str, operator_id: str) -> httpx.Response:
        return self.request("PATCH", f"sessions/{session_id}/operators/{operator_id}")

    def delete_session_operator(self, session_id: str, operator_id: str) -> httpx.Response:
        return self.request("DELETE", f"sessions/{session_id}/operators/{operator_id}")

    def switch_session_group_operators(self, session_id: str, group_id: str) -> httpx.Response:
        return self.request("PATCH", f"sessions/{session_id}/groupoperators/{group_id}")

    def start_chat_session(self, chat_id: str, **request: Any) -> httpx.Response:
        return self.request("POST", f"chats/{chat_id}/sessions", request)

    def continue_chat_session(self, chat_id: str, **request: Any) -> httpx.Response:
        return self.request("PUT", f"chats/{chat_id}/sessions", request)

    def get_session_message_list(self, session_id: str, **request: Any) -> httpx.Response:
        return self.request("GET", f"sessions/{session_id}/messages", request, MESSAGE_LIST_REQUEST)

    def get_client_message_list(self, client_id: str, **request: Any) -> httpx.Response:
        return self.request("GET", f"clients/{client_id}/messages", request, MESSAGE_LIST_REQUEST)

    def create_client_chat_message(self, session_id: str, **request: Any) -> httpx.Response:
        return self.request("POST", f"sessions/{session_id}/clients/messages", request)

    # The SDK's createOperatorChatMessage posts the same body to the same path.
    create_operator_chat_message = create_client_chat_message

    def mark_message_as_read(self, message_id: str) -> httpx.Response:
        return self.request("PATCH", f"messages/{message_id}/read")


# -- what the SDK's entities accept ---------------------------------------------------------------

STRING, INT, BOOL, DATE, ARRAY, ANY = "?string", "?int", "?bool", "?DateTime", "?array", "mixed"
SESSION_INFO = {
    **dict.fromkeys(
        ("id", "chatId", "name", "operatorId", "operatorName", "channel", "messengerType",
         "botStatus", "status", "referer", "tags", "lastOperatorMessage",
         "firstClientMessageAfterLastOperatorMessage"),
        STRING,
    ),
    **dict.fromkeys(("markedAsSpam", "clientBanned"), BOOL),
    **dict.fromkeys(
        ("ttl", "unreadClientMessageCount", "timerFirstAnswer", "timerNextAnswers"), INT
    ),
    **dict.fromkeys(
        ("operatorAssignedAt", "startedAt", "clientOnlineAt", "clientOfflineAt",
         "lastMessageCreatedAt"),
        DATE,
    ),
    "lastMessage": ARRAY,
    "clientId": ANY,
}  # fmt: skip
OPERATOR_LIST_ITEM = {"id": INT, "name": STRING, "type": STRING, "assigned_at": DATE}
MESSAGE_LIST_ITEM = {
    **dict.fromkeys(("id", "authorId", "authorType", "authorName", "type", "body", "sessionId"),
                    STRING),
    **dict.fromkeys(("answers", "keyboard"), ARRAY),
    **dict.fromkeys(("readAt", "createdAt", "updatedAt"), DATE),
}  # fmt: skip
ATTACHMENT_LIST_ITEM = {
    **dict.fromkeys(("id", "name", "baseName", "extension", "sugestedExtension", "path", "url",
                     "downloadLink"), STRING),
    "isPrivate": BOOL, "createdAt": DATE, "size": INT,
}  # fmt: skip
REPLY_MESSAGE = {
    **dict.fromkeys(("id", "sessionId", "userId", "botId", "body", "authorType", "authorName",
                     "type", "clientId"), STRING),
    **dict.fromkeys(("answers", "keyboard", "actions"), ARRAY),
    "createdAt": DATE,
}  # fmt: skip
START_CHAT_SESSION = {"id": STRING, "clientId": STRING, "startedAt": DATE, "ttl": INT}
START_MESSAGE = {"authorId": STRING, "authorType": STRING, "body": STRING, "answers": ARRAY,
                 "keyboard": ARRAY}  # fmt: skip


def _typed(value: Any, php_type: str) -> bool:
    if value is None or php_type == ANY:
        return True
    if php_type == STRING:
        return isinstance(value, str)
    if php_type == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if php_type == BOOL:
        return isinstance(value, bool)
    if php_type == ARRAY:
        return isinstance(value, (list, dict))
    try:  # new DateTimeImmutable($value) takes ISO 8601 with an offset
        return isinstance(value, str) and datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def sdk_accepts(entity: Mapping[str, Any], types: Mapping[str, str]) -> None:
    """The entity's declared properties hold values of their PHP types (others are dropped)."""
    wrong = {
        name: entity[name]
        for name in types
        if name in entity and not _typed(entity[name], types[name])
    }
    assert not wrong, f"the SDK refuses {wrong}"


def sdk_session(session: Mapping[str, Any]) -> None:
    sdk_accepts(session, SESSION_INFO)
    for operator in session.get("operators") or []:  # OperatorList: a list, or its JSON text
        sdk_accepts(operator, OPERATOR_LIST_ITEM)


def sdk_collection(body: Mapping[str, Any]) -> list[Any]:
    """SessionCollection / MessageCollection: ``int $count`` and a list ``$items``, required."""
    assert _typed(body["count"], INT)
    assert body["count"] is not None
    assert isinstance(body["items"], list)
    return list(body["items"])


def sdk_message(message: Mapping[str, Any]) -> None:
    sdk_accepts(message, MESSAGE_LIST_ITEM)
    for attachment in message.get("attachments") or []:
        sdk_accepts(attachment, ATTACHMENT_LIST_ITEM)
    if message.get("replyTo") is not None:
        sdk_accepts(message["replyTo"], REPLY_MESSAGE)


# -- the replay -----------------------------------------------------------------------------------


@pytest.fixture
def sdk(client: TestClient, clock: FakeClock) -> PhpSdk:
    return PhpSdk(client, clock, "demo@twin.example", "demo-password")


def _ok(response: httpx.Response, conforms: Conforms, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    conforms(response)
    return response.json() if response.content else None


def test_the_list_as_the_sdk_asks_for_it(
    sdk: PhpSdk, server: MockServer, conforms: Conforms
) -> None:
    answer = sdk.get_session_list(
        limit=5, sort="-started_at", fields="id,name,tags,startedAt,markedAsSpam", timezone=3,
        withoutCount=False, markedAsSpam=False, groupByClientId=True,
    )  # fmt: skip
    sent = sdk.sent[-1]
    assert sent.url.query.decode() == (
        "limit=5&sort=-started_at&fields=id%2Cname%2Ctags%2CstartedAt%2CmarkedAsSpam"
        "&timezone=3&withoutCount=0&markedAsSpam=0&groupByClientId=1"
    )
    assert sent.headers["content-type"] == "application/json"
    items = sdk_collection(_ok(answer, conforms))
    for item in items:
        sdk_session(item)
        assert item["startedAt"].endswith("+03:00")
        assert item["markedAsSpam"] is False
    stored = [s for s in server.store.collections("twin")["sessions"] if s["companyId"] == 1]
    clients = {s["clientId"] for s in stored if not s["markedAsSpam"]}
    assert answer.json()["count"] == len(clients)
    assert len({i["id"] for i in items}) == len(items) == 5


def test_every_session_the_sdk_lists_is_one_it_accepts(sdk: PhpSdk, conforms: Conforms) -> None:
    """Before: a ``tags`` array made the SDK refuse the whole list ("Invalid format ...")."""
    answer = sdk.get_session_list(limit=1000, withoutCount=False)
    items = sdk_collection(_ok(answer, conforms))
    assert len(items) == answer.json()["count"] > 50
    for item in items:
        sdk_session(item)
    assert any(isinstance(i["tags"], str) for i in items)
    assert any(i["tags"] is None for i in items)


@pytest.mark.parametrize(
    ("sent", "spam"), [(True, True), (False, False), ("true", True), ("0", False)]
)
def test_booleans_as_php_or_as_text(
    client: TestClient, sdk: PhpSdk, conforms: Conforms, sent: Any, spam: bool
) -> None:
    sdk._token()
    headers = {"Authorization": f"Bearer {sdk.auth_token}"}
    value = int(sent) if isinstance(sent, bool) else sent
    response = client.get(
        f"{CHAT}/sessions?markedAsSpam={value}&limit=1000&fields=markedAsSpam", headers=headers
    )
    items = _ok(response, conforms)["items"]
    assert items
    assert {i["markedAsSpam"] for i in items} == {spam}


def test_a_boolean_php_never_writes_is_refused(
    client: TestClient, sdk: PhpSdk, conforms: Conforms
) -> None:
    sdk._token()
    response = client.get(
        f"{CHAT}/sessions?withoutCount=yes", headers={"Authorization": f"Bearer {sdk.auth_token}"}
    )
    assert response.status_code == 400
    conforms(response)
    assert response.json()["details"][0]["name"] == "withoutCount"


def test_a_session_through_every_call_of_the_sdk(
    sdk: PhpSdk, server: MockServer, conforms: Conforms
) -> None:
    twin = server.store.collections("twin")
    chat = next(c for c in twin["chats"] if c["companyId"] == 1 and c["botId"])
    # start: the client's first message and the bot's greeting
    started = _ok(
        sdk.start_chat_session(chat["id"], clientName="Ivan Petrov", clientPhone="+79161234567",
                               messengerType="WHATSAPP", messageBody="Здравствуйте!"),
        conforms, 201,
    )  # fmt: skip
    sdk_accepts(started, START_CHAT_SESSION)
    for message in started["messages"]:
        sdk_accepts(message, START_MESSAGE)
    assert [m["authorType"] for m in started["messages"]] == ["BOT"]
    sid = started["id"]
    details = _ok(sdk.get_session_details(sid), conforms)
    sdk_session(details)
    assert (details["clientMessageCount"], details["botMessageCount"]) == (1, 1)
    assert details["whatsappPhone"] == "+79161234567"
    # messages: the SDK's client and operator messages, the lists, a read mark
    posted = _ok(sdk.create_client_chat_message(sid, body="Где мой заказ?"), conforms, 201)
    sdk_accepts(posted, {"id": STRING, "createdAt": DATE})
    _ok(sdk.create_operator_chat_message(sid, body="Сейчас проверю"), conforms, 201)
    listed = sdk_collection(
        _ok(sdk.get_session_message_list(sid, sort="-created_at", limit=2), conforms)
    )
    for message in listed:
        sdk_message(message)
    assert sdk.sent[-1].url.query.decode() == "limit=2&sort=-created_at"
    by_client = sdk_collection(_ok(sdk.get_client_message_list(started["clientId"]), conforms))
    assert [m["body"] for m in by_client][:2] == ["Здравствуйте!", details["lastMessage"]["body"]]
    read = _ok(sdk.mark_message_as_read(posted["id"]), conforms)
    sdk_message(read)
    assert read["readAt"] is not None
    # rename, spam marks, operators
    assert _ok(sdk.rename_chat_session(sid, "VIP Ivan"), conforms)["name"] == "VIP Ivan"
    assert sdk.sent[-1].content == b"[]"
    assert _ok(sdk.mark_session_spam(sid), conforms)["markedAsSpam"] is True
    assert _ok(sdk.mark_session_not_spam(sid), conforms)["markedAsSpam"] is False
    team = [u for u in twin["users"] if u["companyId"] == 1 and u["role"] == "OPERATOR"]
    added = _ok(sdk.add_session_operator(sid, str(team[0]["id"])), conforms)
    sdk_session(added)
    assert (added["operatorId"], added["status"], added["botStatus"]) == (
        str(team[0]["id"]),
        "ACTIVE",
        "PAUSED",
    )
    switched = _ok(sdk.switch_session_operator(sid, str(team[1]["id"])), conforms)
    assert [o["id"] for o in switched["operators"]] == [team[0]["id"], team[1]["id"]]
    removed = _ok(sdk.delete_session_operator(sid, str(team[1]["id"])), conforms)
    assert removed["operatorId"] == str(team[0]["id"])
    group = next(g for g in twin["operatorGroups"] if g["companyId"] == 1)
    grouped = _ok(sdk.switch_session_group_operators(sid, group["id"]), conforms)
    assert int(grouped["operatorId"]) in group["operatorIds"]
    # continue, then delete
    continued = _ok(
        sdk.continue_chat_session(chat["id"], sessionId=sid, messageBody="Ещё вопрос"), conforms
    )
    assert continued["id"] == sid
    deleted = _ok(sdk.delete_session(sid), conforms)
    assert sdk.sent[-1].content == b"[]"
    assert deleted == {"id": sid, "result": None}
    assert sdk.get_session_details(sid).status_code == 404
    assert [r.headers["content-type"] for r in sdk.sent] == ["application/json"] * len(sdk.sent)


def test_the_sdk_refreshes_an_expired_token_and_retries_the_call(
    client: TestClient, clock: FakeClock, conforms: Conforms
) -> None:
    sdk = PhpSdk(client, clock, "demo@twin.example", "demo-password", ttl=60)
    clock.advance(-3600)  # logged in an hour ago (JWTs issued in the future are refused)
    try:
        sdk._token()
    finally:
        clock.advance(3600)
    sdk.expires_at = clock() + 3600  # a client clock that is wrong: the server says expired
    answer = sdk.get_session_list(limit=1)
    _ok(answer, conforms)
    assert [r.url.path for r in sdk.sent] == ["/twin/api/v1/sessions", "/twin/api/v1/sessions"]
    assert sdk.expires_at > clock()
