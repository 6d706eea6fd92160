"""TWIN's sessions: the list (JSON, CSV, CSV for Excel, zipped), details, and a session's edits.

* The list filters the sessions of the companies in scope by every filter of the SDK's
  ``SessionQueryRequest`` and the reference page, sorts them (``started_at``, ``name``) and lets
  :class:`~.query.ListQuery` group, count, page and project them. Exports write the same
  rows (writing them is :mod:`mockserver.export`'s job; which columns and how nested values
  flatten is TWIN's, below).
* Renaming, the spam marks and deletion change one session; operators come and go as the spec's
  ``addSessionOperator``/``switchSessionOperator``/``deleteSessionOperator`` describe. Every
  change goes through the store, so the list, its filters and its exports see it at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from starlette.responses import Response

from ...encoding import json_bytes
from ...errors import BadRequest, Problem
from ...export import content_disposition, csv_bytes, zip_bytes
from ...filtering import Predicate, cacheable, contains_text, equals, filter_records, one_of
from ...sorting import SortKey, sort_records
from .base import TwinAPI, TwinNotFound
from .query import ListQuery, Record, flag

__all__ = ["SessionCalls"]

DEFAULT_FILENAME = "chat-sessions"
SORT_FIELDS = {"started_at": "startedAt", "name": "name"}
DEFAULT_SORT = (SortKey(("startedAt",), descending=True),)
KEYWORD_FIELDS = [("name",), ("clientId",), ("whatsappPhone",), ("telegramClientId",)]
MESSAGE_COUNTS = ("clientMessageCount", "operatorMessageCount", "botMessageCount")
# format -> (delimiter, UTF-8 BOM)
CSV_DIALECTS = {"CSV": (",", False), "CSV_EXCEL": (";", True)}
SESSION = "#/components/schemas/SessionInfo"


class SessionCalls(TwinAPI):
    """The session list and the calls that change one session."""

    # -- the list ------------------------------------------------------------------------------

    async def get_session_list(self, **query: Any) -> Response:
        """``GET sessions``; ``query`` holds the parameters given, under pythonic names."""
        listing = self._listing(
            query, group=["clientId"] if flag(query.get("group_by_client_id")) else []
        )
        # The sessions in scope are filtered (and cached) on their own and the query's filters
        # run over them, so a query not answered yet (each new keyword a user types) scans the
        # companies in scope, not all of them: 3-6 ms instead of 130 ms at 100k sessions.
        scoped = filter_records(
            self.collection("sessions"),
            [
                one_of(
                    ("companyId",),
                    self.scope(
                        query.get("company_id"), flag(query.get("all_supervised_companies"))
                    ),
                )
            ],
        )
        matching = sort_records(filter_records(scoped, _filters(query)), listing.sort)
        fmt, filename, zipped = (
            query.get("format_", "JSON"),
            query.get("filename"),
            flag(query.get("zip_")),
        )
        if fmt in CSV_DIALECTS:
            rows = [listing.present(r) for r in listing.page(listing.grouped(matching))]
            content = self._csv(rows, self._columns(listing.fields), fmt)
            return self._download(content, "csv", filename, zipped)
        body = listing.answer(matching)
        if zipped or filename:
            return self._download(json_bytes(body), "json", filename, zipped)
        return self.respond(body)

    def _listing(self, query: Mapping[str, Any], group: Sequence[str] = ()) -> ListQuery:
        return ListQuery.parse(
            query,
            self.spec.schema(SESSION),
            sort_fields=SORT_FIELDS,
            default_sort=DEFAULT_SORT,
            group=group,
        )

    def _columns(self, fields: Sequence[str]) -> list[str]:
        """The fields asked for, else every field of a session."""
        return list(fields) or list(self.spec.schema(SESSION)["properties"])

    # -- exports -------------------------------------------------------------------------------

    def _csv(self, records: Iterable[Mapping[str, Any]], fields: Sequence[str], fmt: str) -> bytes:
        """The rows as CSV: ``lastMessage`` spread over one column per property, lists
        (``operators``, attachments) as JSON, as the spec documents."""
        message = self.spec.schema("#/components/schemas/LastMessage")["properties"]
        header = [
            column
            for name in fields
            for column in (
                [f"lastMessage.{p}" for p in message] if name == "lastMessage" else [name]
            )
        ]
        delimiter, bom = CSV_DIALECTS[fmt]
        cells = [_cell_getter(column) for column in header]
        rows = ([cell(record) for cell in cells] for record in records)
        return csv_bytes(header, rows, delimiter=delimiter, bom=bom)

    def _download(self, content: bytes, ext: str, filename: str | None, zipped: bool) -> Response:
        """An export answer: CSV and zips are always attachments, JSON when a name is given."""
        name = filename or DEFAULT_FILENAME
        media_type = "text/csv; charset=utf-8" if ext == "csv" else "application/json"
        if zipped:
            content = zip_bytes(f"{name}.{ext}", content, modified=self.settings.clock())
            media_type, ext = "application/zip", "zip"
        return self.respond(
            content,
            media_type=media_type,
            headers={"Content-Disposition": content_disposition(f"{name}.{ext}")},
        )

    # -- one session ---------------------------------------------------------------------------

    async def get_session_details(self, session_id: str, **query: Any) -> Response:
        return self.respond(self._listing(query).present(self.session(session_id)))

    async def delete_session(self, session_id: str, body: Any = None) -> Response:
        self.session(session_id)
        messages = self.collection("messages")
        # A copy: the cached result it comes from changes with each deletion.
        for message in list(filter_records(messages, [equals(("sessionId",), session_id)])):
            await messages.adelete(message["id"])
        await self.collection("sessions").adelete(session_id)
        result = body.get("result") if isinstance(body, Mapping) else None
        return self.respond({"id": session_id, "result": result})

    async def rename_chat_session(self, session_id: str, name: str, body: Any = None) -> Response:
        return await self._changed(session_id, lambda s: {**s, "name": name})

    async def mark_session_spam(self, session_id: str, body: Any = None) -> Response:
        return await self._changed(session_id, lambda s: {**s, "markedAsSpam": True})

    async def mark_session_not_spam(self, session_id: str, body: Any = None) -> Response:
        return await self._changed(session_id, lambda s: {**s, "markedAsSpam": False})

    # -- operators -----------------------------------------------------------------------------

    async def add_session_operator(
        self, session_id: str, operator_id: str, body: Any = None
    ) -> Response:
        operator = self._operator(session_id, operator_id)

        def add(session: Record) -> Record:
            if any(o["id"] == operator["id"] for o in session["operators"]):
                return session
            session = {**session, "operators": [*session["operators"], self._entry(operator)]}
            if session["operatorType"] == "OPERATOR":
                return session
            return self._handled_by(session, operator)

        return await self._changed(session_id, add)

    async def switch_session_operator(
        self, session_id: str, operator_id: str, body: Any = None
    ) -> Response:
        operator = self._operator(session_id, operator_id)
        return await self._changed(session_id, lambda s: self._switched(s, operator))

    async def delete_session_operator(
        self, session_id: str, operator_id: str, body: Any = None
    ) -> Response:
        operator = self._operator(session_id, operator_id)

        def remove(session: Record) -> Record:
            left = [o for o in session["operators"] if o["id"] != operator["id"]]
            if len(left) == len(session["operators"]):
                raise TwinNotFound("Operator", operatorId=operator_id)
            session = {**session, "operators": left}
            if session["operatorType"] != "OPERATOR" or session["operatorId"] != str(operator_id):
                return session
            if left:
                return self._handled_by(session, {"id": left[-1]["id"], "name": left[-1]["name"]})
            return {
                **session,
                "operatorId": None,
                "operatorName": None,
                "operatorType": None,
                "operatorAssignedAt": None,
                "status": "CLOSED" if session["status"] == "CLOSED" else "WAITING",
            }

        return await self._changed(session_id, remove)

    async def switch_session_group_operators(
        self, session_id: str, group_id: str, body: Any = None
    ) -> Response:
        session = self.session(session_id)
        group = self.collection("operatorGroups").get(group_id)
        if group is None or group["companyId"] != session["companyId"]:
            raise TwinNotFound("Operator group", groupId=group_id)
        users = self.collection("users")
        candidates = [
            users.get(uid) for uid in group["operatorIds"] if str(uid) != session["operatorId"]
        ]
        operator = next((user for user in candidates if user is not None), None)
        if operator is None:  # the group's only operator handles the session already
            return self.respond(session)
        return await self._changed(session_id, lambda s: self._switched(s, operator))

    def _operator(self, session_id: str, operator_id: str) -> Record:
        """A user of the session's company, to assign to it."""
        session = self.session(session_id)
        user = self.collection("users").get(int(operator_id))
        if user is None or user["companyId"] != session["companyId"]:
            raise TwinNotFound("Operator", operatorId=operator_id)
        return user

    def _entry(self, operator: Record) -> dict[str, Any]:
        """The operator as ``operators`` lists them, assigned now."""
        return {
            "id": operator["id"],
            "name": operator["name"],
            "type": "OPERATOR",
            "assigned_at": self.now(),
        }

    def _switched(self, session: Record, operator: Record) -> Record:
        others = [o for o in session["operators"] if o["id"] != operator["id"]]
        session = {**session, "operators": [*others, self._entry(operator)]}
        return self._handled_by(session, operator)

    def _handled_by(self, session: Record, operator: Record) -> Record:
        """``operator`` handles the session from now: a waiting session starts, a bot pauses."""
        return {
            **session,
            "operatorId": str(operator["id"]),
            "operatorName": operator["name"],
            "operatorType": "OPERATOR",
            "operatorAssignedAt": self.now(),
            "status": "CLOSED" if session["status"] == "CLOSED" else "ACTIVE",
            "botStatus": "PAUSED" if session["botStatus"] == "ACTIVE" else session["botStatus"],
        }

    async def _changed(self, session_id: str, change: Callable[[Record], Record]) -> Response:
        """Apply ``change`` to the session (one of the user's) and answer it; ``updatedAt``
        moves when something did."""
        self.session(session_id)

        def apply(session: dict[str, Any]) -> dict[str, Any]:
            changed = dict(change(session))
            if changed != session:
                changed["updatedAt"] = self.now()
            return changed

        return self.respond(await self.collection("sessions").aupdate(session_id, apply))


