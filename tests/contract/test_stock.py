"""Stock Schemathesis, every check, on each spec a served mock publishes: clean from the checkout.

What OpenAPI 3.0 cannot say about the specs is in the project's ``schemathesis.toml`` (the
top-level one links to ``openapi/schemathesis.toml``); a plain ``st run`` from the checkout
reads it, as a QA engineer's would. Seeded and bounded, so a failure reproduces.
"""

from __future__ import annotations

import base64
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.state.conftest import Served

ROOT = Path(__file__).resolve().parent.parent.parent
APIS = ["chatkitty", "twin", "hapihub", "superoffice", "admin"]


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    server = Served("memory")
    yield server
    server.stop()


def credentials(served: Served, api: str) -> dict[str, str]:
    """What a tester passes with ``-H``: the demo account's way in to each API."""
    with served.client() as http:
        if api == "chatkitty":
            form = {"grant_type": "client_credentials"}
            answer = http.post(
                "/chatkitty/oauth/token", auth=("demo-client", "demo-secret"), data=form
            )
            return {"Authorization": f"Bearer {answer.json()['access_token']}"}
        if api == "twin":
            login = {"email": "demo@twin.example", "password": "demo-password"}
            answer = http.post("/twin/api/v1/auth/login", json=login)
            return {"Authorization": f"Bearer {answer.json()['token']}"}
    if api == "hapihub":
        return {"Authorization": "Bearer demo-doctor-token"}
    if api == "superoffice":
        return {"Authorization": "Basic " + base64.b64encode(b"demo:demo-password").decode()}
    return {}


@pytest.mark.parametrize("api", APIS)
def test_stock_schemathesis_with_every_check_finds_nothing(served: Served, api: str) -> None:
    root = f"{served.url}/__admin" if api == "admin" else f"{served.url}/{api}"
    headers = [f"--header={name}: {value}" for name, value in credentials(served, api).items()]
    assert httpx.get(f"{root}/openapi.json").status_code == 200
    command = [
        str(Path(sys.executable).parent / "st"),
        "run",
        f"{root}/openapi.json",
        f"--url={root}",
        "--checks=all",
        "--max-examples=25",
        "--seed=1",
        "--generation-database=none",
        *headers,
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
