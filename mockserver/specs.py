"""Reading a vendor's OpenAPI document, and answering questions about it.

Connexion validates the document when an API is added, but its error is a traceback about
jsonschema internals. Here the same validation runs first and a failure becomes a
:class:`~mockserver.errors.SpecError` naming the file, the JSON pointer and the line. The rest of
the module answers what the generic machinery asks of a spec: the schema of a component, the
media types an operation produces, the methods a path allows.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import yaml
from connexion.exceptions import InvalidSpecification
from connexion.json_schema import resolve_refs
from connexion.spec import OpenAPISpecification

from .errors import SpecError

__all__ = ["HTTP_METHODS", "Operation", "Spec", "json_pointer", "load_spec"]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def json_pointer(parts: Iterator[Any] | tuple[Any, ...] | list[Any]) -> str:
    """RFC 6901 pointer for a sequence of keys and indexes."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "/" + "/".join(escaped) if parts else "/"


@dataclass(frozen=True)
class Operation:
    """What the generic machinery needs to know about one operation."""

    operation_id: str
    method: str
    path: str
    # status code (as written in the spec, e.g. "200") -> media types, in document order
    produces: Mapping[str, tuple[str, ...]]
    parameters: tuple[Mapping[str, Any], ...] = ()
    # (status, media type) -> the resolved schema of that answer
    schemas: Mapping[tuple[str, str], Mapping[str, Any]] = field(default_factory=dict)

    def media_types(self, status: str = "200") -> tuple[str, ...]:
        return self.produces.get(status, ())

    def response_schema(self, status: str, media_type: str) -> Mapping[str, Any] | None:
        """What the spec says the answer with ``status`` in ``media_type`` is, if it says."""
        return self.schemas.get((status, media_type))

    def parameter(self, name: str) -> Mapping[str, Any]:
        """The resolved definition of the parameter called ``name``."""
        return next(p for p in self.parameters if p["name"] == name)


class Spec:
    """One vendor's OpenAPI document: the raw form Connexion is given and the resolved form."""

    def __init__(self, file: Path, document: dict[str, Any], resolved: Mapping[str, Any]) -> None:
        self.file = file
        self.document = document
        self.resolved = resolved
        self.operations = {op.operation_id: op for op in self._operations()}
        self._path_patterns = [
            (re.compile(_template_regex(path)), path) for path in resolved.get("paths", {})
        ]

    def served(self, prefix: str) -> dict[str, Any]:
        """The document as the mock serves it under ``prefix``.

        An OAuth2 flow's relative URLs (``tokenUrl: oauth/token``, relative to the vendor's
        server in the file) point at the mock: Swagger UI resolves them against the served
        server URL, ``/chatkitty``, which would drop the prefix.
        """
        document = copy.deepcopy(self.document)
        for scheme in document.get("components", {}).get("securitySchemes", {}).values():
            for flow in scheme.get("flows", {}).values():
                for key in ("authorizationUrl", "tokenUrl", "refreshUrl"):
                    url = flow.get(key)
                    if (
                        isinstance(url, str)
                        and not urlsplit(url).scheme
                        and not url.startswith("/")
                    ):
                        flow[key] = f"{prefix}/{url}"
        return document

    def schema(self, pointer: str) -> Mapping[str, Any]:
        """The resolved schema at a ``#/components/...`` pointer."""
        node: Any = self.resolved
        for part in pointer.removeprefix("#/").split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, Mapping) or part not in node:
                raise SpecError(str(self.file), pointer, "no such schema in the spec")
            node = node[part]
        return node  # type: ignore[no-any-return]

    def match(self, path: str) -> str | None:
        """The path template (``/chat-sessions/{id}``) a request path falls under, if any."""
        return next((t for pattern, t in self._path_patterns if pattern.fullmatch(path)), None)

    def operation_at(self, path: str, method: str) -> Operation | None:
        """The operation answering ``method`` on a request path, if the spec has one."""
        template = self.match(path)
        method = method.lower()
        return next(
            (op for op in self.operations.values() if op.path == template and op.method == method),
            None,
        )

    def allowed_methods(self, path: str) -> list[str] | None:
        """Methods the spec documents for a request path, or None when no path template matches."""
        template = self.match(path)
        if template is None:
            return None
        item = self.resolved["paths"][template]
        methods = [m.upper() for m in HTTP_METHODS if m in item]
        if "GET" in methods and "HEAD" not in methods:
            methods.append("HEAD")
        return methods

    def _operations(self) -> Iterator[Operation]:
        for path, item in self.resolved.get("paths", {}).items():
            for method in HTTP_METHODS:
                op = item.get(method)
                if not op or "operationId" not in op:
                    continue
                responses = op.get("responses", {})
                produces = {
                    str(status): tuple(response.get("content", {}))
                    for status, response in responses.items()
                }
                schemas = {
                    (str(status), media_type): media["schema"]
                    for status, response in responses.items()
                    for media_type, media in response.get("content", {}).items()
                    if "schema" in media
                }
                parameters = (*item.get("parameters", ()), *op.get("parameters", ()))
                yield Operation(op["operationId"], method, path, produces, parameters, schemas)


