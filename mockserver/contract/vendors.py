"""What each vendor package gives a contract run, found by the vendor's name.

A vendor package's ``contract`` module (``mockserver/vendors/<name>/contract.py``) holds its
:data:`CONTRACT`: how its clients authenticate and the hooks its spec's prose asks for; importing
it imports the package's ``checks`` module, whose checks file themselves under the vendor
(:func:`~mockserver.contract.checks.vendor_check`). Nothing here lists vendors: the registry
is :data:`mockserver.vendors.VENDORS`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ..vendors import VENDORS, part
from .auth import Credentials
from .checks import VENDOR_CHECKS, Check
from .hooks import Hook

__all__ = ["VendorContract", "contracts"]


@dataclass(frozen=True)
class VendorContract:
    """One vendor's part in a contract run."""

    vendor: str
    credentials: type[Credentials]
    """How its clients authenticate (the ``mockserver contract`` options it reads)."""
    hooks: tuple[Hook, ...] = ()
    """Registered on its schema: the rules its spec states in prose (:mod:`.hooks`)."""

    @property
    def checks(self) -> list[Check]:
        """Its checks, which its ``checks`` module filed under its name when imported."""
        return VENDOR_CHECKS.get(self.vendor, [])


@functools.cache
def contracts() -> dict[str, VendorContract]:
    """Every vendor's contract part, by name, in the registry's order.

    Imported on first use, not with this module: a vendor's contract module imports this one.
    """
    return {vendor.name: part(vendor.name, "contract").CONTRACT for vendor in VENDORS}
