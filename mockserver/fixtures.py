"""Loading fixture data and proving it matches the spec before anything is served.

Each vendor declares its collections as :class:`Fixture` entries; the records of one live in
``fixtures/<vendor>/<name>.json`` as a JSON array. Wire records are validated against the
vendor spec's own component schema, so a fixture can never make the mock answer something the
spec forbids; mock-only records (users with passwords, OAuth clients) carry an inline JSON Schema
in the vendor module. The first bad record stops start-up with a
:class:`~mockserver.errors.FixtureError` naming the file and the JSON pointer.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jiter
import orjson
from connexion.json_schema import Draft4ResponseValidator

from .collection import Record
from .compiled import CompiledSchema, compiled
from .errors import FixtureError
from .specs import Spec, json_pointer

__all__ = ["Fixture", "check_records", "load_fixtures"]


@dataclass(frozen=True)
class Fixture:
    """One collection of a vendor's fixtures.

    ``schema`` is a ``#/components/schemas/…`` pointer into the vendor's spec, or an inline JSON
    Schema for records the vendor's API never returns. ``private_fields`` are kept in the store
    for the mock's own use (an owner id, say) and never served, so the wire schema takes any
    value for them. A ``privileged`` collection holds credentials or rights (logins, tokens,
    roles, who supervises whom): the fixture files set it, a data set loaded through the admin
    API may not.
    """

    name: str
    key: str
    schema: str | Mapping[str, Any]
    private_fields: tuple[str, ...] = ()
    privileged: bool = False


def load_fixtures(
    directory: Path, fixtures: Sequence[Fixture], spec: Spec, *, check: bool = True
) -> dict[str, tuple[str, list[Record]]]:
    """Collection name -> (key field, records) for every declared collection, all validated
    (unless ``check`` is False: files known to have passed, see :mod:`mockserver.verdicts`)."""
    with _collector_paused():
        return {
            f.name: (f.key, _load(directory / f"{f.name}.json", f, spec, check)) for f in fixtures
        }


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Run without the cyclic garbage collector, restoring it afterwards.

    Loading creates millions of objects and frees almost none; every collection triggered while
    they pile up walks all of them again, which doubles the load time of 100k records.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What was loaded lives as long as the server: frozen, it is never walked again (a full
        # collection over 100k records' objects takes a quarter of a second, at random times).
        gc.freeze()
        if enabled:
            gc.enable()


def _load(file: Path, fixture: Fixture, spec: Spec, check: bool) -> list[Record]:
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise FixtureError(str(file), "/", "the fixture file is missing") from None
    records = _parse(str(file), data)
    return check_records(str(file), records, fixture, spec) if check else records


def _parse(source: str, data: bytes) -> Any:
    """The JSON document in ``data``, with equal short strings shared as one object.

    Records repeat most of their values (enum values, names, chat ids and names, equal
    timestamps): of the 235 MB of strings in 100k TWIN sessions, 150 MB are repeats. jiter's
    string cache (``cache_mode="all"``, strings up to 64 bytes) hands out the object it built
    for an equal string while it parses, so the repeats are never allocated; sharing them
    afterwards costs 1.5 s of CPU and returns no memory (the freed strings leave holes in
    arenas still in use). Its dicts, keyed by strings only, are also a third smaller than
    orjson's: 100k TWIN sessions take 270 MB instead of 470 MB, parsed as fast. Strings are
    immutable and no list or dict is shared, so a record still cannot change another.

    Numbers are read as Python's ``json`` reads them, as the admin API receives data sets:
    integers exactly at any size, literals beyond a double as infinity (orjson made integers
    beyond 64 bits floats and refused such literals). What jiter refuses goes to orjson, as
    before: it words the errors, and reads the documents nested deeper than jiter goes (200).
    """
    try:
        return jiter.from_json(data, allow_inf_nan=False, cache_mode="all")
    except ValueError:
        pass
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise FixtureError(source, "/", f"not valid JSON: {exc}", exc.lineno) from None


def check_records(source: str, records: Any, fixture: Fixture, spec: Spec) -> list[Record]:
    """``records`` if they are a valid data set for ``fixture``, else a FixtureError naming
    ``source`` (a file, or what the admin API was sent) and the pointer of the first bad one.

    Start-up and ``POST /__admin/fixtures`` both check through here, so a data set loaded into
    a running mock is held to exactly the rules of the fixture files.
    """
    if not isinstance(records, list):
        raise FixtureError(source, "/", "a fixture file must hold a JSON array of records")

    schema = spec.schema(fixture.schema) if isinstance(fixture.schema, str) else fixture.schema
    if fixture.private_fields:
        # Whatever a private field holds passes; the records are not copied without them
        # (0.45 s and 40 MB at 100k SuperOffice sessions).
        anything: dict[str, Any] = {name: {} for name in fixture.private_fields}
        schema = {**schema, "properties": {**schema.get("properties", {}), **anything}}
    validator = compiled(schema, Draft4ResponseValidator)
    # Rust checks all records in one call (100k in a fraction of a second, where jsonschema
    # takes minutes); only when it finds a problem does jsonschema look for it, record by
    # record, and word it.
    problem = (
        None if validator.all_valid(records) else _first_schema_error(source, records, validator)
    )
    if problem is None and _keyed_uniquely(records, fixture.key):
        return records
    seen: dict[Any, int] = {}
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise FixtureError(source, f"/{index}", "a record must be a JSON object")
        if fixture.key not in record:
            raise FixtureError(source, f"/{index}", f"the key field '{fixture.key}' is missing")
        if problem is not None and problem[0] == index:
            raise problem[1]
        key = record[fixture.key]
        if key in seen:
            raise FixtureError(
                source,
                f"/{index}/{fixture.key}",
                f"duplicate key {key!r} (first at /{seen[key]})",
            )
        seen[key] = index
    return records


def _keyed_uniquely(records: list[Any], key: str) -> bool:
    """Every record is an object with ``key``, no two with equal keys: a good data set, told in
    two passes at C speed (the loop that names the first problem takes three times as long)."""
    try:
        keys = [record[key] for record in records]
        return len(set(keys)) == len(keys)
    except (KeyError, TypeError):  # not an object, no key, or an unhashable one: the loop says
        return False


def _first_schema_error(
    source: str, records: list[Any], validator: CompiledSchema
) -> tuple[int, FixtureError] | None:
    """The first record that breaks the schema, with jsonschema's words for the problem."""
    for index, record in enumerate(records):
        if isinstance(record, dict):
            error = next(validator.iter_errors(record), None)
            if error is not None:
                pointer = json_pointer((index, *error.absolute_path))
                return index, FixtureError(source, pointer, error.message)
    return None
