"""TWIN end to end: IAM login and refresh, tenancy, every list parameter, CSV/Excel/zip exports.

Expected answers are computed here from the fixture records with plain Python, independently of
the generic machinery the mock uses, so a bug there cannot agree with itself.
"""

from __future__ import annotations

import base64
import csv
import functools
import io
import json
import zipfile
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver import MockServer
from mockserver.auth import TokenIssuer
from mockserver.config import Settings
from mockserver.filtering import one_of
from mockserver.vendors.twin import sessions as twin_sessions
from tests.conftest import Conforms, FakeClock

SESSIONS = "/twin/api/v1/sessions"
LOGIN = "/twin/api/v1/auth/login"
REFRESH = "/twin/api/v1/auth/refresh"
DEMO = ("demo@twin.example", "demo-password")
SOLO = ("solo@twin.example", "solo-password")
Record = dict[str, Any]


def login(client: TestClient, email: str, password: str, **extra: Any) -> dict[str, str]:
    response = client.post(LOGIN, json={"email": email, "password": password, **extra})
    assert response.status_code == 200, response.text
    return dict(response.json())


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def demo(client: TestClient) -> dict[str, str]:
    return bearer(login(client, *DEMO)["token"])


@pytest.fixture(scope="module")
def solo(client: TestClient) -> dict[str, str]:
    return bearer(login(client, *SOLO)["token"])


def listing(
    client: TestClient, headers: dict[str, str], conforms: Conforms, **params: Any
) -> dict[str, Any]:
    response = client.get(SESSIONS, params=params, headers=headers)
    assert response.status_code == 200, response.text
    conforms(response)
    return dict(response.json())


def all_ids(
    client: TestClient, headers: dict[str, str], conforms: Conforms, **params: Any
) -> list[str]:
    body = listing(client, headers, conforms, limit=1000, **params)
    assert body["count"] == len(body["items"])
    return [s["id"] for s in body["items"]]


def sessions(server: MockServer, *companies: int) -> list[Record]:
    """The fixture sessions of these companies, in stored order."""
    return [s for s in server.store.collections("twin")["sessions"] if s["companyId"] in companies]


def newest_first(records: list[Record]) -> list[str]:
    """The mock's default order: -started_at, ties in stored order."""
    return [r["id"] for r in sorted(records, key=lambda r: r["startedAt"], reverse=True)]


def jwt_claims(token: str) -> dict[str, Any]:
    """The payload as the vendor's SDK reads it: base64url-decoded, signature unchecked."""
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


# -- login and tokens ----------------------------------------------------------------------------


@pytest.mark.parametrize(("credentials", "company"), [(DEMO, 1), (SOLO, 2)])
@pytest.mark.parametrize("ttl", [None, 60, 86400])
def test_login_answers_a_jwt_pair(
    client: TestClient,
    clock: FakeClock,
    conforms: Conforms,
    credentials: tuple[str, str],
    company: int,
    ttl: int | None,
) -> None:
    body: dict[str, Any] = {"email": credentials[0], "password": credentials[1]}
    if ttl is not None:  # the SDK always sends ttl, companyId null and extra []
        body.update(ttl=ttl, companyId=None, extra=[])
    response = client.post(LOGIN, json=body)
    assert response.status_code == 200
    conforms(response)
    tokens = response.json()
    assert tokens["token"] == tokens["authToken"]
    claims = jwt_claims(tokens["token"])
    assert claims["companyId"] == company
    assert claims["exp"] == int(clock()) + (ttl or 3600)
    assert jwt_claims(tokens["refreshToken"])["exp"] == int(clock()) + 30 * 86400
    assert client.get(SESSIONS, headers=bearer(tokens["token"])).status_code == 200


def test_login_email_is_case_insensitive(client: TestClient) -> None:
    assert login(client, "Demo@TWIN.example", "demo-password")["token"]


@pytest.mark.parametrize(
    "credentials",
    [("demo@twin.example", "wrong"), ("nobody@twin.example", "demo-password"), (SOLO[0], DEMO[1])],
)
def test_login_refuses_bad_credentials(
    client: TestClient, conforms: Conforms, credentials: tuple[str, str]
) -> None:
    response = client.post(LOGIN, json={"email": credentials[0], "password": credentials[1]})
    assert response.status_code == 401
    conforms(response)
    assert response.json() == {"error": "Invalid email or password.", "details": []}


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ({"email": DEMO[0]}, {"password"}),
        ({"password": DEMO[1]}, {"email"}),
        ({"email": "not-an-email", "password": "x", "ttl": 0}, {"email", "ttl"}),
        ({"email": DEMO[0], "password": DEMO[1], "companyId": "one"}, {"companyId"}),
    ],
)
def test_login_names_every_bad_field(
    client: TestClient, conforms: Conforms, body: dict[str, Any], names: set[str]
) -> None:
    response = client.post(LOGIN, json=body)
    assert response.status_code == 400
    conforms(response)
    assert response.json()["error"] == "Invalid input parameters"
    assert {d["name"] for d in response.json()["details"]} == names