# -- the list's filters ------------------------------------------------------------------------


def _filters(query: Mapping[str, Any]) -> list[Predicate]:
    """A predicate for every filter ``query`` gives."""
    predicates: list[Predicate] = []
    start, end = _instant("from", query.get("from_")), _instant("to", query.get("to"))
    if start is not None or end is not None:
        predicates.append(_in_range(query.get("date_range_field", "createdAt"), start, end))
    for name, field in (
        ("session_id", "id"),
        ("chat_id", "chatId"),
        ("operator_type", "operatorType"),
        ("status", "status"),
        ("bot_status", "botStatus"),
    ):
        if query.get(name) is not None:
            predicates.append(equals((field,), query[name]))
    for name, field in (("marked_as_spam", "markedAsSpam"), ("client_banned", "clientBanned")):
        if query.get(name) is not None:
            predicates.append(equals((field,), flag(query[name])))
    if query.get("messenger_types"):
        predicates.append(one_of(("messengerType",), query["messenger_types"]))
    if query.get("min_messages") is not None:
        predicates.append(_at_least_messages(query["min_messages"]))
    if flag(query.get("only_client_messages")):
        predicates.append(_only_client_messages)
    if query.get("keyword") is not None:
        predicates.append(contains_text(KEYWORD_FIELDS, query["keyword"]))
    if query.get("name") is not None:
        predicates.append(contains_text([("name",)], query["name"]))
    if query.get("operator_id") is not None:
        predicates.append(_handled_by_operator(query["operator_id"]))
    if query.get("tags"):
        predicates.append(_tagged(query["tags"]))
    return predicates


