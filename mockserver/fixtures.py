"""Loading fixture data and proving it matches the spec before anything is served.

Each vendor declares its collections as :class:`Fixture` entries; the records of one live in
``fixtures/<vendor>/<name>.json`` as a JSON array. Wire records are validated against the
vendor spec's own component schema, so a fixture can never make the mock answer something the
spec forbids; mock-only records (users with passwords, OAuth clients) carry an inline JSON Schema
in the vendor module. The first bad record stops start-up with a
:class:`~mockserver.errors.FixtureError` naming the file and the JSON pointer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from connexion.json_schema import Draft4ResponseValidator
from jsonschema import Draft4Validator

from .errors import FixtureError
from .specs import Spec, json_pointer
from .store import Record

__all__ = ["Fixture", "load_fixtures"]


@dataclass(frozen=True)
class Fixture:
    """One collection of a vendor's fixtures.

    ``schema`` is a ``#/components/schemas/…`` pointer into the vendor's spec, or an inline JSON
    Schema for records the vendor's API never returns. ``private_fields`` are kept in the store
    for the mock's own use (an owner id, say) and never served, so they are not validated
    against the wire schema.
    """

    name: str
    key: str
    schema: str | Mapping[str, Any]
    private_fields: tuple[str, ...] = ()


def load_fixtures(
    directory: Path, fixtures: Sequence[Fixture], spec: Spec
) -> dict[str, tuple[str, list[Record]]]:
    """Collection name -> (key field, records) for every declared collection, all validated."""
    return {f.name: (f.key, _load(directory / f"{f.name}.json", f, spec)) for f in fixtures}


def _load(file: Path, fixture: Fixture, spec: Spec) -> list[Record]:
    try:
        records = orjson.loads(file.read_bytes())
    except FileNotFoundError:
        raise FixtureError(str(file), "/", "the fixture file is missing") from None
    except orjson.JSONDecodeError as exc:
        raise FixtureError(str(file), "/", f"not valid JSON: {exc}", exc.lineno) from None
    if not isinstance(records, list):
        raise FixtureError(str(file), "/", "a fixture file must hold a JSON array of records")

    schema = spec.schema(fixture.schema) if isinstance(fixture.schema, str) else fixture.schema
    validator = Draft4ResponseValidator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
    seen: dict[Any, int] = {}
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise FixtureError(str(file), f"/{index}", "a record must be a JSON object")
        if fixture.key not in record:
            raise FixtureError(str(file), f"/{index}", f"the key field '{fixture.key}' is missing")
        wire = {k: v for k, v in record.items() if k not in fixture.private_fields}
        error = next(iter(validator.iter_errors(wire)), None)
        if error is not None:
            pointer = json_pointer((index, *error.absolute_path))
            raise FixtureError(str(file), pointer, error.message)
        key = record[fixture.key]
        if key in seen:
            raise FixtureError(
                str(file),
                f"/{index}/{fixture.key}",
                f"duplicate key {key!r} (first at /{seen[key]})",
            )
        seen[key] = index
    return records
