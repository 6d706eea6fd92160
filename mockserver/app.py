"""The application factory: every vendor's spec mounted under its prefix in one Connexion app.

Start-up does all the checking it can before serving: every spec is parsed and validated, every
fixture validated against its spec, every operationId bound to a handler. Any failure raises a
:class:`~mockserver.errors.StartupError` that names the file and the place.

At request time every error, whatever raised it (Connexion's routing, security or validation,
Starlette, a vendor handler), goes through one handler that turns it into an
:class:`~mockserver.errors.HTTPError` and lets the vendor owning the path render it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import ExitStack, asynccontextmanager

import orjson
from connexion import AsyncApp
from connexion.decorators import parameter as connexion_parameters
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import MiddlewarePosition
from connexion.resolver import Resolver
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from .admin import AdminAPI, AdminGuard, Control, is_admin_path, mount_admin
from .config import Settings
from .dispatch import CompiledOperation, Dispatcher, compile_api
from .errors import (
    BadRequest,
    HTTPError,
    MethodNotAllowed,
    NotFound,
    SpecError,
    StateError,
    error_for_status,
)
from .faults import FaultMiddleware, Renderer, answer_error
from .fixtures import load_fixtures
from .hosts import HostGuard
from .journal import JournalMiddleware, note_error
from .limits import LimitsMiddleware
from .pages import Pages
from .redaction import install_log_redaction
from .routes import CaseInsensitivePaths, query_names, spellings
from .specs import json_pointer, load_spec
from .state import fingerprint, open_backend
from .state.namespaces import HEADER, Namespaces, check_name, current
from .store import Store, one_stamp
from .validation import ExplodedArraysURIParser
from .vendors import VENDORS, VendorAPI
from .verdicts import Verdicts, digest

__all__ = ["MockServer", "create_app", "error_answer"]

logger = logging.getLogger("mockserver")
# Connexion warns on every request to an operation with several request media types (our token
# endpoint takes multipart and urlencoded, as the vendor's does): noise, not news.
logging.getLogger("connexion.operations.openapi3").setLevel(logging.ERROR)
# Connexion 3.3 turns every parameter name into a Python name on every request (four regular
# expressions a name, 5-7% of a list call); the names are the spec's, so the answers never change.
# Bounded, because a handler taking **kwargs would be sent names the client chose.
connexion_parameters.pythonic = functools.lru_cache(maxsize=1024)(connexion_parameters.pythonic)

# Headers a browser app may read from our answers (paging links, downloads, auth challenges).
_EXPOSED_HEADERS = ["Content-Disposition", "Link", "Location", "WWW-Authenticate", "Allow"]


class MockServer:
    """The ASGI app together with the state it serves, for the CLI, the tests and admin tools."""

    def __init__(self, settings: Settings | None = None, control: Control | None = None) -> None:
        self.settings = settings or Settings()
        install_log_redaction()  # uvicorn's access log writes every query, tokens included
        # The state backend, journal and fault rules; a hot reload passes the old server's on.
        self.control = control or Control(self.settings.clock, open_backend(self.settings.state))
        spec_files = [self.settings.specs_dir / f"{v.name}.yaml" for v in VENDORS]
        fingerprints = {
            v.name: fingerprint(
                self.settings.fixtures_dir / v.name / f"{f.name}.json" for f in v.fixtures
            )
            for v in VENDORS
        }
        # Checks an earlier start passed with these very files and code are not made again.
        verdicts = Verdicts(self.control.backend)
        checked = digest(spec_files, fingerprints.values())
        check = not verdicts.passed(checked)
        specs = {
            v.name: load_spec(f, validate=check) for v, f in zip(VENDORS, spec_files, strict=True)
        }
        fixtures = {
            v.name: load_fixtures(
                self.settings.fixtures_dir / v.name, v.fixtures, specs[v.name], check=check
            )
            for v in VENDORS
        }
        self.store = Namespaces(
            fixtures,
            self.control.backend,
            self.settings.clock,
            on_expiry=(self.control.journal.clear, self.control.rules.clear),
        )
        self.apis: dict[str, VendorAPI] = {
            v.name: v(specs[v.name], self.store, self.settings) for v in VENDORS
        }
        for api in self.apis.values():
            if check:
                api.check_fixtures(self.store.collections(api.name), self._fixture_file(api.name))
            _check_handlers(api)
        # Only now what clients wrote before: the checks above are the fixtures' own.
        self.seeding = self.store.seed(fingerprints)
        self.app = self._build()
        if check:
            verdicts.record(checked)

    async def stop(self) -> None:
        """What the server does as it stops (its ASGI lifespan's shutdown): the journal entries
        still queued (they wait up to 50 ms to go out together) are written while the loop's
        connections to the state are open, so none is left for a client about to close;
        then those connections are closed."""
        await run_in_threadpool(self.control.backend.flush)
        await self.control.backend.aclose()

    @asynccontextmanager
    async def _lifespan(self, app: object) -> AsyncIterator[None]:
        yield
        await self.stop()

    def _fixture_file(self, vendor: str) -> Callable[[str], str]:
        folder = self.settings.fixtures_dir / vendor
        return lambda collection: str(folder / f"{collection}.json")

    def _build(self) -> AsyncApp:
        app = AsyncApp(__name__, lifespan=self._lifespan)
        for api in self.apis.values():
            app.add_api(
                api.served_document,
                base_path=api.prefix,
                name=api.name,
                resolver=Resolver(function_resolver=api.resolve),
                security_map=api.security_map(),
                validator_map=api.validator_map,
                uri_parser_class=ExplodedArraysURIParser,
                validate_responses=self.settings.validate_responses,
                pythonic_params=True,
            )
        mount_admin(app, AdminAPI(self.control, self.store, self.apis), self.settings)
        for exc_class in (Exception, HTTPException, ProblemException, HTTPError):
            app.add_error_handler(exc_class, self._handle_error)
        # Outermost: a request over a limit costs nothing more, and is not journaled whole.
        app.add_middleware(
            LimitsMiddleware,
            position=MiddlewarePosition.BEFORE_EXCEPTION,
            limits=self.settings.limits,
            render=self._handle_error,
            is_admin=is_admin_path,
        )
        # Then the request's namespace, and its state as up to date as the backend's.
        app.add_middleware(
            StateMiddleware,
            position=MiddlewarePosition.BEFORE_EXCEPTION,
            store=self.store,
            render=self._handle_error,
        )
        # Outside CORS and error handling, so the journal sees every answer as the client does.
        app.add_middleware(
            JournalMiddleware,
            position=MiddlewarePosition.BEFORE_EXCEPTION,
            journal=self.control.journal,
            api_of=lambda path: api.name if (api := self.api_for(path)) else None,
        )
        # A page of another site reaches neither the APIs by a name of its own (DNS rebinding)
        # nor the admin API at all; both refusals are journaled.
        app.add_middleware(
            HostGuard,
            position=MiddlewarePosition.BEFORE_EXCEPTION,
            allowed=self.settings.allowed_hosts,
            render=self._handle_error,
        )
        app.add_middleware(
            AdminGuard,
            position=MiddlewarePosition.BEFORE_EXCEPTION,
            cors_origins=self.settings.cors_origins,
            render=self._handle_error,
        )
        app.add_middleware(
            _VendorCORS,
            position=MiddlewarePosition.BEFORE_EXCEPTION,
            allow_origins=list(self.settings.cors_origins),
            allow_methods=["*"],
            allow_headers=["*"],
            allow_credentials=True,
            expose_headers=_EXPOSED_HEADERS,
        )
        # `/` and the inspector: outside the fault rules, which must not break the page that
        # lists them.
        app.add_middleware(
            Pages,
            position=MiddlewarePosition.BEFORE_EXCEPTION,
            apis=self.apis,
            store=self.store,
            render_error=self._handle_error,
        )
        # Inside CORS (a browser may read a fault), outside error handling (it can cut any answer).
        app.add_middleware(
            FaultMiddleware,
            position=MiddlewarePosition.BEFORE_EXCEPTION,
            rules=self.control.rules,
            render=self._handle_error,
        )
        # Paths of vendors whose servers ignore case, in the spelling the spec and routes use.
        app.add_middleware(
            CaseInsensitivePaths,
            position=MiddlewarePosition.BEFORE_EXCEPTION,
            routes=[
                route
                for api in self.apis.values()
                if api.case_insensitive_paths
                for route in spellings(api.prefix, api.spec.resolved.get("paths", {}))
            ],
            names={
                folded: name
                for api in self.apis.values()
                if api.case_insensitive_paths
                for folded, name in query_names(api.spec.resolved.get("paths", {})).items()
            },
        )
        # Innermost of ours: what it does not answer, Connexion's own stack does.
        self.operations: list[CompiledOperation] = [
            op for api in app.middleware.apis for op in compile_api(api)
        ]
        app.add_middleware(
            Dispatcher,
            position=MiddlewarePosition.BEFORE_EXCEPTION,
            operations=self.operations,
            render_error=self._handle_error,
        )
        return app

    def api_for(self, path: str) -> VendorAPI | None:
        for api in self.apis.values():
            if path == api.prefix or path.startswith(api.prefix + "/"):
                return api
        return None

    def _handle_error(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        api = self.api_for(request.url.path)
        error = self._as_http_error(request, api, exc)
        note_error(request.scope, error, error.problems)
        if error.status >= 500 and error is not exc:  # a failure, not an answer asked for
            logger.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return error_answer(api, error, request)

    @staticmethod
    def _as_http_error(
        request: ConnexionRequest, api: VendorAPI | None, exc: Exception
    ) -> HTTPError:
        if isinstance(exc, HTTPError):
            return exc
        if not isinstance(exc, HTTPException):
            return HTTPError(
                "The mock server failed to answer; see its log", reason="internal_error"
            )
        status = exc.status_code
        detail = str(exc.detail) if exc.detail else ""
        method, path = request.method, request.url.path
        if status == 404:
            return NotFound(f"No resource at {method} {path}")
        if status == 405:
            allowed = api.spec.allowed_methods(path.removeprefix(api.prefix)) if api else None
            return MethodNotAllowed(
                f"{method} is not allowed on {path}; allowed: {', '.join(allowed or [])}",
                allow=allowed or [],
            )
        return error_for_status(status, detail or "Request failed")


class _VendorCORS(CORSMiddleware):
    """CORS for the vendor APIs, open to every origin by default so a browser app just works;
    ``/__admin`` has its own, closed one (:class:`~mockserver.admin.AdminGuard`)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_admin_path(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def error_answer(
    api: VendorAPI | None, error: HTTPError, request: ConnexionRequest
) -> ConnexionResponse:
    """``error`` in ``api``'s shape, or in the plain ``{error, message}`` outside every vendor."""
    if api is None:
        return ConnexionResponse(
            status_code=error.status,
            body=orjson.dumps({"error": error.reason, "message": error.message}),
            mimetype="application/json",
            headers=error.headers,
        )
    response = api.render_error(error, request)
    return ConnexionResponse(
        status_code=response.status_code,
        body=response.body,
        mimetype=response.media_type,
        headers={k: v for k, v in response.headers.items() if k.lower() != "content-length"},
    )


class StateMiddleware:
    """Sets the request's namespace (:data:`~mockserver.state.namespaces.HEADER`) and syncs its
    state before anything reads it. A bad namespace name answers 400; a backend that cannot be
    read, 503."""

    def __init__(self, app: ASGIApp, *, store: Store, render: Renderer) -> None:
        self.app = app
        self.store = store
        self.render = render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        name = ""
        for header, value in scope["headers"]:
            if header == _NAMESPACE_HEADER:
                name = value.decode("latin-1")
        try:
            token = current.set(check_name(name) if name else "")
        except BadRequest as error:
            await answer_error(self.render, error, scope, receive, send)
            return
        try:
            with ExitStack() as request:
                try:
                    backend = self.store.backend
                    request.enter_context(one_stamp(backend, await backend.astamp()))
                    await self.store.sync_async()
                except StateError as error:
                    await answer_error(self.render, error, scope, receive, send)
                    return
                await self.app(scope, receive, send)
        finally:
            current.reset(token)


_NAMESPACE_HEADER = HEADER.lower().encode()


def _check_handlers(api: VendorAPI) -> None:
    """Every operation has its handler, checked now: Connexion would only find out on a request."""
    for operation in api.spec.operations.values():
        try:
            api.resolve(operation.operation_id)
        except LookupError as exc:
            pointer = json_pointer(("paths", operation.path, operation.method, "operationId"))
            raise SpecError(str(api.spec.file), pointer, str(exc)) from None


def create_app(settings: Settings | None = None) -> AsyncApp:
    """ASGI app factory (``uvicorn --factory mockserver.app:create_app``)."""
    return MockServer(settings or Settings.from_env()).app
