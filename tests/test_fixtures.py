"""Fixtures are validated against the specs at start-up; the first bad record is named."""

from __future__ import annotations

import gc
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from mockserver import MockServer, Settings
from mockserver.config import PROJECT_ROOT
from mockserver.errors import FixtureError
from mockserver.fixtures import Fixture, check_records, load_fixtures
from mockserver.generators import generate
from mockserver.specs import load_spec
from mockserver.vendors import VENDORS, vendor_named
from mockserver.vendors.base import VendorAPI

FIXTURES = PROJECT_ROOT / "fixtures"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, target)
    return target


def _edit(file: Path, edit: object) -> None:
    records = json.loads(file.read_text(encoding="utf-8"))
    edit(records)  # type: ignore[operator]
    file.write_text(json.dumps(records), encoding="utf-8")


def test_wrong_type_in_a_nested_field_names_file_and_pointer(tmp_path: Path) -> None:
    fixtures = _copy(tmp_path)
    file = fixtures / "chatkitty" / "sessions.json"
    _edit(file, lambda r: r[12]["session"]["user"]["presence"].update(online="yes"))
    with pytest.raises(FixtureError) as caught:
        MockServer(Settings(fixtures_dir=fixtures))
    assert caught.value.file == str(file)
    assert caught.value.pointer == "/12/session/user/presence/online"
    assert "boolean" in caught.value.message


@pytest.mark.parametrize(
    ("collection", "edit", "pointer", "words"),
    [
        ("sessions", lambda r: r[3].pop("state"), "/3", "'state' is a required property"),
        ("sessions", lambda r: r[4].update(id=r[0]["id"]), "/4/id", "duplicate key"),
        ("clients", lambda r: r[0].update(client_secret=None), "/0/client_secret", "not of type"),
        ("sessions", lambda r: r.__setitem__(0, "text"), "/0", "JSON object"),
    ],
)
def test_each_kind_of_bad_record_is_reported(
    tmp_path: Path, collection: str, edit: object, pointer: str, words: str
) -> None:
    fixtures = _copy(tmp_path)
    _edit(fixtures / "chatkitty" / f"{collection}.json", edit)
    with pytest.raises(FixtureError) as caught:
        MockServer(Settings(fixtures_dir=fixtures))
    assert caught.value.pointer == pointer
    assert words in caught.value.message


def test_missing_and_unparseable_files(tmp_path: Path) -> None:
    fixtures = _copy(tmp_path)
    (fixtures / "chatkitty" / "clients.json").unlink()
    with pytest.raises(FixtureError, match="missing"):
        MockServer(Settings(fixtures_dir=fixtures))
    (fixtures / "chatkitty" / "clients.json").write_text("[{,", encoding="utf-8")
    with pytest.raises(FixtureError, match="not valid JSON"):
        MockServer(Settings(fixtures_dir=fixtures))


@pytest.mark.parametrize("vendor", [v.name for v in VENDORS])
def test_generators_are_deterministic_and_match_the_checked_in_fixtures(vendor: str) -> None:
    folder = FIXTURES / vendor
    sessions = json.loads((folder / "sessions.json").read_text(encoding="utf-8"))
    assert generate(vendor, 50, seed=7) == generate(vendor, 50, seed=7)
    assert generate(vendor, 50, seed=7) != generate(vendor, 50, seed=8)
    assert len(sessions) >= 100


_ITEM = Fixture(
    "items", key="id", schema={"type": "object", "properties": {"n": {"type": "integer"}}}
)


@pytest.mark.parametrize(
    ("records", "pointer"),
    [
        ([{"id": 1}, {"id": 2, "n": "x"}, {"id": 1}], "/1/n"),  # schema before a later duplicate
        ([{"id": 1}, {"id": 1}, {"id": 3, "n": "x"}], "/1/id"),  # duplicate before later schema
        ([{"id": 1}, {"n": "x"}], "/1"),  # a missing key is named before the schema problem
        ([{"id": 1}, "text", {"id": 3, "n": "x"}], "/1"),
    ],
)
def test_the_first_bad_record_is_named_whatever_the_kind_of_problem(
    records: list[object], pointer: str
) -> None:
    spec = load_spec(PROJECT_ROOT / "openapi" / "chatkitty.yaml")
    with pytest.raises(FixtureError) as caught:
        check_records("items.json", records, _ITEM, spec)
    assert caught.value.pointer == pointer


