r"""Schema validation compiled once and run in Rust, with jsonschema's own words for failures.

Connexion and the fixture loader validate with pure-Python ``jsonschema``, which rebuilds its
validator on every request and takes about half a minute for 100k fixture records. Here a schema
is compiled once by ``jsonschema_rs`` and asked only "valid?"; when it says no, the very
``jsonschema`` validator the rest of the mock uses finds and words the errors (file, JSON pointer
and message stay exactly as before). Python remains the judge: a value is refused only when
``jsonschema`` refuses it.

That makes one promise necessary and this module keeps it: whatever ``jsonschema_rs`` accepts,
``jsonschema`` accepts too. The schema handed to Rust is rewritten for that:

* for Connexion's request and response validators, OpenAPI's ``nullable`` (and
  ``x-nullable``) become ``"null"`` in ``type`` and ``None`` in ``enum``, which is exactly what
  they allow (plain Draft 4, which Connexion uses for parameters, ignores ``nullable``);
* for the response validator (answers and fixtures), a ``writeOnly`` property may not appear;
* formats: OpenAPI's ``int32`` and ``int64`` bound integers on both sides (as bounds for
  Rust); ``ipv4``, ``ipv6``, ``email`` and ``idn-email`` are checked by Rust (no laxer than
  Python: ``tests/test_compiled.py`` holds the evidence), ``date-time`` by a pattern that accepts
  exactly what ``rfc3339-validator`` does (Rust's own check takes ``+023-…`` and leap seconds),
  ``uuid`` (not a Draft 4 format; Python checks it as jsonschema's later drafts do, so a body
  field typed as a UUID refuses other text) by a pattern that accepts a subset of what Python
  does, every format Python does not check (``uri``, ``date``…) by nothing, as in Python;
* a ``pattern`` Rust would read otherwise than Python is checked by Python's ``re``: Rust
  follows ECMA 262, whose ``\s`` leaves out U+0085 and U+001C–U+001F and whose ``\w``, ``\b``
  and negated ``\d`` are ASCII, so ``[^\s]`` let through a URL Python refuses (a TWIN message was
  accepted, then every list holding it failed its own response schema).

Instances must be JSON data (dicts, lists, strings, numbers, booleans, None), as decoded from
JSON or parsed by Connexion; a value Rust cannot read is left to Python.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from typing import Any

import jsonschema_rs
from connexion.json_schema import Draft4RequestValidator, Draft4ResponseValidator
from jsonschema import (
    Draft4Validator,
    Draft201909Validator,
    FormatChecker,
    ValidationError,
    validators,
)
from jsonschema.protocols import Validator

__all__ = ["CompiledSchema", "compiled", "engines_agree"]

# OpenAPI's integer formats bound the value; jsonschema knows nothing of them.
_INTEGER_BOUNDS = {"int32": 2**31, "int64": 2**63}
_PYTHON_FORMATS = FormatChecker()
_PYTHON_FORMATS.checkers = dict(Draft4Validator.FORMAT_CHECKER.checkers)
for _name, _bound in _INTEGER_BOUNDS.items():
    _PYTHON_FORMATS.checks(_name)(
        lambda value, bound=_bound: not isinstance(value, int) or -bound <= value < bound
    )
# OpenAPI's ``uuid``: Draft 4 has no such format, later drafts check it.
_PYTHON_FORMATS.checkers["uuid"] = Draft201909Validator.FORMAT_CHECKER.checkers["uuid"]
# Formats jsonschema_rs checks at least as strictly as jsonschema's Draft 4 format checker.
_RUST_CHECKED = frozenset({"ipv4", "ipv6", "email", "idn-email"})
# RFC 3339 as rfc3339-validator reads it (case-insensitive T and Z, days that exist, no year 0).
_YEAR = r"(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})"
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_MONTH_DAY = (
    r"(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)"
    r"|(?:0[13578]|1[02])-31)"
)
_DATE_TIME = (
    rf"^(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)"
    r"[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?"
    r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"
)
# The canonical form only: Python also takes other spellings, and decides on those.
_UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_FORMAT_PATTERNS = {"date-time": _DATE_TIME, "uuid": _UUID}
# Where ECMA 262 and Python's ``re`` differ: shorthand classes other than a plain ``\d`` (ASCII
# in ECMA, a subset of Python's, so Rust accepts no more), negative lookarounds, and ``\d`` in a
# negated class.
_ENGINES_DIFFER = re.compile(r"\\[sSwWDbB]|\(\?<?!|\[\^(?:[^\]\\]|\\.)*\\d")
# Keywords whose value is one schema, a list of schemas, or a map of name -> schema.
_ONE = ("additionalProperties", "additionalItems", "not", "items")
_LIST = ("allOf", "anyOf", "oneOf", "items")
_MAP = ("properties", "patternProperties", "definitions", "dependencies")


class CompiledSchema:
    """A schema validated by Rust when the instance is valid and by ``jsonschema`` otherwise."""

    def __init__(
        self, schema: Mapping[str, Any], python: type[Validator] = Draft4Validator
    ) -> None:
        """``python``: ``Draft4Validator`` or one of Connexion's request and response validators."""
        self.python = _with_linear_unique_items(python)(schema, format_checker=_PYTHON_FORMATS)
        nullable = python in (Draft4RequestValidator, Draft4ResponseValidator)
        formats: dict[str, Any] = {}
        rust_schema = _for_rust(schema, formats, nullable, python is Draft4ResponseValidator)
        self._rust = jsonschema_rs.Draft4Validator(
            rust_schema, validate_formats=True, formats=formats
        )
        # One call for a whole data set: calling Rust once per record costs three times more.
        self._rust_all = jsonschema_rs.Draft4Validator(
            {"type": "array", "items": rust_schema}, validate_formats=True, formats=formats
        )

    def is_valid(self, instance: Any) -> bool:
        try:
            if self._rust.is_valid(instance):
                return True
        except ValueError:  # not JSON data (an uploaded file, a tuple key): Python decides
            pass
        return bool(self.python.is_valid(instance))

    def all_valid(self, instances: list[Any]) -> bool:
        """True when Rust finds every instance valid (then so would Python); False: look closer."""
        try:
            return bool(self._rust_all.is_valid(instances))
        except ValueError:
            return False

    def iter_errors(self, instance: Any) -> Iterator[ValidationError]:
        """jsonschema's errors for ``instance``, found only when there are any."""
        try:
            if self._rust.is_valid(instance):
                return iter(())
        except ValueError:
            pass
        return iter(self.python.iter_errors(instance))


