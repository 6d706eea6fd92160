"""SuperOffice end to end: membership, four ways to log in, $select, JSON and XML, time zones,
languages, the GET description, carriers embedded by id, what is kept between calls, and every
answer checked against the spec."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver import MockServer
from mockserver.vendors.superoffice import sessions as superoffice_sessions
from mockserver.vendors.superoffice.locale import presentation
from mockserver.vendors.superoffice.sessions import LINK_FIELDS, LINKS, PresentedSessions
from mockserver.xml import to_xml
from tests.conftest import Conforms
from tests.test_xml import from_xml

URL = "/superoffice/api/v1/Agents/Chat/ChatSessionsForUser"
DEMO = ("demo", "demo-password")
NAMESPACE = "{http://www.superoffice.net/ws/crm/NetServer/Services88}"
RIGHTS = ("CanRespond", "CanNotify", "CanListen", "CanManage")
UNSET = "0001-01-01T00:00:00"
DATES = ("WhenRequested", "WhenStarted", "WhenEnded", "WhenIdle", "WhenFetched")


def store(server: MockServer, name: str) -> list[dict[str, Any]]:
    return list(server.store.collections("superoffice")[name])


def member_topics(server: MockServer, associate: int) -> set[int]:
    return {
        row["TopicId"]
        for row in store(server, "chat_topic_agents")
        if row["AssociateId"] == associate and any(row[r] for r in RIGHTS)
    }


def expected_ids(server: MockServer, associate: int) -> list[int]:
    topics = member_topics(server, associate)
    return sorted(s["ChatSessionId"] for s in store(server, "sessions") if s["TopicId"] in topics)


def stored(server: MockServer, ident: int) -> dict[str, Any]:
    """Session ``ident`` as the wire carries it: the records it links to embedded."""
    collections = server.store.collections("superoffice")
    record = collections["sessions"].get(ident)
    assert record is not None
    wire = {k: v for k, v in record.items() if k not in LINK_FIELDS}
    for name, (field, target) in LINKS.items():
        if field in record:
            wire[name] = collections[target].get(record[field])
    return wire


def post(
    client: TestClient,
    conforms: Conforms,
    *,
    auth: tuple[str, str] | None = DEMO,
    status: int = 200,
    **kwargs: Any,
) -> httpx.Response:
    response = client.post(URL, auth=auth, **kwargs)
    assert response.status_code == status, response.text
    conforms(response)
    return response


def sessions(client: TestClient, conforms: Conforms, **kwargs: Any) -> list[dict[str, Any]]:
    return list(post(client, conforms, **kwargs).json())


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


# -- membership ------------------------------------------------------------------------------


def test_the_fixtures_have_what_the_tests_rely_on(server: MockServer) -> None:
    records = [stored(server, s["ChatSessionId"]) for s in store(server, "sessions")]
    assert len(records) >= 200
    assert {s["Status"] for s in records} == {
        "Invalid", "PreChatForm", "Faq", "OfflineForm", "InQueue", "CustomerLast", "UserLast",
        "Finished", "Deleted", "Closed", "RequestPosted", "ClosedFromQueue",
    }  # fmt: skip
    assert {s["Flags"] for s in records} == {"CustomerIsTyping", "UserIsTyping"}
    for link in ("User", "Person", "Contact", "Project", "Sale", "Ticket", "TransferTo"):
        assert any(s[link] is None for s in records)
        assert any(s[link] is not None for s in records)
    assert any(s["FieldProperties"] for s in records)
    assert any(a["Deleted"] for a in store(server, "associates"))


@pytest.mark.parametrize(
    "username", ["demo", "other", "solsen5", "asaether7", "hjohansen8", "oandersson15"]
)
def test_each_associate_gets_exactly_the_sessions_of_their_topics_in_id_order(
    client: TestClient, server: MockServer, conforms: Conforms, username: str
) -> None:
    login = next(c for c in store(server, "credentials") if c["username"] == username)
    got = sessions(client, conforms, auth=(username, login["password"]))
    assert [s["ChatSessionId"] for s in got] == expected_ids(server, login["associate_id"])
    assert got, "every one of these associates is a member of some topic"


def test_demo_and_other_see_different_topics(
    client: TestClient, server: MockServer, conforms: Conforms
) -> None:
    demo = {s["TopicId"] for s in sessions(client, conforms)}
    other = {s["TopicId"] for s in sessions(client, conforms, auth=("other", "other-password"))}
    assert demo == {1, 2, 3, 4}
    assert other == {6, 7, 8}
    assert len({t["ChatTopicId"] for t in store(server, "chat_topics")}) > len(demo | other)


@pytest.mark.parametrize(("topic", "right"), [(1, "CanRespond"), (2, "CanListen"),
                                              (3, "CanNotify"), (4, "CanManage")])  # fmt: skip
def test_each_right_alone_makes_a_member(
    client: TestClient, server: MockServer, conforms: Conforms, topic: int, right: str
) -> None:
    row = next(
        r
        for r in store(server, "chat_topic_agents")
        if r["AssociateId"] == 2 and r["TopicId"] == topic
    )
    assert [r for r in RIGHTS if row[r]] == [right]
    got = {s["ChatSessionId"] for s in sessions(client, conforms) if s["TopicId"] == topic}
    assert got == {s["ChatSessionId"] for s in store(server, "sessions") if s["TopicId"] == topic}


def test_an_agent_row_without_any_right_grants_nothing(
    client: TestClient, server: MockServer, conforms: Conforms
) -> None:
    row = next(
        r for r in store(server, "chat_topic_agents") if r["AssociateId"] == 2 and r["TopicId"] == 5
    )
    assert not any(row[r] for r in RIGHTS)
    assert any(s["TopicId"] == 5 for s in store(server, "sessions"))
    assert all(s["TopicId"] != 5 for s in sessions(client, conforms))


# -- authentication --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": basic("demo", "demo-password")},
        {"Authorization": basic("DEMO", "demo-password")},
        {"Authorization": "SOTicket 7T:demo-ticket"},
        {"Authorization": "SoTicket 7T:demo-ticket"},
        {"Authorization": "SOTICKET 7T:demo-ticket"},
        {"Authorization": "Bearer 8A:demo-token"},
        {"Authorization": "bearer 8A:demo-token"},
        {"X-XSRF-TOKEN": "demo-xsrf-token", "Cookie": "XSRF-TOKEN=demo-xsrf-token"},
    ],
    ids=["basic", "basic-upper-user", "soticket", "SoTicket", "SOTICKET", "bearer", "bearer-lower",
         "xsrf"],
)  # fmt: skip
def test_every_way_to_log_in_is_the_same_associate(
    client: TestClient, server: MockServer, conforms: Conforms, headers: dict[str, str]
) -> None:
    got = sessions(client, conforms, auth=None, headers=headers)
    assert [s["ChatSessionId"] for s in got] == expected_ids(server, 2)


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        ({}, "Send Authorization"),
        ({"Authorization": basic("demo", "wrong")}, "wrong password"),
        ({"Authorization": basic("nobody", "demo-password")}, "Unknown user name"),
        ({"Authorization": "SOTicket 7T:nope"}, "Unknown credentials ticket"),
        ({"Authorization": "SOTicket 8A:demo-token"}, "Unknown credentials ticket"),
        ({"Authorization": "Bearer 7T:demo-ticket"}, "Unknown access token"),
        ({"Authorization": "Digest 7T:demo-ticket"}, "Send Authorization"),
        ({"X-XSRF-TOKEN": "demo-xsrf-token"}, "does not match"),
        ({"X-XSRF-TOKEN": "demo-xsrf-token", "Cookie": "XSRF-TOKEN=other"}, "does not match"),
        ({"X-XSRF-TOKEN": "guess", "Cookie": "XSRF-TOKEN=guess"}, "Unknown XSRF token"),
        (
            {"Authorization": basic("demo", "wrong"), "X-XSRF-TOKEN": "demo-xsrf-token",
             "Cookie": "XSRF-TOKEN=demo-xsrf-token"},
            "wrong password",
        ),
    ],
    ids=["none", "password", "user", "ticket", "token-as-ticket", "ticket-as-token",
         "other-scheme", "xsrf-no-cookie", "xsrf-mismatch", "xsrf-unknown", "authorization-wins"],
)  # fmt: skip
def test_bad_or_missing_credentials_are_401_in_superoffice_shape(
    client: TestClient, conforms: Conforms, headers: dict[str, str], words: str
) -> None:
    body = post(client, conforms, auth=None, headers=headers, status=401).json()
    assert body["Error"] is True
    assert body["ErrorType"] == "SoSessionException"
    assert words in body["ErrorMessage"]
    assert body["Message"] == body["ErrorMessage"]
    assert body["ErrorSource"]


@pytest.mark.parametrize(
    "headers",
    [{"Authorization": basic("retired", "retired-password")},
     {"Authorization": "SOTicket 7T:retired-ticket"},
     {"Authorization": basic("mlie6", "mlie6-password")}],
)  # fmt: skip
def test_a_retired_associate_is_refused_with_403(
    client: TestClient, conforms: Conforms, headers: dict[str, str]
) -> None:
    body = post(client, conforms, auth=None, headers=headers, status=403).json()
    assert body["ErrorType"] == "SoSessionException"
    assert "retired" in body["ErrorMessage"]


# -- $select ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("select", "kept"),
    [
        ("ChatSessionId,Status", {"ChatSessionId", "Status"}),
        ("chatsessionid,STATUS, customerName ", {"ChatSessionId", "Status", "CustomerName"}),
        ("user", {"User"}),
        ("user/fullname,contact/address/formatted", {"User", "Contact"}),
    ],
)
def test_select_keeps_every_property_and_nulls_the_rest(
    client: TestClient, server: MockServer, conforms: Conforms, select: str, kept: set[str]
) -> None:
    got = sessions(client, conforms, params={"$select": select})
    assert [s["ChatSessionId"] for s in got if "ChatSessionId" in kept] == [
        i for i in expected_ids(server, 2) if "ChatSessionId" in kept
    ]
    for session in got:
        assert set(session) == set(stored(server, expected_ids(server, 2)[0]))
        assert {k for k, v in session.items() if v is not None} <= kept


def test_select_inside_a_carrier_keeps_only_that_property_of_it(
    client: TestClient, server: MockServer, conforms: Conforms
) -> None:
    got = sessions(client, conforms, params={"$select": "ChatSessionId,user/fullname,TransferTo"})
    assert any(s["User"] for s in got)
    assert any(s["TransferTo"] for s in got)
    for session in got:
        original = stored(server, session["ChatSessionId"])
        if original["User"] is None:
            assert session["User"] is None
            continue
        assert set(session["User"]) == set(original["User"])
        assert {k: v for k, v in session["User"].items() if v is not None} == {
            "FullName": original["User"]["FullName"]
        }
        if original["TransferTo"]:
            assert session["TransferTo"]["AssociateId"] == original["TransferTo"]["AssociateId"]


@pytest.mark.parametrize(
    ("select", "named"),
    [("colour", "colour"), ("ChatSessionId,user/colour", "user/colour"),
     ("status/name", "status/name"), ("fieldproperties/ChatSessionId", "fieldproperties")],
)  # fmt: skip
@pytest.mark.parametrize("accept", ["application/json", "application/xml"])
def test_an_unknown_property_is_an_aspnet_400_naming_it(
    client: TestClient, conforms: Conforms, select: str, named: str, accept: str
) -> None:
    response = post(
        client, conforms, params={"$select": select}, headers={"Accept": accept}, status=400
    )
    if accept == "application/json":
        body = response.json()
    else:
        body = {c.tag: c.text for c in ElementTree.fromstring(response.content)}
        assert ElementTree.fromstring(response.content).tag == "Error"
    assert body["Message"] == "The request is invalid."
    assert named in body["MessageDetail"]


def test_select_arrives_url_encoded_as_the_npm_client_sends_it(
    client: TestClient, conforms: Conforms
) -> None:
    response = client.post(f"{URL}?%24select=ChatSessionId%2Cuser%2Ffullname", auth=DEMO)
    assert response.status_code == 200
    conforms(response)
    assert all(s["Status"] is None and s["ChatSessionId"] for s in response.json())


# -- media types -----------------------------------------------------------------------------


def parse(response: httpx.Response, server: MockServer) -> list[dict[str, Any]]:
    """The answer as JSON values, read back from XML through the spec's schema when XML."""
    if response.headers["content-type"].split(";")[0].endswith("json"):
        return list(response.json())
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{NAMESPACE}ArrayOfChatSessionEntity"
    assert all(child.tag == f"{NAMESPACE}ChatSessionEntity" for child in root)
    api = server.apis["superoffice"]
    return list(from_xml(root, api.spec.schema("#/components/schemas/ArrayOfChatSessionEntity")))


