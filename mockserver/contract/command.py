"""``mockserver contract``: the command line of a contract run; the work is in :mod:`.runner`.

Options Schemathesis' own ``st run`` has (``-H``, ``--max-examples``, ``--seed``, ``--checks``,
``--report`` …) are its option definitions, reused, so they parse, validate and read the same.
The credential options are the union of what the vendors' credentials read (each vendor
package's ``contract``), each helped with the names of the vendors that read it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from schemathesis.cli.commands.run import DEFAULT_PHASES
from schemathesis.cli.ext.options import CsvChoice
from schemathesis.cli.options import (
    CHECKS_OPTION,
    EXCLUDE_CHECKS,
    GENERATION_MAX_EXAMPLES,
    GENERATION_SEED,
    HEADER,
    MAX_FAILURES,
    REPORT,
    REPORT_DIR,
    WORKERS,
)
from schemathesis.cli.validation import validate_base_url

from ..app import MockServer
from ..config import Settings
from ..control_cli import examples
from ..errors import StartupError
from ..vendors import VENDORS
from .auth import CredentialOption
from .runner import Contract, run_api
from .vendors import contracts

__all__ = ["contract"]

_REGISTERED = [vendor.name for vendor in VENDORS]
_TITLES = {vendor.name: vendor.title for vendor in VENDORS}


def _credential_readers() -> dict[str, tuple[CredentialOption, list[str]]]:
    """Credential option name -> the option and the vendors that read it, in registry order."""
    found: dict[str, tuple[CredentialOption, list[str]]] = {}
    for api, part in contracts().items():
        for option in part.credentials.options:
            found.setdefault(option.name, (option, []))[1].append(api)
    return found


_OPTIONS = _credential_readers()


def _credential_options(command: Any) -> Any:
    for name, (option, apis) in reversed(_OPTIONS.items()):
        readers = ", ".join(_TITLES[api] for api in apis)
        command = click.option(
            option.flag, name, metavar=option.metavar, help=f"{readers}: {option.help}"
        )(command)
    return command


def _epilog() -> str:
    """Examples, then every check name --checks takes and every --report format."""
    vendors = {api: [check.__name__ for check in part.checks] for api, part in contracts().items()}
    ours = {name for names in vendors.values() for name in names}
    # Schemathesis' choice lists every registered check, the vendors' too.
    stock = [c for c in CHECKS_OPTION.kwargs["type"].choices if c not in {*ours, "all"}]
    return "\n\n".join(
        [
            examples(
                "mockserver contract all",
                "mockserver contract chatkitty --seed 1 --max-examples 100",
                "mockserver contract all --base-url http://127.0.0.1:8080",
                'mockserver contract twin --base-url https://staging.example/twin --token "$JWT"',
                "mockserver contract hapihub --checks not_a_server_error,hapihub_create_then_read",
                "mockserver contract superoffice --report junit,har --report-dir reports",
            ),
            f"Checks (--checks, --exclude-checks; default: all): {', '.join(stock)}; and each "
            "vendor's: "
            + "; ".join(f"{_TITLES[api]}: {', '.join(names)}" for api, names in vendors.items())
            + ".",
            f"Report formats (--report): {', '.join(REPORT.kwargs['type'].choices)}; written to "
            "<report-dir>/<api>/.",
        ]
    )


@click.command(epilog=_epilog())
@click.argument("api", type=click.Choice([*_REGISTERED, "all"]))
@click.option(
    "--base-url",
    metavar="URL",
    callback=validate_base_url,
    help="Test this server over HTTP instead of the mock in-process: the API's root "
    "(http://127.0.0.1:8080/chatkitty), or with 'all' the mock's root.",
)
@_credential_options
@click.option(*HEADER.args, **HEADER.kwargs)
@click.option(*GENERATION_MAX_EXAMPLES.args, **GENERATION_MAX_EXAMPLES.kwargs)
@click.option(*GENERATION_SEED.args, **GENERATION_SEED.kwargs)
@click.option(
    "--phases",
    type=CsvChoice(DEFAULT_PHASES),
    default=",".join(DEFAULT_PHASES),
    show_default=True,
    help="Comma-separated test phases to run.",
)
@click.option(*CHECKS_OPTION.args, **CHECKS_OPTION.kwargs)
@click.option(*EXCLUDE_CHECKS.args, **EXCLUDE_CHECKS.kwargs)
@click.option(*REPORT.args, **REPORT.kwargs)
@click.option(*REPORT_DIR.args, **REPORT_DIR.kwargs)
@click.option(*WORKERS.args, **WORKERS.kwargs)
@click.option(*MAX_FAILURES.args, **MAX_FAILURES.kwargs)
def contract(
    api: str,
    base_url: str | None,
    headers: dict[str, str],
    generation_max_examples: int | None,
    generation_seed: int | None,
    phases: list[str],
    included_check_names: list[str] | None,
    excluded_check_names: list[str] | None,
    report_formats: list[Any] | None,
    report_directory: str,
    workers: int | None,
    max_failures: int | None,
    **credentials: str | None,
) -> None:
    """Test API (a vendor, or 'all') against its spec with Schemathesis.

    Without --base-url the mock itself is tested, in-process. Every Schemathesis check runs,
    plus the vendor's own (paging, filters …). Credentials are the mock's demo ones unless given.
    Exit code 0 only when every check passed.
    """
    apis = tuple(_REGISTERED) if api == "all" else (api,)
    given = {name: value for name, value in credentials.items() if value is not None}
    for name in given:
        option, readers = _OPTIONS[name]
        if not any(a in readers for a in apis):
            raise click.UsageError(f"{option.flag} is for {', '.join(readers)}, not {api}")
    for name in apis:
        try:
            contracts()[name].credentials.from_options(given)
        except ValueError as exc:
            raise click.UsageError(f"{name}: {exc}") from None
    run = Contract(
        apis=apis,
        base_url=base_url,
        credentials=given,
        headers=headers,
        max_examples=generation_max_examples,
        seed=generation_seed,
        phases=tuple(phases),
        checks=tuple(included_check_names or ("all",)),
        exclude_checks=tuple(excluded_check_names or ()),
        reports=tuple(report.value for report in report_formats or ()),
        report_dir=Path(report_directory),
        workers=workers or 1,
        max_failures=max_failures,
    )
    app = None if base_url else _mock_app()
    try:
        outcomes = [run_api(name, run, app) for name in apis]
    except StartupError as exc:  # a spec that cannot be read
        click.echo(f"mockserver: cannot test: {exc}", err=True)
        raise SystemExit(2) from None
    click.echo()
    for outcome in outcomes:
        verdict = "passed" if outcome.passed else "FAILED"
        failed = f": {', '.join(sorted(outcome.failed_checks))}" if outcome.failed_checks else ""
        click.echo(f"contract {outcome.api}: {verdict}, {outcome.cases} cases{failed}")
    raise SystemExit(max(outcome.exit_code for outcome in outcomes))


def _mock_app() -> Any:
    try:
        return MockServer(Settings()).app
    except StartupError as exc:
        click.echo(f"mockserver: cannot start: {exc}", err=True)
        raise SystemExit(2) from None
