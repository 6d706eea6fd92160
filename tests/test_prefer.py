"""``Prefer``: each option and their combinations on every vendor, after routing, security and
validation, every answer in the vendor's own shape.

The vendor-wide tests need credentials for any vendor without knowing its fixtures: they run on
a server whose verifiers accept anything (Prefer acts after security, whatever security said),
sending the credential each security scheme of the spec asks for. ChatKitty's own tests show
that the real security and validation still come first.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver import MockServer, Settings
from mockserver.errors import BadRequest
from mockserver.negotiation import is_json
from mockserver.prefer import Preferences, parse
from mockserver.specs import Operation, Spec, load_spec
from mockserver.vendors import VENDORS, VendorAPI
from tests.conftest import Conforms
from tests.vendors.test_chatkitty import get_token

SPECS = {v.name: load_spec(Settings().specs_dir / f"{v.name}.yaml") for v in VENDORS}


def target(spec: Spec) -> Operation:
    """The vendor's first GET operation that needs no parameter: its list call."""
    return next(
        op
        for op in spec.operations.values()
        if op.method == "get" and not any(p.get("required") for p in op.parameters)
    )


def documented_for(spec: Spec, path: str, method: str) -> dict[str, Any]:
    return dict(spec.resolved["paths"][path][method]["responses"])


def documented(spec: Spec) -> dict[str, Any]:
    return documented_for(spec, target(spec).path, "get")


ERROR_CODES = [(v, s) for v, spec in SPECS.items() for s in documented(spec) if s >= "400"]
EXAMPLES = [
    (v, status, name)
    for v, spec in SPECS.items()
    for status, response in documented(spec).items()
    for name in sorted(
        {n for m in response.get("content", {}).values() for n in m.get("examples", {})}
    )
]


@pytest.fixture(scope="module")
def open_server() -> MockServer:
    """A server whose every verifier accepts any credential."""

    def accept_all(self: VendorAPI) -> dict[str, Any]:
        schemes = self.spec.resolved.get("components", {}).get("securitySchemes", {})
        return {name: lambda *_: {"sub": "prefer-test"} for name in schemes}

    with pytest.MonkeyPatch.context() as patch:
        for vendor in VENDORS:
            patch.setattr(vendor, "verifiers", accept_all)
        return MockServer(Settings(validate_responses=True))


@pytest.fixture(scope="module")
def open_client(open_server: MockServer) -> Iterator[TestClient]:
    with open_server.app.test_client() as test_client:
        yield test_client


def credentials(spec: Spec) -> dict[str, str]:
    """Headers satisfying the first security alternative of the target operation."""
    definition = spec.resolved["paths"][target(spec).path]["get"]
    requirements = definition.get("security", spec.resolved.get("security", [{}])) or [{}]
    schemes = spec.resolved.get("components", {}).get("securitySchemes", {})
    headers: dict[str, str] = {}
    for name in requirements[0]:
        scheme = schemes[name]
        if scheme["type"] == "apiKey":
            assert scheme["in"] == "header", "an api key outside headers: extend this helper"
            headers[scheme["name"]] = "any-key"
        else:
            word = "bearer" if scheme["type"] == "oauth2" else scheme["scheme"].lower()
            value = "dXNlcjpwYXNz" if word == "basic" else "any-token"
            headers["Authorization"] = f"{word.capitalize()} {value}"
    return headers


def prefer(client: TestClient, vendor: str, header: str, **extra: str) -> httpx.Response:
    spec = SPECS[vendor]
    url = f"/{vendor}{target(spec).path}"
    return client.get(url, headers={**credentials(spec), **extra, "Prefer": header})


def body_of(response: httpx.Response) -> Any:
    """The body as the spec's example spells it (a binary one, one byte per character)."""
    media_type = response.headers["content-type"]
    if is_json(media_type):
        return response.json()
    textual = media_type.startswith("text/") or "xml" in media_type
    return response.text if textual else response.content.decode("latin-1")


