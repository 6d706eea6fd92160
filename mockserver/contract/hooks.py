"""What a vendor's spec states in prose and OpenAPI 3.0 cannot express, as Schemathesis hooks.

Schemathesis generates requests from the schema alone. Where a spec documents a rule in words
(two parameters that exclude each other; a value that must be one of the API's own: a time-zone
code, a property name, an existing account), its generator makes "valid" requests the API rightly
refuses, and ``positive_data_acceptance`` would blame the API. A hook keeps requests meant to be
valid within the rule, for the operation concerned; requests meant to be invalid are left alone.

Each vendor package's ``contract`` module lists its hooks in its
:class:`~mockserver.contract.vendors.VendorContract`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Hook"]

Hook = tuple[str, Callable[..., Any]]
"""A Schemathesis hook name (``filter_case``, ``map_case`` …) and the function to register."""
