"""The SuperOffice fixture generator: the checked-in set is its output, links resolve to records
that agree with each other, lifecycles are in order, and what one associate sees stays about the
same however large the data set grows."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from typing import Any

import orjson
import pytest

from mockserver.config import PROJECT_ROOT
from mockserver.generators import generate
from mockserver.vendors.superoffice.generator.crm import UNSET
from mockserver.vendors.superoffice.sessions import LINKS

Data = dict[str, list[dict[str, Any]]]
RIGHTS = ("CanRespond", "CanNotify", "CanListen", "CanManage")
LIFECYCLE = ("WhenRequested", "WhenStarted", "WhenIdle", "WhenEnded")
KEYS = {
    "associates": "AssociateId",
    "persons": "PersonId",
    "contacts": "ContactId",
    "projects": "ProjectId",
    "sales": "SaleId",
    "tickets": "TicketId",
}


@pytest.fixture(scope="module")
def large() -> Data:
    """Large enough that topics, staff and customers grow with the sessions."""
    return generate("superoffice", 3000, seed=1)


def visible(data: Data) -> dict[int, int]:
    """Associate id -> how many sessions ChatSessionsForUser answers them."""
    per_topic = Counter(s["TopicId"] for s in data["sessions"])
    topics: dict[int, set[int]] = {}
    for row in data["chat_topic_agents"]:
        if any(row[r] for r in RIGHTS):
            topics.setdefault(row["AssociateId"], set()).add(row["TopicId"])
    return {who: sum(per_topic[t] for t in ts) for who, ts in topics.items()}


def linked(data: Data, session: dict[str, Any], name: str) -> dict[str, Any] | None:
    field, target = LINKS[name]
    if field not in session:
        return None
    return next(r for r in data[target] if r[KEYS[target]] == session[field])


def test_the_checked_in_fixtures_are_the_output_for_250_sessions_and_seed_1() -> None:
    for name, records in generate("superoffice", 250, seed=1).items():
        file = PROJECT_ROOT / "fixtures" / "superoffice" / f"{name}.json"
        assert orjson.loads(file.read_bytes()) == orjson.loads(orjson.dumps(records)), name


def test_what_an_associate_sees_does_not_grow_with_the_data_set(large: Data) -> None:
    small = generate("superoffice", 250, seed=1)
    assert len(large["chat_topics"]) == 3000 // 30
    demo, other = visible(small)[2], visible(large)[2]
    assert 0.5 < other / demo < 2  # demo's four topics hold about the same
    assert max(visible(large).values()) < 3000 / 5


def test_sessions_name_carriers_by_id_and_leave_the_wire_property_null(large: Data) -> None:
    fields = {field for field, _ in LINKS.values()}
    for session in large["sessions"]:
        assert all(session[name] is None for name in LINKS)
        assert set(session) - fields == set(large["sessions"][0]) - fields
    for name in LINKS:
        assert any(linked(large, s, name) for s in large["sessions"][:200])


def test_linked_records_agree_with_each_other(large: Data) -> None:
    responders = {
        (r["TopicId"], r["AssociateId"]) for r in large["chat_topic_agents"]
        if r["CanRespond"] or r["CanManage"]
    }  # fmt: skip
    for session in large["sessions"][:600]:
        person, company = linked(large, session, "Person"), linked(large, session, "Contact")
        sale, ticket = linked(large, session, "Sale"), linked(large, session, "Ticket")
        if person:
            assert person["ContactId"] == (company or {}).get("ContactId")
            assert session["CustomerName"] == person["FullName"]
        if sale:
            assert sale["ContactId"] == (company or {}).get("ContactId")
        if ticket:
            assert ticket["CustId"] == (person or {}).get("PersonId")
        for name in ("User", "TransferTo"):
            agent = linked(large, session, name)
            if agent:
                assert (session["TopicId"], agent["AssociateId"]) in responders
                if session["Status"] in ("CustomerLast", "UserLast"):
                    assert not agent["Deleted"]


def test_lifecycle_times_are_in_order_and_set_as_far_as_the_status_got(large: Data) -> None:
    for session in large["sessions"]:
        reached = [session[name] for name in LIFECYCLE if session[name] != UNSET]
        assert reached == sorted(reached)
        assert session["WhenRequested"] != UNSET
        assert session["WhenFetched"] >= session["WhenRequested"]
        if session["WhenStarted"] == UNSET:
            assert "user_id" not in session
        if session["Status"] not in ("Finished", "Deleted", "Closed"):
            assert session["Rating"] == 0
    ids = [s["ChatSessionId"] for s in large["sessions"]]
    assert all(a < b for a, b in pairwise(ids))
