"""TWIN's broken variants of the mock: count, fields and filters."""

from __future__ import annotations

from typing import Any

from tests.contract.mutants import Mutant, Request, generic, json_fault, without

PREFIX = "/twin/api/v1/chat-sessions"
"""Only requests under this path are broken: the vendor's data, not its login."""


def _twin_drop_id(data: Any, request: Request) -> None:
    for item in data.get("items", []):
        item.pop("id", None)


def _twin_wrong_count(data: Any, request: Request) -> None:
    if "count" in data:
        data["count"] += 1


MUTANTS: list[Mutant] = [
    *generic("twin", _twin_drop_id),
    Mutant("twin", "wrong-count", "twin_count_over_pages", json_fault(_twin_wrong_count)),
    Mutant(
        "twin", "filter-ignored", "twin_filters_honoured",
        without("messengerTypes", "operatorType"),
    ),
    Mutant("twin", "fields-ignored", "twin_fields_honoured", without("fields")),
]  # fmt: skip
