"""SuperOffice request bodies bound as ASP.NET's Json.NET binds them, before the spec judges them.

The vendor's server reads a JSON body into .NET objects with Json.NET, which is lenient where JSON
Schema is not: a property name finds the class's property whatever its case (``chatSessionId`` is
``ChatSessionId``), and an enum takes its name in any case or its number. The vendor's own npm
client relies on both: it sends its TypeScript carriers as they are, camelCase, with flag sets
(``Flags``, ``TableRight.Mask``) as numbers. The spec is written the way the wire answers
(PascalCase, enums by name), so validation alone would refuse what the real server takes.

:func:`bind` rewrites a parsed body into the spec's spelling by walking the body's own schema:
no list of names or calls of its own, so a property added to the spec is bound with no change
here. A number binds to an enum's member by the member's value: its position in ``enum`` (.NET
numbers an enum from 0 in declaration order, which the spec keeps), or for a flag set the
vendor's values in the schema's ``x-flags``. What cannot be bound stays as sent, for validation
to refuse in its usual words; nothing is dropped, so unknown names are refused or ignored
exactly as before.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterator, Mapping
from typing import Any

from connexion.datastructures import MediaTypeDict
from starlette.types import Scope

from ...validation import VALIDATOR_MAP_ALL_PROBLEMS, AllProblemsJSONValidator

__all__ = ["VALIDATOR_MAP", "JsonNetBody", "bind"]

Schema = Mapping[str, Any]


def bind(value: Any, schema: Schema) -> Any:
    """``value`` with property names, enum members and flag sets spelt as ``schema`` spells them."""
    if isinstance(value, Mapping):
        return _bind_object(value, schema)
    if isinstance(value, list):
        items = _merged(schema, "items")
        return [bind(item, items) for item in value] if items is not None else value
    if isinstance(value, bool):  # a bool is an int to Python, never an enum member to .NET
        return value
    flags = _merged(schema, "x-flags")
    if flags is not None:
        return _flag_set(value, flags)
    members = [m for b in _branches(schema) for m in b.get("enum", ()) if isinstance(m, str)]
    if members:
        return _member(value, members)
    return value


def _bind_object(value: Mapping[str, Any], schema: Schema) -> dict[str, Any]:
    properties: dict[str, Schema] = {}
    for branch in _branches(schema):
        for name, sub in branch.get("properties", {}).items():
            properties.setdefault(name, sub)
    others = _merged(schema, "additionalProperties")
    folded = {name.casefold(): name for name in properties}
    bound: dict[str, Any] = {}
    for key, item in value.items():
        # Json.NET tries the exact name first; a name sent twice in two cases: the last one wins.
        name = key if key in properties else folded.get(key.casefold(), key)
        sub = properties.get(name, others if isinstance(others, Mapping) else None)
        bound[name] = bind(item, sub) if sub is not None else item
    return bound


def _member(value: Any, members: list[str]) -> Any:
    """The enum member ``value`` names (any case) or numbers; ``value`` itself when none."""
    if isinstance(value, int):
        return members[value] if 0 <= value < len(members) else value
    if isinstance(value, str):
        return next((m for m in members if m.casefold() == value.strip().casefold()), value)
    return value


def _flag_set(value: Any, flags: Mapping[str, int]) -> Any:
    """A flag set as .NET writes one: the member whose value it is, else the members (one bit
    or more each, largest first) that make it up, joined by ``", "`` in ascending order.
    Names (any case, ``", "``-separated) are spelt as ``flags`` does. ``value`` itself when it
    is neither."""
    if isinstance(value, str):
        names = {n.casefold(): n for n in flags}
        parts = [names.get(p.strip().casefold()) for p in value.split(",")]
        return ", ".join(p for p in parts if p) if all(parts) else value
    if not isinstance(value, int) or value < 0:
        return value
    exact = next((name for name, bits in flags.items() if bits == value), None)
    if exact is not None:
        return exact
    chosen, left = [], value
    for name, bits in sorted(flags.items(), key=lambda f: -f[1]):
        if bits and bits & left == bits:
            chosen.append(name)
            left &= ~bits
    return ", ".join(reversed(chosen)) if not left else value


def _branches(schema: Schema) -> Iterator[Schema]:
    """``schema`` and every schema it combines (``allOf``, ``oneOf``, ``anyOf``), depth first."""
    yield schema
    for key in ("allOf", "oneOf", "anyOf"):
        for branch in schema.get(key, ()):
            yield from _branches(branch)


def _merged(schema: Schema, key: str) -> Any:
    """The first ``key`` among ``schema``'s branches, None when none has it."""
    return next((b[key] for b in _branches(schema) if key in b), None)


class JsonNetBody(AllProblemsJSONValidator):
    """The mock's JSON body validation, run on the body as Json.NET would have bound it; the
    handler gets the bound body too, so it reads the spec's names only."""

    async def _parse(self, stream: AsyncGenerator[bytes, None], scope: Scope) -> Any:
        parsed = await super()._parse(stream, scope)
        # Connexion passes the bound body on only when told to; an empty one stays as sent.
        self.MUTABLE_VALIDATION = parsed is not None
        return bind(parsed, self._schema)


VALIDATOR_MAP: dict[str, Any] = {
    **VALIDATOR_MAP_ALL_PROBLEMS,
    "body": MediaTypeDict({**VALIDATOR_MAP_ALL_PROBLEMS["body"], "*/*json": JsonNetBody}),
}
"""The mock's validators, JSON bodies bound first (:attr:`~..base.VendorAPI.validator_map`)."""
