"""HAPI Hub's broken variants of the mock: lifecycle and writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.contract.mutants import Mutant, Request, generic, json_fault

PREFIX = "/hapihub/chat-sessions"
"""Only requests under this path are broken: the vendor's data, not its login."""


def _hapihub_sessions(data: Any) -> list[Any]:
    return data if isinstance(data, list) else [data]


def _hapihub_drop_required(data: Any, request: Request) -> None:
    for session in _hapihub_sessions(data):
        session.pop("id" if isinstance(data, list) else "createdBy", None)


def _hapihub_accepted_before_started(data: Any, request: Request) -> None:
    for session in _hapihub_sessions(data):
        if "acceptedAt" in session and "startedAt" in session:
            session["acceptedAt"] = session["startedAt"] - 60_000


def _answer_not_stored(method: str) -> Callable[[Any, Request], None]:
    """The answer to ``method`` claims a room the API did not store."""

    def change(data: Any, request: Request) -> None:
        if request.method == method and isinstance(data, dict):
            data["room"] = f"{data.get('room') or 'room'}-unsaved"

    return change


MUTANTS: list[Mutant] = [
    *generic("hapihub", _hapihub_drop_required),
    Mutant(
        "hapihub", "lifecycle-broken", "hapihub_lifecycle_order",
        json_fault(_hapihub_accepted_before_started),
    ),
    Mutant(
        "hapihub", "patch-not-stored", "hapihub_directive_visible",
        json_fault(_answer_not_stored("PATCH")),
    ),
    Mutant(
        "hapihub", "create-not-stored", "hapihub_create_then_read",
        json_fault(_answer_not_stored("POST")),
    ),
]  # fmt: skip