def test_private_fields_take_any_value_even_where_the_schema_admits_no_others() -> None:
    strict = {"type": "object", "properties": {"n": {"type": "integer"}}}
    closed = Fixture(
        "items",
        key="n",
        schema={**strict, "additionalProperties": False},
        private_fields=("owner",),
    )
    spec = load_spec(PROJECT_ROOT / "openapi" / "chatkitty.yaml")
    records = [{"owner": "owner-1", "n": 1}, {"owner": ["any", "value"], "n": 2}]
    assert check_records("items.json", records, closed, spec) is records
    with pytest.raises(FixtureError) as caught:  # the wire fields are still checked
        check_records("items.json", [{"owner": 1, "n": "x"}], closed, spec)
    assert caught.value.pointer == "/0/n"


def test_loading_pauses_the_collector_and_freezes_what_it_loaded() -> None:
    spec = load_spec(PROJECT_ROOT / "openapi" / "chatkitty.yaml")
    fixtures = vendor_named("chatkitty").fixtures
    before = gc.get_freeze_count()
    loaded = load_fixtures(FIXTURES / "chatkitty", fixtures, spec)
    assert gc.isenabled()
    assert gc.get_freeze_count() > before + len(loaded["sessions"][1])


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.name)
def test_loaded_records_are_exactly_what_the_files_say(vendor: type[VendorAPI]) -> None:
    spec = load_spec(PROJECT_ROOT / "openapi" / f"{vendor.name}.yaml")
    loaded = load_fixtures(FIXTURES / vendor.name, vendor.fixtures, spec)
    for name, (_, records) in loaded.items():
        expected = orjson.loads((FIXTURES / vendor.name / f"{name}.json").read_bytes())
        # Serialised, so that values, their types (1, 1.0, true) and key order all count.
        assert orjson.dumps(records) == orjson.dumps(expected)


def _twin_sessions() -> list[dict[str, Any]]:
    spec = load_spec(PROJECT_ROOT / "openapi" / "twin.yaml")
    return load_fixtures(FIXTURES / "twin", vendor_named("twin").fixtures, spec)["sessions"][1]


def _containers(value: Any) -> Iterator[Any]:
    if isinstance(value, (dict, list)):
        yield value
        for item in value.values() if isinstance(value, dict) else value:
            yield from _containers(item)


def test_equal_strings_are_loaded_as_one_object() -> None:
    statuses = [s["status"] for s in _twin_sessions()]
    assert len(set(statuses)) == 3
    # The parser's cache is lossy (a colliding string may evict one), so: few objects, not three.
    assert len({id(s) for s in statuses}) < len(statuses) / 10


def test_no_list_or_dict_is_shared_so_a_record_cannot_change_another() -> None:
    sessions = _twin_sessions()
    containers = [c for s in sessions for c in _containers(s)]
    assert len({id(c) for c in containers}) == len(containers)
    unassigned = [s for s in sessions if not s["operators"]]
    unassigned[0]["operators"].append({"id": 3})
    assert all(s["operators"] == [] for s in unassigned[1:])


def test_json_is_read_as_python_reads_it_and_worded_by_orjson_when_broken(tmp_path: Path) -> None:
    spec = load_spec(PROJECT_ROOT / "openapi" / "chatkitty.yaml")
    items = Fixture("items", key="id", schema={"type": "object"})
    file = tmp_path / "items.json"
    file.write_text('[{"id": 1, "big": 18446744073709551616}]')
    [record] = load_fixtures(tmp_path, [items], spec)["items"][1]
    assert type(record["big"]) is int
    assert record["big"] == 2**64
    deep = "[" * 300 + "]" * 300  # deeper than jiter goes: orjson reads it, as it did
    file.write_text(f'[{{"id": 1, "deep": {deep}}}]')
    assert load_fixtures(tmp_path, [items], spec)["items"][1] == orjson.loads(file.read_bytes())

    file.write_text('[\n{"id": 1},\n{,')
    with pytest.raises(FixtureError) as caught:
        load_fixtures(tmp_path, [items], spec)
    assert caught.value.line == 3
    assert caught.value.message.startswith("not valid JSON: unexpected character")

    file.write_text('[{"id": 1, "n": NaN}]')
    with pytest.raises(FixtureError, match="not valid JSON"):
        load_fixtures(tmp_path, [items], spec)
