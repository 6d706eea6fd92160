"""Writing a body in the media type negotiation chose: one renderer per kind of media type.

Handlers, ``Prefer`` answers and errors all end here, so any answer an operation documents in
XML (SuperOffice's ``application/xml`` and ``text/xml``) is written as XML whoever made it: a
generated example, an error, a list. A vendor adds a kind of media type by adding a renderer,
not by branching in its handlers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .encoding import json_bytes
from .negotiation import is_json
from .xml import Fragments, to_xml

__all__ = ["Renderer", "is_xml", "render"]


def is_xml(media_type: str) -> bool:
    """``application/xml``, ``text/xml`` and every ``+xml`` flavour."""
    essence = media_type.split(";", 1)[0].strip().lower()
    return essence.endswith(("/xml", "+xml"))


@dataclass(frozen=True)
class Renderer:
    """Writes bodies of the media types ``accepts`` says yes to."""

    accepts: Callable[[str], bool]
    write: Callable[[Any, Mapping[str, Any] | None, Fragments | None], bytes]


def _json(body: Any, schema: Mapping[str, Any] | None, fragments: Fragments | None) -> bytes:
    return json_bytes(body)


def _xml(body: Any, schema: Mapping[str, Any] | None, fragments: Fragments | None) -> bytes:
    # XML names its elements after the schema (xml.name), so it cannot be written without one.
    if schema is None:
        raise ValueError("an XML answer needs the schema that names its elements")
    return to_xml(body, schema, fragments=fragments)


def _text(body: Any, schema: Mapping[str, Any] | None, fragments: Fragments | None) -> bytes:
    return str(body).encode()


RENDERERS = (
    Renderer(is_json, _json),
    Renderer(is_xml, _xml),
    Renderer(lambda media_type: media_type.startswith("text/"), _text),
)


def render(
    body: Any,
    media_type: str,
    schema: Mapping[str, Any] | None = None,
    *,
    fragments: Fragments | None = None,
) -> bytes:
    """``body`` written as ``media_type``; ``schema`` (resolved) is what the spec says it is.

    ``fragments``: XML of objects written before, reused (see :class:`~mockserver.xml.Fragments`).
    Bytes are taken as already written (exports, binary examples).
    """
    if isinstance(body, bytes):
        return body
    for renderer in RENDERERS:
        if renderer.accepts(media_type):
            return renderer.write(body, schema, fragments)
    raise ValueError(f"no renderer for {media_type}")
