"""Feathers' find query over plain records, and Feathers' error shape."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.errors import BadRequest, Conflict, HTTPError, NotFound, Problem, Unauthorized
from mockserver.feathers import Paginate, error_body, field_types, parse_query
from mockserver.filtering import filter_records
from mockserver.paging import paginate
from mockserver.sorting import sort_records

FIELDS = {"id": "string", "n": "integer", "tags": "array", "name": "string"}
RECORDS: list[dict[str, Any]] = [
    {"id": "a", "n": 3, "tags": ["x"], "name": "Ana"},
    {"id": "b", "n": 1, "tags": ["x", "y"]},
    {"id": "c", "n": 2, "tags": [], "name": "Bea"},
    {"id": "d", "tags": ["y"], "name": None},
]


def run(query: dict[str, Any], **options: Any) -> list[dict[str, Any]]:
    parsed = parse_query(query, FIELDS, **options)
    matching = sort_records(filter_records(RECORDS, parsed.predicates), parsed.sort)
    return [parsed.project(r) for r in paginate(matching, parsed.window)]


def ids(query: dict[str, Any], **options: Any) -> list[str]:
    return [r["id"] for r in run(query, **options)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["a", "b", "c", "d"]),
        ({"n": "2"}, ["c"]),
        ({"tags": "y"}, ["b", "d"]),  # an array field contains the value
        ({"name": None}, ["b", "d"]),  # null matches missing and null, as in MongoDB
        ({"name": {"$ne": None}}, ["a", "c"]),
        ({"n": {"$gte": "2"}}, ["a", "c"]),
        ({"n": {"$lt": "3", "$gt": "1"}}, ["c"]),
        ({"n": {"$ne": "1"}}, ["a", "c", "d"]),  # $ne matches a missing field
        ({"n": {"$in": ["1", "3"]}}, ["a", "b"]),
        ({"n": {"$nin": ["1", "3"]}}, ["c", "d"]),
        ({"tags": {"$ne": "x"}}, ["c", "d"]),
        ({"tags": {"$in": ["y"]}, "n": {"$lte": "1"}}, ["b"]),
        ({"$sort": {"n": "1"}}, ["d", "b", "c", "a"]),  # missing first ascending
        ({"$sort": {"n": "-1"}}, ["a", "c", "b", "d"]),
        ({"$sort": {"name": "1", "id": "-1"}}, ["d", "b", "a", "c"]),
        ({"$limit": "2", "$skip": "1"}, ["b", "c"]),
        ({"$limit": "0"}, []),
    ],
)
def test_query_filters_sorts_and_pages(query: dict[str, Any], expected: list[str]) -> None:
    assert ids(query) == expected


def test_limit_defaults_and_is_clamped_by_paginate() -> None:
    assert ids({}, paginate=Paginate(default=1, max=3)) == ["a"]
    assert ids({"$limit": "50"}, paginate=Paginate(default=1, max=3)) == ["a", "b", "c"]


def test_select_keeps_the_id_first_and_drops_what_is_missing() -> None:
    assert run({"$select": ["name"], "$limit": "2"}) == [{"id": "a", "name": "Ana"}, {"id": "b"}]
    assert run({"$select": "n", "$limit": "1"}) == [{"id": "a", "n": 3}]


def test_decode_runs_on_every_value_first() -> None:
    def decode(value: Any) -> Any:
        return int(value[1:]) if isinstance(value, str) and value.startswith("#") else value

    assert ids({"n": {"$gt": "#1"}, "$limit": "#1", "$sort": {"n": "#-1"}}, decode=decode) == ["a"]


def test_every_bad_key_is_reported_at_once() -> None:
    query = {
        "$limit": "-1",
        "$skip": "x",
        "$sort": {"tags": "1", "n": "up"},
        "$select": ["nope"],
        "$or": [],
        "nope": "1",
        "n": {"$regex": "1", "$gt": "many", "$in": ["1", "x"]},
        "name": ["a", "b"],
        "tags": {"$lt": "x"},
    }
    with pytest.raises(BadRequest) as caught:
        parse_query(query, FIELDS)
    assert sorted(p.name for p in caught.value.problems) == [
        "$limit",
        "$or",
        "$select[0]",
        "$skip",
        "$sort[n]",
        "$sort[tags]",
        "n[$gt]",
        "n[$in]",
        "n[$regex]",
        "name",
        "nope",
        "tags[$lt]",
    ]
    assert "Invalid query parameter $or" in caught.value.message


def test_field_types_merge_all_of_parts() -> None:
    schema = {
        "allOf": [
            {"properties": {"a": {"type": "integer"}, "b": {"allOf": [{"type": "string"}]}}},
            {"required": ["a"]},
        ],
        "properties": {"c": {"type": "array"}, "d": {}},
    }
    assert field_types(schema) == {"a": "integer", "b": "string", "c": "array", "d": "string"}


@pytest.mark.parametrize(
    ("error", "name", "class_name"),
    [
        (BadRequest("bad"), "BadRequest", "bad-request"),
        (Unauthorized("who?"), "NotAuthenticated", "not-authenticated"),
        (NotFound("gone"), "NotFound", "not-found"),
        (Conflict("no"), "Conflict", "conflict"),
        (HTTPError("boom"), "GeneralError", "general-error"),
    ],
)
def test_errors_carry_feathers_class_names(error: HTTPError, name: str, class_name: str) -> None:
    body = error_body(error)
    assert body == {
        "name": name,
        "message": error.message,
        "code": error.status,
        "className": class_name,
        "errors": {},
    }


def test_a_status_feathers_has_no_class_for_is_named_after_its_phrase() -> None:
    error = HTTPError("no")
    error.status = 415
    assert (error_body(error)["name"], error_body(error)["className"]) == (
        "UnsupportedMediaType",
        "unsupported-media-type",
    )


def test_problems_become_errors_with_query_keys_in_bracket_form() -> None:
    problems = [
        Problem("query", "$sort/createdAt", "must be 1 or -1"),
        Problem("query", "room", "takes one value"),
        Problem("body", "participants/1", "is not an account"),
    ]
    assert error_body(BadRequest("bad", problems=problems))["errors"] == {
        "$sort[createdAt]": "must be 1 or -1",
        "room": "takes one value",
        "participants/1": "is not an account",
    }
