"""Running one API's contract: Schemathesis' engine, checks and reporting, fed our specs.

Everything a contract run does is Schemathesis': its phases (examples, coverage, fuzzing,
stateful via the specs' OpenAPI links), its checks, its reports (JUnit XML, HAR, VCR …), its
progress output and its exit codes. This module only decides *what* it runs on: the vendor's
spec from ``openapi/``, the target (the mock's ASGI app in-process, or a server over HTTP), the
vendor's way to authenticate, hooks and own checks (its package's ``contract``: :mod:`.vendors`).

The run is configured in Schemathesis' own configuration vocabulary (what ``schemathesis.toml``
holds), so every option means exactly what Schemathesis' documentation says.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import schemathesis
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.cli.commands.run import DEFAULT_PHASES
from schemathesis.cli.commands.run.context import ExecutionContext
from schemathesis.cli.commands.run.handlers.output import OutputHandler
from schemathesis.cli.constants import ExitCode
from schemathesis.cli.events import LoadingFinished, LoadingStarted
from schemathesis.cli.executor import execute_event_loop
from schemathesis.config import (
    DEFAULT_REPORT_DIRECTORY,
    ProjectConfig,
    SanitizationConfig,
    SchemathesisConfig,
)
from schemathesis.engine import events, from_schema
from schemathesis.python.asgi import HOST

from ..config import Settings
from ..specs import load_spec
from .vendors import contracts

__all__ = ["PHASES", "Contract", "Outcome", "load_schema", "run_api"]

load_all_checks()

PHASES: tuple[str, ...] = tuple(DEFAULT_PHASES)


@dataclass(frozen=True)
class Contract:
    """What a contract run is asked to do: the ``mockserver contract`` options, as data."""

    apis: tuple[str, ...]
    base_url: str | None = None
    """Root of the API over HTTP; with several APIs, the mock's root (each under ``/<api>``)."""
    credentials: Mapping[str, str] = field(default_factory=dict)
    """Credential option name (:class:`.auth.CredentialOption`) -> value; missing: the demo's."""
    headers: Mapping[str, str] = field(default_factory=dict)
    max_examples: int | None = None
    seed: int | None = None
    phases: tuple[str, ...] = PHASES
    checks: tuple[str, ...] = ("all",)
    exclude_checks: tuple[str, ...] = ()
    reports: tuple[str, ...] = ()
    report_dir: Path = Path(DEFAULT_REPORT_DIRECTORY)
    workers: int = 1
    max_failures: int | None = None
    operations: tuple[str, ...] = ()
    """operationIds to test (and link between); every operation of the API when empty."""

    def base_url_of(self, api: str) -> str:
        """Where ``api``'s paths start for this run."""
        if self.base_url is None:
            # Schemathesis' ASGI client sends this host, so absolute links in answers use it too.
            return f"http://{HOST}/{api}"
        if len(self.apis) > 1:
            return f"{self.base_url.rstrip('/')}/{api}"
        return self.base_url.rstrip("/")


@dataclass(frozen=True)
class Outcome:
    """How one API's run ended, for the summary line and the tests."""

    api: str
    exit_code: int
    cases: int
    failed_checks: frozenset[str]

    @property
    def passed(self) -> bool:
        return self.exit_code == 0


def run_api(api: str, contract: Contract, app: Any = None) -> Outcome:
    """Run ``api``'s contract, in-process against ``app`` when given, else over HTTP.

    Schemathesis prints its progress and findings as it goes (failures with a ready-to-run curl
    command, the check's name and why) and writes the reports asked for, to
    ``<report_dir>/<api>/``.
    """
    schema = load_schema(api, contract, app)
    contexts: list[ExecutionContext] = []

    def context_for(project: ProjectConfig) -> ExecutionContext:
        contexts.append(ExecutionContext(config=project))
        return contexts[-1]

    exit_code: int = ExitCode.ERROR
    try:
        execute_event_loop(
            _events(schema),
            config=schema.config,
            args=[],
            params={},
            output_handler=OutputHandler(config=schema.config),
            context_factory=context_for,
        )
    except SystemExit as finished:
        # Schemathesis' loop ends the process with the run's verdict; we have more APIs to run.
        exit_code = int(finished.code or 0)
    statistic = contexts[0].statistic
    return Outcome(
        api=api,
        exit_code=exit_code,
        cases=statistic.total_cases,
        failed_checks=frozenset(name for _, name in statistic.observed_failures.values()),
    )


def load_schema(api: str, contract: Contract, app: Any = None) -> Any:
    """``api``'s spec as a Schemathesis schema, configured, authenticated and hooked for the run."""
    config = SchemathesisConfig.from_dict(_configuration(api, contract))
    spec = Settings().specs_dir / f"{api}.yaml"
    document = copy.deepcopy(load_spec(spec).document)
    schema: Any = schemathesis.openapi.from_dict(_as_probed(document), config=config)
    if contract.operations:
        # An exclusion, since inclusions are alternatives: the configuration's ``[[operations]]``
        # already include every operation they do not turn off.
        chosen = frozenset(contract.operations)
        schema = schema.exclude(
            func=lambda ctx: ctx.operation.definition.raw.get("operationId") not in chosen
        )
    schema.location = spec.as_uri()
    schema.app = app
    vendor = contracts()[api]
    for name, hook in vendor.hooks:
        schema.hook(name)(hook)
    if not any(name.lower() == "authorization" for name in contract.headers):
        # An explicit ``-H 'Authorization: …'`` replaces the vendor's own way to authenticate.
        schema.auth.providers.append(vendor.credentials.from_options(contract.credentials))
    return schema