# Schemas live as long as the specs they belong to; the strong reference kept next to each entry
# makes sure an id is never reused while it is cached.
_CACHE: dict[tuple[int, type], tuple[Mapping[str, Any], CompiledSchema]] = {}
_CACHE_LIMIT = 4096


def compiled(
    schema: Mapping[str, Any], python: type[Validator] = Draft4Validator
) -> CompiledSchema:
    """The compiled form of ``schema`` (the same dict object), compiling it on first use.

    Connexion builds its validators anew on every request, from the same schema objects of the
    spec; this cache is what makes each schema compile once.
    """
    key = (id(schema), python)
    entry = _CACHE.get(key)
    if entry is not None and entry[0] is schema:
        return entry[1]
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    result = CompiledSchema(schema, python)
    _CACHE[key] = (schema, result)
    return result


def _for_rust(schema: Any, formats: dict[str, Any], nullable: bool, write_only: bool) -> Any:
    """A copy of ``schema`` that Rust accepts no more of than the Python validator does.

    ``formats`` collects the format overrides Rust needs; ``nullable``: honour OpenAPI's
    ``nullable``; ``write_only``: refuse ``writeOnly`` properties.
    """
    if not isinstance(schema, Mapping):
        return schema
    if write_only and ("writeOnly" in schema or "x-writeOnly" in schema):
        return {"not": {}}
    flags = (formats, nullable, write_only)
    result: dict[str, Any] = dict(schema)
    for keyword in _ONE:
        if isinstance(result.get(keyword), Mapping):
            result[keyword] = _for_rust(result[keyword], *flags)
    for keyword in _LIST:
        if isinstance(result.get(keyword), list):
            result[keyword] = [_for_rust(s, *flags) for s in result[keyword]]
    for keyword in _MAP:
        if isinstance(result.get(keyword), Mapping):
            result[keyword] = {name: _for_rust(s, *flags) for name, s in result[keyword].items()}
    if nullable and (result.get("x-nullable") is True or result.get("nullable")):
        if "type" in result:
            types = result["type"] if isinstance(result["type"], list) else [result["type"]]
            result["type"] = [*types, "null"]
        if isinstance(result.get("enum"), list):
            result["enum"] = [*result["enum"], None]
    pattern = result.get("pattern")
    if isinstance(pattern, str) and not engines_agree(pattern):
        del result["pattern"]
        name = f"python-pattern:{pattern}"
        formats[name] = _python_pattern(pattern)
        result = {"allOf": [result, {"format": name}]}
    fmt = result.get("format")
    if fmt in _INTEGER_BOUNDS:
        del result["format"]
        bound = _INTEGER_BOUNDS[fmt]
        result = {"allOf": [result, {"minimum": -bound, "maximum": bound - 1}]}
    elif fmt in _FORMAT_PATTERNS:
        del result["format"]
        check = {"pattern": _FORMAT_PATTERNS[fmt]}
        result = {"allOf": [result, check]} if "pattern" in result else {**result, **check}
    elif isinstance(fmt, str) and fmt not in _RUST_CHECKED:
        if fmt in _PYTHON_FORMATS.checkers:
            formats[fmt] = _python_format(fmt)  # rare (``regex``): Python's own check
        else:
            del result["format"]  # unchecked in Python: a callback per value would cost dearly
    return result


