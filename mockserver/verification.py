"""Questions about the journal: "was this called, how often, with what, and why was it refused".

WireMock's ``verify(2, postRequestedFor(urlPathMatching(...)).withRequestBody(...))`` is what
tests ask of a mock after the fact; here the same questions are journal queries, answered by the
admin API (``GET /__admin/journal``, ``/journal/count``, ``/journal/{id}/explain``) so that
every client asks them the same way: the pytest plugin, a JavaScript test, curl, the inspector.

A :class:`Query` selects entries by API, namespace, method, path (a prefix, a glob or a regular
expression), status (``404`` or ``4xx``), request or answer body fields (``state=ACTIVE``,
``participants.0=acc-1``), whether the request matched an operation of its API, and whether it
had problems. Body fields are read from the redacted bodies, so a query can never be used to
probe a secret the journal hides.

Whether a request "matched an operation" is worked out when asked, from the spec, rather than
recorded on every request: most entries are never asked about.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import orjson

from .errors import BadRequest
from .journal import Entry
from .specs import Spec

__all__ = ["FieldFilter", "Query", "Verifier"]

_GLOB = re.compile(r"[*?\[]")


_SPACES = " \t\n\r\f\v"


@dataclass(frozen=True)
class FieldFilter:
    """``path=value`` (a dotted path into a JSON or form body) or ``path`` alone (present)."""

    path: tuple[str, ...]
    value: str | None

    @classmethod
    def parse(cls, text: str, parameter: str) -> FieldFilter:
        name, sep, value = text.partition("=")
        name = name.strip(_SPACES)  # ASCII white space, as the spec's pattern says
        if not name:
            raise BadRequest(
                f"query parameter {parameter!r} must be a field (state) or field=value "
                f"(state=ACTIVE, participants.0=acc-1), got {text!r}"
            )
        return cls(tuple(name.split(".")), value if sep else None)

    def matches(self, document: Any) -> bool:
        node = document
        for part in self.path:
            if isinstance(node, Mapping) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return False
        if self.value is None:
            return True
        if isinstance(node, str):
            return node == self.value
        try:
            return bool(node == orjson.loads(self.value))
        except orjson.JSONDecodeError:
            return False


@dataclass(frozen=True)
class Query:
    """Which journal entries a question is about; every field left ``None`` selects all."""

    api: str | None = None
    namespace: str | None = None
    method: str | None = None
    path: str | None = None
    path_regex: str | None = None
    status: str | None = None
    body: tuple[FieldFilter, ...] = ()
    response_body: tuple[FieldFilter, ...] = ()
    matched: bool | None = None
    problems: bool | None = None
    after: int | None = None

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, Any]) -> Query:
        """A query from the admin API's (schema-checked) parameters; others are ignored."""
        path_regex, after = parameters.get("path_regex"), parameters.get("after")
        if path_regex is not None:
            try:
                re.compile(path_regex)
            except re.error as exc:
                raise BadRequest(
                    f"query parameter 'path_regex' is not a regular expression: {exc}"
                ) from None
        return cls(
            api=parameters.get("api"),
            namespace=parameters.get("namespace"),
            method=parameters.get("method"),
            path=parameters.get("path"),
            path_regex=path_regex,
            status=parameters.get("status"),
            body=tuple(FieldFilter.parse(f, "body") for f in parameters.get("body") or ()),
            response_body=tuple(
                FieldFilter.parse(f, "response_body") for f in parameters.get("response_body") or ()
            ),
            matched=parameters.get("matched"),
            problems=parameters.get("problems"),
            after=int(after) if after is not None else None,
        )