def _instant(name: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise BadRequest(
            f"{name} is not a date", problems=[Problem("query", name, "must be a valid date-time")]
        ) from None


def _in_range(field: str, start: datetime | None, end: datetime | None) -> Predicate:
    """``start`` inclusive, ``end`` exclusive, compared as instants whatever the offsets."""

    def predicate(record: Mapping[str, Any]) -> bool:
        value = record.get(field)
        if value is None:
            return False
        when = datetime.fromisoformat(value)
        return (start is None or when >= start) and (end is None or when < end)

    return cacheable(predicate, "twin.in_range", field, start, end)


def _at_least_messages(count: int) -> Predicate:
    return cacheable(
        lambda record: sum(record[c] for c in MESSAGE_COUNTS) >= count,
        "twin.at_least_messages",
        count,
    )


def _only_client_messages(record: Mapping[str, Any]) -> bool:
    return bool(
        record["clientMessageCount"] > 0
        and record["operatorMessageCount"] == 0
        and record["botMessageCount"] == 0
    )


cacheable(_only_client_messages, "twin.only_client_messages")


def _handled_by_operator(operator_id: str) -> Predicate:
    """The session's current operator (user or bot) or one of its assigned operators."""
    return cacheable(
        lambda record: (
            record["operatorId"] == operator_id
            or any(str(o["id"]) == operator_id for o in record["operators"])
        ),
        "twin.handled_by",
        operator_id,
    )


def _tagged(tags: Sequence[str]) -> Predicate:
    """Sessions carrying at least one of ``tags`` (a session's tags: a comma-separated list)."""
    wanted = {tag.strip() for tag in tags}
    return cacheable(
        lambda record: bool(record["tags"] and wanted & set(tags_of(record))),
        "twin.tagged",
        sorted(wanted),
    )


def tags_of(session: Mapping[str, Any]) -> list[str]:
    return [tag.strip() for tag in (session.get("tags") or "").split(",") if tag.strip()]


def _cell_getter(column: str) -> Callable[[Mapping[str, Any]], Any]:
    """How to read one CSV column from a session, decided once per export, not once per cell."""
    if column.startswith("lastMessage."):
        name = column.partition(".")[2]
        return lambda record: (record.get("lastMessage") or {}).get(name)
    return lambda record: record.get(column)