def _as_probed(document: dict[str, Any]) -> dict[str, Any]:
    """The spec with OAuth2 requirements presented as what they are on the wire: bearer tokens.

    Schemathesis probes only ``apiKey`` and ``http`` schemes when it checks that an operation
    refuses a missing or invalid credential (``ignored_auth``). An OAuth2 access token travels as
    ``Authorization: Bearer`` (RFC 6750), so every requirement of an OAuth2 scheme becomes one of
    an equivalent HTTP bearer scheme, and that check covers OAuth2-protected operations too. The
    OAuth2 scheme itself stays, so Schemathesis still knows its token URL mints credentials.
    """
    schemes = document.get("components", {}).get("securitySchemes", {})
    bearer = {name: f"{name}_bearer" for name, s in schemes.items() if s.get("type") == "oauth2"}
    for name, alias in bearer.items():
        schemes[alias] = {"type": "http", "scheme": "bearer", "description": f"{name}'s token"}
    operations = [
        operation
        for item in document.get("paths", {}).values()
        for operation in item.values()
        if isinstance(operation, dict)
    ]
    for holder in (document, *operations):
        if "security" in holder:
            holder["security"] = [
                {bearer.get(name, name): scopes for name, scopes in requirement.items()}
                for requirement in holder["security"]
            ]
    return document


def project_operations() -> list[dict[str, Any]]:
    """The ``[[operations]]`` of ``schemathesis.toml`` beside the specs (shipped with them)."""
    with (Settings().specs_dir / "schemathesis.toml").open("rb") as file:
        operations: list[dict[str, Any]] = tomllib.load(file).get("operations", [])
    return operations


def _configuration(api: str, contract: Contract) -> dict[str, Any]:
    """The run's Schemathesis configuration, as a ``schemathesis.toml`` would hold it."""
    generation: dict[str, Any] = {}
    enabled = _checks(api, contract)
    configuration: dict[str, Any] = {
        "base-url": contract.base_url_of(api),
        "headers": dict(contract.headers),
        "workers": contract.workers,
        "phases": {phase: {"enabled": phase in contract.phases} for phase in PHASES},
        "checks": {name: {"enabled": name in enabled} for name in CHECKS.get_all_names()},
        "generation": generation,
        "reports": {
            "directory": str(contract.report_dir / api),
            **{report: {"enabled": True} for report in contract.reports},
        },
        # No crash cache in the user's directory: a failure's curl command is its reproduction.
        "cache": {"enabled": False},
        # What the specs cannot say, as the project's schemathesis.toml tells a plain `st run`.
        "operations": project_operations(),
        "output": {"sanitization": _SANITIZATION},
    }
    if contract.seed is not None:
        configuration["seed"] = contract.seed
        # A seed asks for a reproducible run: no replay of examples a previous run stored.
        generation["database"] = "none"
    if contract.max_examples is not None:
        generation["max-examples"] = contract.max_examples
    if contract.max_failures is not None:
        configuration["max-failures"] = contract.max_failures
    return configuration


_DEFAULT = SanitizationConfig()
_SANITIZATION = {
    "keys-to-sanitize": [k for k in _DEFAULT.keys_to_sanitize if k not in ("session", "sessionid")],
    "sensitive-markers": [m for m in _DEFAULT.sensitive_markers if m not in ("key", "session")],
}
"""Schemathesis' masking of credentials in output and reports, minus two of its guesses.

Every credential here travels in a header it still masks (``Authorization``, ``X-XSRF-TOKEN``,
``SO-AppToken``, cookies). Its ``key`` and ``session`` markers would also mask TWIN's ``keyword``
and ``sessionId`` filters, and a failure's curl command would no longer reproduce it.
"""


def _checks(api: str, contract: Contract) -> set[str]:
    """Checks enabled for ``api``: those selected, without other vendors' custom checks."""
    # The vendors' checks first: importing them registers them, so "all" includes them even in
    # a process that has not imported them yet.
    vendors = contracts()
    selected = set(CHECKS.get_all_names()) if "all" in contract.checks else set(contract.checks)
    others = {
        check.__name__ for vendor, part in vendors.items() if vendor != api for check in part.checks
    }
    return selected - set(contract.exclude_checks) - others


def _events(schema: Any) -> events.EventGenerator:
    """The engine's events, after the loading events Schemathesis' output starts with."""
    started = LoadingStarted(location=schema.location)
    yield started
    yield LoadingFinished.from_schema(
        schema,
        location=schema.location,
        start_time=started.timestamp,
        base_url=schema.get_base_url(),
    )
    try:
        yield from from_schema(schema).execute()
    except Exception as exc:
        yield events.FatalError(exception=exc)
