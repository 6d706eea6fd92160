"""What every vendor module builds on.

A vendor is a subclass of :class:`VendorAPI` that says only what is particular to it: its name
(which is also its mount prefix, spec file and fixture folder), its fixture collections, how its
credentials are checked, what its error body looks like, and one handler method per operationId
(``listChatSessions`` -> ``list_chat_sessions``). Routing, validation, auth extraction, the store,
paging, sorting, filtering, projection and negotiation are the generic machinery it calls.

Records the vendor's API never serves (users with passwords, tokens …) are validated against
the mock's own JSON Schemas, ``schemas/<collection>.json`` in the vendor's package
(:func:`mock_schema`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from functools import cached_property
from importlib import resources
from typing import Any, ClassVar

import inflection
from connexion.context import context, receive
from connexion.context import scope as connexion_scope
from starlette.requests import Request
from starlette.responses import Response

from .. import prefer
from ..auth import Principal, TokenIssuer, Verifier, security_map
from ..collection import Collection
from ..config import Settings
from ..dispatch import REQUEST_EXTENSION
from ..errors import HTTPError, NotAcceptable
from ..fixtures import Fixture
from ..negotiation import is_json, negotiate
from ..rendering import render
from ..specs import Operation, Spec
from ..store import Store
from ..validation import VALIDATOR_MAP_ALL_PROBLEMS
from ..xml import Fragments

__all__ = ["VendorAPI", "mock_schema"]

logger = logging.getLogger("mockserver")


def mock_schema(module: str, collection: str) -> dict[str, Any]:
    """The JSON Schema of a mock-only ``collection``: ``schemas/<collection>.json`` beside
    ``module`` (a vendor module's ``__name__``), read as package data."""
    package = module.rpartition(".")[0]
    text = resources.files(package).joinpath("schemas", f"{collection}.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


class VendorAPI:
    """One vendor's API, bound to its spec, its part of the store and the server settings."""

    name: ClassVar[str]
    """Mount prefix (``/<name>``), spec file (``<name>.yaml``) and fixture folder."""
    title: ClassVar[str]
    fixtures: ClassVar[tuple[Fixture, ...]] = ()
    case_insensitive_paths: ClassVar[bool] = False
    """Whether the vendor's server matches paths whatever their case (ASP.NET does)."""
    validator_map: ClassVar[Mapping[str, Any]] = VALIDATOR_MAP_ALL_PROBLEMS
    """Connexion's validators for this API's requests: a vendor whose server reads bodies more
    leniently than JSON Schema does (SuperOffice's Json.NET) binds them here first."""
    error_media_types: ClassVar[tuple[str, ...]] = ("application/json",)
    """What an error may be written as where the spec documents nothing for its status."""

    def __init__(self, spec: Spec, store: Store, settings: Settings) -> None:
        self.spec = spec
        self.store = store
        self.settings = settings
        self.tokens = TokenIssuer(settings.token_secret, settings.clock, store.backend)

    # -- what a vendor says --------------------------------------------------------------------

    def verifiers(self) -> Mapping[str, Verifier]:
        """Security scheme name (as in the spec) -> credential check."""
        return {}

    def check_fixtures(
        self, collections: Mapping[str, Collection], where: Callable[[str], str]
    ) -> None:
        """Raise FixtureError for data that breaks a rule the schemas cannot state.

        Runs on the fixtures at start-up and on every data set the admin API loads, so both
        are held to the same rules; ``where(collection)`` names the file (or upload) to blame.
        """

    def error_body(self, error: HTTPError, request: Request) -> Any:
        """The vendor's error shape for ``error``, which ``request`` ran into."""
        raise NotImplementedError

    # -- wiring --------------------------------------------------------------------------------

    @property
    def prefix(self) -> str:
        return f"/{self.name}"

    def resolve(self, operation_id: str) -> Callable[..., Any]:
        """The handler for an operationId, for Connexion's resolver.

        It comes wrapped so that a ``Prefer`` header can choose the answer instead of it.
        """
        handler = getattr(self, inflection.underscore(operation_id), None)
        if handler is None:
            raise LookupError(
                f"{type(self).__module__} has no handler for operationId '{operation_id}' "
                f"(expected a method named {inflection.underscore(operation_id)})"
            )
        return prefer.wrap(self, handler)

    @cached_property
    def served_document(self) -> dict[str, Any]:
        """The spec as this API serves it under its prefix (see ``Spec.served``)."""
        return self.spec.served(self.prefix)

    def security_map(self) -> dict[str, type]:
        # The schemes as served: Connexion hands handlers these definitions, not the file's.
        schemes = self.served_document.get("components", {}).get("securitySchemes", {})
        return security_map(self.verifiers(), schemes)

    def error_schema(self, body: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """The schema of an error ``body`` when its shape decides it (XML names elements after
        it); by default, what the operation documents for the status."""
        return None

    def render_error(self, error: HTTPError, request: Request) -> Response:
        """The vendor's error body, in the media type the client asked for among those the
        operation documents for the status (or :attr:`error_media_types`)."""
        body = self.error_body(error, request)
        operation = self.spec.operation_at(
            request.url.path.removeprefix(self.prefix), request.method
        )
        status = str(error.status)
        offered = (operation.media_types(status) if operation else ()) or self.error_media_types
        try:
            media_type = negotiate(request.headers.get("accept"), offered)
        except NotAcceptable:
            media_type = offered[0]  # the refusal itself must be readable
        documented = operation.response_schema(status, media_type) if operation else None
        return self.respond(
            body,
            status=error.status,
            media_type=media_type,
            headers=error.headers,
            schema=self.error_schema(body) or documented,
        )

    # -- what handlers use ---------------------------------------------------------------------

    @property
    def request(self) -> Request:
        """The current request, one object per request.

        The dispatcher (``dispatch.py``) leaves the request it validated in the scope. A request
        Connexion's stack serves instead (``HEAD``) gets one on first use.
        """
        scope = connexion_scope._get_current_object()
        extensions = scope.setdefault("extensions", {})
        current = extensions.get(REQUEST_EXTENSION)
        if current is None:
            current = extensions[REQUEST_EXTENSION] = Request(scope, receive._get_current_object())
        return current  # type: ignore[no-any-return]

    @property
    def principal(self) -> Principal:
        """What the verifier returned for the credentials of the current request."""
        return context["token_info"]  # type: ignore[no-any-return]

    @property
    def operation(self) -> Operation:
        routing = self.request.scope["extensions"]["connexion_routing"]
        return self.spec.operations[routing["operation_id"]]

    def collection(self, name: str) -> Collection:
        return self.store.collections(self.name)[name]

    def base_url(self) -> str:
        """Absolute URL of this API's root as the client reached it (host, port, prefix)."""
        url = self.request.url
        return f"{url.scheme}://{url.netloc}{self.prefix}"

    def negotiate(self, status: str = "200") -> str:
        """The media type to answer the current operation with, from the client's Accept."""
        return negotiate(self.request.headers.get("accept"), self.operation.media_types(status))

    def respond(
        self,
        body: Any,
        *,
        status: int = 200,
        media_type: str = "application/json",
        headers: Mapping[str, str] | None = None,
        schema: Mapping[str, Any] | None = None,
        fragments: Fragments | None = None,
    ) -> Response:
        """A response with ``body`` written as ``media_type`` (see ``rendering.py``).

        ``schema`` defaults to what the current operation documents for ``status`` and
        ``media_type``; ``fragments``: XML of objects written before, to reuse.
        """
        if schema is None and not isinstance(body, bytes) and not is_json(media_type):
            schema = self.operation.response_schema(str(status), media_type)
        content = render(body, media_type, schema, fragments=fragments)
        return Response(content, status_code=status, media_type=media_type, headers=headers)