@pytest.mark.parametrize(
    "media_type",
    ["application/json", "text/json", "application/json-patch+json",
     "application/merge-patch+json", "application/xml", "text/xml"],
)  # fmt: skip
@pytest.mark.parametrize("select", [None, "ChatSessionId,Status,user/fullname,contact/address"])
def test_every_media_type_carries_the_same_answer(
    client: TestClient, server: MockServer, conforms: Conforms, media_type: str, select: str | None
) -> None:
    params = {"$select": select} if select else {}
    reference = sessions(client, conforms, params=params)
    response = post(client, conforms, params=params, headers={"Accept": media_type})
    assert response.headers["content-type"].split(";")[0] == media_type
    assert parse(response, server) == reference


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/json; charset=utf-8", "application/json"),
        ("text/*", "text/json"),
        ("text/xml, application/json", "application/json"),
        ("application/xml;q=0.9, application/json;q=0.5", "application/xml"),
        ("application/json;q=0.1, text/xml", "text/xml"),
        ("text/html, application/merge-patch+json;q=0.8", "application/merge-patch+json"),
    ],
)
def test_q_values_and_wildcards_choose_the_media_type(
    client: TestClient, conforms: Conforms, accept: str | None, chosen: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = post(client, conforms, headers=headers)
    assert response.headers["content-type"].split(";")[0] == chosen


@pytest.mark.parametrize("accept", ["text/csv", "application/xml;q=0, text/plain"])
def test_nothing_acceptable_is_406_in_json(
    client: TestClient, conforms: Conforms, accept: str
) -> None:
    response = post(client, conforms, headers={"Accept": accept}, status=406)
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["ErrorType"] == "NotAcceptable"


def test_nulls_are_nil_in_xml(client: TestClient, conforms: Conforms) -> None:
    response = post(client, conforms, headers={"Accept": "application/xml"})
    first = ElementTree.fromstring(response.content)[0]
    nil = "{http://www.w3.org/2001/XMLSchema-instance}nil"
    person = first.find(f"{NAMESPACE}Person")
    assert person is not None
    assert (person.get(nil) == "true") == (len(person) == 0)
    assert any(e.get(nil) == "true" for e in first.iter())


# -- time zones ------------------------------------------------------------------------------


def local(stored_utc: str, zone: str) -> datetime:
    return datetime.fromisoformat(stored_utc).replace(tzinfo=UTC).astimezone(ZoneInfo(zone))


@pytest.mark.parametrize(
    ("header", "zone"),
    [(None, "Europe/Oslo"), ("UTC", "UTC"), ("NO", "Europe/Oslo"), ("no", "Europe/Oslo"),
     ("261", "Europe/Oslo"), ("SE", "Europe/Stockholm"), ("DK", "Europe/Copenhagen"),
     ("DE", "Europe/Berlin"), ("NL", "Europe/Amsterdam"), ("GB", "Europe/London"),
     ("US-NY", "America/New_York"), ("460", "America/New_York"),
     ("US-CA", "America/Los_Angeles")],
)  # fmt: skip
@pytest.mark.parametrize("offset", [False, True])
def test_dates_are_converted_from_utc_into_the_zone_asked_for(
    client: TestClient,
    server: MockServer,
    conforms: Conforms,
    header: str | None,
    zone: str,
    offset: bool,
) -> None:
    value = ", ".join(filter(None, [header, "includeTZOffset" if offset else None]))
    headers = {"SO-TimeZone": value} if value else {}
    got = sessions(client, conforms, headers=headers)
    seen = 0
    for session in got:
        original = stored(server, session["ChatSessionId"])
        for name in DATES:
            if original[name] == UNSET:
                assert session[name] == UNSET + ("Z" if offset else "")
                continue
            moment = local(original[name], zone)
            wanted = moment.replace(tzinfo=None).isoformat(timespec="seconds")
            if offset:
                wanted += "Z" if zone == "UTC" else moment.isoformat()[19:]
            assert session[name] == wanted
            seen += 1
        if original["Ticket"]:
            created = local(original["Ticket"]["CreatedAt"], zone)
            assert session["Ticket"]["CreatedAt"].startswith(
                created.replace(tzinfo=None).isoformat()
            )
    assert seen > 100


def test_summer_and_winter_offsets_both_occur(client: TestClient, conforms: Conforms) -> None:
    got = sessions(client, conforms, headers={"SO-TimeZone": "NO,includeTZOffset"})
    assert {s["WhenRequested"][-6:] for s in got} == {"+01:00", "+02:00"}


def test_project_updated_is_always_utc(
    client: TestClient, server: MockServer, conforms: Conforms
) -> None:
    got = sessions(client, conforms, headers={"SO-TimeZone": "US-NY, includeTZOffset"})
    projects = [s for s in got if s["Project"]]
    assert projects
    for session in projects:
        original = stored(server, session["ChatSessionId"])["Project"]
        assert session["Project"]["Updated"] == original["Updated"] + "Z"


@pytest.mark.parametrize("header", ["XX", "Mars/Olympus", "NO, SE", "999"])
def test_an_unknown_time_zone_is_400_in_superoffice_shape(
    client: TestClient, conforms: Conforms, header: str
) -> None:
    body = post(client, conforms, headers={"SO-TimeZone": header}, status=400).json()
    assert body["ErrorType"] == "SoTimeZoneException"
    assert header in body["ErrorMessage"]


# -- languages -------------------------------------------------------------------------------

MANDATORY = "[SR_MANDATORY_FIELD_1285]"


def field_reasons(got: list[dict[str, Any]]) -> set[str]:
    return {
        p["FieldRight"]["Reason"]
        for s in got
        for p in (s["FieldProperties"] or {}).values()
        if p["FieldRight"]["Reason"]
    }


def categories(got: list[dict[str, Any]]) -> set[str]:
    return {s["Contact"]["CategoryName"] for s in got if s["Contact"]}


def test_without_a_language_texts_come_back_as_stored(
    client: TestClient, conforms: Conforms
) -> None:
    got = sessions(client, conforms)
    assert MANDATORY in field_reasons(got)
    assert 'NO:"Kunde";US:"Customer";SW:"Kund"' in " ".join(categories(got))


@pytest.mark.parametrize(
    ("headers", "customer", "mandatory"),
    [
        ({"Accept-Language": "en"}, "Customer", "Customer name"),
        ({"Accept-Language": "no"}, "Kunde", "Kundenavn"),
        ({"Accept-Language": "nb-NO"}, "Kunde", "Kundenavn"),
        ({"Accept-Language": "sv"}, "Kund", "Kundnamn"),
        ({"Accept-Language": "de-DE"}, "Kunde", "Kundenname"),
        ({"Accept-Language": "fr"}, "Client", "Nom du client"),
        ({"Accept-Language": "en-us; en-gb"}, "Customer", "Customer name"),
        ({"Accept-Language": "ja, de;q=0.4, sv;q=0.8"}, "Kund", "Kundnamn"),
        ({"Accept-Language": "en", "SO-Language": "sv"}, "Kund", "Kundnamn"),
        ({"Accept-Language": "en-us; en-gb", "SO-Language": "nb-no"}, "Kunde", "Kundenavn"),
    ],
)
def test_a_language_translates_resource_strings_and_multi_language_values(
    client: TestClient,
    conforms: Conforms,
    headers: dict[str, str],
    customer: str,
    mandatory: str,
) -> None:
    got = sessions(client, conforms, headers=headers)
    assert customer in categories(got)
    assert not any(c.startswith('NO:"') for c in categories(got))
    reasons = field_reasons(got)
    assert mandatory in reasons
    assert not any(r.startswith("[SR_") for r in reasons)


@pytest.mark.parametrize(
    "headers",
    [{"Accept-Language": "en", "SO-Language": "x"}, {"Accept-Language": "de", "SO-Language": "*"},
     {"Accept-Language": "ja"}, {"Accept-Language": ""}, {"SO-Culture": "sv"}],
)  # fmt: skip
def test_cancelled_unknown_or_no_language_leaves_texts_as_stored(
    client: TestClient, conforms: Conforms, headers: dict[str, str]
) -> None:
    got = sessions(client, conforms, headers=headers)
    assert MANDATORY in field_reasons(got)


def test_translation_reaches_every_level_and_xml_too(
    client: TestClient, server: MockServer, conforms: Conforms
) -> None:
    headers = {"Accept-Language": "de", "Accept": "application/xml"}
    got = parse(post(client, conforms, headers=headers), server)
    queued = [s for s in got if s["Status"] == "ClosedFromQueue"]
    assert queued
    assert {s["LastMessage"] for s in queued} == {"Der Kunde hat den Chat verlassen"}
    users = [s["User"] for s in got if s["User"]]
    assert {u["TableRight"]["Reason"] for u in users} == {
        "Benutzer können nicht gelöscht, nur deaktiviert werden"
    }


# -- the GET description, and what the npm client sends --------------------------------------


@pytest.mark.parametrize("accept", ["application/json", "text/xml"])
def test_get_describes_the_call_without_credentials(
    client: TestClient, server: MockServer, conforms: Conforms, accept: str
) -> None:
    response = client.get(URL, headers={"Accept": accept})
    assert response.status_code == 200
    conforms(response)
    api = server.apis["superoffice"]
    if accept == "application/json":
        body = response.json()
    else:
        body = from_xml(
            ElementTree.fromstring(response.content),
            api.spec.schema("#/components/schemas/ApiDescription"),
        )
    assert body["HttpMethod"] == "POST"
    assert body["ParameterDescriptions"][0]["Name"] == "$select"
    assert "Can Respond, Notifications, Listen or Manager" in body["Documentation"]


def test_an_empty_json_body_and_the_browser_offset_are_accepted(
    client: TestClient, server: MockServer, conforms: Conforms
) -> None:
    headers = {"Content-Type": "application/json", "SO-Browser-TZ-Offset": "120"}
    response = post(client, conforms, headers=headers, content=b"")
    assert [s["ChatSessionId"] for s in response.json()] == expected_ids(server, 2)


@pytest.mark.parametrize(
    ("method", "url", "status", "words"),
    [("PUT", URL, 405, "does not support http method 'PUT'"),
     ("POST", "/superoffice/api/v1/Agents/Chat/NoSuchMethod", 404, "No HTTP resource was found")],
)  # fmt: skip
def test_what_web_api_itself_refuses_is_in_aspnet_shape(
    client: TestClient, method: str, url: str, status: int, words: str
) -> None:
    response = client.request(method, url, auth=DEMO)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"Message", "MessageDetail"}
    assert words in body["Message"]


