"""One renderer per kind of media type, for handlers, ``Prefer`` answers and errors alike."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import pytest
from starlette.testclient import TestClient

from mockserver import MockServer
from mockserver.config import Settings
from mockserver.limits import Limits
from mockserver.rendering import is_xml, render

SCHEMA = {"type": "object", "xml": {"name": "Thing"}, "properties": {"Id": {"type": "integer"}}}
SESSIONS = "/superoffice/api/v1/Agents/Chat/ChatSessionsForUser"
DEMO = ("demo", "demo-password")
XML_TYPES = ["application/xml", "text/xml"]


@pytest.mark.parametrize(
    ("media_type", "body", "written"),
    [
        ("application/json", {"Id": 1}, b'{"Id":1}'),
        ("application/vnd.chatkitty+json", [1], b"[1]"),
        ("text/csv", "a,b\n", b"a,b\n"),
        ("application/zip", b"PK\x03\x04", b"PK\x03\x04"),
    ],
)
def test_each_media_type_has_its_renderer(media_type: str, body: Any, written: bytes) -> None:
    assert render(body, media_type) == written


@pytest.mark.parametrize("media_type", [*XML_TYPES, "application/atom+xml; charset=utf-8"])
def test_xml_is_named_after_the_schema(media_type: str) -> None:
    assert is_xml(media_type)
    assert ElementTree.fromstring(render({"Id": 1}, media_type, SCHEMA)).tag == "Thing"
    with pytest.raises(ValueError, match="schema"):
        render({"Id": 1}, media_type)


def test_an_unknown_media_type_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="image/png"):
        render({"Id": 1}, "image/png")


@pytest.mark.parametrize("accept", XML_TYPES)
def test_a_generated_answer_is_written_in_the_xml_asked_for(
    client: TestClient, accept: str
) -> None:
    headers = {"Accept": accept, "Prefer": "dynamic=true, seed=7"}
    response = client.post(SESSIONS, auth=DEMO, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(accept)
    assert ElementTree.fromstring(response.content).tag.endswith("ArrayOfChatSessionEntity")


@pytest.fixture(scope="module")
def small() -> TestClient:
    return MockServer(Settings(limits=Limits(header_bytes=2_000))).app.test_client()


@pytest.mark.parametrize("accept", XML_TYPES)
def test_every_error_is_written_in_the_xml_asked_for(
    client: TestClient, small: TestClient, accept: str
) -> None:
    headers = {"Accept": accept}
    errors = {
        "no credentials": client.post(SESSIONS, headers=headers),
        "an undocumented Prefer code": client.post(
            SESSIONS, auth=DEMO, headers={**headers, "Prefer": "code=599"}
        ),
        "no such agent method": client.post(SESSIONS + "Nope", auth=DEMO, headers=headers),
        "headers over the limit": small.post(
            SESSIONS, auth=DEMO, headers={**headers, "X-Padding": "x" * 2_000}
        ),
    }
    for why, response in errors.items():
        assert response.status_code >= 400, why
        assert response.headers["content-type"].startswith(accept), (why, response.text)
        root = ElementTree.fromstring(response.content)
        assert root.tag in ("SoExceptionInfo", "Error"), (why, response.text)
