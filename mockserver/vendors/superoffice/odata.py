"""SuperOffice's OData list options (``GET /api/v1/ChatSession``), the subset the mock serves.

The vendor documents the list as its ``ChatSession`` archive queried "using OData conventions"
(``$select=col1,col2,abc/col3``, ``$filter=col1 eq 'foo' and startswith(col2, 'baz')``,
``$orderby=abc/col3,col1``, ``$top``, ``$skip``) and lists the archive's operators, but not the
archive's columns. Inferred (mock decision, written in the spec): a column is a scalar property
of ``ChatSessionEntity``, named as the entity names it (case-insensitively, ``/`` into a
carrier: ``User/FullName``).

This module turns the options into the generic store query's parts (predicates of
:mod:`~mockserver.filtering`, keys of :mod:`~mockserver.sorting`) and the answer's rows; what the
vendor documents but the mock does not do (other operators, aggregates in ``$select``, ``$mode``
other than Slim…) is refused with a 400 naming it (:func:`unsupported`), never ignored.

``$filter`` grammar served: ``or`` of ``and`` of comparisons, parentheses; ``column op literal``
with ``eq ne lt le gt ge`` and the archive's ``contains`` and ``begins``; the functions
``startswith(col, 'x')``, ``endswith(col, 'x')``, ``contains(col, 'x')`` and OData's
``substringof('x', col)``. Literals: ``'text'`` (``''`` for a quote), integers, ``true``,
``false``, ``null``. Texts compare without regard to case, as the vendor's database collation
does; dates compare as the answer writes them (ISO text in the request's time zone).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

from ...errors import BadRequest
from ...filtering import Predicate, all_of, any_of, cacheable
from ...paths import MISSING, FieldPath, get_path
from ...sorting import SortKey
from .names import resolve

__all__ = ["columns", "parse_filter", "parse_order", "row", "unsupported"]

ENTITY_NAME: Final = "chatSession"
"""The archive entity of the rows (the vendor's ``$entities`` default, "chat", names the archive's
entity group; a row names its entity)."""

_COMPARISONS: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}
_TEXT_TESTS: Final[dict[str, Callable[[str, str], bool]]] = {
    "contains": lambda found, text: text in found,
    "begins": str.startswith,
    "startswith": str.startswith,
    "endswith": str.endswith,
}
_TOKEN = re.compile(
    r"\s*(?:(?P<text>'(?:[^']|'')*')|(?P<number>-?\d+)(?![\w.])|(?P<word>[A-Za-z_$][\w/.$]*)"
    r"|(?P<mark>[(),]))"
)
_LITERALS: Final = {"true": True, "false": False, "null": None}
_JSON_TYPES: Final = {str: "string", int: "integer", bool: "boolean"}
_WIDER: Final = {"number": "integer"}  # an integer literal compares with a double column


def unsupported(what: str) -> BadRequest:
    """The 400 for an option or operator the vendor documents but the mock does not serve."""
    return BadRequest(f"{what} is not supported by the mock", reason="unsupported_query")


def _invalid(what: str) -> BadRequest:
    return BadRequest(what, reason="invalid_query")


def _column(
    entity: Mapping[str, Any], name: str, option: str
) -> tuple[FieldPath, Mapping[str, Any]]:
    """The scalar property ``name`` names and its schema; a 400 naming it otherwise."""
    if "(" in name or ":" in name:
        raise unsupported(f"Aggregation or modifier '{name}' in {option}")
    try:
        path, schema = resolve(entity, name)
    except LookupError as exc:
        raise _invalid(f"Unknown column '{name}' in {option}: {exc}") from None
    if not _is_column(schema):
        raise _invalid(f"'{name}' in {option} is a carrier, not a column: name one of its fields")
    return path, schema


def columns(entity: Mapping[str, Any], select: str | None) -> list[FieldPath]:
    """The ``$select`` columns, or every scalar property of the entity when none are named."""
    names = [n.strip() for n in (select or "").split(",") if n.strip()]
    if not names:
        return [(name,) for name, schema in entity["properties"].items() if _is_column(schema)]
    return [_column(entity, name, "$select")[0] for name in names]


def _is_column(schema: Mapping[str, Any]) -> bool:
    """A scalar property: carriers, arrays and dictionaries are no archive columns."""
    return schema.get("type") not in ("object", "array") and "properties" not in schema


def row(session: Mapping[str, Any], paths: list[FieldPath], json_safe: bool) -> dict[str, Any]:
    """One archive row: its key and entity, then each column by its path (``/``-joined, or
    ``_``-joined when ``json_safe``); a column under a carrier that is null is null."""
    joiner = "_" if json_safe else "/"
    found = {}
    for path in paths:
        value = get_path(session, path)
        found[joiner.join(path)] = None if value is MISSING else value
    return {"PrimaryKey": session["ChatSessionId"], "EntityName": ENTITY_NAME, **found}


def parse_order(entity: Mapping[str, Any], text: str | None) -> list[SortKey]:
    """``$orderBy``: ``column [asc|desc]``, comma-separated, in order of precedence."""
    keys = []
    for part in (text or "").split(","):
        words = part.split()
        if not words:
            continue
        direction = words[1].casefold() if len(words) > 1 else "asc"
        if len(words) > 2 or direction not in ("asc", "desc"):
            raise _invalid(f"$orderBy '{part.strip()}': write a column, then asc or desc")
        keys.append(SortKey(_column(entity, words[0], "$orderBy")[0], direction == "desc"))
    return keys


def parse_filter(entity: Mapping[str, Any], text: str) -> Predicate:
    """``$filter`` as one predicate over presented sessions (see the module's grammar)."""
    parser = _Parser(entity, text)
    predicate = parser.disjunction()
    if parser.peek() is not None:
        raise _invalid(f"$filter: unexpected '{parser.peek()}' after a complete condition")
    return predicate


class _Parser:
    """Recursive descent over the tokens of one ``$filter``."""

    def __init__(self, entity: Mapping[str, Any], text: str) -> None:
        self.entity = entity
        self.tokens = list(_tokens(text))
        self.at = 0

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None:
            raise _invalid("$filter ends in the middle of a condition")
        if expected is not None and token.casefold() != expected:
            raise _invalid(f"$filter: expected '{expected}', found '{token}'")
        self.at += 1
        return token

    def disjunction(self) -> Predicate:
        parts = [self.conjunction()]
        while (self.peek() or "").casefold() == "or":
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else any_of(parts)

    def conjunction(self) -> Predicate:
        parts = [self.condition()]
        while (self.peek() or "").casefold() == "and":
            self.take()
            parts.append(self.condition())
        return parts[0] if len(parts) == 1 else all_of(parts)

    def condition(self) -> Predicate:
        token = self.take()
        if token == "(":
            inner = self.disjunction()
            self.take(")")
            return inner
        if token.casefold() == "not":
            raise unsupported("$filter operator 'not'")
        if self.peek() == "(":
            return self.function(token)
        if token.startswith("'") or _literal(token) is not MISSING:
            raise _invalid(f"$filter: a condition starts with a column, not {token}")
        path, schema = _column(self.entity, token, "$filter")
        op = self.take().casefold()
        # Refused before its operand is read: the vendor's unary operators have none.
        if op not in _COMPARISONS and op not in ("contains", "begins"):
            raise unsupported(f"$filter operator '{op}'")
        value = _literal(self.take())
        if op in _COMPARISONS:
            return _compared(path, schema, op, value)
        return _text_test(path, op, value)

    def function(self, name: str) -> Predicate:
        kind = name.casefold()
        if kind not in ("substringof", "startswith", "endswith", "contains"):
            raise unsupported(f"$filter function '{name}'")  # before its arguments: counts vary
        self.take("(")
        first = self.take()
        self.take(",")
        second = self.take()
        self.take(")")
        if kind == "substringof":  # OData 2: the text first, then the column
            first, second, kind = second, first, "contains"
        return _text_test(_column(self.entity, first, "$filter")[0], kind, _literal(second))


def _tokens(text: str) -> Iterator[str]:
    at = 0
    while at < len(text.rstrip()):
        found = _TOKEN.match(text, at)
        if found is None:
            raise _invalid(f"$filter: cannot read '{text[at:].strip()}'")
        yield found.group(found.lastgroup or 0)
        at = found.end()


def _literal(token: str) -> Any:
    """The value a literal token writes; MISSING for a token that is none."""
    if token.startswith("'"):
        return token[1:-1].replace("''", "'")
    if token.casefold() in _LITERALS:
        return _LITERALS[token.casefold()]
    if re.fullmatch(r"-?\d+", token):
        return int(token)
    return MISSING


def _folded(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _compared(path: FieldPath, schema: Mapping[str, Any], op: str, value: Any) -> Predicate:
    """``path op value``; null only with ``eq`` and ``ne``, other values of the column's type.
    A null column (a null carrier's) passes ``ne`` a value and ``eq null``, no order test."""
    name, kind = "/".join(path), schema.get("type", "string")
    if value is MISSING:
        raise _invalid(f"$filter: '{name} {op}' needs a literal ('text', 12, true or null)")
    if value is None and op not in ("eq", "ne"):
        raise _invalid(f"$filter: '{name} {op} null': null is only compared with eq and ne")
    if value is not None and _JSON_TYPES.get(type(value)) not in (kind, _WIDER.get(kind)):
        raise _invalid(f"$filter: {name} is a column of type {kind}, compared with {value!r}")
    wanted, test = _folded(value), _COMPARISONS[op]

    def predicate(session: Mapping[str, Any]) -> bool:
        found = get_path(session, path)
        if found is MISSING:
            found = None
        if found is None or value is None:
            return test(found, value) if op in ("eq", "ne") else False
        return test(_folded(found), wanted)

    return cacheable(predicate, "odata", path, op, value)


def _text_test(path: FieldPath, kind: str, value: Any) -> Predicate:
    if not isinstance(value, str):
        raise _invalid(f"$filter: {kind} on {'/'.join(path)} takes a 'text' literal")
    wanted, test = value.casefold(), _TEXT_TESTS[kind]

    def predicate(session: Mapping[str, Any]) -> bool:
        found = get_path(session, path)
        return isinstance(found, str) and test(found.casefold(), wanted)

    return cacheable(predicate, "odata_text", path, kind, wanted)
