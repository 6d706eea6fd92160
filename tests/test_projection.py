from __future__ import annotations

from mockserver.projection import null_unselected, select, without

RECORD = {"id": 1, "name": "n", "user": {"id": 7, "fullname": "F", "deleted": False}, "rank": 3}


def test_select_keeps_only_the_paths_in_order() -> None:
    assert list(select(RECORD, [("rank",), ("id",)])) == ["rank", "id"]
    assert select(RECORD, [("user", "fullname"), ("missing",)]) == {"user": {"fullname": "F"}}


def test_null_unselected_keeps_every_key() -> None:
    result = null_unselected(RECORD, {("name",), ("user", "fullname")})
    assert result == {
        "id": None,
        "name": "n",
        "user": {"id": None, "fullname": "F", "deleted": None},
        "rank": None,
    }


def test_without_drops_private_fields_only() -> None:
    assert without(RECORD, {"rank", "name"}) == {"id": 1, "user": RECORD["user"]}