@pytest.mark.parametrize(
    ("credentials", "company", "status"),
    [
        (DEMO, 1, 200),
        (DEMO, 2, 200),
        (DEMO, 4, 200),
        (DEMO, 5, 403),
        (SOLO, 2, 200),
        (SOLO, 1, 403),
    ],
)
def test_login_company_becomes_the_default_scope(
    client: TestClient,
    server: MockServer,
    conforms: Conforms,
    credentials: tuple[str, str],
    company: int,
    status: int,
) -> None:
    email, password = credentials
    response = client.post(LOGIN, json={"email": email, "password": password, "companyId": company})
    assert response.status_code == status
    conforms(response)
    if status == 403:
        assert response.json() == {
            "error": "Access to the company is denied.",
            "details": {"companyId": company},
        }
        return
    headers = bearer(response.json()["token"])
    assert set(all_ids(client, headers, conforms)) == {s["id"] for s in sessions(server, company)}


def _token_of_another_issuer() -> str:
    return TokenIssuer("another-secret-of-at-least-32-bytes!").issue(
        "1", 3600, type="access", companyId=1
    )


def _token_of_an_unknown_user(settings: Settings) -> str:
    # Issued on the server's clock (which tests move), so only the user is wrong.
    issuer = TokenIssuer(settings.token_secret, settings.clock)
    return issuer.issue("999", 60, type="access", companyId=1)


@pytest.mark.parametrize(
    "authorization",
    [
        lambda c, s: None,
        lambda c, s: "Bearer not-a-token",
        lambda c, s: "Basic ZGVtb0B0d2luLmV4YW1wbGU6ZGVtby1wYXNzd29yZA==",
        lambda c, s: f"Bearer {login(c, *DEMO)['refreshToken']}",
        lambda c, s: f"Bearer {_token_of_another_issuer()}",
        lambda c, s: f"Bearer {_token_of_an_unknown_user(s)}",
    ],
    ids=["missing", "garbage", "basic", "refresh-token", "foreign-signature", "unknown-user"],
)
def test_listing_needs_a_valid_access_token(
    client: TestClient,
    server: MockServer,
    conforms: Conforms,
    authorization: Callable[[TestClient, Settings], str | None],
) -> None:
    value = authorization(client, server.settings)
    response = client.get(SESSIONS, headers={"Authorization": value} if value else {})
    assert response.status_code == 401
    conforms(response)
    assert response.json() == {"error": "User is not authenticated", "details": []}


def test_expired_token_says_token_is_expired(
    client: TestClient, clock: FakeClock, conforms: Conforms
) -> None:
    headers = bearer(login(client, *DEMO, ttl=60)["token"])
    assert client.get(SESSIONS, headers=headers).status_code == 200
    clock.advance(61)
    try:
        response = client.get(SESSIONS, headers=headers)
    finally:
        clock.advance(-61)
    assert response.status_code == 401
    conforms(response)
    assert response.json() == {"error": "Token is expired.", "details": []}


def _refresh(
    client: TestClient, method: str, refresh_token: str, auth: str | None
) -> httpx.Response:
    headers = {"Authorization": auth} if auth else {}
    if method == "GET":
        return client.get(
            REFRESH, params={"refreshToken": refresh_token, "ttl": 120}, headers=headers
        )
    return client.post(REFRESH, json={"refreshToken": refresh_token, "ttl": 120}, headers=headers)


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("form", ["bare", "bearer", "absent"])
def test_the_sdk_refreshes_after_token_is_expired_and_retries(
    client: TestClient, clock: FakeClock, conforms: Conforms, method: str, form: str
) -> None:
    """The PHP SDK's loop: 401 "Token is expired." -> refresh with the old token -> retry.

    The login happens an hour ago (PyJWT refuses tokens issued in its future, so the clock
    moves back rather than forward).
    """
    clock.advance(-3600)
    try:
        tokens = login(client, *DEMO, ttl=60, companyId=2)
    finally:
        clock.advance(3600)
    auth = {"bare": tokens["token"], "bearer": f"Bearer {tokens['token']}", "absent": None}[form]
    expired = client.get(SESSIONS, headers=bearer(tokens["token"]))
    assert expired.json()["error"] == "Token is expired."
    response = _refresh(client, method, tokens["refreshToken"], auth)
    assert response.status_code == 200, response.text
    conforms(response)
    fresh = response.json()
    assert jwt_claims(fresh["authToken"])["exp"] == int(clock()) + 120
    retried = client.get(SESSIONS, headers=bearer(fresh["token"]))
    assert retried.status_code == 200
    assert {s["companyId"] for s in retried.json()["items"]} == {2}  # the login's company kept


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    "case", ["access-as-refresh", "garbage", "expired-refresh", "other-users-token"]
)
def test_refresh_refuses_what_it_cannot_trust(
    client: TestClient, clock: FakeClock, conforms: Conforms, method: str, case: str
) -> None:
    demo_tokens, solo_tokens = login(client, *DEMO), login(client, *SOLO)
    refresh_token, auth, wait = demo_tokens["refreshToken"], demo_tokens["token"], 0
    if case == "access-as-refresh":
        refresh_token = demo_tokens["token"]
    elif case == "garbage":
        refresh_token = "not.a.token"
    elif case == "expired-refresh":
        wait = 30 * 86400 + 1
    else:
        auth = solo_tokens["token"]
    clock.advance(wait)
    try:
        response = _refresh(client, method, refresh_token, auth)
    finally:
        clock.advance(-wait)
    assert response.status_code == 401
    conforms(response)
    assert response.json() == {"error": "Refresh token is invalid or expired.", "details": []}


