"""JSON bodies: orjson's bytes, and any integer a client may send written exactly."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest

from mockserver.encoding import json_bytes

ORDINARY = {"text": "héllo ✓", "n": [0, -1, 2**63 - 1, 1.5, 1e300], "ok": True, "none": None}


def test_ordinary_values_are_orjsons_bytes() -> None:
    assert json_bytes(ORDINARY) == orjson.dumps(ORDINARY)


@pytest.mark.parametrize("big", [2**64, -(2**64) - 1, 10**40])
def test_integers_beyond_64_bits_are_written_exactly_in_the_same_layout(big: int) -> None:
    value: dict[str, Any] = {**ORDINARY, "details": {"companyId": big}}
    written = json_bytes(value)
    assert json.loads(written) == value
    # the fallback writes what orjson would have written for everything else
    assert written == orjson.dumps({**value, "details": {"companyId": 0}}).replace(
        b'"companyId":0', b'"companyId":' + str(big).encode()
    )
