"""The ``mockserver`` command.

Start-up time is the mock's first impression, so a subcommand's heavy imports wait for that
subcommand: ``contract`` (Schemathesis, whose option definitions it reuses) is imported only when
it is run or its help is shown, and ``proxy`` imports its machinery when it starts.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import click
import uvicorn

from .admin import exposure_warning
from .app import MockServer
from .config import SECRET_FILE, STATE_DIR, Settings, check_secret, stored_secret
from .control_cli import (
    ADMIN_TOKEN_OPTION,
    URL_OPTION,
    call_admin,
    examples,
    journal,
    load_fixtures,
    namespace_option,
    proxy,
    rules,
)
from .errors import BadRequest, StartupError, StateError
from .generators import write_fixtures
from .limits import Limits, parse_limits
from .serving import LIMITS_VARIABLE, DeadlineHttpProtocol
from .state import DEFAULT_URL, describe, open_backend, space
from .state.namespaces import check_name
from .vendors import VENDORS
from .watch import Reloading

__all__ = ["main"]

_A = TypeVar("_A")
_T = TypeVar("_T")
_VENDOR_NAMES = click.Choice([v.name for v in VENDORS])


class _LazyGroup(click.Group):
    """A group whose ``lazy`` subcommands (name -> ``module:attribute``) are imported on use.

    Click's documented pattern for lazily loaded subcommands.
    """

    def __init__(self, *args: Any, lazy: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = self.lazy[cmd_name].partition(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command), self.lazy[cmd_name]
        return command


@click.group(
    cls=_LazyGroup,
    lazy={"contract": "mockserver.contract.command:contract"},
    epilog=examples(
        "mockserver serve                      # every API on http://127.0.0.1:8080",
        "mockserver rules add /twin --latency 200-800",
        "mockserver journal --status 4xx",
        "mockserver --namespace ci-42 reset",
        "mockserver contract all --seed 1",
    )
    + "\n\nThe control commands (reset, rules, journal, fixtures load) reach the mock at --url, "
    "or at MOCKSERVER_URL when it is set. Each command's --help has its own examples.",
)
@click.version_option(package_name="mockserver")
@click.option(
    "--namespace",
    envvar="MOCKSERVER_NAMESPACE",
    show_envvar=True,
    default=None,
    help="Control this namespace's state, journal and rules (reset, rules, journal, fixtures).",
)
def main(namespace: str | None) -> None:
    """OpenAPI-first mock and contract-test server for chat-session APIs."""


@main.command(
    epilog=examples(
        "mockserver serve --port 9000 --watch",
        "mockserver serve --state memory --cors-origin http://localhost:3000",
        'mockserver serve --host 0.0.0.0 --admin-token "$ADMIN_TOKEN" --allowed-host mock.test',
        "mockserver serve --workers 4 --state sqlite:/tmp/mock.db",
    )
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--fixtures",
    "fixtures_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Fixture folder (one sub-folder per vendor).  [default: the ones shipped with the "
    "package: fixtures/ in a checkout]",
)
@click.option(
    "--specs",
    "specs_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the vendor specs.  [default: the ones shipped with the package: openapi/ "
    "in a checkout]",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    help="Origin allowed to call the mock from a browser (repeatable).  [default: every origin]",
)
@click.option("--reload", is_flag=True, help="Restart when the mock's code changes.")
@click.option("--watch", is_flag=True, help="Reload changed specs and fixtures while serving.")
@click.option(
    "--admin-token",
    envvar="MOCKSERVER_ADMIN_TOKEN",
    show_envvar=True,
    default=None,
    help="Protect /__admin with this bearer token (needed whenever --host is not loopback).",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    help="A host name (with dots) clients use to reach the mock, besides IP addresses, "
    "localhost and single-label names (repeatable; * for any). Other names are refused: a "
    "guard against DNS rebinding.",
)
@click.option(
    "--token-secret",
    envvar="MOCKSERVER_TOKEN_SECRET",
    show_envvar=True,
    callback=lambda _ctx, _param, value: _checked_secret(value),
    help="Secret (32+ bytes) signing the tokens the vendor APIs issue.  [default: a random one "
    f"made once and kept in {STATE_DIR}/{SECRET_FILE}, so tokens outlive a restart]",
)
@click.option(
    "--state",
    default=DEFAULT_URL,
    show_default=True,
    help="Where state lives: sqlite:PATH (survives restarts), redis://HOST:PORT[/DB][?prefix=NAME] "
    "(shared by replicas on any host) or memory (this process only).",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes answering on the one port, sharing the state (not with --state memory).",
)
@click.option(
    "--limit",
    "limits",
    multiple=True,
    metavar="NAME=VALUE",
    envvar="MOCKSERVER_LIMITS",
    show_envvar=True,
    help="Change one request limit (repeatable; the variable takes them comma-separated): "
    + ", ".join(f"{name}={getattr(Limits(), name)}" for name in Limits.names())
    + ". A request over a limit gets 400, 413, 414 or 431 in the vendor's error shape.",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    help="uvicorn's log level: critical, error, warning, info, debug or trace.",
)
def serve(
    host: str,
    port: int,
    fixtures_dir: Path | None,
    specs_dir: Path | None,
    cors_origins: tuple[str, ...],
    reload: bool,
    watch: bool,
    admin_token: str | None,
    allowed_hosts: tuple[str, ...],
    token_secret: str | None,
    state: str,
    workers: int,
    limits: tuple[str, ...],
    log_level: str,
) -> None:
    """Serve every vendor API, each under its own prefix, on one port."""
    if workers > 1 and state == "memory":
        raise click.UsageError(
            "--workers needs state the workers share, and --state memory is one process's: "
            f"use --state sqlite:PATH (the default is {DEFAULT_URL}) or redis://HOST:PORT"
        )
    if workers > 1 and reload:
        raise click.UsageError("--reload restarts one process: leave out --workers")
    defaults = Settings()
    settings = Settings(
        specs_dir=specs_dir or defaults.specs_dir,
        fixtures_dir=fixtures_dir or defaults.fixtures_dir,
        cors_origins=cors_origins or defaults.cors_origins,
        admin_token=admin_token,
        token_secret=token_secret or _or_exit(stored_secret, STATE_DIR),
        allowed_hosts=(*allowed_hosts, host),
        state=state,
        limits=_checked_limits(limits),
    )
    warning = exposure_warning(host, port, admin_token)
    if warning:
        click.secho(warning, err=True, fg="red", bold=True)
    # Build once before uvicorn runs: a bad spec or fixture is reported as one clear line.
    server = _build_or_exit(settings)
    click.echo(describe(server.control.backend.url, server.seeding))
    for api in server.apis.values():
        click.echo(f"{api.title:<12} http://{host}:{port}{api.prefix}   (UI {api.prefix}/ui/)")
    # uvloop's event loop and httptools' parser (both C), named rather than left to uvicorn's
    # "auto", so a missing one fails loudly instead of silently costing throughput; the parser
    # runs in a protocol that closes connections whose requests do not arrive in time.
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": log_level,
        "loop": "uvloop",
        "http": DeadlineHttpProtocol,
        "timeout_keep_alive": settings.limits.idle_seconds,
    }
    # The protocol (in this process and in every worker) reads its deadlines from here.
    os.environ[LIMITS_VARIABLE] = settings.to_env()[LIMITS_VARIABLE]
    if not reload and workers == 1:
        uvicorn.run(Reloading(settings, server) if watch else server.app, **options)
        return
    # Every worker (or reloaded process) builds its own server from the settings it inherits.
    server.control.backend.close()
    del server
    os.environ.update(settings.to_env())
    factory = "mockserver.watch:create_watching_app" if watch else "mockserver.app:create_app"
    uvicorn.run(factory, factory=True, reload=reload, workers=workers, **options)


@main.command(
    epilog=examples(
        "mockserver reset",
        "mockserver reset --api hapihub",
        "mockserver --namespace ci-42 reset",
        "mockserver reset --state sqlite:.mockserver/state.db --api hapihub",
    )
)
@URL_OPTION
@click.option("--api", default=None, help="Reset only this API (default: all).")
@ADMIN_TOKEN_OPTION
@click.option(
    "--state",
    default=None,
    help=f"Reset this state store directly, server running or not (e.g. {DEFAULT_URL}).",
)
def reset(url: str, api: str | None, token: str | None, state: str | None) -> None:
    """Restore the mock's state to its fixtures: a running mock's (POST /__admin/reset), or
    with --state the store itself, which every server using it sees at its next request."""
    if state is None:
        params = {"api": api} if api else {}
        answer = call_admin(url, token, "POST", "/reset", params=params)
        click.echo("reset: " + ", ".join(answer["reset"]))
        return
    vendors = [v for v in VENDORS if api is None or v.name == api]
    namespace = namespace_option() or ""
    if not vendors:
        raise click.ClickException(
            f"No API named {api!r}; known: {', '.join(_VENDOR_NAMES.choices)}"
        )
    try:
        if namespace:
            check_name(namespace)
        backend = open_backend(state)
        backend.reset(space(v.name, f.name, namespace) for v in vendors for f in v.fixtures)
        backend.close()
    except (StateError, BadRequest) as exc:
        raise click.ClickException(exc.message) from None
    click.echo("reset: " + ", ".join(v.name for v in vendors))


main.add_command(rules)
main.add_command(journal)
main.add_command(proxy)


@main.group(
    epilog=examples(
        "mockserver fixtures check",
        "mockserver fixtures generate twin --count 5000 --seed 7 --out big/twin",
        "mockserver fixtures load chatkitty ./my-data/",
    )
)
def fixtures() -> None:
    """Work with fixture data."""


@fixtures.command(
    "generate",
    epilog=examples(
        "mockserver fixtures generate chatkitty --count 500 --seed 3 --out my-fixtures/chatkitty",
        "mockserver fixtures check --fixtures my-fixtures",
    ),
)
@click.argument("api", type=_VENDOR_NAMES)
@click.option("--count", default=1000, show_default=True, help="Number of chat sessions.")
@click.option("--seed", default=1, show_default=True, help="Same seed, same data.")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write <collection>.json files into (a vendor's fixture folder).",
)
def generate(api: str, count: int, seed: int, out_dir: Path) -> None:
    """Write a deterministic, spec-valid fixture set for API."""
    for path in write_fixtures(api, count, seed, out_dir):
        click.echo(str(path))


fixtures.add_command(load_fixtures)


@fixtures.command(
    "check",
    epilog=examples(
        "mockserver fixtures check", "mockserver fixtures check --fixtures my-fixtures"
    ),
)
@click.option(
    "--fixtures",
    "fixtures_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Fixture folder to check (one sub-folder per vendor).  [default: the served ones]",
)
def check(fixtures_dir: Path | None) -> None:
    """Validate every spec and fixture as start-up does, without serving."""
    settings = Settings(fixtures_dir=fixtures_dir) if fixtures_dir else Settings()
    server = _build_or_exit(settings)
    for api in server.apis.values():
        sizes = ", ".join(f"{n}={len(c)}" for n, c in server.store.collections(api.name).items())
        click.echo(f"{api.name}: ok ({sizes})")


def _build_or_exit(settings: Settings) -> MockServer:
    return _or_exit(MockServer, settings)


def _or_exit(start: Callable[[_A], _T], argument: _A) -> _T:
    """``start(argument)``, or the StartupError it raises as one line and exit status 2."""
    try:
        return start(argument)
    except (StartupError, StateError) as exc:
        click.echo(f"mockserver: cannot start: {exc}", err=True)
        sys.exit(2)


def _checked_secret(value: str | None) -> str | None:
    try:
        return None if value is None else check_secret(value, "--token-secret")
    except StartupError as exc:
        raise click.BadParameter(exc.message) from None


def _checked_limits(items: tuple[str, ...]) -> Limits:
    # The variable's form is one comma-separated value; options come one each.
    try:
        return parse_limits(part for item in items for part in item.split(",") if part)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--limit") from None