class Verifier:
    """Answers :class:`Query` questions about entries, knowing every API's spec."""

    def __init__(self, specs: Mapping[str, Spec]) -> None:
        self.specs = specs

    def select(self, entries: Iterable[Entry], query: Query) -> Iterable[Entry]:
        """The entries (in the order given) that ``query`` selects."""
        regex = re.compile(query.path_regex) if query.path_regex is not None else None
        method = query.method.upper() if query.method else None
        for entry in entries:
            if query.after is not None and int(entry.id) <= query.after:
                continue
            if (
                (query.api is not None and entry.api != query.api)
                or (query.namespace is not None and entry.namespace != query.namespace)
                or (method is not None and entry.method != method)
                or (query.path is not None and not _path_matches(entry.path, query.path))
                or (regex is not None and regex.fullmatch(entry.path) is None)
                or (query.status is not None and not _status_matches(entry.status, query.status))
                or (query.problems is not None and bool(entry.problems) != query.problems)
            ):
                continue
            if query.matched is not None and self.matched(entry) != query.matched:
                continue
            if query.body and not _fields_match(entry.request_body, query.body):
                continue
            if query.response_body and not _fields_match(entry.response_body, query.response_body):
                continue
            yield entry

    def operation_of(self, entry: Entry) -> str | None:
        """The operationId the entry's method and path name in its API's spec, if any."""
        spec = self.specs.get(entry.api) if entry.api else None
        if spec is None:
            return None
        template = spec.match(entry.path.removeprefix(f"/{entry.api}"))
        if template is None:
            return None
        method = "get" if entry.method == "HEAD" else entry.method.lower()
        operation = spec.resolved["paths"][template].get(method)
        return operation.get("operationId") if isinstance(operation, Mapping) else None

    def matched(self, entry: Entry) -> bool:
        """True when the request named an operation, or was a browser's CORS preflight."""
        preflight = entry.method == "OPTIONS" and "access-control-request-method" in entry.headers
        return preflight or self.operation_of(entry) is not None

    def describe(self, entry: Entry) -> dict[str, Any]:
        """The entry as the admin API shows it: what was recorded, and the operation it named."""
        return {**entry.as_dict(), "operation": self.operation_of(entry)}

    def explain(self, entry: Entry) -> dict[str, Any]:
        """Why the request got the answer it got, in the words its answer used."""
        line = f"{entry.method} {entry.path}{'?' + entry.query if entry.query else ''}"
        reasons = [*self._routing(entry)]
        if entry.error:
            reasons.append(entry.error)
        reasons.extend(entry.problems)
        reasons.extend(entry.notes)
        if entry.status is None:
            outcome, verdict = "dropped", "got no answer: the connection was closed"
        elif entry.status < 400:
            outcome, verdict = "answered", f"was answered {entry.status}"
        elif entry.status < 500:
            outcome, verdict = "refused", f"was refused with {entry.status}"
        else:
            outcome, verdict = "failed", f"failed with {entry.status}"
        text = f"{line} {verdict}" + (
            ":\n" + "\n".join(f"  - {r}" for r in reasons) if reasons else ""
        )
        return {
            "id": entry.id,
            "request": line,
            "status": entry.status,
            "operation": self.operation_of(entry),
            "outcome": outcome,
            "reasons": reasons,
            "text": text,
        }

    def _routing(self, entry: Entry) -> list[str]:
        """What was wrong with where the request went, if it matched no operation."""
        if self.matched(entry):
            return []
        if entry.api is None:
            prefixes = ", ".join(f"/{name}" for name in self.specs)
            return [f"no API is served at {entry.path}; the APIs are under {prefixes}"]
        spec = self.specs[entry.api]
        relative = entry.path.removeprefix(f"/{entry.api}")
        allowed = spec.allowed_methods(relative)
        if allowed is None:
            paths = ", ".join(spec.resolved.get("paths", {}))
            return [f"{entry.api} has no path {relative or '/'}; its paths: {paths}"]
        return [f"{entry.api} has no {entry.method} {relative}; allowed: {', '.join(allowed)}"]


def _path_matches(path: str, wanted: str) -> bool:
    """A glob (``/chatkitty/*``) matches the whole path; a plain path is a prefix."""
    if _GLOB.search(wanted):
        return fnmatch.fnmatchcase(path, wanted)
    return path.startswith(wanted)


def _status_matches(actual: int | None, wanted: str) -> bool:
    if actual is None:
        return False
    if wanted.lower().endswith("xx"):
        return str(actual)[0] == wanted[0]
    return str(actual) == wanted


def _fields_match(body: str | None, filters: tuple[FieldFilter, ...]) -> bool:
    document = _document(body)
    return document is not None and all(f.matches(document) for f in filters)


def _document(text: str | None) -> Any:
    """A body as data: JSON, or a form's fields; None when it is neither (or absent)."""
    if text is None:
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    fields = parse_qsl(text, keep_blank_values=True)
    return dict(fields) if fields else None
