"""TWIN's ``QueryRequest``: what every list of the vendor takes, and how an answer is cut.

The SDK's ``QueryRequest`` (the parent of its session and message list requests) carries
``limit``, ``offset``/``page``, ``sort``, ``group``, ``fields``, ``timezone``, ``language``,
``withoutCount``/``withoutItems`` and the ``offsetField``/``offsetValue`` cursor. A list handler
filters and sorts its records, and :class:`ListQuery` does the rest the same way for every list:
group, count, cursor, page, project, present the dates. ``language`` chooses the words of an
error, which the vendor module's ``error_body`` reads from the request.

Booleans arrive as PHP's ``http_build_query`` writes them (``1``/``0``) or as ``true``/``false``
(the spec's ``QueryBoolean``); :func:`flag` reads both.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

from ...errors import BadRequest, Problem
from ...filtering import first_per_group
from ...paging import Window, after_cursor, paginate
from ...paths import FieldPath
from ...projection import dates_in, select
from ...sorting import SortKey

__all__ = ["ListQuery", "Record", "flag"]

Record = Mapping[str, Any]


def flag(value: str | None) -> bool:
    """A ``QueryBoolean`` (``1``/``0``/``true``/``false``; absent is false) as a bool."""
    return value in ("1", "true")


def _invalid(name: str, message: str) -> BadRequest:
    return BadRequest(f"{name} {message}", problems=[Problem("query", name, message)])


@dataclass(frozen=True)
class ListQuery:
    """The ``QueryRequest`` part of one list call, parsed and checked."""

    schema: Mapping[str, Any]
    """The resolved schema of one record (``SessionInfo``, ``MessageListItem``)."""
    window: Window
    sort: tuple[SortKey, ...]
    group: tuple[FieldPath, ...] = ()
    cursor: Callable[[Record], bool] | None = None
    fields: tuple[str, ...] = ()
    zone: tzinfo | None = None
    without_count: bool = False
    without_items: bool = False

    @classmethod
    def parse(
        cls,
        query: Mapping[str, Any],
        schema: Mapping[str, Any],
        *,
        sort_fields: Mapping[str, str],
        default_sort: Sequence[SortKey],
        group: Sequence[str] = (),
    ) -> ListQuery:
        """``query`` as Connexion passes it (pythonic names); ``group`` adds fields to group by
        beyond the ``group`` parameter (``groupByClientId``)."""
        limit = query.get("limit", 10)
        offset, page = query.get("offset"), query.get("page")
        # With both, page decides (the spec's decision: OpenAPI cannot make them exclusive).
        start = (page - 1) * limit if page is not None else offset or 0
        groups = dict.fromkeys([*(query.get("group") or ()), *group])
        hours = query.get("timezone")
        return cls(
            schema=schema,
            window=Window(offset=start, limit=limit),
            sort=_sort_keys(query.get("sort"), sort_fields, default_sort),
            group=tuple((name,) for name in groups),
            cursor=_cursor(query.get("offset_field"), query.get("offset_value"), schema),
            fields=_fields(query.get("fields")),
            zone=None if hours is None else timezone(timedelta(hours=hours)),
            without_count=flag(query.get("without_count")),
            without_items=flag(query.get("without_items")),
        )

    def grouped(self, records: Sequence[Record]) -> Sequence[Record]:
        """One record per group, when grouped: what ``count`` counts and pages walk."""
        return first_per_group(records, self.group) if self.group else records

    def page(self, records: Sequence[Record]) -> Sequence[Record]:
        """The records of the page asked for, after the cursor when there is one."""
        if self.without_items:
            return []
        if self.cursor is not None:
            records = after_cursor(records, self.cursor)
        return paginate(records, self.window)

    def present(self, record: Record) -> dict[str, Any]:
        """One record as answered: the fields asked for, dates in the zone asked for."""
        shown = select(record, [(name,) for name in self.fields]) if self.fields else record
        if self.zone is None:
            return dict(shown)
        return dict(dates_in(shown, self.schema, self.zone))

    def answer(self, records: Sequence[Record]) -> dict[str, Any]:
        """``{"count", "items"}`` for the filtered, sorted ``records``, as asked."""
        grouped = self.grouped(records)
        body: dict[str, Any] = {}
        if not self.without_count:
            body["count"] = len(grouped)
        if not self.without_items:
            body["items"] = [self.present(r) for r in self.page(grouped)]
        return body


def _fields(fields: Sequence[str] | None) -> tuple[str, ...]:
    """The fields asked for, in order and once each, ``id`` first unless placed."""
    if not fields:
        return ()
    asked = list(dict.fromkeys(fields))
    return tuple(asked if "id" in asked else ["id", *asked])


def _sort_keys(
    criteria: Sequence[str] | None, fields: Mapping[str, str], default: Sequence[SortKey]
) -> tuple[SortKey, ...]:
    """``+name``/``-started_at`` as sort keys; an unencoded ``+`` arrives as a space."""
    if not criteria:
        return tuple(default)
    return tuple(SortKey((fields[c.lstrip("+- ")],), c.startswith("-")) for c in criteria)


def _cursor(
    field: str | None, value: str | None, schema: Mapping[str, Any]
) -> Callable[[Record], bool] | None:
    """Whether a record is the cursor ``offsetField=offsetValue`` names (see the spec)."""
    if field is None and value is None:
        return None
    if field is None or value is None:
        missing = "offsetField" if field is None else "offsetValue"
        raise _invalid(missing, "is required with offsetField and offsetValue; give both")
    if schema["properties"][field].get("format") == "date-time":
        try:
            instant = datetime.fromisoformat(value)
        except ValueError:
            raise _invalid("offsetValue", f"must be a date-time, as {field} is") from None
        if instant.tzinfo is None:
            raise _invalid("offsetValue", "must carry an offset (+00:00)")
        return lambda record: _instant(record.get(field)) == instant
    return lambda record: _text(record.get(field)) == value


def _instant(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _text(value: Any) -> str:
    """A stored value as ``offsetValue`` writes it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
