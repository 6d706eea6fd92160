"""The admin API under ``/__admin``: controlling the mock itself rather than a vendor.

It has its own spec (``openapi/admin.yaml``) and Swagger UI (``/__admin/ui/``), and answers
errors in the plain ``{error, message}`` shape the server uses outside every vendor's prefix.
What it controls outlives one :class:`~mockserver.app.MockServer`: the journal and the fault
rules are a :class:`Control`, which a hot reload hands from the old server to the new one.

It is for the mock's owner: scripts, the CLI, its own Swagger UI. :class:`AdminGuard` keeps
every page of another origin out (no CORS but for origins given explicitly, and no state
changed by a request a page could send without asking), and a data set loaded here changes
data, never who may do what (:meth:`AdminAPI.load_fixtures`).
"""

from __future__ import annotations

import hmac
import ipaddress
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import inflection
from connexion import AsyncApp
from connexion.resolver import Resolver
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .auth import Clock, Principal, security_map
from .collection import Collection
from .config import Settings
from .encoding import json_bytes
from .errors import (
    BadRequest,
    FixtureError,
    Forbidden,
    HTTPError,
    NotFound,
    Unauthorized,
    UnsupportedMediaType,
)
from .faults import FaultRules, Renderer
from .fixtures import check_records
from .hosts import send_error
from .journal import Entry, Journal
from .redaction import redact_data
from .specs import load_spec
from .state import Backend
from .state.memory import MemoryBackend
from .store import Store
from .validation import VALIDATOR_MAP_ALL_PROBLEMS, ExplodedArraysURIParser
from .vendors import VendorAPI
from .verification import Query, Verifier

__all__ = [
    "PREFIX",
    "AdminAPI",
    "AdminGuard",
    "Control",
    "exposure_warning",
    "is_admin_path",
    "mount_admin",
    "token_verifier",
]

PREFIX = "/__admin"
# What a page of another origin can send without a preflight: a form, or text.
_SIMPLE_BODIES = {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def is_admin_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


@dataclass
class Control:
    """What the control plane keeps across reloads: the state backend, the journal and the
    fault rules."""

    clock: Clock = time.time
    backend: Backend = field(default_factory=MemoryBackend)
    journal: Journal = field(init=False)
    rules: FaultRules = field(init=False)

    def __post_init__(self) -> None:
        self.journal = Journal(self.clock, backend=self.backend)
        self.rules = FaultRules(self.clock, backend=self.backend)


def exposure_warning(host: str, port: int, admin_token: str | None) -> str | None:
    """What a server listening on ``host`` without an admin token exposes; None on loopback."""
    if admin_token or host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host.strip("[]")).is_loopback:
            return None
    except ValueError:
        pass  # a name: it may stand for any interface
    return (
        f"WARNING: listening on {host}, reachable from other machines, and {PREFIX} has no "
        f"--admin-token.\nAnyone who can reach port {port} can reset or replace the mock's "
        "data, read the journal (every request's method, path, query and headers, credentials "
        "redacted) and make every API fail or stall with fault rules.\nProtect it: "
        "--admin-token TOKEN (or MOCKSERVER_ADMIN_TOKEN=TOKEN)."
    )


def token_verifier(token: str) -> Callable[[str], Principal]:
    """The bearer check for ``--admin-token`` (constant-time, so the token cannot be probed)."""

    def verify(presented: str) -> Principal:
        if not hmac.compare_digest(presented.encode(), token.encode()):
            raise Unauthorized("The admin token is not valid", reason="invalid_token")
        return {"sub": "admin"}

    return verify


