"""Compiled schemas judge exactly as the Python validators they stand in for."""

from __future__ import annotations

from typing import Any

import jsonschema._utils
import pytest
from connexion.json_schema import Draft4RequestValidator, Draft4ResponseValidator
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft4Validator, Draft201909Validator
from jsonschema.protocols import Validator

from mockserver.compiled import CompiledSchema, compiled

PYTHON_VALIDATORS = [Draft4Validator, Draft4RequestValidator, Draft4ResponseValidator]

SCHEMA = {
    "type": "object",
    "required": ["id", "state"],
    "properties": {
        "id": {"type": "integer", "minimum": 1},
        "state": {"type": "string", "enum": ["ACTIVE", "ENDED"], "nullable": True},
        "note": {"type": "string", "nullable": True, "maxLength": 5},
        "secret": {"type": "string", "writeOnly": True},
        "tags": {"type": "array", "items": {"type": "string", "pattern": "^[a-z]+$"}},
        "when": {"type": "string", "format": "date-time"},
        "site": {"type": "string", "format": "uri"},
        "nested": {"allOf": [{"type": "object", "properties": {"x": {"type": "boolean"}}}]},
    },
    "additionalProperties": False,
}

INSTANCES = [
    {"id": 1, "state": "ACTIVE"},
    {"id": 1, "state": None, "note": None},
    {"id": 0, "state": "PAUSED", "note": "too long"},
    {"id": 1.0, "state": "ACTIVE"},
    {"id": 1, "state": "ACTIVE", "secret": "s"},
    {"id": 1, "state": "ACTIVE", "tags": ["ok", "Not OK"]},
    {"id": 1, "state": "ACTIVE", "when": "2024-02-29T10:00:00Z", "site": "not a uri"},
    {"id": 1, "state": "ACTIVE", "when": "2023-02-29T10:00:00Z"},
    {"id": 1, "state": "ACTIVE", "when": "2024-01-01t10:00:00.5z"},
    {"id": 1, "state": "ACTIVE", "when": "2024-01-01T23:59:60Z"},
    {"id": 1, "state": "ACTIVE", "nested": {"x": "yes"}},
    {"state": "ACTIVE", "extra": 1},
    ["not", "an", "object"],
    None,
]


@pytest.mark.parametrize("python", PYTHON_VALIDATORS)
@pytest.mark.parametrize("instance", INSTANCES)
def test_same_verdict_and_same_words_as_the_python_validator(
    python: type[Validator], instance: Any
) -> None:
    reference = python(SCHEMA, format_checker=Draft4Validator.FORMAT_CHECKER)
    fast = CompiledSchema(SCHEMA, python)
    assert fast.is_valid(instance) == reference.is_valid(instance)
    assert [e.message for e in fast.iter_errors(instance)] == [
        e.message for e in reference.iter_errors(instance)
    ]


def _mutated(text: str, edits: list[tuple[int, str, int]]) -> str:
    chars = list(text)
    for position, char, kind in edits:
        index = position % (len(chars) + 1)
        if kind == 0 and index < len(chars):
            chars[index] = char
        elif kind == 1:
            chars.insert(index, char)
        elif chars:
            del chars[min(index, len(chars) - 1)]
    return "".join(chars)


_EDITS = st.lists(
    st.tuples(st.integers(0, 40), st.sampled_from("0123456789:-+.TtZz %@abf"), st.integers(0, 2)),
    max_size=3,
)
_SEEDS = {
    "date-time": ["2024-01-01T00:00:00Z", "2024-12-31T23:59:59.999+05:30", "2024-02-29t12:00:00z"],
    "ipv4": ["192.168.0.1", "0.0.0.0", "255.255.255.255"],
    "ipv6": ["::1", "fe80::1%eth0", "2001:db8::ff00:42:8329", "::ffff:192.0.2.1"],
    "email": ["a@b.c", "x@y"],
}


@pytest.mark.parametrize("fmt", sorted(_SEEDS))
def test_checked_formats_accept_nothing_python_refuses(fmt: str) -> None:
    schema = {"type": "string", "format": fmt}
    reference = Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
    fast = CompiledSchema(schema)

    @given(seed=st.sampled_from(_SEEDS[fmt]), edits=_EDITS)
    def agree(seed: str, edits: list[tuple[int, str, int]]) -> None:
        value = _mutated(seed, edits)
        assert fast.is_valid(value) == reference.is_valid(value), value

    agree()


