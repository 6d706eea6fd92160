"""Feathers.js conventions, for a vendor whose API is a Feathers app (HAPI Hub is one).

* **The query language of ``find``**: ``$limit`` (the service's ``paginate`` default when absent,
  clamped to its max), ``$skip``, ``$sort`` (``{field: 1|-1}``, several fields in order),
  ``$select`` (the id always kept), and per field either a value (equality; for an array field,
  "contains") or operators ``$in $nin $lt $lte $gt $gte $ne``. :func:`parse_query` takes the
  object a query string stands for (see :mod:`mockserver.qs`) and turns it into the generic
  predicates, sort keys, window and projection, checking every key and value on the way: an
  unknown ``$`` key or operator is a BadRequest, as in Feathers, and so is an unknown field.
* **The error shape**: ``{name, message, code, className, errors}`` from ``@feathersjs/errors``;
  clients rebuild their error class from ``name``, so it must be Feathers' own class name.

MongoDB semantics where Feathers leaves them to the database (HAPI Hub runs on MongoDB): null
matches a missing field, ``$ne``/``$nin`` match it too, missing values sort first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import inflection

from .errors import BadRequest, HTTPError, Problem
from .filtering import Predicate, compare, equals, is_null, one_of
from .limits import whole_number
from .paging import Window
from .paths import MISSING
from .sorting import SortKey

__all__ = ["OPERATORS", "Paginate", "Query", "error_body", "field_types", "parse_query"]

OPERATORS = ("$in", "$nin", "$lt", "$lte", "$gt", "$gte", "$ne")
_SPECIAL = ("$limit", "$skip", "$sort", "$select")
_ERROR_NAMES = {
    400: "BadRequest",
    401: "NotAuthenticated",
    402: "PaymentError",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    408: "Timeout",
    409: "Conflict",
    411: "LengthRequired",
    422: "Unprocessable",
    429: "TooManyRequests",
    500: "GeneralError",
    501: "NotImplemented",
    502: "BadGateway",
    503: "Unavailable",
}

Decoder = Callable[[Any], Any]


@dataclass(frozen=True)
class Paginate:
    """A service's ``paginate`` option: ``$limit`` when none is given, and its ceiling."""

    default: int = 10
    max: int = 100


@dataclass(frozen=True)
class Query:
    """What a ``find`` asked for, ready for the store: filter, sort, window, projection."""

    predicates: list[Predicate]
    sort: list[SortKey]
    window: Window
    select: list[str] | None

    def project(self, record: Mapping[str, Any], id_field: str = "id") -> dict[str, Any]:
        """The record as ``find`` answers it: all of it, or the id and the selected fields."""
        if self.select is None:
            return dict(record)
        names = [id_field, *(n for n in self.select if n != id_field)]
        return {n: record[n] for n in names if n in record}


def field_types(schema: Mapping[str, Any]) -> dict[str, str]:
    """Field name -> JSON type for a resolved object schema (``allOf`` parts merged)."""
    types: dict[str, str] = {}
    for part in schema.get("allOf", ()):
        types.update(field_types(part))
    for name, sub in schema.get("properties", {}).items():
        types[name] = _type_of(sub) or "string"
    return types


def _type_of(schema: Mapping[str, Any]) -> str | None:
    if "type" in schema:
        return str(schema["type"])
    return next((t for t in map(_type_of, schema.get("allOf", ())) if t), None)


def parse_query(
    query: Mapping[str, Any],
    fields: Mapping[str, str],
    *,
    paginate: Paginate = Paginate(),
    decode: Decoder = lambda value: value,
) -> Query:
    """A Feathers query object (values as ``qs`` gives them) checked against ``fields``.

    ``fields`` maps each queryable field to its JSON type; values of number fields are compared
    as numbers. ``decode`` runs on every value first (for a client's own value encoding).
    Every problem found is reported at once, in one :class:`BadRequest`.
    """
    parser = _Parser(fields, decode)
    limit = parser.count(query, "$limit", paginate.default)
    skip = parser.count(query, "$skip", 0)
    sort = parser.sort(query.get("$sort"))
    select = parser.select(query.get("$select")) if "$select" in query else None
    for key, value in query.items():
        if key.startswith("$"):
            if key not in _SPECIAL:
                parser.problem(key, f"Invalid query parameter {key}")
        elif key not in fields:
            parser.problem(key, "is not a field of this service")
        else:
            parser.filter(key, value)
    if parser.problems:
        summary = "; ".join(f"{p.name}: {p.message}" for p in parser.problems)
        raise BadRequest(f"Invalid query: {summary}", problems=parser.problems)
    window = Window(skip, min(limit, paginate.max))
    return Query(parser.predicates, sort, window, select)


