"""What a ``GET`` on an Agents WebAPI URL answers: a description of the call its ``POST`` runs.

The vendor documents that "the method is not invoked using GET": a GET describes the call
instead, and the shape of that description is not documented. The mock answers ASP.NET Web
API's own ``ApiDescription`` (the class its help pages are built from), written from the spec's
own ``POST`` operation on the same path, so that every agent URL describes itself with what the
spec says of it and a call added to the spec describes itself with no code of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["describe"]

# The spec's parameter locations as ASP.NET names a parameter's source.
_SOURCES = {"query": "FromUri", "header": "FromHeader", "path": "FromUri"}
# JSON Schema types as the .NET types a description names.
_TYPES = {"string": "String", "boolean": "Boolean", "number": "Double"}
_INTEGERS = {"int32": "Int32", "int64": "Int64"}


def describe(
    path: str,
    raw: Mapping[str, Any],
    resolved: Mapping[str, Any],
    schemas: Mapping[str, Mapping[str, Any]],
) -> dict[str, Any]:
    """The ``ApiDescription`` of the ``POST`` operation on ``path``: ``raw`` as the spec file
    writes it (its ``$ref`` names the declared types, ``schemas`` the file's named schemas),
    ``resolved`` with references resolved."""
    parameters = [p for p in resolved.get("parameters", ()) if p["in"] in _SOURCES]
    query = "&".join(f"{p['name']}={{{p['name']}}}" for p in parameters if p["in"] == "query")
    described = [
        {
            "Name": p["name"],
            "Source": _SOURCES[p["in"]],
            "Type": _type_of(p.get("schema", {})),
            "Documentation": _first_paragraph(p.get("description", "")),
        }
        for p in parameters
    ]
    body = raw.get("requestBody")
    if body is not None:
        described.append(
            {
                "Name": "request",
                "Source": "FromBody",
                "Type": _declared(_json_schema(body), schemas),
                "Documentation": _first_paragraph(body.get("description", "")),
            }
        )
    status = next((s for s in raw.get("responses", {}) if s.startswith("2")), "200")
    answer = raw.get("responses", {}).get(status, {})
    return {
        "HttpMethod": "POST",
        "RelativePath": path.lstrip("/") + (f"?{query}" if query else ""),
        "Documentation": _documentation(resolved),
        "ParameterDescriptions": described,
        "ResponseDescription": {
            "DeclaredType": (
                _declared(_json_schema(answer), schemas) if answer.get("content") else "Void"
            ),
            "Documentation": _first_paragraph(answer.get("description", "")),
        },
        "SupportedResponseMediaTypes": list(
            resolved.get("responses", {}).get(status, {}).get("content", {})
        ),
    }


def _documentation(operation: Mapping[str, Any]) -> str:
    """The vendor's summary, then what its description says before the mock's notes (the
    first paragraph, up to the ``NsApiSlow`` threshold the vendor appends)."""
    first = _first_paragraph(operation.get("description", "")).partition("NsApiSlow")[0].strip()
    return " ".join(filter(None, [operation.get("summary", "").strip(), first]))


def _first_paragraph(text: str) -> str:
    return " ".join(text.strip().split("\n\n")[0].split())


def _json_schema(part: Mapping[str, Any]) -> Mapping[str, Any]:
    """The schema of a request body's or answer's JSON (else first) media type."""
    content: Mapping[str, Any] = part.get("content", {})
    media: Mapping[str, Any] = content.get("application/json", next(iter(content.values()), {}))
    schema: Mapping[str, Any] = media.get("schema", {})
    return schema


def _declared(schema: Mapping[str, Any], schemas: Mapping[str, Mapping[str, Any]]) -> str:
    """The .NET type a raw schema declares: a named object schema's name, an array's item type
    with ``[]``, a ``oneOf``'s first branch (a nullable form of one type), a scalar's type."""
    name = str(schema.get("$ref", "")).rpartition("/")[2]
    target = schemas.get(name, schema)
    if "oneOf" in target:
        return _declared(target["oneOf"][0], schemas)
    if target.get("type") == "array":
        return _declared(target.get("items", {}), schemas) + "[]"
    if target.get("type", "object") != "object":
        return _type_of(target)
    return name or "Object"


def _type_of(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type", "object")
    if kind == "integer":
        return _INTEGERS.get(schema.get("format", ""), "Int64")
    return _TYPES.get(kind, "Object")