def test_refresh_without_a_refresh_token_is_a_400(client: TestClient, conforms: Conforms) -> None:
    response = client.get(REFRESH)
    assert response.status_code == 400
    conforms(response)
    assert response.json()["details"][0]["name"] == "refreshToken"


# -- tenancy ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "params", "companies"),
    [
        ("demo", {}, {1}),
        ("demo", {"companyId": 1}, {1}),
        ("demo", {"companyId": 3}, {3}),
        ("demo", {"allSupervisedCompanies": "true"}, {1, 2, 3, 4}),
        ("demo", {"allSupervisedCompanies": "true", "companyId": 2}, {1, 2, 3, 4}),
        ("demo", {"allSupervisedCompanies": "false", "companyId": 4}, {4}),
        ("solo", {}, {2}),
        ("solo", {"companyId": 2}, {2}),
        ("solo", {"allSupervisedCompanies": "true"}, {2}),
    ],
)
def test_a_user_sees_own_and_supervised_companies(
    client: TestClient,
    server: MockServer,
    conforms: Conforms,
    request: pytest.FixtureRequest,
    user: str,
    params: dict[str, Any],
    companies: set[int],
) -> None:
    headers = request.getfixturevalue(user)
    ids = all_ids(client, headers, conforms, **params)
    assert ids == newest_first(sessions(server, *companies))


@pytest.mark.parametrize(
    ("user", "company"),
    [
        ("demo", 5),
        ("demo", 9),
        ("demo", 12),
        ("demo", 99),
        # the spec bounds no company id, and one beyond 64 bits is echoed exactly, not a 500
        ("demo", 2**64),
        ("solo", 1),
        ("solo", 3),
        ("solo", 5),
    ],
)
@pytest.mark.parametrize("widen", [False, True])
def test_a_foreign_company_is_forbidden(
    client: TestClient,
    conforms: Conforms,
    request: pytest.FixtureRequest,
    user: str,
    company: int,
    widen: bool,
) -> None:
    params: dict[str, Any] = {"companyId": company, "allSupervisedCompanies": widen}
    response = client.get(SESSIONS, params=params, headers=request.getfixturevalue(user))
    assert response.status_code == 403
    conforms(response)
    assert response.json() == {
        "error": "Access to the company is denied.",
        "details": {"companyId": company},
    }


# -- paging, count and the two switches ------------------------------------------------------------


def test_defaults_are_ten_newest_first_with_the_count(
    client: TestClient, server: MockServer, demo: dict[str, str], conforms: Conforms
) -> None:
    body = listing(client, demo, conforms)
    expected = newest_first(sessions(server, 1))
    assert body["count"] == len(expected)
    assert [s["id"] for s in body["items"]] == expected[:10]
    assert body["items"][0] == next(s for s in sessions(server, 1) if s["id"] == expected[0])


@pytest.mark.parametrize("limit", [1, 7, 10, 25, 1000])
@pytest.mark.parametrize("style", ["offset", "page"])
def test_paging_walks_everything_without_gap_or_overlap(
    client: TestClient,
    server: MockServer,
    demo: dict[str, str],
    conforms: Conforms,
    limit: int,
    style: str,
) -> None:
    expected = newest_first(sessions(server, 1, 2, 3, 4))
    seen: list[str] = []
    step = 0
    while True:
        where = {"offset": step * limit} if style == "offset" else {"page": step + 1}
        body = listing(client, demo, conforms, limit=limit, allSupervisedCompanies="true", **where)
        assert body["count"] == len(expected)
        if not body["items"]:
            break
        assert len(body["items"]) <= limit
        seen += [s["id"] for s in body["items"]]
        step += 1
    assert seen == expected
    assert step == -(-len(expected) // limit)


def test_offset_need_not_be_a_multiple_of_the_limit(
    client: TestClient, server: MockServer, demo: dict[str, str], conforms: Conforms
) -> None:
    body = listing(client, demo, conforms, offset=3, limit=4)
    assert [s["id"] for s in body["items"]] == newest_first(sessions(server, 1))[3:7]


def test_page_decides_when_offset_is_given_too(
    client: TestClient, server: MockServer, demo: dict[str, str], conforms: Conforms
) -> None:
    body = listing(client, demo, conforms, page=2, offset=1, limit=4)
    assert [s["id"] for s in body["items"]] == newest_first(sessions(server, 1))[4:8]


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"limit": 0}, {"limit"}),
        ({"limit": 1001}, {"limit"}),
        ({"offset": -1, "page": 0}, {"offset", "page"}),
        (
            {"limit": "ten", "minMessages": -1, "operatorType": "HUMAN"},
            {"limit", "minMessages", "operatorType"},
        ),
        (
            {"messengerTypes": "WEB,ICQ", "format": "XML", "dateRangeField": "closedAt"},
            {"messengerTypes/1", "format", "dateRangeField"},
        ),
        ({"from": "2024-01-01T00:00:00 00:00", "to": "yesterday"}, {"from", "to"}),
        ({"keyword": ""}, {"keyword"}),
    ],
)
def test_every_bad_parameter_is_named(
    client: TestClient,
    demo: dict[str, str],
    conforms: Conforms,
    params: dict[str, Any],
    names: set[str],
) -> None:
    response = client.get(SESSIONS, params=params, headers=demo)
    assert response.status_code == 400
    conforms(response)
    body = response.json()
    assert body["error"] == "Invalid input parameters"
    assert {d["name"] for d in body["details"]} == names
    assert all(d["location"] == "query" and d["message"] for d in body["details"])


