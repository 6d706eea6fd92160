from __future__ import annotations

from datetime import UTC, timedelta, timezone

from mockserver.projection import dates_in, null_unselected, select, without

RECORD = {"id": 1, "name": "n", "user": {"id": 7, "fullname": "F", "deleted": False}, "rank": 3}


def test_select_keeps_only_the_paths_in_order() -> None:
    assert list(select(RECORD, [("rank",), ("id",)])) == ["rank", "id"]
    assert select(RECORD, [("user", "fullname"), ("missing",)]) == {"user": {"fullname": "F"}}


def test_null_unselected_keeps_every_key() -> None:
    [result] = null_unselected([RECORD], {("name",), ("user", "fullname")})
    assert result == {
        "id": None,
        "name": "n",
        "user": {"id": None, "fullname": "F", "deleted": None},
        "rank": None,
    }


def test_null_unselected_keeps_a_whole_value_that_is_selected_besides_its_parts() -> None:
    for paths in ([("user",), ("user", "id")], [("user", "id"), ("user",)]):
        assert null_unselected([RECORD], paths)[0]["user"] == RECORD["user"]


def test_null_unselected_nulls_a_path_through_what_is_not_an_object() -> None:
    record = {**RECORD, "user": None, "rank": 3}
    assert null_unselected([record], [("user", "fullname"), ("rank", "x"), ("missing",)]) == [
        {
            "id": None,
            "name": None,
            "user": None,
            "rank": None,
        }
    ]


def test_without_drops_private_fields_only() -> None:
    assert without(RECORD, {"rank", "name"}) == {"id": 1, "user": RECORD["user"]}


def test_dates_in_moves_every_date_the_schema_names_nested_ones_too() -> None:
    schema = {
        "properties": {
            "at": {"type": "string", "format": "date-time"},
            "name": {"type": "string"},
            "last": {"properties": {"at": {"type": "string", "format": "date-time"}}},
            "list": {"items": {"allOf": [{"properties": {"at": {"format": "date-time"}}}]}},
        }
    }
    record = {
        "at": "2025-06-28T23:30:00+00:00",
        "name": "2025-06-28T23:30:00+00:00",  # a date-looking text is still text
        "last": {"at": "2025-06-28T10:00:00-02:00"},
        "list": [{"at": "2025-06-28T00:00:00+00:00"}],
        "extra": "2025-06-28T00:00:00+00:00",
        "none": None,
    }
    shifted = dates_in(record, schema, timezone(timedelta(hours=3)))
    assert shifted == {
        "at": "2025-06-29T02:30:00+03:00",
        "name": "2025-06-28T23:30:00+00:00",
        "last": {"at": "2025-06-28T15:00:00+03:00"},
        "list": [{"at": "2025-06-28T03:00:00+03:00"}],
        "extra": "2025-06-28T00:00:00+00:00",
        "none": None,
    }
    assert record["at"] == "2025-06-28T23:30:00+00:00"  # not edited in place
    assert dates_in(None, schema["properties"]["last"], UTC) is None
