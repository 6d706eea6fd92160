"""The vendor APIs the server mounts, one module each.

Adding a vendor: write ``openapi/<name>.yaml``, put its fixtures in ``fixtures/<name>/``, write
``mockserver/vendors/<name>.py`` with a :class:`~mockserver.vendors.base.VendorAPI` subclass, and
add it to :data:`VENDORS`.
"""

from __future__ import annotations

from .base import VendorAPI
from .chatkitty import ChatKitty
from .hapihub import HapiHub
from .superoffice import SuperOffice
from .twin import Twin

__all__ = ["VENDORS", "VendorAPI", "vendor_named"]

VENDORS: tuple[type[VendorAPI], ...] = (ChatKitty, Twin, HapiHub, SuperOffice)


def vendor_named(name: str) -> type[VendorAPI]:
    for vendor in VENDORS:
        if vendor.name == name:
            return vendor
    raise KeyError(f"no vendor named {name!r}; known: {', '.join(v.name for v in VENDORS)}")
