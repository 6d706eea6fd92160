"""One call per operation: Connexion's own request pipeline, assembled once at start-up.

Connexion answers a request by passing it through nine middlewares and three routers, and
several of them rebuild per request what never changes: the URI parser, the parameter
validator, and the handler's parameter and response decorators (which inspect the handler's
signature each time). That fixed cost, about 200 µs a request, is most of what a mock call costs.

:class:`Dispatcher` sits where Connexion's stack begins (inside the journal, CORS and fault
middlewares) and routes a request to its operation with one regular expression. Each
:class:`CompiledOperation` is the chain Connexion would have run for that operation, built from
Connexion's own classes with the options the API was added with: security
(``SecurityOperation``), request validation (``RequestValidationOperation``), response
validation when enabled, the context variables handlers read, and the handler decorated once.
Anything raised on the way goes to the server's error handler, as Connexion's exception
middleware would send it. The answers are the same; only the repeated set-up is gone.

Whatever is not exactly one operation's method and path (unknown paths, 405s, ``HEAD``, the
Swagger UI, the spec, the admin API) continues into Connexion's stack, unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any

import starlette.convertors
from connexion.context import _context, _operation, _receive, _scope
from connexion.decorators import StarletteDecorator
from connexion.frameworks import starlette as connexion_starlette
from connexion.http_facts import METHODS
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware.abstract import ROUTING_CONTEXT
from connexion.middleware.main import API
from connexion.middleware.request_validation import RequestValidationOperation
from connexion.middleware.response_validation import ResponseValidationOperation
from connexion.middleware.security import SecurityOperation
from connexion.operations import AbstractOperation
from connexion.security import SecurityHandlerFactory
from connexion.utils import is_nullable
from connexion.validators import VALIDATOR_MAP
from starlette._utils import get_route_path  # what Starlette's router matches on
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "REQUEST_EXTENSION",
    "CompiledOperation",
    "Dispatcher",
    "ErrorRenderer",
    "compile_api",
]

REQUEST_EXTENSION = "mockserver_request"
"""Where the current request's Starlette ``Request`` is kept in the ASGI scope's extensions."""

ErrorRenderer = Callable[[ConnexionRequest, Exception], ConnexionResponse]
"""The server's one error handler, as registered with Connexion."""

# Connexion's router registers these when it first routes a request; routes compiled before that
# must parse ``{id:int}`` as Connexion will (negative numbers included).
starlette.convertors.register_url_convertor("int", connexion_starlette.IntegerConverter())
starlette.convertors.register_url_convertor("float", connexion_starlette.FloatConverter())