def _template_regex(path: str) -> str:
    parts = re.split(r"(\{[^}]+\})", path)
    return "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)


# libyaml's loader when PyYAML was built with it: a tenth of the pure-Python loader's time.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _unaliased(node: Any) -> Any:
    """The document with every YAML alias (``*name``) made a copy of its own.

    Connexion merges a path's own ``parameters`` into each operation's list in place; a list
    that an alias shares with operations of other paths would carry that path's parameters
    (a required ``{id}``) into all of them. ``copy.deepcopy`` would keep the sharing.
    """
    if isinstance(node, dict):
        return {key: _unaliased(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_unaliased(item) for item in node]
    return node


def load_spec(file: Path, *, validate: bool = True) -> Spec:
    """Parse and validate an OpenAPI 3.0 document, or raise SpecError naming file and place.

    ``validate=False`` skips the check against OpenAPI's schema, the dearest part (about a
    quarter of a second per spec), for a document known to have passed it (see
    :mod:`mockserver.verdicts`).
    """
    text = _read(file)
    try:
        document = _unaliased(yaml.load(text, Loader=_LOADER))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        # libyaml may point one past the last line when the text ends mid-construct.
        line = min(mark.line + 1, len(text.splitlines()) or 1) if mark is not None else None
        raise SpecError(str(file), "/", f"not valid YAML: {exc}", line) from None
    if not isinstance(document, dict):
        raise SpecError(str(file), "/", "an OpenAPI document must be a mapping")
    if not str(document.get("openapi", "")).startswith("3.0."):
        raise SpecError(
            str(file), "/openapi", "only OpenAPI 3.0.x is supported (Connexion 3.3 rejects 3.1)"
        )
    try:
        resolved = (
            OpenAPISpecification(copy.deepcopy(document)).spec
            if validate
            else resolve_refs({"components": {}, **document})  # as Connexion, unchecked
        )
    except InvalidSpecification as exc:
        # "is not valid under any of the given schemas" says nothing; the closest alternative's
        # own complaint ("'description' is a required property") does.
        best = jsonschema.exceptions.best_match(exc.context) if exc.context else None
        message = best.message if best is not None else exc.message
        path = [*exc.absolute_path, *(best.relative_path if best is not None else ())]
        raise SpecError(str(file), json_pointer(path), message, _line_of(text, path)) from None
    except (jsonschema.exceptions.RefResolutionError, LookupError) as exc:
        raise SpecError(str(file), "/", f"unresolvable $ref: {exc}") from None
    return Spec(file, document, resolved)


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(str(file), "/", f"cannot read the file: {exc}") from None


def _line_of(text: str, path: Any) -> int | None:
    """The 1-based line where the YAML node at a path is named (its key, for a mapping entry)."""
    node = yaml.compose(text)
    line = None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            entry = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if entry is None:
                return None
            line, node = entry[0].start_mark.line, entry[1]
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
            line = node.start_mark.line
        else:
            return None
    return None if line is None else int(line) + 1
