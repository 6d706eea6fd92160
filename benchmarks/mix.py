"""The request mix per API: what a frontend or a CI pipeline sends most, with real credentials.

Credentials and ids are taken from the running mock (a login, the first row of a list), so the
same calls work against every fixture set, the 100k ones included. Every other server is sent the
very same bytes.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from urllib.parse import quote

import httpx
import orjson

from .load import Call

__all__ = ["MIXES", "list_call", "mix_for"]

_JSON = ("Content-Type", "application/json")


def _bearer(token: str) -> tuple[str, str]:
    return ("Authorization", f"Bearer {token}")


def chatkitty(mock: httpx.Client) -> list[Call]:
    answer = mock.post(
        "/chatkitty/oauth/token",
        auth=("demo-client", "demo-secret"),
        data={"grant_type": "client_credentials"},
    )
    auth = _bearer(answer.raise_for_status().json()["access_token"])
    query = "state=ENDED&sort=created_time,desc&sort=id,asc&page=2&size=25"
    # The spec has no single-session GET: the list is the API.
    return [Call("chatkitty", "list", "GET", f"/chat-sessions?{query}", (auth,))]


def twin(mock: httpx.Client) -> list[Call]:
    login = {"email": "demo@twin.example", "password": "demo-password", "ttl": 86400}
    token = mock.post("/twin/api/v1/auth/login", json=login).raise_for_status().json()["token"]
    auth = _bearer(token)
    base = "/api/v1/sessions"
    query = (
        "messengerTypes=WHATSAPP,TELEGRAM,INSTAGRAM&minMessages=5&sort=-started_at"
        "&limit=25&page=2&allSupervisedCompanies=true"
    )
    first = mock.get(f"/twin{base}?limit=1", headers=[auth]).raise_for_status().json()
    session = first["items"][0]["id"]
    return [
        Call("twin", "list", "GET", f"{base}?{query}", (auth,)),
        Call("twin", "single (sessionId)", "GET", f"{base}?sessionId={session}", (auth,)),
        Call("twin", "CSV export", "GET", f"{base}?{query}&format=CSV", (auth,)),
    ]


def hapihub(mock: httpx.Client) -> list[Call]:
    auth = _bearer("demo-doctor-token")
    me = "dQw8Nc2kT1hVbR7mYpL3sXe9ZaF4"  # the demo doctor's uid (README)
    query = "%24limit=25&%24skip=25&%24sort%5BcreatedAt%5D=-1&createdAt%5B%24gte%5D=1600000000000"
    rows = mock.get(f"/hapihub/chat-sessions?{query}", headers=[auth]).raise_for_status().json()
    session = rows[0]["id"]
    other = next(p for p in rows[0]["participants"] if p != me)
    create = orjson.dumps({"participants": [me, other]})
    patch = orjson.dumps({"room": "bench-room"})
    return [
        Call("hapihub", "list", "GET", f"/chat-sessions?{query}", (auth,)),
        Call("hapihub", "single", "GET", f"/chat-sessions/{quote(session)}", (auth,)),
        Call("hapihub", "create", "POST", "/chat-sessions", (auth, _JSON), create),
        Call("hapihub", "patch", "PATCH", f"/chat-sessions/{quote(session)}", (auth, _JSON), patch),
    ]


def superoffice(mock: httpx.Client) -> list[Call]:
    # Basic rather than the vendor's SOTicket scheme: Prism knows only the standard schemes.
    auth = ("Authorization", "Basic " + base64.b64encode(b"demo:demo-password").decode())
    target = "/api/v1/Agents/Chat/ChatSessionsForUser"
    select = "?$select=ChatSessionId,Status,FirstMessage,LastMessage,user/fullname"
    return [
        Call("superoffice", "list", "POST", target, (auth,)),
        Call("superoffice", "list $select", "POST", target + select, (auth,)),
        Call("superoffice", "XML", "POST", target, (auth, ("Accept", "application/xml"))),
    ]


MIXES: dict[str, Callable[[httpx.Client], list[Call]]] = {
    "chatkitty": chatkitty,
    "twin": twin,
    "hapihub": hapihub,
    "superoffice": superoffice,
}


def mix_for(api: str, mock: httpx.Client) -> list[Call]:
    return MIXES[api](mock)


def list_call(calls: list[Call]) -> Call:
    """The realistic list call of an API's mix: what the scale runs measure."""
    return next(c for c in calls if c.name == "list")


def create_call(calls: list[Call]) -> Call | None:
    """The mix's create, if the API has one: the scale runs time the list call after it."""
    return next((c for c in calls if c.name == "create"), None)