class CompiledOperation:
    """One operation's security, validation, context and handler, set up once.

    Per request it does what Connexion's security, request validation, response validation and
    context middlewares and its app do for this operation, in that order, with one request
    object where Connexion builds one per layer (each parsing the query string again).
    """

    def __init__(self, api: API, operation: AbstractOperation) -> None:
        options = api.kwargs
        self.base_path: str = api.base_path
        self.operation = operation
        self.method = operation.method.upper()
        path = connexion_starlette.starlettify_path(
            operation.path, operation.get_path_parameter_types()
        )
        regex, _, self.convertors = compile_path(path)
        self.match: Callable[[str], re.Match[str] | None] = regex.match
        self.uri_parser = operation.uri_parser_class(
            operation.parameters, operation.body_definition()
        )
        self.validator_map = {**VALIDATOR_MAP, **(options["validator_map"] or {})}
        self.strict_validation: bool = options["strict_validation"]
        # Used for its helpers (content type, media type check); the parameter validator below
        # is the one it would build on every request.
        self.request_validation = RequestValidationOperation(
            _unreachable,
            operation=operation,
            strict_validation=self.strict_validation,
            validator_map=self.validator_map,
        )
        self.parameters = self.validator_map["parameter"](
            operation.parameters,
            uri_parser=self.uri_parser,
            strict_validation=self.strict_validation,
            security_query_params=self.request_validation.security_query_params,
        )
        security = SecurityOperation.from_operation(
            operation,
            next_app=_unreachable,
            security_handler_factory=SecurityHandlerFactory(options["security_map"]),
        )
        self.verify = security.verification_fn if security.security else None
        self.validate_responses: bool = options["validate_responses"]
        decorator = StarletteDecorator(
            pythonic_params=options["pythonic_params"], jsonifier=options["jsonifier"]
        )
        self.handler = decorator.decorate(operation.function)

    def path_params(self, path: str) -> dict[str, Any] | None:
        """The converted path parameters when ``path`` (under the base path) is this route's."""
        found = self.match(path)
        if found is None:
            return None
        return {
            name: self.convertors[name].convert(value) for name, value in found.groupdict().items()
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = self._request(scope, receive)
        if self.verify is not None:
            await self.verify(request)
        self.parameters.validate_request(request)
        body_receive, body_scope = await self._validated_body(scope, receive)
        if body_scope is not scope or body_receive is not receive:
            scope, receive = body_scope, body_receive
            request = self._request(scope, receive)
        _context.set(scope["extensions"].get("connexion_context", {}))
        _operation.set(self.operation)
        _receive.set(receive)
        _scope.set(scope)
        response: Response = await self.handler(request)
        if self.validate_responses:
            checked = ResponseValidationOperation(
                response, operation=self.operation, validator_map=self.validator_map
            )
            await checked(scope, receive, send)
        else:
            await response(scope, receive, send)

    def _request(self, scope: Scope, receive: Receive) -> ConnexionRequest:
        """Connexion's view of the request, for validation and the handler's arguments.

        Handler code reads the plain Starlette request under it (``VendorAPI.request``), so
        both share what they parse.
        """
        plain = Request(scope, receive)
        scope.setdefault("extensions", {})[REQUEST_EXTENSION] = plain
        return ConnexionRequest.from_starlette_request(plain, uri_parser=self.uri_parser)

    async def _validated_body(self, scope: Scope, receive: Receive) -> tuple[Receive, Scope]:
        """Connexion's body check: media type, then the body against its schema, if any."""
        mime_type, encoding = self.request_validation.extract_content_type(scope["headers"])
        self.request_validation.validate_mime_type(mime_type)
        schema = self.operation.body_schema(mime_type)
        if not schema:
            return receive, scope
        try:
            body_validator = self.validator_map["body"][mime_type]
        except KeyError:  # a media type with no validator is passed on unchecked, as Connexion does
            return receive, scope
        validator = body_validator(
            schema=schema,
            required=self.operation.request_body.get("required", False),
            nullable=is_nullable(self.operation.body_definition(mime_type)),
            encoding=encoding,
            strict_validation=self.strict_validation,
            uri_parser=self.uri_parser,  # holds only the definitions: Connexion's makes it anew
        )
        return await validator.wrap_receive(receive, scope=scope)  # type: ignore[no-any-return]


async def _unreachable(scope: Scope, receive: Receive, send: Send) -> None:
    raise AssertionError("the dispatcher calls the next step itself")


def compile_api(api: API) -> list[CompiledOperation]:
    """Every operation of one API Connexion was given, in the spec's order."""
    specification = api.specification
    compiled = []
    for path, methods in specification.get("paths", {}).items():
        for method in methods:
            if method not in METHODS:  # ``parameters``, ``summary``… beside the operations
                continue
            operation = specification.operation_cls.from_spec(
                specification,
                path=path,
                method=method,
                resolver=api.kwargs["resolver"],
                uri_parser_class=api.kwargs["uri_parser_class"],
            )
            compiled.append(CompiledOperation(api, operation))
    return compiled


class Dispatcher:
    """ASGI middleware: a request for exactly one operation runs its compiled chain."""

    def __init__(
        self, app: ASGIApp, *, operations: Iterable[CompiledOperation], render_error: ErrorRenderer
    ) -> None:
        self.app = app
        self.render_error = render_error
        by_base_path: dict[str, dict[str, list[CompiledOperation]]] = {}
        for operation in operations:
            by_method = by_base_path.setdefault(operation.base_path, {})
            by_method.setdefault(operation.method, []).append(operation)
        # Matched as Connexion mounts each API (a Starlette Mount), longest base path first.
        self.mounts = [
            (compile_path(base_path + "/{path:path}")[0].match, by_method)
            for base_path, by_method in sorted(by_base_path.items(), key=lambda i: -len(i[0]))
        ]

    def route(self, scope: Scope) -> tuple[CompiledOperation, dict[str, Any]] | None:
        """The one operation for this request and its path parameters, or None."""
        path = get_route_path(scope)
        for match_mount, by_method in self.mounts:
            mounted = match_mount(path)
            if mounted is None:
                continue
            # The child's path as Starlette's Mount hands it on: computed from the matched prefix,
            # not the captured group, because they differ when the path ends in a newline ($
            # matches before it; the route then sees the newline and does not match).
            remaining = "/" + mounted["path"]
            root_path = scope.get("root_path", "") + path[: -len(remaining)]
            rest = get_route_path({"path": scope["path"], "root_path": root_path})
            found = [
                (operation, params)
                for operation in by_method.get(scope["method"], ())
                if (params := operation.path_params(rest)) is not None
            ]
            return found[0] if len(found) == 1 else None
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        routed = self.route(scope) if scope["type"] == "http" else None
        if routed is None:
            await self.app(scope, receive, send)
            return
        operation, path_params = routed
        scope["path_params"] = path_params
        extensions: MutableMapping[str, Any] = scope.setdefault("extensions", {})
        extensions[ROUTING_CONTEXT] = {
            "api_base_path": operation.base_path,
            "operation_id": operation.operation.operation_id,
        }
        started = False

        async def send_and_watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await operation(scope, receive, send_and_watch)
        except Exception as exc:
            if started:  # too late for an error answer; the server logs it
                raise
            await self._error_response(scope, receive, exc)(scope, receive, send)

    def _error_response(self, scope: Scope, receive: Receive, exc: Exception) -> Response:
        """As Connexion's exception middleware renders what the error handler returns."""
        response = self.render_error(ConnexionRequest(scope, receive), exc)
        return Response(
            content=response.body,
            status_code=response.status_code,
            media_type=response.mimetype,
            headers=response.headers,
        )