def test_page_past_the_end_is_empty_but_counted(
    client: TestClient, server: MockServer, demo: dict[str, str], conforms: Conforms
) -> None:
    body = listing(client, demo, conforms, page=1000, limit=10)
    assert body == {"count": len(sessions(server, 1)), "items": []}


@pytest.mark.parametrize(
    ("without_count", "without_items", "keys"),
    [
        (False, False, {"count", "items"}),
        (True, False, {"items"}),
        (False, True, {"count"}),
        (True, True, set()),
    ],
)
def test_without_count_and_without_items(
    client: TestClient,
    demo: dict[str, str],
    conforms: Conforms,
    without_count: bool,
    without_items: bool,
    keys: set[str],
) -> None:
    params = {"withoutCount": without_count, "withoutItems": without_items, "operatorType": "BOT"}
    body = listing(client, demo, conforms, **params)
    assert set(body) == keys
    full = listing(client, demo, conforms, operatorType="BOT")
    assert all(body[k] == full[k] for k in keys)


# -- fields ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "keys"),
    [
        ("name", ["id", "name"]),
        ("tags,name", ["id", "tags", "name"]),
        ("status,id,operators", ["status", "id", "operators"]),
        ("lastMessage,name,lastMessage", ["id", "lastMessage", "name"]),
        ("id", ["id"]),
    ],
)
def test_fields_keep_only_those_in_order(
    client: TestClient,
    server: MockServer,
    demo: dict[str, str],
    conforms: Conforms,
    fields: str,
    keys: list[str],
) -> None:
    body = listing(client, demo, conforms, fields=fields, limit=50)
    stored = {s["id"]: s for s in sessions(server, 1)}
    assert body["items"]
    for item in body["items"]:
        assert list(item) == keys
        assert item == {k: stored[item["id"]][k] for k in keys}


def test_an_unknown_field_is_named(
    client: TestClient, demo: dict[str, str], conforms: Conforms
) -> None:
    response = client.get(SESSIONS, params={"fields": "name,phone"}, headers=demo)
    assert response.status_code == 400
    conforms(response)
    (detail,) = response.json()["details"]
    assert detail["name"] == "fields/1"
    assert "'phone'" in detail["message"]


# -- sort --------------------------------------------------------------------------------------


def _expected_order(records: list[Record], criteria: list[str]) -> list[str]:
    fields = {"started_at": "startedAt", "name": "name"}

    def compare(a: Record, b: Record) -> int:
        for criterion in criteria:
            field = fields[criterion.lstrip("+- ")]
            x, y = a[field], b[field]
            if field == "name":
                x, y = x.casefold(), y.casefold()
            if x != y:
                return (-1 if x < y else 1) * (-1 if criterion.startswith("-") else 1)
        return 0

    return [r["id"] for r in sorted(records, key=functools.cmp_to_key(compare))]


@pytest.mark.parametrize(
    "sort",
    [
        "started_at",
        "-started_at",
        "+started_at",
        "name",
        "-name",
        "%2Bname",
        "+name",  # unencoded: arrives as " name"
        "name,-started_at",
        "-name,started_at",
        "name,name",
    ],
)
def test_sort(
    client: TestClient, server: MockServer, demo: dict[str, str], conforms: Conforms, sort: str
) -> None:
    response = client.get(
        f"{SESSIONS}?sort={sort}&limit=1000&allSupervisedCompanies=true", headers=demo
    )
    assert response.status_code == 200, response.text
    conforms(response)
    criteria = sort.replace("%2B", "+").split(",")
    expected = _expected_order(sessions(server, 1, 2, 3, 4), criteria)
    assert [s["id"] for s in response.json()["items"]] == expected


def test_sort_by_name_is_stable_for_ties(
    client: TestClient, server: MockServer, demo: dict[str, str], conforms: Conforms
) -> None:
    names = [s["name"].casefold() for s in sessions(server, 1)]
    assert len(set(names)) < len(names), "the fixtures must hold repeated names"
    ids = all_ids(client, demo, conforms, sort="-name")
    stored = [s["id"] for s in sessions(server, 1)]
    by_name: dict[str, list[str]] = {}
    for session_id in ids:
        name = next(s["name"].casefold() for s in sessions(server, 1) if s["id"] == session_id)
        by_name.setdefault(name, []).append(session_id)
    for group in by_name.values():
        assert group == sorted(group, key=stored.index)


