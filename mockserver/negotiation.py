"""Choosing the media type of an answer from the request's ``Accept`` header.

The offered types come from the operation's documented responses in the spec, so an API that
documents five JSON flavours (ChatKitty) or JSON and XML (SuperOffice) needs no code to offer
them. q-values, wildcards and parameters are Werkzeug's job.
"""

from __future__ import annotations

from collections.abc import Sequence

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from .errors import NotAcceptable

__all__ = ["is_json", "negotiate"]


def negotiate(accept: str | None, offered: Sequence[str]) -> str:
    """The offered media type the client prefers most; the first offered one if it has no say.

    Raises :class:`NotAcceptable` listing what is offered when nothing acceptable is.
    """
    if not offered:
        raise ValueError("an operation without documented media types cannot negotiate")
    if not accept or not accept.strip():
        return offered[0]
    # Parameters such as charset say nothing about which type is wanted; Werkzeug would treat
    # ``application/json; charset=utf-8`` as a different type from ``application/json``.
    accepted = MIMEAccept(
        [(value.split(";", 1)[0].strip(), q) for value, q in parse_accept_header(accept)]
    )
    best = accepted.best_match(offered)
    if best is None:
        raise NotAcceptable(
            f"None of the media types in Accept '{accept}' can be produced; "
            f"available: {', '.join(offered)}",
            available=offered,
        )
    return best


def is_json(media_type: str) -> bool:
    """``application/json`` and every ``+json`` / ``text/json`` flavour."""
    essence = media_type.split(";", 1)[0].strip().lower()
    return essence.endswith(("/json", "+json"))
