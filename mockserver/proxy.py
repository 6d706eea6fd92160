"""The validating proxy: a real backend, checked against our spec on every call.

``mockserver proxy chatkitty --upstream https://api.example.com`` serves
``/chatkitty/...`` like the mock does, but forwards each call to the upstream (the prefix
removed) and passes its answer back unchanged: status, headers and the body's bytes. On the
way it checks both directions against the vendor's spec, with the checkers the rest of the
project trusts:

* the request goes through the mock's own Connexion stack (routing, parameter and body
  validation: the vendor's ``validator_map``, by default
  :data:`~mockserver.validation.VALIDATOR_MAP_ALL_PROBLEMS`) with every handler
  replaced by a no-op and the security requirements removed, since checking credentials is the
  upstream's job. What it would have refused is a violation, in the same words as the mock's
  400s;
* the answer goes through Schemathesis' response validation (status, headers, body schema),
  plus a check that the status is documented at all.

Every violation is reported in a ``Mock-Violations`` header (count and first message) and in
the journal (``GET /__admin/journal``), where credentials are redacted. A QA team sees a
deployment drift from the contract while using it, without it changing what their app gets.

The proxy never asks the upstream for anything outside the upstream's base path: the path it
forwards is the request's own segments after ``/<api>``, as the client encoded them, and a
segment that would climb or split once decoded (``..``, ``%2e%2e``, ``%2F``, ``%5C``) is a 400
in the vendor's shape. An upstream that cannot be reached is a 502 (504 when it is too slow),
also in the vendor's shape. The upstream's ``Date`` and ``Server`` headers pass through as they
came, so the server running the proxy must not add its own (``mockserver proxy`` tells uvicorn).

Schemathesis is imported when a proxy is built, not with this module: the CLI and the mock itself
do not pay for it unless a proxy runs.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, TypedDict
from urllib.parse import unquote_to_bytes

import httpx
from connexion import AsyncApp
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.resolver import Resolver
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .admin import AdminAPI, AdminGuard, Control, is_admin_path, mount_admin
from .app import MockServer, error_answer
from .config import Settings
from .errors import BadRequest, HTTPError, MethodNotAllowed, NotFound, error_for_status
from .faults import FaultMiddleware
from .hosts import HostGuard, send_error
from .journal import JournalMiddleware, note_error
from .redaction import install_log_redaction, redact_problem
from .specs import HTTP_METHODS, Spec, load_spec
from .store import Store
from .validation import ExplodedArraysURIParser
from .vendors import vendor_named

__all__ = ["SERVER_OPTIONS", "VIOLATIONS_HEADER", "ValidatingProxy", "create_proxy"]


class _ServerOptions(TypedDict):
    server_header: bool
    date_header: bool


SERVER_OPTIONS: _ServerOptions = {"server_header": False, "date_header": False}
"""uvicorn's options for the proxy: the answer's ``Server`` and ``Date`` are the upstream's."""
UPSTREAM_TIMEOUT = 60.0

VIOLATIONS_HEADER = "Mock-Violations"
_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
}
_PROBLEMS_KEY = "mockserver.proxy.problems"


