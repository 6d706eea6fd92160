"""The two pages a person opens in a browser: ``/`` (what is served here) and the inspector.

``/`` lists every API with its Swagger UI, its operations and the demo credentials found in its
current data, so a newcomer can make a first call without reading the README. The inspector at
``/__admin/`` is one static page (HTML, JavaScript and CSS shipped in ``mockserver/inspector``,
no build step) that reads and drives the admin API from the browser: the journal as requests
arrive, an entry's request, answer, problems and a curl command, each API's state, the fault
rules and reset. The page itself holds no data, so it is served without the admin token; its
script sends the token (kept in the tab's ``sessionStorage``) with every admin call.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, Router
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import NotFound
from .faults import Renderer
from .hosts import send_error
from .redaction import is_secret
from .store import Store
from .vendors import VendorAPI

__all__ = ["INSPECTOR", "Pages", "demo_credentials"]

INSPECTOR = "/__admin/"
_ASSETS = Path(__file__).parent / "inspector"
# Fields that say who a credential belongs to, in the order a login form asks for them.
_IDENTITY = ("client_id", "email", "username", "login", "uid")
_DEMO = "demo"
_MAX_SECRET = 60  # longer values are hashes or signed tokens, nothing to type in


class Pages:
    """Serves ``/``, ``/__admin/`` and the inspector's files; passes everything else on."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        apis: Mapping[str, VendorAPI],
        store: Store,
        render_error: Renderer,
    ) -> None:
        self.app = app
        self.render_error = render_error
        self.apis = apis
        self.store = store
        self.router = Router(
            routes=[
                Route("/", self.landing, methods=["GET", "HEAD"]),
                Route(INSPECTOR, self.inspector, methods=["GET", "HEAD"]),
                Route(INSPECTOR.rstrip("/"), self.to_inspector, methods=["GET", "HEAD"]),
                Mount(f"{INSPECTOR}inspector", app=StaticFiles(directory=_ASSETS)),
            ],
            redirect_slashes=False,
        )
        self.paths = {"/", INSPECTOR, INSPECTOR.rstrip("/")}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and (
            path in self.paths or path.startswith(f"{INSPECTOR}inspector/")
        ):
            try:
                await self.router(scope, receive, send)
            except HTTPException:  # a file the inspector does not have
                await send_error(
                    self.render_error, NotFound(f"No file at {path}"), scope, receive, send
                )
        else:
            await self.app(scope, receive, send)

    async def inspector(self, _request: Any) -> Response:
        return HTMLResponse((_ASSETS / "index.html").read_text(encoding="utf-8"))

    async def to_inspector(self, _request: Any) -> Response:
        return RedirectResponse(INSPECTOR)

    async def landing(self, _request: Any) -> Response:
        return HTMLResponse(render_landing(self.apis, self.store))


def demo_credentials(store: Store, api: str) -> Iterator[dict[str, str]]:
    """The demo logins in ``api``'s data: records with a credential whose value starts "demo".

    Read from the data rather than written down, so the page shows what actually logs in.
    """
    for collection in store.collections(api).values():
        for record in collection:
            secrets = {
                name: value
                for name, value in record.items()
                if isinstance(value, str) and is_secret(name) and len(value) <= _MAX_SECRET
            }
            if not any(value.startswith(_DEMO) for value in secrets.values()):
                continue
            who = next((f for f in _IDENTITY if isinstance(record.get(f), str)), None)
            yield {
                "collection": collection.name,
                **({who: record[who]} if who else {}),
                **secrets,
            }


def render_landing(apis: Mapping[str, VendorAPI], store: Store) -> str:
    sections = "\n".join(_api_section(api, store) for api in apis.values())
    return _PAGE.format(sections=sections, inspector=INSPECTOR)


def _api_section(api: VendorAPI, store: Store) -> str:
    e = html.escape
    operations = "".join(
        f"<li><code>{e(op.method.upper())} {e(api.prefix + op.path)}</code> "
        f"<span class=id>{e(op.operation_id)}</span></li>"
        for op in api.spec.operations.values()
    )
    logins = [
        "<li>"
        + ", ".join(f"{e(k)} <code>{e(v)}</code>" for k, v in login.items() if k != "collection")
        + f" <span class=id>({e(login['collection'])})</span></li>"
        for login in demo_credentials(store, api.name)
    ]
    return f"""<section id="api-{e(api.name)}">
  <h2>{e(api.title)} <code>{e(api.prefix)}</code></h2>
  <p><a href="{e(api.prefix)}/ui/">Swagger UI</a> · <a href="{e(api.prefix)}/openapi.json">spec
  (JSON)</a></p>
  <h3>Operations</h3><ul>{operations}</ul>
  <h3>Demo credentials</h3><ul class=logins>{"".join(logins) or "<li>none</li>"}</ul>
</section>"""


_PAGE = """<!doctype html>
<html lang=en><head><meta charset=utf-8><title>chat-session mockserver</title>
<meta name=viewport content="width=device-width, initial-scale=1">
<link rel=icon href="data:,">
<style>
body {{ font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem;
       padding: 0 1rem; color: #1d2330; }}
h1 {{ margin-bottom: .2rem; }} h2 {{ border-bottom: 1px solid #d8dce6; padding-bottom: .3rem; }}
h3 {{ font-size: 1rem; margin: .8rem 0 .2rem; }} ul {{ margin: 0; padding-left: 1.2rem; }}
code {{ background: #f1f3f8; padding: 0 .25rem; border-radius: 3px; }}
.id {{ color: #69718a; font-size: .85em; }} nav a {{ margin-right: 1rem; }}
</style></head>
<body>
<h1>chat-session mockserver</h1>
<p>Four vendors' chat-session APIs, each validated against its OpenAPI spec and answering in the
vendor's own shapes, plus the mock's admin API.</p>
<nav><a href="{inspector}">Request inspector</a><a href="/__admin/ui/">Admin API (Swagger UI)</a>
</nav>
{sections}
</body></html>
"""
