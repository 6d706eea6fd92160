from __future__ import annotations

import pytest

from mockserver.compiled import compiled
from mockserver.validation import problems_of


@pytest.mark.parametrize(
    ("schema", "value", "message"),
    [
        ({"type": "integer"}, "x", "must be an integer, got 'x'"),
        ({"type": "integer", "minimum": 1}, 0, "must be ≥ 1, got 0"),
        ({"type": "integer", "maximum": 9, "exclusiveMaximum": True}, 9, "must be < 9, got 9"),
        ({"enum": ["A", "B"]}, "C", "must be one of A, B, got 'C'"),
        (
            {"type": "string", "format": "date-time", "description": "be an ISO date"},
            5,
            "must be a string, got 5",
        ),
        (
            {"type": "string", "pattern": "^a", "description": "start with a"},
            "b",
            "must start with a, got 'b'",
        ),
        ({"type": "array", "minItems": 1}, [], "must have at least 1 item(s)"),
        (
            {"type": "integer", "format": "int32"},
            2**31,
            "must be a 32-bit integer (-2147483648 to 2147483647), got 2147483648",
        ),
        (
            {"oneOf": [{"type": "boolean"}, {"type": "string"}]},
            3,
            "must be a boolean or a string, got 3",
        ),
    ],
)
def test_messages_speak_to_people(schema: dict, value: object, message: str) -> None:  # type: ignore[type-arg]
    problems = problems_of(compiled(schema).iter_errors(value), "query", "p")
    assert [p.message for p in problems] == [message]


def test_every_body_error_is_named_by_its_path() -> None:
    schema = {
        "type": "object",
        "required": ["participants"],
        "properties": {
            "room": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
    }
    problems = problems_of(compiled(schema).iter_errors({"room": 1, "tags": ["ok", 2]}), "body")
    assert {(p.name, p.message) for p in problems} == {
        ("participants", "is required"),
        ("room", "must be a string, got 1"),
        ("tags/1", "must be a string, got 2"),
    }
