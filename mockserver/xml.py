"""Rendering an answer as XML, with the element names the vendor's spec gives.

OpenAPI's ``xml`` object already says how a schema looks in XML (``name``, ``namespace``,
``wrapped``), so the renderer walks the answer together with its resolved schema and needs no
per-vendor code. What the spec cannot say is fixed here, the way .NET's DataContract serializer
(which XML-speaking vendors such as SuperOffice run on) writes it:

* an object is one element per property, in the schema's order, then any extra keys of a
  dictionary (``additionalProperties``) in the record's order;
* null is an empty element with ``xsi:nil="true"``;
* booleans are ``true``/``false``, whole floats have no ``.0``;
* a name that is not a valid XML name (a dictionary key with a space) is escaped the way
  ``XmlConvert.EncodeName`` does it (``_x0020_``), so the document is always well-formed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any
from xml.etree import ElementTree

__all__ = ["XSI", "encode_name", "to_xml"]

XSI = "http://www.w3.org/2001/XMLSchema-instance"
_START = re.compile(r"[^\W\d]")  # a letter or "_"
_REST = re.compile(r"[\w.\-]")


def to_xml(value: Any, schema: Mapping[str, Any], name: str | None = None) -> bytes:
    """``value`` as a UTF-8 XML document whose root follows ``schema`` (refs resolved).

    The root element is ``schema.xml.name``, else ``name``; its ``xml.namespace`` becomes the
    document's default namespace.
    """
    xml = schema.get("xml", {})
    root_name = xml.get("name") or name
    if not root_name:
        raise ValueError("the root schema has no xml.name; pass a name")
    namespace = xml.get("namespace")
    attributes = {"xmlns:i": XSI}
    if namespace:
        attributes["xmlns"] = namespace
    root = ElementTree.Element(encode_name(root_name), attributes)
    _fill(root, value, schema, root_name)
    return bytes(ElementTree.tostring(root, encoding="utf-8", xml_declaration=True))


@functools.lru_cache(maxsize=4096)
def encode_name(name: str) -> str:
    """A valid XML element name for ``name``: invalid characters become ``_xHHHH_``.

    Cached: the same few hundred property names recur in every element of every answer, and
    checking them character by character was a quarter of an XML answer's time.
    """
    return "".join(
        ch if (_START if i == 0 else _REST).fullmatch(ch) else f"_x{ord(ch):04X}_"
        for i, ch in enumerate(name)
    )


def _fill(element: ElementTree.Element, value: Any, schema: Mapping[str, Any], name: str) -> None:
    """Put ``value`` inside ``element`` (already named), as ``schema`` describes it."""
    if value is None:
        element.set("i:nil", "true")
    elif isinstance(value, Mapping):
        properties: Mapping[str, Any] = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        extra_schema: Mapping[str, Any] = extra if isinstance(extra, Mapping) else {}
        for key in [
            *(k for k in properties if k in value),
            *(k for k in value if k not in properties),
        ]:
            _child(element, value[key], properties.get(key, extra_schema), key)
    elif isinstance(value, list):
        items: Mapping[str, Any] = schema.get("items", {})
        item_name = items.get("xml", {}).get("name") or name
        for item in value:
            _fill(ElementTree.SubElement(element, encode_name(item_name)), item, items, item_name)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif isinstance(value, float) and value.is_integer():
        element.text = str(int(value))
    else:
        element.text = str(value)


def _child(parent: ElementTree.Element, value: Any, schema: Mapping[str, Any], key: str) -> None:
    """The element(s) for one property: an unwrapped array repeats, everything else nests."""
    xml = schema.get("xml", {})
    name = xml.get("name") or key
    if isinstance(value, list) and not xml.get("wrapped"):
        items: Mapping[str, Any] = schema.get("items", {})
        item_name = items.get("xml", {}).get("name") or name
        for item in value:
            _fill(ElementTree.SubElement(parent, encode_name(item_name)), item, items, item_name)
        return
    _fill(ElementTree.SubElement(parent, encode_name(name)), value, schema, name)
