"""Contract runs against the healthy mock, in-process, and how a run is configured."""

from __future__ import annotations

import time
from typing import Any

import pytest

from mockserver import MockServer
from mockserver.contract import Contract, run_api
from mockserver.contract.runner import load_schema
from mockserver.contract.vendors import contracts
from mockserver.vendors import VENDORS

SEED = 1
EXAMPLES = 100
MIN_CASES = 200
API_NAMES = [v.name for v in VENDORS]


@pytest.mark.parametrize("api", API_NAMES)
def test_healthy_mock_passes_its_contract(
    api: str, server: MockServer, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    outcome = run_api(api, Contract(apis=(api,), seed=SEED, max_examples=EXAMPLES), server.app)
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(f"\ncontract {api}: {outcome.cases} cases in {elapsed:.1f} s")
    assert outcome.cases >= MIN_CASES
    assert not outcome.failed_checks, capsys.readouterr().out
    assert outcome.passed


@pytest.mark.parametrize("api", API_NAMES)
def test_operations_chosen_are_the_only_ones_run(api: str) -> None:
    """The project's ``[[operations]]`` settings (which include what they do not turn off)
    never widen a run limited to some operations."""
    every = [r.ok() for r in load_schema(api, Contract(apis=(api,))).get_all_operations()]
    chosen = (every[0].definition.raw["operationId"], every[-1].definition.raw["operationId"])
    schema = load_schema(api, Contract(apis=(api,), operations=chosen))
    ran = [r.ok().definition.raw["operationId"] for r in schema.get_all_operations()]
    assert sorted(ran) == sorted(chosen)


@pytest.mark.parametrize("api", API_NAMES)
def test_run_enables_its_own_vendor_checks_only(api: str) -> None:
    schema = load_schema(api, Contract(apis=(api,)))
    for vendor, part in contracts().items():
        for check in part.checks:
            enabled = schema.config.checks.get_by_name(name=check.__name__).enabled
            assert enabled == (vendor == api), check.__name__


def test_checks_can_be_chosen_and_excluded_by_name() -> None:
    contract = Contract(
        apis=("chatkitty",),
        checks=("chatkitty_page_totals", "not_a_server_error"),
        exclude_checks=("not_a_server_error",),
    )
    checks = load_schema("chatkitty", contract).config.checks
    assert checks.get_by_name(name="chatkitty_page_totals").enabled
    assert not checks.get_by_name(name="not_a_server_error").enabled
    assert not checks.get_by_name(name="response_schema_conformance").enabled


@pytest.mark.parametrize(
    ("contract", "expected"),
    [
        (Contract(apis=("twin",)), "http://testserver/twin"),
        (Contract(apis=("twin",), base_url="https://api.example/v1/"), "https://api.example/v1"),
        (
            Contract(apis=("twin", "hapihub"), base_url="http://127.0.0.1:8080"),
            "http://127.0.0.1:8080/twin",
        ),
    ],
)
def test_base_url(contract: Contract, expected: str) -> None:
    assert contract.base_url_of("twin") == expected


def test_oauth2_requirements_are_presented_as_bearer_and_the_token_url_kept() -> None:
    """So that Schemathesis' ignored_auth covers OAuth2 operations, and the token endpoint stays
    known as the place that mints credentials."""
    raw: Any = load_schema("chatkitty", Contract(apis=("chatkitty",))).raw_schema
    schemes = raw["components"]["securitySchemes"]
    assert schemes["application_authorization_bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "application_authorization's token",
    }
    assert schemes["application_authorization"]["type"] == "oauth2"
    assert raw["security"] == [{"application_authorization_bearer": []}]
    assert raw["paths"]["/oauth/token"]["post"]["security"] == [{"client_authentication": []}]


def test_a_seed_makes_the_run_reproducible() -> None:
    config = load_schema("twin", Contract(apis=("twin",), seed=7)).config
    assert config.seed == 7
    assert config.generation.database == "none"


def test_credentials_stay_masked_but_filters_do_not() -> None:
    """TWIN's keyword and sessionId filters must stay readable in a failure's curl command."""
    sanitization = load_schema("twin", Contract(apis=("twin",))).config.output.sanitization
    assert "authorization" in sanitization.keys_to_sanitize
    assert "token" in sanitization.sensitive_markers
    for name in ("keyword", "sessionid"):
        assert name not in sanitization.keys_to_sanitize
        assert not any(marker in name for marker in sanitization.sensitive_markers)