class AdminAPI:
    """Handlers of ``openapi/admin.yaml``, one per operationId.

    Plain functions on purpose: Connexion runs them in a worker thread, so the state's
    synchronous calls they make (a data set loaded, the journal read, a Redis round trip) never
    hold the event loop that serves the vendors' APIs. Admin calls are rare; requests are not.
    """

    def __init__(self, control: Control, store: Store, apis: Mapping[str, VendorAPI]) -> None:
        self.control = control
        self.store = store
        self.apis = apis
        self.verifier = Verifier({name: api.spec for name, api in apis.items()})

    def resolve(self, operation_id: str) -> Callable[..., Any]:
        return getattr(self, inflection.underscore(operation_id))  # type: ignore[no-any-return]

    def reset(self, api: str | None = None) -> Response:
        """Throw away what clients wrote: every API, or the one named."""
        known = self.store.vendors()
        if api is not None:
            self._api(api)
        self.store.reset(api)
        return _json({"reset": [api] if api else known})

    def load_fixtures(self, api: str, body: Mapping[str, Any]) -> Response:
        """Replace the named collections of one API, after checking every record."""
        vendor = self._api(api)
        declared = {f.name: f for f in vendor.fixtures}
        unknown = sorted(set(body) - set(declared))
        if unknown:
            raise BadRequest(
                f"{api} has no collection {', '.join(unknown)}; collections: {', '.join(declared)}"
            )
        # Whoever reaches this API could otherwise give themselves an admin account or a token.
        privileged = [name for name in body if declared[name].privileged]
        if privileged:
            raise Forbidden(
                f"{api}/{', '.join(privileged)} hold credentials or rights, which a data set "
                "cannot change; edit them in the fixture files the mock starts from "
                "(--fixtures DIR), or leave them out"
            )
        checked = {}
        for name, records in body.items():
            fixture = declared[name]
            try:
                checked[name] = (
                    fixture.key,
                    check_records(f"{api}/{name}", records, fixture, vendor.spec),
                )
            except FixtureError as exc:
                raise BadRequest(str(exc)) from None
        # The data set as it would be once loaded, held to the vendor's own rules too.
        candidate = {
            **self.store.collections(api),
            **{name: Collection(name, key, rows) for name, (key, rows) in checked.items()},
        }
        try:
            vendor.check_fixtures(candidate, lambda name: f"{api}/{name}")
        except FixtureError as exc:
            raise BadRequest(str(exc)) from None
        self.store.load(api, checked)
        return _json({"loaded": {name: len(records) for name, (_, records) in checked.items()}})

    def get_journal(self, limit: int = 100, **parameters: Any) -> Response:
        """The entries a query selects, newest first (see :mod:`mockserver.verification`)."""
        selected = self._select(parameters)
        entries = [self.verifier.describe(e) for _, e in zip(range(limit), selected, strict=False)]
        return _json({"entries": entries})

    def count_journal(self, **parameters: Any) -> Response:
        return _json({"count": sum(1 for _ in self._select(parameters))})

    def _select(self, parameters: Mapping[str, Any]) -> Iterable[Entry]:
        query = Query.from_parameters(parameters)
        return self.verifier.select(self.control.journal.entries(), query)

    def get_journal_entry(self, id_: str) -> Response:
        return _json(self.verifier.describe(self._entry(id_)))

    def explain_journal_entry(self, id_: str) -> Response:
        return _json(self.verifier.explain(self._entry(id_)))

    def get_state(self) -> Response:
        """Every API's collections and how many records each holds."""
        return _json(
            {
                "apis": [
                    {
                        "name": name,
                        "title": api.title,
                        "prefix": api.prefix,
                        "collections": [
                            {"name": c.name, "key": c.key, "count": len(c)}
                            for c in self.store.collections(name).values()
                        ],
                    }
                    for name, api in self.apis.items()
                ]
            }
        )

    def get_records(self, api: str, collection: str, offset: int = 0, limit: int = 1) -> Response:
        """Records of one collection in stored order; credential-named fields redacted."""
        self._api(api)
        collections = self.store.collections(api)
        if collection not in collections:
            raise NotFound(
                f"{api} has no collection {collection!r}; collections: {', '.join(collections)}"
            )
        records = collections[collection].all()
        page = redact_data(records[offset : offset + limit])
        return _json({"total": len(records), "offset": offset, "records": page})

    def clear_journal(self) -> Response:
        return _json({"cleared": self.control.journal.clear()})

    def list_rules(self) -> Response:
        now = self.control.clock()
        return _json({"rules": [r.as_dict(now) for r in self.control.rules.list()]})

    def add_rule(self, body: Mapping[str, Any]) -> Response:
        rule = self.control.rules.add(body)
        return _json(rule.as_dict(self.control.clock()), status=201)

    def clear_rules(self) -> Response:
        return _json({"cleared": self.control.rules.clear()})

    def delete_rule(self, id_: str) -> Response:
        self.control.rules.remove(id_)
        return _json({"deleted": id_})

    def _entry(self, id_: str) -> Entry:
        for entry in self.control.journal.entries():
            if entry.id == id_:
                return entry
        raise NotFound(f"No journal entry {id_!r}; the journal keeps the last entries only")

    def _api(self, name: str) -> VendorAPI:
        if name not in self.apis:
            raise NotFound(f"No API named {name!r}; known: {', '.join(self.apis) or 'none'}")
        return self.apis[name]