# -- carriers by id, and what is kept between calls -------------------------------------------


def test_the_answer_embeds_the_linked_records_of_the_store(
    client: TestClient, server: MockServer, conforms: Conforms
) -> None:
    """In UTC and without a language an answer is the stored sessions with their carriers."""
    got = sessions(client, conforms, headers={"SO-TimeZone": "UTC"})
    assert got == [stored(server, s["ChatSessionId"]) for s in got]
    assert all(link not in session for session in got for link in LINK_FIELDS)
    assert all(s[link] is None for s in store(server, "sessions") for link in LINKS)


def test_sessions_that_carry_their_carriers_are_served_as_they_are(
    client: TestClient, server: MockServer, conforms: Conforms
) -> None:
    """A data set loaded the way the wire shows it, carriers inside, answers the same."""
    before = post(client, conforms, headers={"SO-TimeZone": "US-NY"}).content
    wire = [stored(server, s["ChatSessionId"]) for s in store(server, "sessions")]
    response = client.post("/__admin/fixtures/superoffice", json={"sessions": wire})
    assert response.status_code == 200, response.text
    assert post(client, conforms, headers={"SO-TimeZone": "US-NY"}).content == before


def _embed_the_user_too(record: dict[str, Any], server: MockServer) -> None:
    record["User"] = server.store.collections("superoffice")["associates"].get(record["user_id"])


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda r, _: r.update(user_id=99999), "/0/user_id: no record of associates has id 99999"),
        (lambda r, _: r.update(person_id="17"), "/0/person_id: no record of persons has id '17'"),
        (_embed_the_user_too, "/0/User: User is given and user_id too; give one of them"),
    ],
)
def test_a_link_to_nothing_is_refused_by_name(
    client: TestClient,
    server: MockServer,
    change: Callable[[dict[str, Any], MockServer], None],
    where: str,
) -> None:
    records = [dict(s) for s in store(server, "sessions") if "user_id" in s][:2]
    change(records[0], server)
    response = client.post("/__admin/fixtures/superoffice", json={"sessions": records})
    assert response.status_code == 400
    assert response.json()["message"] == f"superoffice/sessions: at {where}"