class _Parser:
    def __init__(self, fields: Mapping[str, str], decode: Decoder) -> None:
        self.fields = fields
        self.decode = decode
        self.problems: list[Problem] = []
        self.predicates: list[Predicate] = []

    def problem(self, name: str, message: str) -> None:
        self.problems.append(Problem("query", name, message))

    def count(self, query: Mapping[str, Any], key: str, default: int) -> int:
        if key not in query:
            return default
        value = self.decode(query[key])
        if isinstance(value, str) and (number := whole_number(value)) is not None:
            value = number
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        self.problem(key, f"must be a whole number ≥ 0, got {value!r}")
        return default

    def sort(self, value: Any) -> list[SortKey]:
        if value is None:
            return []
        if not isinstance(value, Mapping):
            self.problem("$sort", "must name fields: $sort[field]=1 or -1")
            return []
        keys = []
        for name, direction in value.items():
            decoded = self.decode(direction)
            if name not in self.fields or self.fields[name] in ("array", "object"):
                self.problem(f"$sort[{name}]", "is not a field this service sorts by")
            elif str(decoded) not in ("1", "-1"):
                self.problem(f"$sort[{name}]", f"must be 1 or -1, got {direction!r}")
            else:
                keys.append(SortKey((name,), descending=str(decoded) == "-1", nulls_first=True))
        return keys

    def select(self, value: Any) -> list[str]:
        names = _as_list(value)
        for index, name in enumerate(names):
            if not isinstance(name, str) or name not in self.fields:
                self.problem(f"$select[{index}]", f"is not a field of this service: {name!r}")
        return [n for n in names if isinstance(n, str)]

    def filter(self, name: str, value: Any) -> None:
        path = (name,)
        if isinstance(value, Mapping):
            for op, operand in value.items():
                self._operator(name, op, operand)
        elif isinstance(value, list):
            self.problem(name, "takes one value; use $in for several")
        elif (decoded := self.decode(value)) is None:
            self.predicates.append(is_null(path))
        elif (typed := self._typed(name, name, decoded)) is not MISSING:
            self.predicates.append(equals(path, typed))

    def _operator(self, name: str, op: str, operand: Any) -> None:
        key, path = f"{name}[{op}]", (name,)
        is_array = self.fields[name] == "array"
        if op not in OPERATORS:
            self.problem(key, f"Invalid query parameter {op}")
        elif op in ("$in", "$nin"):
            values = [
                self._typed(name, key, self.decode(v)) for v in _as_list(self.decode(operand))
            ]
            if MISSING not in values:
                self.predicates.append(one_of(path, values, negate=op == "$nin"))
        elif (decoded := self.decode(operand)) in (None, "") and op == "$ne":
            # Without a value ($ne=, or qs' bare key for null) it asks for the field to be set:
            # on the wire an empty value and a bare key look alike to OpenAPI, so both mean null.
            self.predicates.append(is_null(path, negate=True))
        elif (typed := self._typed(name, key, decoded)) is MISSING:
            return
        elif op == "$ne":
            self.predicates.append(
                one_of(path, [typed], negate=True) if is_array else compare(path, "ne", typed)
            )
        elif is_array:
            self.problem(key, f"{op} needs a field with one value, not a list")
        else:
            self.predicates.append(compare(path, op[1:], typed))

    def _typed(self, name: str, key: str, value: Any) -> Any:
        """``value`` as the field's type, or MISSING (and a problem) when it cannot be."""
        kind = self.fields[name]
        if kind in ("integer", "number"):
            if isinstance(value, str) and (number := whole_number(value, signed=True)) is not None:
                return number
            if isinstance(value, int | float) and not isinstance(value, bool):
                return value
            self.problem(key, f"must be a number, got {value!r}")
            return MISSING
        if isinstance(value, str):
            return value
        self.problem(key, f"must be a string, got {value!r}")
        return MISSING


def _as_list(value: Any) -> list[Any]:
    """``qs`` gives one value, a list, or (past its array limit) an index-keyed object."""
    if isinstance(value, list):
        return value
    if isinstance(value, Mapping):
        return list(value.values())
    return [value]


def error_body(error: HTTPError) -> dict[str, Any]:
    """``error`` as ``@feathersjs/errors`` serialises it; ``errors`` maps each problem's name.

    A query problem is named as the client wrote the key (``$sort[createdAt]``), whichever
    layer found it.
    """
    name = _ERROR_NAMES.get(error.status) or HTTPStatus(error.status).phrase.replace(" ", "")
    return {
        "name": name,
        "message": error.message,
        "code": error.status,
        "className": inflection.dasherize(inflection.underscore(name)),
        "errors": {_key(p): p.message for p in error.problems},
    }


def _key(problem: Problem) -> str:
    if problem.location != "query":
        return problem.name
    first, *rest = problem.name.split("/")
    return first + "".join(f"[{part}]" for part in rest)