@pytest.mark.parametrize("sort", ["created_at", "startedAt", "name,", "*name", "name desc"])
def test_unknown_sort_is_a_400(
    client: TestClient, demo: dict[str, str], conforms: Conforms, sort: str
) -> None:
    response = client.get(SESSIONS, params={"sort": sort}, headers=demo)
    assert response.status_code == 400
    conforms(response)
    assert response.json()["details"][0]["name"].startswith("sort")


# -- filters -----------------------------------------------------------------------------------

DEMO_SCOPE = {"allSupervisedCompanies": "true"}


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _total_messages(s: Record) -> int:
    return int(s["clientMessageCount"] + s["operatorMessageCount"] + s["botMessageCount"])


def _keyword_hit(s: Record, word: str) -> bool:
    fields = ("name", "clientId", "whatsappPhone", "telegramClientId")
    return any(word.casefold() in (s[f] or "").casefold() for f in fields)


def _first(records: list[Record], field: str) -> str:
    return str(next(s[field] for s in records if s[field]))


FILTERS: list[
    tuple[str, Callable[[list[Record]], tuple[dict[str, Any], Callable[[Record], bool]]]]
] = [
    (
        "from",
        lambda rs: (
            {"from": "2024-07-01T00:00:00+00:00"},
            lambda s: s["createdAt"] >= "2024-07-01T00:00:00+00:00",
        ),
    ),
    (
        "to",
        lambda rs: (
            {"to": "2024-07-01T00:00:00+00:00"},
            lambda s: s["createdAt"] < "2024-07-01T00:00:00+00:00",
        ),
    ),
    (
        "from-to-offset",
        lambda rs: (
            {"from": "2024-01-01T03:00:00+03:00", "to": "2024-06-30T21:00:00-03:00"},
            lambda s: (
                _instant("2024-01-01T00:00:00+00:00")
                <= _instant(s["createdAt"])
                < _instant("2024-07-01T00:00:00+00:00")
            ),
        ),
    ),
    (
        "updatedAt",
        lambda rs: (
            {"from": "2025-01-01T00:00:00Z", "dateRangeField": "updatedAt"},
            lambda s: s["updatedAt"] >= "2025-01-01T00:00:00+00:00",
        ),
    ),
    ("sessionId", lambda rs: ({"sessionId": rs[5]["id"]}, lambda s: s["id"] == rs[5]["id"])),
    ("chatId", lambda rs: ({"chatId": rs[0]["chatId"]}, lambda s: s["chatId"] == rs[0]["chatId"])),
    (
        "messengerTypes-one",
        lambda rs: ({"messengerTypes": "WHATSAPP"}, lambda s: s["messengerType"] == "WHATSAPP"),
    ),
    (
        "messengerTypes-many",
        lambda rs: (
            {"messengerTypes": "TELEGRAM,WEB,VK"},
            lambda s: s["messengerType"] in {"TELEGRAM", "WEB", "VK"},
        ),
    ),
    ("minMessages-1", lambda rs: ({"minMessages": 1}, lambda s: _total_messages(s) >= 1)),
    ("minMessages-15", lambda rs: ({"minMessages": 15}, lambda s: _total_messages(s) >= 15)),
    (
        "onlyClientMessages",
        lambda rs: (
            {"onlyClientMessages": "true"},
            lambda s: (
                s["clientMessageCount"] > 0
                and s["operatorMessageCount"] == 0
                and s["botMessageCount"] == 0
            ),
        ),
    ),
    ("keyword-name", lambda rs: ({"keyword": "ОВА"}, lambda s: _keyword_hit(s, "ова"))),
    (
        "keyword-clientId",
        lambda rs: (
            {"keyword": rs[3]["clientId"][:8].upper()},
            lambda s: _keyword_hit(s, rs[3]["clientId"][:8]),
        ),
    ),
    (
        "keyword-phone",
        lambda rs: (
            {"keyword": _first(rs, "whatsappPhone")[1:8]},
            lambda s: _keyword_hit(s, _first(rs, "whatsappPhone")[1:8]),
        ),
    ),
    (
        "keyword-telegram",
        lambda rs: (
            {"keyword": _first(rs, "telegramClientId")},
            lambda s: _keyword_hit(s, _first(rs, "telegramClientId")),
        ),
    ),
    (
        "operatorType-OPERATOR",
        lambda rs: ({"operatorType": "OPERATOR"}, lambda s: s["operatorType"] == "OPERATOR"),
    ),
    (
        "operatorType-BOT",
        lambda rs: ({"operatorType": "BOT"}, lambda s: s["operatorType"] == "BOT"),
    ),
    ("status", lambda rs: ({"status": "WAITING"}, lambda s: s["status"] == "WAITING")),
    ("botStatus", lambda rs: ({"botStatus": "PAUSED"}, lambda s: s["botStatus"] == "PAUSED")),
    *[
        (
            f"{name}={sent}",
            lambda rs, name=name, sent=sent: (
                {name: sent},
                lambda s: s[name] is (sent in ("1", "true")),
            ),
        )
        for name in ("markedAsSpam", "clientBanned")
        for sent in ("1", "0", "true", "false")  # PHP's http_build_query writes 1/0
    ],
    (
        "operatorId-user",
        lambda rs: (
            {"operatorId": str(_transferred(rs)["operators"][0]["id"])},
            lambda s: (
                s["operatorId"] == str(_transferred(rs)["operators"][0]["id"])
                or any(o["id"] == _transferred(rs)["operators"][0]["id"] for o in s["operators"])
            ),
        ),
    ),
    (
        "operatorId-bot",
        lambda rs: (
            {"operatorId": _first(rs, "botId")},
            lambda s: s["operatorId"] == _first(rs, "botId"),
        ),
    ),
    ("name", lambda rs: ({"name": "ОВА"}, lambda s: "ова" in s["name"].casefold())),
    (
        "tags",
        lambda rs: (
            {"tags": "vip,b2b"},
            lambda s: bool({"vip", "b2b"} & set((s["tags"] or "").split(","))),
        ),
    ),
]


