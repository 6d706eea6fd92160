"""The vendor APIs the server mounts: one package each, registered once, in :data:`VENDORS`.

A vendor package ``mockserver/vendors/<name>/`` holds everything that is that vendor's own, in
modules generic code finds by the vendor's name (:func:`part`):

* ``api``: its :class:`~mockserver.vendors.base.VendorAPI` subclass, which the package exports;
  its ``name`` is also the mount prefix, the spec file (``openapi/<name>.yaml``) and the fixture
  folder (``fixtures/<name>/``);
* ``schemas/<collection>.json``: the JSON Schemas of its mock-only collections (users,
  passwords, tokens …; :func:`~mockserver.vendors.base.mock_schema`);
* ``generator`` (a module or a package): ``generate(count, seed) -> {collection: [records]}``,
  what ``mockserver fixtures generate`` writes;
* ``contract``: its ``CONTRACT`` (:class:`~mockserver.contract.vendors.VendorContract`: how its
  clients authenticate, Schemathesis hooks for rules its spec states in prose), and ``checks``,
  its Schemathesis checks. Imported only by a contract run: they need Schemathesis.

Adding a vendor: its spec, its fixtures, its package, and its class in :data:`VENDORS`.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .base import VendorAPI
from .chatkitty import ChatKitty
from .hapihub import HapiHub
from .superoffice import SuperOffice
from .twin import Twin

__all__ = ["VENDORS", "VendorAPI", "part", "vendor_named"]

VENDORS: tuple[type[VendorAPI], ...] = (ChatKitty, Twin, HapiHub, SuperOffice)
"""Every vendor, in mount order: the one list a vendor is added to."""


def vendor_named(name: str) -> type[VendorAPI]:
    for vendor in VENDORS:
        if vendor.name == name:
            return vendor
    raise KeyError(f"no vendor named {name!r}; known: {', '.join(v.name for v in VENDORS)}")


def part(vendor: str, module: str) -> ModuleType:
    """``module`` of ``vendor``'s package (``generator``, ``contract`` …), imported on first use."""
    return importlib.import_module(f"{__name__}.{vendor_named(vendor).name}.{module}")
