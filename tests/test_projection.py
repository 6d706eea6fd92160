from __future__ import annotations

from mockserver.projection import null_unselected, select, without

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
