"""ChatKitty's broken variants of the mock: Spring Data paging as HAL, and links that lead
nowhere."""

from __future__ import annotations

from typing import Any

from tests.contract.mutants import Mutant, Request, generic, json_fault, without

PREFIX = "/chatkitty/chat-sessions"
"""Only requests under this path are broken: the vendor's data, not its login."""


def _chatkitty_sessions(data: Any) -> list[Any]:
    return list(data.get("_embedded", {}).get("sessions", []))


def _chatkitty_drop_state(data: Any, request: Request) -> None:
    for session in _chatkitty_sessions(data):
        session.pop("state", None)


def _chatkitty_total(data: Any, request: Request) -> None:
    data["page"]["total_elements"] += 1


def _chatkitty_no_next(data: Any, request: Request) -> None:
    data["_links"].pop("next", None)


def _chatkitty_self_link(data: Any, request: Request) -> None:
    """``_links.session`` as it was before the user sessions were served: to the chat session
    itself, a path the API does not serve."""
    for session in _chatkitty_sessions(data):
        link = session["_links"]["session"]
        link["href"] = link["href"].replace(
            f"/user-sessions/{session['session']['id']}", f"/chat-sessions/{session['id']}"
        )


MUTANTS: list[Mutant] = [
    *generic("chatkitty", _chatkitty_drop_state),
    Mutant("chatkitty", "wrong-total", "chatkitty_page_totals", json_fault(_chatkitty_total)),
    Mutant("chatkitty", "filter-ignored", "chatkitty_state_filter", without("state")),
    Mutant("chatkitty", "links-broken", "chatkitty_hal_links", json_fault(_chatkitty_no_next)),
    Mutant("chatkitty", "dead-link", "chatkitty_links_resolve", json_fault(_chatkitty_self_link)),
]  # fmt: skip
