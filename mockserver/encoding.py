"""Writing JSON bodies.

orjson writes them, for speed, but it refuses integers beyond 64 bits, and those are valid
JSON that a client may send wherever the spec bounds no integer (TWIN's ``companyId`` query
parameter, a free-form field): echoed in an error or stored and listed later, they would turn
the answer into a 500. Python's own encoder writes any integer, so it takes over then; it is
asked for the same compact, UTF-8 output, so the bytes do not depend on which one wrote them.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

__all__ = ["json_bytes"]


def json_bytes(value: Any) -> bytes:
    """``value`` as compact UTF-8 JSON, integers of any size included."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