def test_uuid_is_checked_as_later_drafts_check_it_and_rust_takes_no_more() -> None:
    schema = {"type": "string", "format": "uuid"}
    reference = Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)
    fast = CompiledSchema(schema, Draft4RequestValidator)
    assert fast.is_valid("6813bcf3-59c3-430b-843d-ef96e4ae2c05")
    assert not fast.is_valid("")
    assert not fast.is_valid("6813bcf3-59c3-430b-843d")

    @given(
        seed=st.sampled_from(
            ["6813bcf3-59c3-430b-843d-ef96e4ae2c05", "ABCDEF01-2345-6789-abcd-0123456789ab"]
        ),
        edits=_EDITS,
    )
    def agree(seed: str, edits: list[tuple[int, str, int]]) -> None:
        value = _mutated(seed, edits)
        assert fast.is_valid(value) == reference.is_valid(value), value

    agree()


# Patterns from the specs and the shorthand classes ECMA 262 (Rust) and Python's re read apart.
_PATTERNS = [
    r"^https?://[^\s/?#]+[^\s]*$",
    r"^\d{4}-\d{2}$",
    r"^[^\d]+$",
    r"^\w+$",
    r"^\S+\b",
    r"^(?!\s)x",
]
_SPACES_AND_DIGITS = "\x85\x1c\x1f\ufeff\u00a0\u2028 \t\u0663\uff10é_aZ9/?#"


@pytest.mark.parametrize("pattern", _PATTERNS)
def test_patterns_accept_nothing_python_refuses(pattern: str) -> None:
    schema = {"type": "string", "pattern": pattern}
    reference = Draft4Validator(schema)
    fast = CompiledSchema(schema, Draft4RequestValidator)
    if pattern == _PATTERNS[0]:  # the URL that got a TWIN message in and then broke its lists
        assert not fast.is_valid("http://v\u00d6\x8515")

    @given(
        seed=st.sampled_from(["http://a.b/c", "2024-01", "ab", "x"]),
        edits=st.lists(
            st.tuples(st.integers(0, 20), st.sampled_from(_SPACES_AND_DIGITS), st.integers(0, 2)),
            max_size=3,
        ),
    )
    def agree(seed: str, edits: list[tuple[int, str, int]]) -> None:
        value = _mutated(seed, edits)
        assert fast.is_valid(value) == reference.is_valid(value), value

    agree()


def test_values_rust_cannot_read_are_left_to_python() -> None:
    fast = CompiledSchema({"type": "object"})
    assert fast.is_valid({1: "int key"})  # jsonschema only looks at the type here
    assert not fast.is_valid((1, 2))


def test_each_schema_object_compiles_once() -> None:
    schema = {"type": "integer"}
    assert compiled(schema) is compiled(schema)
    assert compiled(schema) is not compiled(schema, Draft4RequestValidator)
    assert compiled(schema) is not compiled(dict(schema))


def test_rust_alone_accepts_valid_data_so_python_is_not_asked() -> None:
    # all_valid is Rust's verdict only: a False here would mean jsonschema re-checks every record.
    fast = CompiledSchema(SCHEMA, Draft4ResponseValidator)
    valid = [
        {"id": 1, "state": None, "note": None, "when": when, "site": "anything goes"}
        for when in (
            "2024-02-29T07:00:45+00:00",
            "2000-02-29t00:00:00z",
            "2023-12-31T23:59:59.123456-05:30",
            "0001-01-01T00:00:00Z",
        )
    ]
    assert fast.all_valid(valid)
    assert not fast.all_valid(
        [*valid, {"id": 1, "state": "ACTIVE", "when": "1900-02-29T00:00:00Z"}]
    )


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.sampled_from([0.0, 1.0, 2.5])
    | st.text("ab", max_size=2),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text("ab", max_size=1), inner, max_size=2)
    ),
    max_leaves=8,
)


@given(items=st.lists(_JSON, max_size=6))
def test_unique_items_agrees_with_jsonschema_in_linear_time(items: list[Any]) -> None:
    # Small values, so that equal ones (1 and 1.0, objects in another order) come up often.
    schema = {"type": "array", "uniqueItems": True}
    reference = Draft4Validator(schema)
    fast = CompiledSchema(schema)
    assert fast.python.is_valid(items) == reference.is_valid(items)
    assert [e.message for e in fast.iter_errors(items)] == [
        e.message for e in reference.iter_errors(items)
    ]


def test_unique_items_never_compares_items_pairwise(monkeypatch: pytest.MonkeyPatch) -> None:
    # jsonschema compares every pair of items it cannot sort (each call to its `equal`): with
    # 300 objects that is 44,850 calls, and 4,000 of them froze the server for 20 s.
    calls = []
    real_equal = jsonschema._utils.equal

    def counted(one: Any, two: Any) -> bool:
        calls.append(1)
        return bool(real_equal(one, two))

    monkeypatch.setattr(jsonschema._utils, "equal", counted)
    items = [{"n": n} if n % 2 else [n] for n in range(300)]
    schema = {"type": "array", "uniqueItems": True}
    assert CompiledSchema(schema).python.is_valid(items)
    assert not calls
    assert Draft4Validator(schema).is_valid(items)
    assert len(calls) > 300  # the count above is zero for the right reason
