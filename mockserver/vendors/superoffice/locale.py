"""How one request wants SuperOffice's answer presented: its time zone and its language.

The fixtures keep every time once, in UTC, and every text as SuperOffice stores it; this module
computes what a request sees, from three headers:

* ``SO-TimeZone`` (``NO``, ``261``, ``US-NY, includeTZOffset``, ``includeTZOffset``): dates are
  converted from UTC into that zone, or into the installation's base zone (``NO``) when none is
  named, and written without offset unless ``includeTZOffset`` is given. ``Project.Updated`` and
  ``ChatMessage.WhenPosted`` are UTC by the vendor's definition and never converted; the unset
  date ``0001-01-01T00:00:00`` is a sentinel and never converted either. An unknown zone is a 400.
* ``SO-Language`` (which wins; ``*`` or ``x`` cancels) or ``Accept-Language``: resource strings
  ``[SR_…]`` are replaced from the resource table and multi-language values
  ``NO:"…";US:"…"`` reduced to the language's text. Without a known language, texts are
  returned as stored.

Which strings are dates is read from the spec: the properties that carry the same ``pattern``
as ``ChatSessionEntity.WhenRequested``.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from ...collection import Collection
from ...errors import BadRequest
from ...paths import FieldPath

__all__ = ["BASE_ZONE", "UNSET", "Presentation", "presentation"]

BASE_ZONE = "NO"
UNSET = "0001-01-01T00:00:00"
UTC_ONLY = (("Project", "Updated"), ("WhenPosted",))  # "UTC timestamp", says the vendor
_OFFSET = "includetzoffset"
_CANCEL = ("*", "x")
_MULTI = re.compile(r'(?:[A-Z]{2}:"[^"]*";)*[A-Z]{2}:"[^"]*"')
_PAIR = re.compile(r'([A-Z]{2}):"([^"]*)"')
_RESOURCE = re.compile(r"\[(SR_[A-Z0-9_]+)\]")
_FRACTION = re.compile(r"\.\d+")  # .NET writes up to seven digits, Python reads six


@dataclass(frozen=True)
class Presentation:
    """Dates in ``zone`` (with offsets when ``offset``), texts in ``code``'s language."""

    date_pattern: str
    zone: ZoneInfo
    offset: bool
    code: str | None = None
    texts: Mapping[str, str] | None = None

    @property
    def key(self) -> Hashable:
        """Everything that decides a presented value: equal keys present every record alike."""
        texts = None if self.texts is None else tuple(sorted(self.texts.items()))
        return (self.date_pattern, self.zone.key, self.offset, self.code, texts)

    def present(self, value: Any, schema: Mapping[str, Any], path: FieldPath = ()) -> Any:
        """A presented copy of ``value`` (stored records are never changed)."""
        if isinstance(value, Mapping):
            properties = schema.get("properties", {})
            extra = schema.get("additionalProperties")
            other: Mapping[str, Any] = extra if isinstance(extra, Mapping) else {}
            return {
                k: self.present(v, properties.get(k, other), (*path, k)) for k, v in value.items()
            }
        if isinstance(value, list):
            return [self.present(v, schema.get("items", {}), path) for v in value]
        if isinstance(value, str):
            if schema.get("pattern") == self.date_pattern:
                return self._date(value, path)
            return self._text(value)
        return value

    def _date(self, stored: str, path: FieldPath) -> str:
        if stored == UNSET or path[-2:] in UTC_ONLY:
            return stored + ("Z" if self.offset else "")
        moment = datetime.fromisoformat(stored).replace(tzinfo=UTC).astimezone(self.zone)
        local = moment.isoformat(timespec="seconds")
        if not self.offset:
            return local[:19]
        return local[:19] + ("Z" if self.zone.key == "UTC" else local[19:])

    def stored_date(self, wire: str, name: str) -> str:
        """A date a client sent (as this presentation writes them) as it is stored: UTC.

        A date without an offset is read in the presentation's zone, so a session read and saved
        again keeps its times; the unset date stays the sentinel. 400 for what is not a date.
        """
        if wire.startswith(UNSET[:10]):
            return UNSET
        try:
            moment = datetime.fromisoformat(_FRACTION.sub("", wire))
        except ValueError:
            raise BadRequest(
                f"{name}: '{wire}' is not a date such as 2019-12-19T11:55:14",
                reason="invalid_date",
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.zone)
        return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")

    def _text(self, stored: str) -> str:
        if self.code is None or self.texts is None:
            return stored
        if _MULTI.fullmatch(stored):
            values: dict[str, str] = dict(_PAIR.findall(stored))
            return values.get(self.code) or values.get("US") or next(iter(values.values()))
        texts = self.texts
        return _RESOURCE.sub(lambda m: texts.get(m.group(1), m.group(0)), stored)


def presentation(
    headers: Mapping[str, str], collections: Mapping[str, Collection], entity: Mapping[str, Any]
) -> Presentation:
    """The presentation the request's headers ask for; 400 for an unknown time zone."""
    zone, offset = _time_zone(headers.get("so-timezone", ""), collections["time_zones"])
    pattern = entity["properties"]["WhenRequested"]["pattern"]
    language = _language(headers, collections["languages"])
    if language is None:
        return Presentation(pattern, zone, offset)
    texts = {
        r["name"]: r["texts"][language["iso"]]
        for r in collections["resource_strings"]
        if language["iso"] in r["texts"]
    }
    return Presentation(pattern, zone, offset, language["code"], texts)


def _time_zone(header: str, zones: Collection) -> tuple[ZoneInfo, bool]:
    parts = [p.strip() for p in header.split(",") if p.strip()]
    offset = any(p.casefold() == _OFFSET for p in parts)
    codes = [p for p in parts if p.casefold() != _OFFSET] or [BASE_ZONE]
    code = codes[0]
    row = next(
        (
            z
            for z in zones
            if z["TZLocationCode"].casefold() == code.casefold() or str(z["TZLocationID"]) == code
        ),
        None,
    )
    if row is None or len(codes) > 1:
        raise BadRequest(
            f"Unknown time zone '{header.strip()}' in SO-TimeZone: use a SuperOffice time-zone "
            f"code such as NO, SE, UTC or US-NY, optionally followed by ', includeTZOffset'",
            reason="unknown_time_zone",
        )
    return ZoneInfo(row["iana"]), offset


def _language(headers: Mapping[str, str], languages: Collection) -> Mapping[str, Any] | None:
    """The known language asked for: SO-Language if given (``*``/``x`` = none), else the best
    of Accept-Language; a tag matches by ISO code, alias (``nb``) or primary subtag (``en-au``)."""
    chosen = headers.get("so-language", "").strip()
    if chosen.casefold() in _CANCEL:
        return None
    tags = (
        [chosen]
        if chosen
        else [t for t, _ in parse_accept_header(headers.get("accept-language", ""), LanguageAccept)]
    )
    for tag in tags:
        wanted = tag.casefold()
        for candidate in (wanted, wanted.split("-")[0]):
            for language in languages:
                if candidate == language["iso"] or candidate in language["aliases"]:
                    return language
    return None
