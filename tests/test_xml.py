"""XML rendering: names from the schema's ``xml`` objects, nil for null, always well-formed, and
byte for byte what the ElementTree renderer before it wrote."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.xml import XSI, Fragments, encode_name, to_xml

THING = {
    "type": "object",
    "xml": {"name": "Thing", "namespace": "urn:example"},
    "properties": {
        "Id": {"type": "integer"},
        "Name": {"type": "string", "nullable": True},
        "Ratio": {"type": "number"},
        "Active": {"type": "boolean"},
        "Tags": {"type": "array", "xml": {"wrapped": True}, "items": {"type": "string"}},
        "Codes": {"type": "array", "items": {"type": "string", "xml": {"name": "Code"}}},
        "Owner": {
            "type": "object",
            "nullable": True,
            "properties": {"Id": {"type": "integer"}, "FullName": {"type": "string"}},
        },
        "Rights": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
ARRAY = {
    "type": "array",
    "xml": {"name": "ArrayOfThing", "namespace": "urn:example", "wrapped": True},
    "items": THING,
}


def from_xml(element: ElementTree.Element, schema: Mapping[str, Any]) -> Any:
    """Read an element back into JSON values, guided by the schema (wrapped arrays only)."""
    if element.get(f"{{{XSI}}}nil") == "true":
        return None
    if schema.get("type") == "array":
        return [from_xml(child, schema.get("items", {})) for child in element]
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    if properties or isinstance(extra, Mapping):
        return {
            _local(child.tag): from_xml(child, properties.get(_local(child.tag), extra or {}))
            for child in element
        }
    text = element.text or ""
    kind = schema.get("type")
    if kind == "integer":
        return int(text)
    if kind == "number":
        return float(text)
    if kind == "boolean":
        return text == "true"
    return text


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _thing(**changes: Any) -> dict[str, Any]:
    thing: dict[str, Any] = {
        "Id": 7,
        "Name": "Fjord & Fisk <AS>",
        "Ratio": 2.0,
        "Active": False,
        "Tags": ["a", "b"],
        "Codes": ["x1", "x2"],
        "Owner": {"Id": 1, "FullName": "Åse Sæther"},
        "Rights": {"Name": "Update", "Ratio": "Read"},
    }
    return {**thing, **changes}


def test_a_document_reads_back_as_the_value_it_was_made_from() -> None:
    value = [_thing(), _thing(Id=8, Name=None, Owner=None, Codes=[])]
    root = ElementTree.fromstring(to_xml(value, ARRAY))
    assert root.tag == "{urn:example}ArrayOfThing"
    assert [child.tag for child in root] == ["{urn:example}Thing"] * 2
    back = from_xml(root, ARRAY)
    for item in back:  # the unwrapped array is the one thing the reader does not rebuild
        item.pop("Code", None)
    expected = [{k: v for k, v in t.items() if k != "Codes"} for t in value]
    assert back == expected


def test_null_is_an_empty_element_marked_nil() -> None:
    root = ElementTree.fromstring(to_xml(_thing(Name=None, Owner=None), THING))
    for name in ("Name", "Owner"):
        element = root.find(f"{{urn:example}}{name}")
        assert element is not None
        assert element.get(f"{{{XSI}}}nil") == "true"
        assert len(element) == 0
        assert not element.text


@pytest.mark.parametrize(
    ("value", "text"), [(True, "true"), (False, "false"), (2.0, "2"), (2.5, "2.5"), (0, "0")]
)
def test_scalars_are_written_the_way_dotnet_writes_them(value: Any, text: str) -> None:
    root = ElementTree.fromstring(to_xml({"V": value}, {"properties": {"V": {}}}, name="R"))
    assert root.findtext("V") == text


def test_properties_follow_the_schema_order_then_dictionary_keys_in_record_order() -> None:
    record = {"Rights": {"B": "x", "A": "y"}, "Name": "n", "Id": 1}
    root = ElementTree.fromstring(to_xml(record, THING))
    assert [_local(c.tag) for c in root] == ["Id", "Name", "Rights"]
    rights = root.find("{urn:example}Rights")
    assert rights is not None
    assert [_local(c.tag) for c in rights] == ["B", "A"]


def test_wrapped_and_unwrapped_arrays() -> None:
    root = ElementTree.fromstring(to_xml(_thing(), THING))
    tags = root.find("{urn:example}Tags")
    assert tags is not None
    assert [(c.tag, c.text) for c in tags] == [
        ("{urn:example}Tags", "a"),
        ("{urn:example}Tags", "b"),
    ]
    assert [c.text for c in root.findall("{urn:example}Code")] == ["x1", "x2"]


@pytest.mark.parametrize(
    ("name", "encoded"),
    [("FieldName", "FieldName"), ("field name", "field_x0020_name"), ("1st", "_x0031_st"),
     ("Ærø", "Ærø"), ("a/b", "a_x002F_b"), ("", "_")],
)  # fmt: skip
def test_names_that_are_not_xml_names_are_encoded_like_xmlconvert(name: str, encoded: str) -> None:
    assert encode_name(name) == encoded
    root = ElementTree.fromstring(to_xml({name: "v"}, {"additionalProperties": {}}, name="R"))
    assert [c.tag for c in root] == [encoded]


def test_the_root_needs_a_name() -> None:
    with pytest.raises(ValueError, match=r"xml\.name"):
        to_xml({}, {"type": "object"})


# Written by the ElementTree renderer this one replaced, byte for byte: empty elements as
# "<a />", attributes and text escaped as ElementTree escapes them; except a lone surrogate,
# which it wrote as a character reference XML forbids, now U+FFFD.
PINNED = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<ArrayOfThing xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="urn:a&amp;b&quot;c">'
    "<Thing><Id>7</Id><Name>Fjord &amp; Fisk &lt;AS&gt;</Name><Ratio>2</Ratio>"
    "<Active>false</Active><Tags><Tags>a</Tags><Tags>b</Tags></Tags><Code>x1</Code>"
    "<Code>x2</Code><Owner><Id>1</Id><FullName>Åse Sæther</FullName></Owner>"
    "<Rights><Name>Update</Name><Ratio>Read</Ratio></Rights></Thing>"
    "<Thing><Id>8</Id><Name /><Ratio>2.5</Ratio><Active>true</Active><Tags /><Owner />"
    "<Rights><field_x0020_name>Read &amp; Write</field_x0020_name>"
    "<_x0031_st>&lt;x&gt;</_x0031_st></Rights></Thing>"
    '<Thing><Id>7</Id><Name i:nil="true" /><Ratio>2</Ratio><Active>false</Active>'
    '<Tags i:nil="true" /><Code>x1</Code><Code>x2</Code><Owner i:nil="true" />'
    '<Rights i:nil="true" /><Extra>\ufffd é</Extra></Thing></ArrayOfThing>'
).encode()  # fmt: skip


def test_the_document_is_byte_for_byte_what_it_was() -> None:
    value = [
        _thing(),
        _thing(Id=8, Name="", Ratio=2.5, Active=True, Tags=[], Codes=[], Owner={},
               Rights={"field name": "Read & Write", "1st": "<x>"}),
        _thing(Name=None, Owner=None, Tags=None, Rights=None, Extra="\ud800 é"),
    ]  # fmt: skip
    schema = {**ARRAY, "xml": {"name": "ArrayOfThing", "namespace": 'urn:a&b"c', "wrapped": True}}
    assert to_xml(value, schema) == PINNED


@pytest.mark.parametrize(("value", "end"), [(None, ' i:nil="true" />'), ({}, " />")])
def test_a_null_or_empty_root_keeps_its_namespaces(value: Any, end: str) -> None:
    assert (
        to_xml(value, THING).decode().endswith(f'<Thing xmlns:i="{XSI}" xmlns="urn:example"{end}')
    )


def test_kept_fragments_are_written_as_they_were_until_dropped() -> None:
    things = [_thing(), _thing(Id=8)]
    fragments = Fragments(limit=100)
    document = to_xml(things, ARRAY, fragments=fragments)
    assert document == to_xml(things, ARRAY)
    things[0]["Name"] = "Changed"  # a caller breaking its promise shows that the text was kept
    assert to_xml(things, ARRAY, fragments=fragments) == document
    fragments.clear()
    assert b"<Name>Changed</Name>" in to_xml(things, ARRAY, fragments=fragments)


def test_a_fragment_is_kept_for_its_object_not_for_an_equal_one() -> None:
    fragments = Fragments(limit=100)
    first = _thing()
    to_xml([first], ARRAY, fragments=fragments)
    other = {**first, "Name": "Other"}
    assert b"<Name>Other</Name>" in to_xml([other], ARRAY, fragments=fragments)


def test_fragments_are_bounded() -> None:
    fragments = Fragments(limit=3)  # a thing and its two nested objects fill it
    things = [_thing(), _thing(Id=8)]
    to_xml(things[:1], ARRAY, fragments=fragments)
    things[0]["Name"] = "Changed"
    to_xml(things[1:], ARRAY, fragments=fragments)  # keeping the second drops the first
    assert b"<Name>Changed</Name>" in to_xml(things[:1], ARRAY, fragments=fragments)


@given(text=st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF)))
def test_any_text_gives_a_document_parsers_accept(text: str) -> None:
    # Control characters, U+FFFE/U+FFFF and lone surrogates cannot be in XML 1.0, not even as
    # references: they read back as U+FFFD; everything else, carriage returns included, as sent.
    document = to_xml({"Id": 1, "Name": text, "Rights": {"r": text, "": text}}, THING)
    element = ElementTree.fromstring(document)
    expected = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]", "\ufffd", text)
    namespace = "{urn:example}"
    assert (element.findtext(f"{namespace}Name") or "") == expected
    assert (element.findtext(f"{namespace}Rights/{namespace}r") or "") == expected