class AdminGuard:
    """Keeps pages of other origins away from ``/__admin``; other paths pass untouched.

    * No CORS, except for the origins given explicitly (``--cors-origin``, never ``*``) and
      without credentials: a page elsewhere cannot read what the admin API answers.
    * A call that changes state is refused when a page of another origin could have sent it
      without a preflight: a form or text body, an ``Origin`` that is neither the mock's own nor
      an allowed one, or, without ``Origin``, a ``Sec-Fetch-Site`` other than ``same-origin`` /
      ``none``. Tools without a browser (curl, the CLI, a test harness) send none of these.

    Together with the Host check (:class:`~mockserver.hosts.HostGuard`) no page of another site
    reads or changes the mock's state.
    """

    def __init__(self, app: ASGIApp, *, cors_origins: Iterable[str], render: Renderer) -> None:
        self.app = app
        self.origins = {o.lower().rstrip("/") for o in cors_origins if o != "*"}
        self.render = render
        self.cors: ASGIApp = app
        if self.origins:
            self.cors = CORSMiddleware(
                app,
                allow_origins=sorted(self.origins),
                allow_methods=["GET", "POST", "DELETE"],
                allow_headers=["Authorization", "Content-Type"],
                allow_credentials=False,
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_admin_path(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        refusal = None if scope["method"] in _SAFE_METHODS else self._refusal(scope)
        if refusal is not None:
            await send_error(self.render, refusal, scope, receive, send)
            return
        await self.cors(scope, receive, send)

    def _refusal(self, scope: Scope) -> HTTPError | None:
        headers = Headers(scope=scope)
        media_type = headers.get("content-type", "").partition(";")[0].strip().lower()
        if media_type in _SIMPLE_BODIES:
            return UnsupportedMediaType(
                f"The admin API takes JSON (Content-Type: application/json), not {media_type}: "
                "a form or text body is what a page of another site can send unasked"
            )
        origin = headers.get("origin")
        if origin is not None:
            own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}".lower()
            if origin.lower().rstrip("/") in (own, *self.origins):
                return None
            return Forbidden(
                f"The admin API does not take calls from pages of another origin ({origin}); "
                "use the CLI or curl, or start the mock with --cors-origin for that origin"
            )
        site = headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            return Forbidden(
                f"The admin API does not take calls from pages of another site "
                f"(Sec-Fetch-Site: {site})"
            )
        return None


def mount_admin(app: AsyncApp, admin: AdminAPI, settings: Settings) -> None:
    """Serve ``admin`` under ``/__admin``, behind the bearer token when the server has one.

    The requirement is added to the document only then, so the Swagger UI shows a lock exactly
    when one is needed.
    """
    spec = load_spec(settings.specs_dir / "admin.yaml")
    # The spec says the token is optional; served, it is required or not asked for at all (an
    # optional scheme without a verifier makes Connexion warn on every operation).
    document, verifiers = {**spec.document, "security": []}, {}
    if settings.admin_token:
        document["security"] = [{"admin_token": []}]
        verifiers = {"admin_token": token_verifier(settings.admin_token)}
    schemes = spec.resolved["components"]["securitySchemes"]
    app.add_api(
        document,
        base_path=PREFIX,
        name="admin",
        resolver=Resolver(function_resolver=admin.resolve),
        security_map=security_map(verifiers, schemes),
        validator_map=VALIDATOR_MAP_ALL_PROBLEMS,
        uri_parser_class=ExplodedArraysURIParser,  # body=a,b is one filter, as repeated keys are
        validate_responses=settings.validate_responses,
        pythonic_params=True,
    )


def _json(body: Any, status: int = 200) -> Response:
    return Response(json_bytes(body), status_code=status, media_type="application/json")