def test_a_write_to_a_session_or_a_carrier_is_in_the_next_answer(
    client: TestClient, server: MockServer, conforms: Conforms
) -> None:
    first = sessions(client, conforms)
    collections = server.store.collections("superoffice")
    ident = first[0]["ChatSessionId"]
    record = collections["sessions"].get(ident)
    assert record is not None
    collections["sessions"].put({**record, "CustomerName": "Changed"})
    agent = next(s["User"]["AssociateId"] for s in first if s["User"])
    associate = collections["associates"].get(agent)
    assert associate is not None
    collections["associates"].put({**associate, "FullName": "Renamed"})

    second = sessions(client, conforms)
    assert second[0]["CustomerName"] == "Changed"
    users = [s["User"] for s in second if s["User"] and s["User"]["AssociateId"] == agent]
    assert users
    assert all(u["FullName"] == "Renamed" for u in users)
    client.post("/__admin/reset", params={"api": "superoffice"})
    assert sessions(client, conforms) == first


@pytest.mark.parametrize("headers", [{}, {"Accept-Language": "en", "SO-TimeZone": "US-NY"}])
def test_kept_xml_is_what_the_sessions_as_they_are_now_would_be_written_as(
    client: TestClient, server: MockServer, conforms: Conforms, headers: dict[str, str]
) -> None:
    schema = server.apis["superoffice"].spec.schema("#/components/schemas/ArrayOfChatSessionEntity")
    xml = {**headers, "Accept": "application/xml"}

    def written_now() -> bytes:
        return to_xml(sessions(client, conforms, headers=headers), schema)

    first = post(client, conforms, headers=xml).content
    assert first == written_now()
    assert post(client, conforms, headers=xml).content == first  # from what was kept
    collections = server.store.collections("superoffice")
    agent = next(s["User"]["AssociateId"] for s in sessions(client, conforms) if s["User"])
    associate = collections["associates"].get(agent)
    assert associate is not None
    collections["associates"].put({**associate, "FullName": "Renamed"})
    renamed = post(client, conforms, headers=xml).content
    assert b"Renamed" in renamed
    assert renamed == written_now()
    client.post("/__admin/reset", params={"api": "superoffice"})
    assert post(client, conforms, headers=xml).content == first


