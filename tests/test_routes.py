"""Case-blind paths for the vendors whose servers match them so (SuperOffice's ASP.NET)."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from mockserver import MockServer
from mockserver.routes import spellings
from mockserver.vendors import VENDORS

SESSIONS = "/superoffice/api/v1/Agents/Chat/ChatSessionsForUser"
DEMO = ("demo", "demo-password")


@pytest.mark.parametrize(
    ("sent", "spelled"),
    [
        ("/so/api/v1/chatsession/AbC/transfer", "/so/api/v1/ChatSession/AbC/Transfer"),
        ("/SO/API/V1/CHATSESSION/7/TRANSFER", "/so/api/v1/ChatSession/7/Transfer"),
        ("/so/api/v1/ChatSession/x1/Transfer", "/so/api/v1/ChatSession/x1/Transfer"),
    ],
)
def test_literal_segments_take_the_specs_spelling_and_parameters_stay(
    sent: str, spelled: str
) -> None:
    ((pattern, spelling),) = spellings("/so", ["/api/v1/ChatSession/{id}/Transfer"])
    match = pattern.fullmatch(sent)
    assert match is not None
    assert match.expand(spelling) == spelled


@pytest.mark.parametrize(
    "path", [SESSIONS.lower(), SESSIONS.upper().replace("/SUPEROFFICE", "/superoffice"), SESSIONS]
)
def test_superoffice_answers_every_spelling_as_asp_net_does(
    client: TestClient, server: MockServer, path: str
) -> None:
    response = client.post(path, auth=DEMO)
    assert response.status_code == 200, response.text
    assert response.json() == client.post(SESSIONS, auth=DEMO).json()
    # journaled in the spec's spelling, so verification by the documented path finds it
    assert server.control.journal.entries()[0].path == SESSIONS


@pytest.mark.parametrize("vendor", [v for v in VENDORS if not v.case_insensitive_paths])
def test_other_vendors_match_paths_exactly(client: TestClient, vendor: type) -> None:
    path = f"/{vendor.name}/{'CHAT-SESSIONS' if vendor.name != 'twin' else 'API/V1/SESSIONS'}"
    assert client.get(path).status_code == 404