# -- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("code=404", Preferences(code=404)),
        ("code=500, delay=1000", Preferences(code=500, delay_ms=1000)),
        ("dynamic=true; seed=7", Preferences(dynamic=True, seed=7)),
        ('example="page", code=200', Preferences(code=200, example="page")),
        ("return=minimal, respond-async", Preferences()),
    ],
)
def test_preferences_are_read_in_any_combination(header: str, expected: Preferences) -> None:
    assert parse(header) == expected


@pytest.mark.parametrize(
    ("header", "complaint"),
    [
        ("code=abc", "code must be an integer"),
        ("code=99", "code must be an integer 100–599"),
        ("delay=-5", "delay must be an integer"),
        ("delay=600000", "delay must be an integer 0–60000"),
        ("dynamic=maybe", "dynamic must be true or false"),
        ("seed=3", "seed only applies with dynamic=true"),
        ("example=page, dynamic=true", "exclude each other"),
    ],
)
def test_malformed_preferences_are_refused_with_every_reason(header: str, complaint: str) -> None:
    with pytest.raises(BadRequest) as refused:
        parse(header)
    assert complaint in str(refused.value)
    assert refused.value.problems[0].name == "Prefer"


# -- every vendor ----------------------------------------------------------------------------


@pytest.mark.parametrize(("vendor", "code"), ERROR_CODES)
def test_code_answers_a_documented_error_in_the_vendors_shape(
    open_client: TestClient, conforms: Conforms, vendor: str, code: str
) -> None:
    response = prefer(open_client, vendor, f"code={code}")
    assert response.status_code == int(code)
    conforms(response)


@pytest.mark.parametrize(("vendor", "status", "name"), EXAMPLES)
def test_example_answers_that_named_example(
    open_client: TestClient, conforms: Conforms, vendor: str, status: str, name: str
) -> None:
    response = prefer(open_client, vendor, f"example={name}, code={status}")
    assert response.status_code == int(status)
    content = documented(SPECS[vendor])[status]["content"]
    media_type = response.headers["content-type"].split(";")[0]
    assert body_of(response) == content[media_type]["examples"][name]["value"]
    conforms(response)


@pytest.mark.parametrize("vendor", SPECS)
def test_dynamic_data_is_valid_and_the_same_for_the_same_seed(
    open_client: TestClient, conforms: Conforms, vendor: str
) -> None:
    first = prefer(open_client, vendor, "dynamic=true, seed=11")
    assert first.status_code // 100 == 2, first.text
    conforms(first)  # and Connexion's response validation has passed it too
    again = prefer(open_client, vendor, "dynamic=true, seed=11")
    assert again.content == first.content
    others = {prefer(open_client, vendor, f"dynamic=true, seed={s}").content for s in (1, 2, 3)}
    assert len(others | {first.content}) > 1, "seeds should vary the data"


@pytest.mark.parametrize("vendor", SPECS)
def test_dynamic_with_a_code_generates_for_that_status(
    open_client: TestClient, conforms: Conforms, vendor: str
) -> None:
    code = next(s for s in documented(SPECS[vendor]) if s >= "400")
    response = prefer(open_client, vendor, f"code={code}, dynamic=true, seed=5")
    assert response.status_code == int(code)
    conforms(response)


@pytest.mark.parametrize("vendor", SPECS)
def test_delay_combines_with_a_code(open_client: TestClient, vendor: str) -> None:
    code = next(s for s in documented(SPECS[vendor]) if s >= "400")
    started = time.perf_counter()
    response = prefer(open_client, vendor, f"code={code}, delay=150")
    assert time.perf_counter() - started >= 0.15
    assert response.status_code == int(code)
    assert response.headers.get("preference-applied") is None  # errors are raised, not built


