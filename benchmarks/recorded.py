"""The mock's answers to the mix, recorded once and replayed by WireMock and the bare app.

Both replay servers answer with the very bytes (status, headers, body) the mock gave, so they
do no work the mock did not: no validation, no query, no rendering. That is what makes them the
ceiling the mock is compared with.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from .load import Call

__all__ = ["Recording", "load_recordings", "record", "save_recordings", "write_wiremock_mappings"]

# Hop-by-hop or per-answer headers a replay must not copy.
_SKIPPED = {"date", "server", "content-length", "transfer-encoding", "connection"}


@dataclass(frozen=True)
class Recording:
    method: str
    url: str
    """Path and query as sent (``/chatkitty/chat-sessions?page=0``)."""
    status: int
    headers: list[tuple[str, str]]
    body_base64: str

    @property
    def body(self) -> bytes:
        return base64.b64decode(self.body_base64)


def mock_url(call: Call) -> str:
    return f"/{call.api}{call.target}"


def record(mock: httpx.Client, call: Call) -> Recording:
    response = mock.request(
        call.method, mock_url(call), headers=list(call.headers), content=call.body
    )
    return Recording(
        method=call.method,
        url=mock_url(call),
        status=response.status_code,
        headers=[(k, v) for k, v in response.headers.items() if k.lower() not in _SKIPPED],
        body_base64=base64.b64encode(response.content).decode(),
    )


def save_recordings(recordings: list[Recording], file: Path) -> None:
    file.write_text(json.dumps([asdict(r) for r in recordings], indent=1), encoding="utf-8")


def load_recordings(file: Path) -> list[Recording]:
    return [
        Recording(**{**r, "headers": [tuple(h) for h in r["headers"]]})
        for r in json.loads(file.read_text(encoding="utf-8"))
    ]


def write_wiremock_mappings(recordings: list[Recording], root: Path) -> None:
    """WireMock stub mappings matching each request exactly (method and full URL)."""
    mappings = root / "mappings"
    mappings.mkdir(parents=True, exist_ok=True)
    for index, rec in enumerate(recordings):
        headers: dict[str, str] = {}
        for name, value in rec.headers:
            headers[name] = value  # WireMock takes one value per name; the mock sends one
        stub = {
            "request": {"method": rec.method, "url": rec.url},
            "response": {"status": rec.status, "headers": headers, "base64Body": rec.body_base64},
        }
        (mappings / f"{index:03d}.json").write_text(json.dumps(stub), encoding="utf-8")
