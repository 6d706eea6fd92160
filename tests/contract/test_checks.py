"""The vendor checks' registry and the comparisons behind them.

Whether each check catches what it guards is proven against broken mocks (test_mutants.py) and
that it accepts the healthy mock in test_runner.py; these tests pin the logic in between.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import pytest
import schemathesis
from schemathesis.checks import CHECKS

from mockserver.contract import Contract
from mockserver.contract.runner import load_schema
from mockserver.contract.vendors import contracts
from mockserver.vendors import VENDORS
from mockserver.vendors.superoffice.checks import _nulled, _xml_differences
from mockserver.vendors.twin.checks import FILTERS
from mockserver.vendors.twin.contract import (
    TWIN_CURSOR_DATE,
    twin_cursor_paired,
    twin_page_or_offset,
)

TITLES = {
    "chatkitty": "ChatKitty",
    "twin": "TWIN",
    "hapihub": "HAPI Hub",
    "superoffice": "SuperOffice",
}


@pytest.mark.parametrize("vendor", [v.name for v in VENDORS])
def test_vendor_checks_are_registered_and_say_which_promise_they_guard(vendor: str) -> None:
    checks = contracts()[vendor].checks
    assert checks
    for check in checks:
        assert check.__name__.startswith(f"{vendor}_")
        assert check.__name__ in CHECKS.get_all_names()
        assert (check.__doc__ or "").startswith(f"{TITLES[vendor]}: ")
        assert "Guards" in (check.__doc__ or "")


def test_select_nulls_everything_but_the_selected_paths() -> None:
    entity = {"Id": 1, "Status": "Closed", "User": {"Name": "a", "FullName": "b"}, "Sale": {"X": 1}}
    assert _nulled(entity, {("id",), ("user", "fullname")}, ()) == {
        "Id": 1,
        "Status": None,
        "User": {"Name": None, "FullName": "b"},
        "Sale": None,
    }
    assert _nulled(entity, {("user",)}, ())["User"] == entity["User"]


XML = (
    '<ArrayOfE xmlns="urn:x" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">'
    '<E><Id>1</Id><Ok>true</Ok><User i:nil="true" /><Tags><T>a</T><T>b</T></Tags>'
    "<Props><My_x0020_Field>2.5</My_x0020_Field></Props><Empty /></E></ArrayOfE>"
)


def entity(**changes: Any) -> list[dict[str, Any]]:
    healthy = {"Id": 1, "Ok": True, "User": None, "Tags": ["a", "b"], "Props": {"My Field": 2.5}}
    return [{**healthy, "Empty": {}, **changes}]


@pytest.mark.parametrize(
    ("json", "wrong"),
    [
        (entity(), []),
        (entity(Empty=""), []),
        (entity(Id=2), ["/0/Id: XML '1', JSON 2"]),
        (entity(User={}), ["/0/User: XML nil"]),
        (entity(Tags=["a"]), ["/0/Tags: XML has 2 items, JSON 1"]),
    ],
)
def test_xml_is_compared_with_json_as_the_json_value_shapes_it(json: Any, wrong: list[str]) -> None:
    assert _xml_differences(ElementTree.fromstring(XML), json, "") == wrong


@pytest.mark.parametrize(
    ("xml_text", "json_text", "same"),
    [
        ("\ufffdn\ufffd", "\x18n\x0f", True),  # XML 1.0 cannot hold these control characters
        ("a\tb\nc", "a\tb\nc", True),
        ("?n", "\x18n", False),
        ("\ufffdn", "xn", False),
    ],
)
def test_characters_xml_cannot_hold_are_no_difference(
    xml_text: str, json_text: str, same: bool
) -> None:
    element = ElementTree.Element("FirstMessage")
    element.text = xml_text
    assert (_xml_differences(element, json_text, "") == []) is same


SESSION = {
    "id": "s1", "chatId": "c1", "operatorType": "BOT", "messengerType": "TELEGRAM",
    "clientMessageCount": 2, "operatorMessageCount": 0, "botMessageCount": 1,
    "name": "Amelia", "clientId": "x", "whatsappPhone": None, "telegramClientId": "42",
    "createdAt": "2024-05-01T10:00:00+00:00", "companyId": 1, "status": "ACTIVE",
    "botStatus": "ACTIVE", "markedAsSpam": False, "clientBanned": False, "operatorId": "b1",
    "operators": [{"id": 3}], "tags": "vip,b2b",
}  # fmt: skip


@pytest.mark.parametrize(
    ("asked", "matches"),
    [
        ({"messengerTypes": "WHATSAPP,TELEGRAM"}, True),
        ({"messengerTypes": "WHATSAPP"}, False),
        ({"minMessages": "3"}, True),
        ({"minMessages": "4"}, False),
        ({"onlyClientMessages": "true"}, False),
        ({"onlyClientMessages": "false"}, True),
        ({"keyword": "AMEL"}, True),
        ({"keyword": "zzz"}, False),
        ({"from": "2024-05-01T10:00:00+00:00"}, True),
        ({"to": "2024-05-01T10:00:00+00:00"}, False),
        ({"companyId": "2"}, False),
        ({"companyId": "2", "allSupervisedCompanies": "true"}, True),
        ({"companyId": "2", "allSupervisedCompanies": "1"}, True),
        ({"status": "ACTIVE"}, True),
        ({"status": "CLOSED"}, False),
        ({"markedAsSpam": "0"}, True),
        ({"markedAsSpam": "1"}, False),
        ({"clientBanned": "true"}, False),
        ({"operatorId": "3"}, True),
        ({"operatorId": "b1"}, True),
        ({"operatorId": "4"}, False),
        ({"tags": "lead,b2b"}, True),
        ({"tags": "lead"}, False),
        ({"name": "meli"}, True),
    ],
)
def test_twin_filters(asked: dict[str, str], matches: bool) -> None:
    results = [holds(asked, SESSION) for name, _, holds in FILTERS if name in asked]
    assert all(results) == matches


def test_twin_page_and_offset_are_not_generated_together() -> None:
    schema = load_schema("twin", Contract(apis=("twin",)))
    operation = schema.find_operation_by_id("getSessionList")
    context = schemathesis.HookContext(operation=operation)
    assert twin_page_or_offset(context, operation.Case(query={"page": 2}))
    assert not twin_page_or_offset(context, operation.Case(query={"page": 2, "offset": 0}))


def test_twin_cursor_parameters_are_generated_in_pairs() -> None:
    def paired(query: dict[str, Any]) -> dict[str, Any]:
        twin_cursor_paired(query)
        return query

    assert paired({"offsetField": "id", "limit": 3}) == {"limit": 3}
    assert paired({"offsetValue": "x"}) == {}
    assert paired({"offsetField": "id", "offsetValue": "x"}) == {
        "offsetField": "id",
        "offsetValue": "x",
    }
    assert (
        paired({"offsetField": "startedAt", "offsetValue": "x"})["offsetValue"] == TWIN_CURSOR_DATE
    )


def test_hooks_are_registered_under_schemathesis_hook_names() -> None:
    names = {name for part in contracts().values() for name, _ in part.hooks}
    assert names <= {"filter_case", "map_case"}