@pytest.mark.parametrize("vendor", SPECS)
def test_an_undocumented_code_is_a_400_listing_the_documented_ones(
    open_client: TestClient, vendor: str
) -> None:
    response = prefer(open_client, vendor, "code=418")
    assert response.status_code == 400
    for status in documented(SPECS[vendor]):
        assert status in response.text
    assert "code=418 is not documented" in response.text


@pytest.mark.parametrize("vendor", SPECS)
@pytest.mark.parametrize("code", [500, 502, 503, 511])
def test_any_server_error_can_be_asked_for_documented_or_not(
    open_client: TestClient, vendor: str, code: int
) -> None:
    response = prefer(open_client, vendor, f"code={code}")
    assert response.status_code == code, response.text
    # In the vendor's own shape: the one a fault rule with that status answers.
    rule = {"path": f"/{vendor}{target(SPECS[vendor]).path}", "method": "GET", "status": code}
    assert open_client.post("/__admin/rules", json=rule).status_code == 201
    try:
        faulted = open_client.get(rule["path"], headers=credentials(SPECS[vendor]))
    finally:
        open_client.delete("/__admin/rules")
    assert faulted.status_code == code
    assert set(response.json()) == set(faulted.json())


@pytest.mark.parametrize("vendor", SPECS)
def test_an_unknown_example_is_a_400_listing_the_known_ones(
    open_client: TestClient, vendor: str
) -> None:
    response = prefer(open_client, vendor, "example=no-such-example")
    assert response.status_code == 400
    assert "no example 'no-such-example'" in response.text
    for _, status, name in (case for case in EXAMPLES if case[0] == vendor):
        assert f"{name} ({status})" in response.text


# -- ChatKitty, with its real security -------------------------------------------------------

SESSIONS = "/chatkitty/chat-sessions"


@pytest.fixture(scope="module")
def auth(client: TestClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {get_token(client)}"}


def test_code_of_the_handlers_own_status_answers_fixture_data(
    client: TestClient, auth: dict[str, str], conforms: Conforms
) -> None:
    plain = client.get(SESSIONS, headers=auth)
    preferred = client.get(SESSIONS, headers={**auth, "Prefer": "code=200, delay=10"})
    assert preferred.status_code == 200
    assert preferred.json() == plain.json()
    assert preferred.headers["preference-applied"] == "code=200, delay=10"
    conforms(preferred)


def test_code_falls_back_to_the_specs_example_when_the_handler_cannot_give_it(
    client: TestClient, conforms: Conforms
) -> None:
    response = client.post(
        "/chatkitty/oauth/token",
        auth=("demo-client", "demo-secret"),
        data={"grant_type": "password"},  # the handler refuses this grant with a 400
        headers={"Prefer": "code=200"},
    )
    assert response.status_code == 200
    token = documented_for(SPECS["chatkitty"], "/oauth/token", "post")["200"]
    assert response.json() == token["content"]["application/json"]["examples"]["token"]["value"]
    conforms(response)


def test_security_comes_before_preferences(client: TestClient, conforms: Conforms) -> None:
    response = client.get(SESSIONS, headers={"Prefer": "example=page"})
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    conforms(response)


def test_request_validation_comes_before_preferences(
    client: TestClient, auth: dict[str, str], conforms: Conforms
) -> None:
    response = client.get(
        SESSIONS, params={"state": "PAUSED"}, headers={**auth, "Prefer": "code=200"}
    )
    assert response.status_code == 400
    assert "query parameter 'state' must be" in response.json()["explanation"]
    conforms(response)


def test_a_malformed_header_is_a_400_in_the_vendors_shape(
    client: TestClient, auth: dict[str, str], conforms: Conforms
) -> None:
    response = client.get(SESSIONS, headers={**auth, "Prefer": "code=abc, dynamic=maybe"})
    assert response.status_code == 400
    explanation = response.json()["explanation"]
    assert explanation.count("header parameter 'Prefer'") == 2, explanation
    conforms(response)