def _transferred(records: list[Record]) -> Record:
    """A session handed from one operator to another: its first operator is not its current."""
    return next(s for s in records if len(s["operators"]) > 1)


@pytest.mark.parametrize("case", [f for _, f in FILTERS], ids=[n for n, _ in FILTERS])
def test_each_filter_alone(
    client: TestClient,
    server: MockServer,
    demo: dict[str, str],
    conforms: Conforms,
    case: Callable[[list[Record]], tuple[dict[str, Any], Callable[[Record], bool]]],
) -> None:
    records = sessions(server, 1, 2, 3, 4)
    params, keep = case(records)
    expected = newest_first([s for s in records if keep(s)])
    assert 0 < len(expected) < len(records) or "sessionId" in params
    assert all_ids(client, demo, conforms, **DEMO_SCOPE, **params) == expected


def test_from_is_inclusive_and_to_exclusive(
    client: TestClient, server: MockServer, demo: dict[str, str], conforms: Conforms
) -> None:
    session = sessions(server, 1)[20]
    at = session["createdAt"]
    assert session["id"] in all_ids(client, demo, conforms, **{"from": at})
    assert session["id"] not in all_ids(client, demo, conforms, to=at)
    assert all_ids(client, demo, conforms, **{"from": at, "to": at}) == []


def test_a_query_not_seen_yet_scans_only_the_companies_in_scope(
    client: TestClient, server: MockServer, demo: dict[str, str], conforms: Conforms
) -> None:
    """The scope's sessions are cached on their own, so a new keyword does not scan the rest."""
    listing(client, demo, conforms, keyword="a", **DEMO_SCOPE)
    tested: list[Record] = []

    def counting_one_of(path: Any, values: Any) -> Any:
        predicate = one_of(path, values)

        def counted(record: Record) -> bool:
            tested.append(record)
            return bool(predicate(record))

        counted.__dict__.update(vars(predicate))  # the same criterion: cached as it would be
        return counted

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(twin_sessions, "one_of", counting_one_of)
        body = listing(client, demo, conforms, keyword="an", **DEMO_SCOPE)
    assert tested == []
    in_scope = sessions(server, 1, 2, 3, 4)
    assert body["count"] == sum(_keyword_hit(s, "an") for s in in_scope) > 0


@pytest.mark.parametrize(
    "params",
    [
        {
            "messengerTypes": "WHATSAPP,TELEGRAM",
            "minMessages": 5,
            "sort": "name",
            "limit": 7,
            "offset": 2,
        },
        {
            "operatorType": "OPERATOR",
            "from": "2024-01-01T00:00:00+00:00",
            "to": "2025-01-01T00:00:00+00:00",
            "sort": "-started_at",
            "page": 2,
            "limit": 5,
        },
        {
            "onlyClientMessages": "true",
            "keyword": "a",
            "companyId": 2,
            "fields": "name,messengerType",
        },
        {
            "dateRangeField": "updatedAt",
            "from": "2025-06-01T00:00:00+00:00",
            "operatorType": "BOT",
            "messengerTypes": "WEB,TELEGRAM,WHATSAPP,INSTAGRAM",
        },
    ],
)
def test_filters_sort_paging_and_fields_combined(
    client: TestClient,
    server: MockServer,
    demo: dict[str, str],
    conforms: Conforms,
    params: dict[str, Any],
) -> None:
    records = sessions(server, params.get("companyId", 1))
    if "companyId" not in params:
        records = sessions(server, 1, 2, 3, 4)
        params = {**params, **DEMO_SCOPE}
    field = params.get("dateRangeField", "createdAt")
    types = params.get("messengerTypes", "").split(",")

    def keep(s: Record) -> bool:
        return (
            ("messengerTypes" not in params or s["messengerType"] in types)
            and ("minMessages" not in params or _total_messages(s) >= params["minMessages"])
            and ("operatorType" not in params or s["operatorType"] == params["operatorType"])
            and ("from" not in params or _instant(s[field]) >= _instant(params["from"]))
            and ("to" not in params or _instant(s[field]) < _instant(params["to"]))
            and ("keyword" not in params or _keyword_hit(s, params["keyword"]))
            and (
                "onlyClientMessages" not in params
                or (s["clientMessageCount"] > 0 and _total_messages(s) == s["clientMessageCount"])
            )
        )

    matching = [s for s in records if keep(s)]
    order = (
        _expected_order(matching, params["sort"].split(","))
        if "sort" in params
        else newest_first(matching)
    )
    limit = params.get("limit", 10)
    start = params.get("offset", (params.get("page", 1) - 1) * limit)
    body = listing(client, demo, conforms, **params)
    assert body["count"] == len(matching) > 0
    assert [s["id"] for s in body["items"]] == order[start : start + limit]
    if "fields" in params:
        assert all(list(s) == ["id", "name", "messengerType"] for s in body["items"])


