"""The vendors' promises a schema cannot state, as Schemathesis checks: one module per vendor.

See :mod:`.base` for how a check is written and registered; importing this package registers
every vendor's checks with Schemathesis.
"""

from __future__ import annotations

from . import chatkitty, hapihub, superoffice, twin
from .base import VENDOR_CHECKS

__all__ = ["VENDOR_CHECKS", "chatkitty", "hapihub", "superoffice", "twin"]