def test_each_presentation_is_kept_apart(client: TestClient, conforms: Conforms) -> None:
    plain = sessions(client, conforms)
    english = sessions(client, conforms, headers={"Accept-Language": "en"})
    new_york = sessions(client, conforms, headers={"SO-TimeZone": "US-NY"})
    offset = sessions(client, conforms, headers={"SO-TimeZone": "NO, includeTZOffset"})
    assert len({str(answer) for answer in (plain, english, new_york, offset)}) == 4
    assert sessions(client, conforms) == plain
    assert sessions(client, conforms, headers={"Accept-Language": "en"}) == english
    assert sessions(client, conforms, headers={"SO-TimeZone": "US-NY"}) == new_york


def test_select_leaves_the_kept_sessions_whole(client: TestClient, conforms: Conforms) -> None:
    full = sessions(client, conforms)
    assert sessions(client, conforms, params={"$select": "ChatSessionId"}) != full
    assert sessions(client, conforms) == full


def test_kept_sessions_are_bounded_and_the_oldest_presentation_goes_first(
    server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = server.apis["superoffice"]
    entity = api.spec.schema("#/components/schemas/ChatSessionEntity")
    collections = server.store.collections("superoffice")
    records = store(server, "sessions")[:40]
    kept = PresentedSessions(entity)

    def present(zone: str) -> list[dict[str, Any]]:
        return kept.present(
            records, presentation({"so-timezone": zone}, collections, entity), collections
        )

    oslo = present("NO")
    assert all(a is b for a, b in zip(present("NO"), oslo, strict=True))  # kept
    monkeypatch.setattr(superoffice_sessions, "MAX_KEPT", 60)
    present("UTC")  # 80 kept: Oslo, the least recently used, goes
    again = present("NO")
    assert again == oslo
    assert all(a is not b for a, b in zip(again, oslo, strict=True))
