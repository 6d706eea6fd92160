"""``mockserver`` subcommands for the control plane: scripts drive a running mock with these.

Each one is a thin call of the admin API (``/__admin``), so a script, the Swagger UI and a
browser app's test harness all go through the same, validated door; ``proxy`` starts the
validating proxy. :mod:`mockserver.cli` registers them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import httpx
import uvicorn

from .admin import exposure_warning
from .config import Settings
from .proxy import SERVER_OPTIONS, create_proxy
from .state.namespaces import HEADER
from .vendors import VENDORS

__all__ = [
    "ADMIN_TOKEN_OPTION",
    "URL_OPTION",
    "call_admin",
    "examples",
    "journal",
    "load_fixtures",
    "namespace_option",
    "proxy",
    "rules",
]

URL_OPTION = click.option(
    "--url",
    envvar="MOCKSERVER_URL",
    show_envvar=True,
    default="http://127.0.0.1:8080",
    show_default=True,
    help="The running mock's root URL (set MOCKSERVER_URL once for every control command).",
)
ADMIN_TOKEN_OPTION = click.option(
    "--token",
    envvar="MOCKSERVER_ADMIN_TOKEN",
    show_envvar=True,
    default=None,
    help="The mock's --admin-token, if it has one.",
)


def examples(*lines: str) -> str:
    """A command's help epilog: examples to copy, one a line, kept as written (click's ``\\b``)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def call_admin(url: str, token: str | None, method: str, path: str, **request: Any) -> Any:
    """The JSON answer of an admin API call, or a ClickException carrying the mock's message."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    namespace = namespace_option()
    if namespace:
        headers[HEADER] = namespace
    try:
        response = httpx.request(
            method, f"{url.rstrip('/')}/__admin{path}", headers=headers, timeout=10, **request
        )
    except httpx.HTTPError as exc:
        raise click.ClickException(f"cannot reach the mock at {url}: {exc}") from None
    if response.status_code >= 400:
        try:
            message = response.json().get("message", response.text)
        except ValueError:
            message = response.text
        raise click.ClickException(f"{response.status_code}: {message}")
    return response.json()


def namespace_option() -> str | None:
    """The ``mockserver --namespace`` the command runs under (None: the default namespace)."""
    context = click.get_current_context(silent=True)
    return context.find_root().params.get("namespace") if context else None


# -- fault rules ---------------------------------------------------------------------------------


@click.group(
    epilog=examples(
        "mockserver rules add /chatkitty/chat-sessions --method GET --status 503 --every 3",
        "mockserver rules list",
        "mockserver rules clear",
    )
)
def rules() -> None:
    """Fault rules of a running mock: latency, error answers, broken connections."""


@rules.command("list", epilog=examples("mockserver rules list"))
@URL_OPTION
@ADMIN_TOKEN_OPTION
def list_rules(url: str, token: str | None) -> None:
    """The rules in force, one per line."""
    for rule in call_admin(url, token, "GET", "/rules")["rules"]:
        click.echo(_rule_line(rule))


@rules.command(
    "add",
    epilog=examples(
        "mockserver rules add /chatkitty/chat-sessions --method GET --status 503 --every 3",
        "mockserver rules add /twin --latency 200-800 --ttl 600",
        "mockserver rules add '/hapihub/chat-sessions/{id}' --fault drop --times 2",
    ),
)
@click.argument("path")
@click.option("--method", help="Only this method (default: any).")
@click.option(
    "--status",
    type=click.IntRange(400, 599),
    help="Answer this status, in the vendor's error shape (not with --fault).",
)
@click.option(
    "--every",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Fire on every N-th matching call (3: the 3rd, 6th …).",
)
@click.option("--latency", help="Milliseconds to wait: 250, or a range 200-800.")
@click.option(
    "--fault",
    type=click.Choice(["drop", "truncate"]),
    help="Break the connection: drop (no answer) or truncate (half the body).",
)
@click.option("--times", type=click.IntRange(min=1), help="Expire after firing this often.")
@click.option("--ttl", type=click.FloatRange(min=0, min_open=True), help="Expire after seconds.")
@URL_OPTION
@ADMIN_TOKEN_OPTION
def add_rule(path: str, url: str, token: str | None, latency: str | None, **options: Any) -> None:
    """Add a rule for requests under PATH (a prefix, or a template like /x/items/{id})."""
    definition = {k: v for k, v in options.items() if v is not None}
    definition["path"] = path
    if definition.get("method"):
        definition["method"] = definition["method"].upper()
    if latency is not None:
        low, _, high = latency.partition("-")
        try:
            definition["latency_ms"] = {"min": int(low), "max": int(high or low)}
        except ValueError:
            raise click.BadParameter("use 250 or 200-800", param_hint="--latency") from None
    click.echo(_rule_line(call_admin(url, token, "POST", "/rules", json=definition)))


@rules.command("clear", epilog=examples("mockserver rules clear r1", "mockserver rules clear"))
@click.argument("rule_id", required=False)
@URL_OPTION
@ADMIN_TOKEN_OPTION
def clear_rules(rule_id: str | None, url: str, token: str | None) -> None:
    """Remove one rule (by id), or every rule."""
    if rule_id:
        click.echo(f"deleted: {call_admin(url, token, 'DELETE', f'/rules/{rule_id}')['deleted']}")
    else:
        click.echo(f"cleared: {call_admin(url, token, 'DELETE', '/rules')['cleared']}")


def _rule_line(rule: dict[str, Any]) -> str:
    does = [f"status {rule['status']}"] if rule["status"] else []
    if rule["latency_ms"]:
        does.append(f"latency {rule['latency_ms']['min']}-{rule['latency_ms']['max']} ms")
    if rule["fault"]:
        does.append(rule["fault"])
    limits = [f"times {rule['times']}"] if rule["times"] else []
    if rule["expires_in"] is not None:
        limits.append(f"expires in {rule['expires_in']:.0f} s")
    every = f" every {rule['every']}" if rule["every"] > 1 else ""
    return (
        f"{rule['id']}: {rule['method'] or '*'} {rule['path']}{every} -> {', '.join(does)}"
        f"{' (' + ', '.join(limits) + ')' if limits else ''}; fired {rule['fired']}/{rule['calls']}"
    )


# -- journal -------------------------------------------------------------------------------------


@click.group(
    invoke_without_command=True,
    epilog=examples(
        "mockserver journal --api chatkitty --status 4xx",
        "mockserver journal --json --limit 5",
        "mockserver journal clear",
    ),
)
@click.option("--api", help="Only this API's requests.")
@click.option("--status", help="Only this status (404) or class (4xx).")
@click.option("--path", help="Only paths starting with this.")
@click.option(
    "--limit",
    type=click.IntRange(1, 1000),
    default=50,
    show_default=True,
    help="At most this many entries.",
)
@click.option("--json", "as_json", is_flag=True, help="The entries as JSON.")
@URL_OPTION
@ADMIN_TOKEN_OPTION
@click.pass_context
def journal(
    ctx: click.Context, /, url: str, token: str | None, as_json: bool, **filters: Any
) -> None:
    """The last requests a running mock answered, newest first, with every problem found."""
    if ctx.invoked_subcommand is not None:
        return
    params = {k: v for k, v in filters.items() if v is not None}
    entries = call_admin(url, token, "GET", "/journal", params=params)["entries"]
    if as_json:
        click.echo(json.dumps(entries, indent=2))
        return
    for entry in entries:
        query = f"?{entry['query']}" if entry["query"] else ""
        status = entry["status"] if entry["status"] is not None else "---"
        click.echo(
            f"{entry['time']} {status} {entry['method']} {entry['path']}{query} "
            f"({entry['duration_ms']:.0f} ms)"
        )
        for line in [*entry["notes"], *entry["problems"]]:
            click.echo(f"    {line}")


@journal.command("clear", epilog=examples("mockserver journal clear"))
@URL_OPTION
@ADMIN_TOKEN_OPTION
def clear_journal(url: str, token: str | None) -> None:
    """Forget every journal entry."""
    click.echo(f"cleared: {call_admin(url, token, 'DELETE', '/journal')['cleared']}")


# -- data sets -----------------------------------------------------------------------------------


@click.command(
    "load",
    epilog=examples(
        "mockserver fixtures load chatkitty ./my-data/",
        "mockserver fixtures load hapihub sessions.json",
    ),
)
@click.argument("api", type=click.Choice([v.name for v in VENDORS]))
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@URL_OPTION
@ADMIN_TOKEN_OPTION
def load_fixtures(api: str, source: Path, url: str, token: str | None) -> None:
    """Load a data set into a running mock: SOURCE is a <collection>.json file or a folder of them.

    Checked as at start-up; one bad record and nothing changes.
    """
    files = sorted(source.glob("*.json")) if source.is_dir() else [source]
    try:
        body = {f.stem: json.loads(f.read_text(encoding="utf-8")) for f in files}
    except ValueError as exc:
        raise click.ClickException(f"{source}: not valid JSON: {exc}") from None
    loaded = call_admin(url, token, "POST", f"/fixtures/{api}", json=body)["loaded"]
    click.echo(", ".join(f"{name}={count}" for name, count in loaded.items()))


# -- validating proxy ----------------------------------------------------------------------------


@click.command(
    epilog=examples(
        "mockserver proxy chatkitty --upstream https://api.chatkitty.com --port 8080",
        "curl -s http://127.0.0.1:8080/__admin/journal?problems=true",
    )
)
@click.argument("api", type=click.Choice([v.name for v in VENDORS]))
@click.option("--upstream", required=True, help="The real backend's API root URL.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--specs",
    "specs_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the vendor specs.  [default: the ones shipped with the package]",
)
@click.option(
    "--admin-token",
    envvar="MOCKSERVER_ADMIN_TOKEN",
    show_envvar=True,
    default=None,
    help="Protect /__admin with this bearer token.",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    help="A host name (with dots) clients use to reach the proxy (repeatable; * for any); "
    "IP addresses, localhost and single-label names always are. A guard against DNS rebinding.",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    help="uvicorn's log level: critical, error, warning, info, debug or trace.",
)
def proxy(
    api: str,
    upstream: str,
    host: str,
    port: int,
    specs_dir: Path | None,
    admin_token: str | None,
    allowed_hosts: tuple[str, ...],
    log_level: str,
) -> None:
    """Forward /API/… to UPSTREAM, reporting every contract violation (Mock-Violations header)."""
    defaults = Settings()
    settings = Settings(
        specs_dir=specs_dir or defaults.specs_dir,
        admin_token=admin_token,
        allowed_hosts=(*allowed_hosts, host),
    )
    warning = exposure_warning(host, port, admin_token)
    if warning:
        click.secho(warning, err=True, fg="red", bold=True)
    click.echo(f"proxy http://{host}:{port}/{api} -> {upstream}  (journal: /__admin/journal)")
    app = create_proxy(api, upstream, settings)
    uvicorn.run(app, host=host, port=port, log_level=log_level, **SERVER_OPTIONS)