# -- exports -----------------------------------------------------------------------------------


def _flatten(item: Record, message_props: list[str]) -> dict[str, str]:
    """A JSON item the way the spec says the CSV writes it."""
    cells: dict[str, str] = {}
    for key, value in item.items():
        if key == "lastMessage":
            for prop in message_props:
                cells[f"lastMessage.{prop}"] = _cell((value or {}).get(prop))
        else:
            cells[key] = _cell(value)
    return cells


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _parse_csv(content: bytes, fmt: str) -> list[dict[str, str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff") is (fmt == "CSV_EXCEL")
    assert "\r\n" in text
    delimiter = ";" if fmt == "CSV_EXCEL" else ","
    return list(
        csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=delimiter)
    )


@pytest.fixture(scope="module")
def message_props(server: MockServer) -> list[str]:
    return list(server.apis["twin"].spec.schema("#/components/schemas/LastMessage")["properties"])


EXPORT_QUERIES = [
    {"limit": 1000},
    {"limit": 15, "offset": 4, "sort": "name"},
    {"fields": "name,whatsappPhone,telegramClientId,tags,lastMessage", "limit": 1000},
    {"fields": "operators,name", "operatorType": "OPERATOR", "limit": 50},
    {
        "messengerTypes": "WHATSAPP",
        "minMessages": 10,
        "fields": "whatsappPhone,clientMessageCount,markedAsSpam",
    },
]


@pytest.mark.parametrize("fmt", ["CSV", "CSV_EXCEL"])
@pytest.mark.parametrize("query", EXPORT_QUERIES)
def test_csv_export_equals_the_json_answer(
    client: TestClient,
    demo: dict[str, str],
    conforms: Conforms,
    message_props: list[str],
    fmt: str,
    query: dict[str, Any],
) -> None:
    params = {**query, **DEMO_SCOPE}
    expected = [
        _flatten(item, message_props) for item in listing(client, demo, conforms, **params)["items"]
    ]
    response = client.get(SESSIONS, params={**params, "format": fmt}, headers=demo)
    assert response.status_code == 200
    conforms(response)
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="chat-sessions.csv"'
    rows = _parse_csv(response.content, fmt)
    assert rows == expected
    assert list(rows[0]) == list(expected[0])  # columns in the JSON's order


def test_export_neutralises_formulas_and_quotes_awkward_values(
    client: TestClient, demo: dict[str, str], conforms: Conforms
) -> None:
    params = {
        **DEMO_SCOPE,
        "limit": 1000,
        "fields": "name,whatsappPhone,telegramClientId,lastMessage",
    }
    items = listing(client, demo, conforms, **params)["items"]
    for fmt in ("CSV", "CSV_EXCEL"):
        content = client.get(SESSIONS, params={**params, "format": fmt}, headers=demo).content
        rows = _parse_csv(content, fmt)
        cells = [
            (item[k] or "", row[k])
            for item, row in zip(items, rows, strict=True)
            for k in ("name", "whatsappPhone", "telegramClientId")
        ]
        guarded = [(raw, cell) for raw, cell in cells if raw.startswith(("=", "+", "-", "@"))]
        assert {raw[:1] for raw, _ in guarded} >= {"=", "+", "-", "@"}, (
            "fixtures lack a formula-like value"
        )
        assert all(cell == "'" + raw for raw, cell in guarded)
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for _, cell in cells)
        awkward = [raw for raw, _ in cells if any(c in raw for c in ',;"')]
        assert awkward, "fixtures lack values that need quoting"
        bodies = [row["lastMessage.body"] for row in rows]
        assert any("\n" in body for body in bodies)
        assert bodies == [(i["lastMessage"] or {}).get("body") or "" for i in items]


@pytest.mark.parametrize("fmt", ["CSV", "CSV_EXCEL"])
def test_export_without_items_is_the_header_only(
    client: TestClient, demo: dict[str, str], conforms: Conforms, fmt: str
) -> None:
    response = client.get(
        SESSIONS,
        params={"format": fmt, "withoutItems": "true", "fields": "name,tags"},
        headers=demo,
    )
    assert response.status_code == 200
    conforms(response)
    separator = ";" if fmt == "CSV_EXCEL" else ","
    bom = "\ufeff" if fmt == "CSV_EXCEL" else ""
    assert response.content.decode() == f"{bom}id{separator}name{separator}tags\r\n"