def engines_agree(pattern: str) -> bool:
    """Whether ECMA 262 (which JSON Schema names, and Rust and most clients follow) and Python's
    ``re`` accept the same strings for ``pattern``, as far as its syntax shows."""
    return _ENGINES_DIFFER.search(pattern) is None


def _python_pattern(pattern: str) -> Any:
    compiled_pattern = re.compile(pattern)
    return lambda value: compiled_pattern.search(value) is not None


def _python_format(fmt: str) -> Any:
    return lambda value: _PYTHON_FORMATS.conforms(value, fmt)


@functools.cache
def _with_linear_unique_items(python: type[Validator]) -> type[Validator]:
    """``python`` with a ``uniqueItems`` check in linear time.

    jsonschema's own falls back to comparing every pair when items cannot be sorted (objects,
    or mixed types): 4,000 such items took 20 s, during which the server answered nobody.
    """
    return validators.extend(python, {"uniqueItems": _unique_items})  # type: ignore[no-any-return,no-untyped-call]


def _unique_items(
    validator: Validator, unique: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if not unique or not validator.is_type(instance, "array"):
        return
    seen: set[Any] = set()
    for item in instance:
        identity = _json_identity(item)
        if identity in seen:
            yield ValidationError(f"{instance!r} has non-unique elements")
            return
        seen.add(identity)


def _json_identity(value: Any) -> Any:
    """A hashable value equal for two JSON values exactly when JSON Schema calls them equal.

    ``1`` and ``1.0`` are one number (and hash alike in Python); ``true`` is not ``1``; objects
    compare by their members in any order.
    """
    if isinstance(value, bool) or value is None:
        return (type(value).__name__, value)
    if isinstance(value, int | float):
        return ("number", value)
    if isinstance(value, str):
        return ("string", value)
    if isinstance(value, list):
        return ("array", tuple(_json_identity(item) for item in value))
    if isinstance(value, dict):
        return ("object", frozenset((key, _json_identity(item)) for key, item in value.items()))
    return ("other", id(value))