class ValidatingProxy:
    """Forwards ``/<api>/…`` to ``upstream`` and reports where either side breaks the spec."""

    def __init__(
        self,
        api: str,
        upstream: str,
        settings: Settings,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.prefix = f"/{api}"
        self.spec = load_spec(settings.specs_dir / f"{api}.yaml")
        # The vendor's own validators: a body its server binds (SuperOffice's camelCase) is fine.
        self.checker = _request_checker(self.spec, self.prefix, vendor_named(api).validator_map)
        import schemathesis  # here, not with the module: see its docstring

        self.schema = schemathesis.openapi.from_path(self.spec.file)
        # The vendor's own error shape for what the proxy itself answers under its prefix.
        self.vendor = vendor_named(api)(self.spec, Store({}), settings)
        self.upstream = httpx.URL(upstream)
        self.client = httpx.AsyncClient(transport=transport, timeout=UPSTREAM_TIMEOUT)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"]
        if path != self.prefix and not path.startswith(self.prefix + "/"):
            error = NotFound(f"This proxy serves {self.prefix}/… only, not {path}")
            answer = _plain_error(ConnexionRequest(scope, receive), error)
            await Response(answer.body, answer.status_code, media_type=answer.mimetype)(
                scope, receive, send
            )
            return
        try:
            target = self._target(scope)
        except HTTPError as error:
            await send_error(self._vendor_error, error, scope, receive, send)
            return
        body = await _read_body(receive)
        problems = [f"request: {p}" for p in await self._check_request(scope, body)]
        try:
            upstream, raw = await self._forward(scope, target, body)
        except httpx.TransportError as exc:
            await send_error(self._vendor_error, self._unreachable(exc), scope, receive, send)
            return
        problems += [f"response: {p}" for p in self._check_response(scope, upstream)]
        headers = [
            (name, value)
            for name, value in upstream.headers.raw
            if name.decode("latin-1").lower() not in _HOP_BY_HOP - {"content-length"}
        ]
        if problems:
            note_error(scope, f"{len(problems)} contract violation(s)", problems)
            headers.append((VIOLATIONS_HEADER.lower().encode(), _header_value(problems)))
        await send(
            {"type": "http.response.start", "status": upstream.status_code, "headers": headers}
        )
        await send({"type": "http.response.body", "body": raw})

    async def _check_request(self, scope: Scope, body: bytes) -> list[str]:
        """What the mock would have refused about this request, in its words."""
        problems: list[str] = []
        pending = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> Message:
            return pending.pop() if pending else {"type": "http.disconnect"}

        async def discard(message: Message) -> None:
            pass

        await self.checker({**scope, "state": {_PROBLEMS_KEY: problems}}, receive, discard)
        return problems

    def _target(self, scope: Scope) -> bytes:
        """The upstream's path and query for this request: its base path, then this request's
        segments after the API's own, each as the client encoded it.

        Decoded, no segment may be a dot segment or hold a slash or backslash: the upstream (or
        a server in front of it) would resolve those, and could land outside its base path.
        """
        raw = scope.get("raw_path") or scope["path"].encode()
        _, own, *segments = raw.split(b"/")
        for segment in segments:
            decoded = unquote_to_bytes(segment)
            if decoded in (b".", b"..") or b"/" in decoded or b"\\" in decoded:
                raise BadRequest(
                    f"The proxy forwards paths under {self.prefix}/ only, and the segment "
                    f"{segment.decode('latin-1')!r} would leave it (a dot segment, or an encoded "
                    "slash or backslash)",
                    reason="path_outside_base",
                )
        if unquote_to_bytes(own) != self.prefix[1:].encode():
            raise BadRequest(f"The proxy forwards paths under {self.prefix}/ only")
        base = self.upstream.raw_path.partition(b"?")[0].rstrip(b"/")
        query = scope.get("query_string", b"")
        path = b"/".join([base, *segments]) or b"/"
        return path + (b"?" + query if query else b"")

    async def _forward(
        self, scope: Scope, target: bytes, body: bytes
    ) -> tuple[httpx.Response, bytes]:
        """The upstream's answer, decoded for checking, and its body's bytes as they came."""
        headers = [
            (name, value)
            for name, value in scope["headers"]
            if name.decode("latin-1").lower() not in _HOP_BY_HOP
        ]
        request = self.client.build_request(
            scope["method"],
            self.upstream.copy_with(raw_path=target),
            headers=headers,
            content=body,
        )
        response = await self.client.send(request, stream=True)
        try:
            raw = b"".join([chunk async for chunk in response.aiter_raw()])
        finally:
            await response.aclose()
        decoded = httpx.Response(
            response.status_code, headers=response.headers, content=raw, request=request
        )
        decoded.elapsed = response.elapsed
        return decoded, raw

    def _unreachable(self, exc: httpx.TransportError) -> HTTPError:
        where = f"{self.upstream.scheme}://{self.upstream.netloc.decode('ascii')}"
        if isinstance(exc, httpx.TimeoutException):
            return error_for_status(
                504, f"The upstream {where} did not answer within {UPSTREAM_TIMEOUT:.0f} s"
            )
        return error_for_status(502, f"The upstream {where} cannot be reached: {exc}")

    def _vendor_error(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        error = exc if isinstance(exc, HTTPError) else HTTPError(str(exc))
        note_error(request.scope, error, error.problems)
        return error_answer(self.vendor, error, request)

    def _check_response(self, scope: Scope, response: httpx.Response) -> list[str]:
        local = scope["path"].removeprefix(self.prefix) or "/"
        template = self.spec.match(local)
        method = scope["method"].lower()
        if template is None or method not in self.spec.resolved["paths"][template]:
            return []  # the request check has said the operation is not in the spec
        operation = self.schema[template][method.upper()]
        problems = []
        documented = operation.definition.raw["responses"]
        if str(response.status_code) not in documented and "default" not in documented:
            problems.append(
                f"status {response.status_code} is not documented for "
                f"{method.upper()} {template}; documented: {', '.join(documented)}"
            )
        try:
            operation.validate_response(response)
        except BaseExceptionGroup as group:
            problems += [_failure_text(f) for f in group.exceptions]
        except AssertionError as failure:
            problems.append(_failure_text(failure))
        return problems


def _failure_text(failure: BaseException) -> str:
    title = getattr(failure, "title", type(failure).__name__)
    message = str(getattr(failure, "message", failure)).strip().splitlines()
    path = getattr(failure, "instance_path", None)
    where = f" at /{'/'.join(map(str, path))}" if path else ""
    return f"{title}{where}: {message[0] if message else ''}"


def _header_value(problems: list[str]) -> bytes:
    first = problems[0].replace("≤", "<=").replace("≥", ">=").replace("–", "-")
    return f"{len(problems)}; {first}".encode("ascii", "backslashreplace")


async def _read_body(receive: Receive) -> bytes:
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


def _request_checker(spec: Spec, prefix: str, validator_map: Mapping[str, Any]) -> AsyncApp:
    """The mock's request checking for ``spec``, answering 204 to whatever it lets through."""
    document = copy.deepcopy(spec.document)
    document.pop("security", None)
    for item in document.get("paths", {}).values():
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                item[method].pop("security", None)

    async def accepted(**_: Any) -> Response:
        return Response(status_code=204)

    def refused(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        # MockServer's own translation, so routing misses and 415s read as they do in the mock.
        error = MockServer._as_http_error(request, None, exc)
        if isinstance(error, MethodNotAllowed):
            allowed = spec.allowed_methods(request.url.path.removeprefix(prefix)) or []
            error.message = (
                error.message.removesuffix("allowed: ") + f"allowed: {', '.join(allowed)}"
            )
        problems = request.scope["state"][_PROBLEMS_KEY]
        # Problems are reported as text (header and journal): values of secrets go now.
        problems += [str(redact_problem(p)) for p in error.problems] or [error.message]
        return ConnexionResponse(status_code=error.status)

    app = AsyncApp(__name__)
    app.add_api(
        document,
        base_path=prefix,
        resolver=Resolver(function_resolver=lambda _: accepted),
        validator_map=validator_map,
        uri_parser_class=ExplodedArraysURIParser,
        pythonic_params=True,
    )
    for exc_class in (Exception, HTTPException, HTTPError):
        app.add_error_handler(exc_class, refused)
    return app


def _plain_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """An error of the proxy itself (a fault rule's status, a path it does not serve) as JSON."""
    error = exc if isinstance(exc, HTTPError) else HTTPError(str(exc))
    note_error(request.scope, error, error.problems)
    return error_answer(None, error, request)


def create_proxy(
    api: str,
    upstream: str,
    settings: Settings,
    control: Control | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> ASGIApp:
    """The proxy with the admin API beside it (journal, fault rules), all journaled, behind the
    same guards as the mock (Host names, pages of other origins)."""
    install_log_redaction()
    control = control or Control(settings.clock)
    proxy = ValidatingProxy(api, upstream, settings, transport)
    admin = AsyncApp(__name__)
    mount_admin(admin, AdminAPI(control, Store({}), {}), settings)
    forward = FaultMiddleware(proxy, rules=control.rules, render=_plain_error)
    guarded = HostGuard(
        AdminGuard(_Dispatch(admin, forward), cors_origins=(), render=_plain_error),
        allowed=settings.allowed_hosts,
        render=_plain_error,
    )
    return JournalMiddleware(
        guarded, journal=control.journal, api_of=lambda p: api if p.startswith(f"/{api}") else None
    )


class _Dispatch:
    def __init__(self, admin: ASGIApp, forward: ASGIApp) -> None:
        self.admin = admin
        self.forward = forward

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or is_admin_path(path):
            await self.admin(scope, receive, send)
        else:
            await self.forward(scope, receive, send)