@pytest.mark.parametrize(
    ("fmt", "filename", "member", "attachment"),
    [
        ("JSON", None, "chat-sessions.json", "chat-sessions.zip"),
        ("CSV", None, "chat-sessions.csv", "chat-sessions.zip"),
        ("CSV_EXCEL", "март 2025", "март 2025.csv", "март 2025.zip"),
        ("JSON", "report", "report.json", "report.zip"),
    ],
)
def test_zip_holds_exactly_the_unzipped_answer(
    client: TestClient,
    demo: dict[str, str],
    conforms: Conforms,
    fmt: str,
    filename: str | None,
    member: str,
    attachment: str,
) -> None:
    params: dict[str, Any] = {
        "format": fmt,
        "limit": 30,
        "sort": "name",
        "fields": "name,tags,lastMessage",
    }
    if filename:
        params["filename"] = filename
    plain = client.get(SESSIONS, params=params, headers=demo)
    zipped = client.get(SESSIONS, params={**params, "zip": "true"}, headers=demo)
    assert zipped.status_code == 200
    conforms(zipped)
    assert zipped.headers["content-type"] == "application/zip"
    assert attachment in _filename_of(zipped.headers["content-disposition"])
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == [member]
        assert archive.getinfo(member).compress_type == zipfile.ZIP_DEFLATED
        content = archive.read(member)
    if fmt == "JSON":
        assert json.loads(content) == plain.json()
    else:
        assert content == plain.content


def _filename_of(disposition: str) -> str:
    """The name a browser saves: ``filename*`` (RFC 5987) if present, else ``filename``."""
    parts = dict(p.strip().split("=", 1) for p in disposition.split(";")[1:])
    assert disposition.startswith("attachment;")
    if "filename*" in parts:
        return unquote(parts["filename*"].removeprefix("UTF-8''"))
    return parts["filename"].strip('"')


@pytest.mark.parametrize(
    ("params", "saved_as"),
    [
        ({}, None),
        ({"filename": "sessions-2025"}, "sessions-2025.json"),
        ({"format": "CSV"}, "chat-sessions.csv"),
        ({"format": "CSV_EXCEL", "filename": "Отчёт по сессиям"}, "Отчёт по сессиям.csv"),
        ({"format": "CSV", "filename": "a b (1)"}, "a b (1).csv"),
    ],
)
def test_filename_names_the_download(
    client: TestClient,
    demo: dict[str, str],
    conforms: Conforms,
    params: dict[str, Any],
    saved_as: str | None,
) -> None:
    response = client.get(SESSIONS, params={**params, "limit": 3}, headers=demo)
    assert response.status_code == 200
    conforms(response)
    disposition = response.headers.get("content-disposition")
    if saved_as is None:
        assert disposition is None
        return
    assert disposition is not None
    assert _filename_of(disposition) == saved_as


@pytest.mark.parametrize(
    "filename",
    [
        "../etc/passwd",
        "a\\b",
        'say "cheese"',
        "line\nbreak",
        "",
        "evil\u202efdp.exe",
        "a\u200bb",
        "x\x85y",
    ],
)
def test_unsafe_filenames_are_refused(
    client: TestClient, demo: dict[str, str], conforms: Conforms, filename: str
) -> None:
    response = client.get(SESSIONS, params={"format": "CSV", "filename": filename}, headers=demo)
    assert response.status_code == 400
    conforms(response)
    assert response.json()["details"][0]["name"] == "filename"


# -- the rest of TWIN's error shape ------------------------------------------------------------


def test_unknown_path_and_wrong_method_answer_in_twin_shape(
    client: TestClient, demo: dict[str, str]
) -> None:
    missing = client.get("/twin/api/v1/chat-session", headers=demo)
    assert missing.status_code == 404
    assert set(missing.json()) == {"error", "details"}
    wrong = client.delete(SESSIONS, headers=demo)
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "GET, HEAD"
    assert set(wrong.json()) == {"error", "details"}


def test_fixtures_hold_what_the_issue_asks(server: MockServer) -> None:
    collections = server.store.collections("twin")
    records = list(collections["sessions"])
    assert len(records) >= 300
    companies = {c["id"]: c for c in collections["companies"]}
    users = {u["email"]: u for u in collections["users"]}
    assert companies[users[DEMO[0]]["companyId"]]["supervisedCompanyIds"]
    assert not companies[users[SOLO[0]]["companyId"]]["supervisedCompanyIds"]
    assert users[DEMO[0]]["password"] == DEMO[1]
    assert users[SOLO[0]]["password"] == SOLO[1]
    for field in ("companyId", "messengerType", "operatorType", "status"):
        assert len({s[field] for s in records}) >= 3, field
    years = {s["createdAt"][:4] for s in records}
    assert {"2023", "2024", "2025"} <= years


@pytest.mark.parametrize(
    ("example", "media_type"),
    [
        ("sessions", "application/json"),
        ("countOnly", "application/json"),
        ("csv", "text/csv"),
        ("csvExcel", "text/csv"),
        ("zip", "application/zip"),
    ],
)
def test_every_named_example_is_served(
    client: TestClient, demo: dict[str, str], conforms: Conforms, example: str, media_type: str
) -> None:
    response = client.get(SESSIONS, headers={**demo, "Prefer": f"example={example}"})
    assert response.status_code == 200
    conforms(response)
    assert response.headers["content-type"].startswith(media_type)
    if example == "zip":  # written in the spec one byte per character; must arrive as bytes
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            assert archive.read("chat-sessions.csv").startswith(b"id\r\n")
    elif example == "csvExcel":
        assert _parse_csv(response.content, "CSV_EXCEL")[1]["name"] == "Smith; John"
