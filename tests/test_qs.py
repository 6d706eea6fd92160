"""Query strings read as Node's ``qs`` writes them."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.qs import parse


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("$limit=3&$skip=1", {"$limit": "3", "$skip": "1"}),
        ("$sort[createdAt]=-1&$sort[id]=1", {"$sort": {"createdAt": "-1", "id": "1"}}),
        ("%24select%5B0%5D=id&%24select%5B1%5D=room", {"$select": ["id", "room"]}),
        ("a[]=x&a[]=y", {"a": ["x", "y"]}),
        ("a=x&a=y", {"a": ["x", "y"]}),
        ("a=x&a[]=y", {"a": ["x", "y"]}),
        ("a[1]=y&a[0]=x", {"a": ["x", "y"]}),
        ("a[0]=x&a[5]=y", {"a": ["x", "y"]}),  # gaps close, as in qs
        ("id[$in][0]=a&id[$in][1]=b", {"id": {"$in": ["a", "b"]}}),
        ("a[21]=x", {"a": {"21": "x"}}),  # past the array limit: an object key
        ("a[0]=x&a[b]=y", {"a": {"0": "x", "b": "y"}}),
        ("a[b][c][d][e][f][g][h]=1", {"a": {"b": {"c": {"d": {"e": {"f": {"[g][h]": "1"}}}}}}}),
        ("q=a+b%20c&0=zero", {"q": "a b c", "0": "zero"}),
        ("a[b=1", {"a[b": "1"}),
        ("&&=x&a=", {"a": ""}),
    ],
)
def test_parse_follows_qs_defaults(query: str, expected: dict[str, Any]) -> None:
    assert parse(query) == expected


def test_a_key_without_equals_sign_is_null_only_with_strict_null() -> None:
    assert parse("acceptedBy&room=") == {"acceptedBy": "", "room": ""}
    assert parse("acceptedBy&room=&a[$ne]", strict_null=True) == {
        "acceptedBy": None,
        "room": "",
        "a": {"$ne": None},
    }


def test_depth_and_array_limit_can_be_changed() -> None:
    assert parse("a[b][c]=1", depth=1) == {"a": {"b": {"[c]": "1"}}}
    assert parse("a[3]=x", array_limit=2) == {"a": {"3": "x"}}


def test_only_ascii_digits_make_an_index() -> None:
    """Unicode digits such as '³' pass str.isdigit but are no array index (int() refuses them)."""
    assert parse("a[%C2%B3]=x&b[0]=y") == {"a": {"³": "x"}, "b": ["y"]}
