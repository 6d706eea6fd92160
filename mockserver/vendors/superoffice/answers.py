"""What every SuperOffice chat-session call stands on: reading a session the caller may touch,
changing it in one atomic step with the right checked inside, and answering it.

Every answer goes the list's way: stored records embed their carriers and are presented for the
request (:mod:`.sessions`, :mod:`.locale`), ``$select`` nulls what was not asked for, and the
negotiated media type writes it as JSON or XML. The calls themselves are :mod:`.calls`'s (with
:mod:`.messages` and :mod:`.saves`); what each changes, and who may make it, is :mod:`.chat`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import Any

from starlette.responses import Response

from ...collection import Collection
from ...errors import BadRequest
from ...paths import FieldPath
from ...projection import null_unselected
from ...xml import Fragments
from ..base import VendorAPI
from . import chat
from .locale import Presentation, presentation
from .names import resolve
from .sessions import PresentedSessions

__all__ = ["Change", "ChatAnswers", "integer", "selected", "session_id"]

Change = Callable[[dict[str, Any]], dict[str, Any]]

_ENTITY = "#/components/schemas/ChatSessionEntity"
_MESSAGE = "#/components/schemas/ChatMessage"
_LINKED = "#/components/schemas/ChatSessionEntityWithLinks"


class ChatAnswers(VendorAPI):
    """Reading, changing and answering chat sessions, for the calls built on it."""

    # -- changing ------------------------------------------------------------------------------

    async def _apply(self, ident: int, needed: Sequence[str], change: Change) -> dict[str, Any]:
        """``change`` made to session ``ident`` when the caller holds a ``needed`` right: the
        right checked in the same atomic step as the write."""
        agents = self._collections["chat_topic_agents"]
        me = self._me

        def checked(session: dict[str, Any]) -> dict[str, Any]:
            chat.require(agents, me, session, needed)
            return change(session)

        return await self._update(ident, checked)

    async def _update(self, ident: int, change: Change) -> dict[str, Any]:
        try:
            return await self._collections["sessions"].aupdate(ident, change)
        except KeyError:
            raise chat.not_found("ChatSessionEntity", ident) from None

    # -- reading and answering -----------------------------------------------------------------

    def _readable(self, ident: int, needed: Sequence[str]) -> dict[str, Any]:
        """Stored session ``ident`` when the caller may do what takes ``needed`` to it."""
        session = self._collections["sessions"].get(ident)
        if session is None:
            raise chat.not_found("ChatSessionEntity", ident)
        chat.require(self._collections["chat_topic_agents"], self._me, session, needed)
        return session

    def _entity_answer(
        self,
        session: Mapping[str, Any],
        media_type: str,
        paths: list[FieldPath] | None,
        *,
        linked: bool = False,
    ) -> Response:
        """One stored session, presented and projected as the list presents its sessions; with
        the REST resource's ``_Links`` when ``linked``."""
        body = self._presented.present([session], self._show(), self._collections)[0]
        schema = "ChatSessionEntity"
        if linked:
            url = f"{self.base_url()}/api/v1/ChatSession/{session['ChatSessionId']}"
            links = {"Self": url, "Messages": f"{url}/Messages", "Transcript": f"{url}/Transcript"}
            body, schema = {**body, "_Links": links}, "ChatSessionEntityWithLinks"
        kept: Fragments | None = self._presented.xml
        if paths is not None:
            body, kept = null_unselected([body], paths)[0], None
        return self._answer(body, media_type, schema, kept=kept)

    def _answer(
        self,
        body: Any,
        media_type: str,
        schema: str = "ChatSessionEntity",
        kept: Fragments | None = None,
    ) -> Response:
        """``body`` as JSON or as XML named by ``schema``, reusing the XML ``kept`` of objects of
        it that were written before."""
        return self.respond(
            body,
            media_type=media_type,
            schema=self.spec.schema(f"#/components/schemas/{schema}"),
            fragments=kept,
        )

    def _show(self) -> Presentation:
        return presentation(self.request.headers, self._collections, self._entity)

    def _now(self) -> str:
        return chat.stamp(self.settings.clock())

    @property
    def _collections(self) -> Mapping[str, Collection]:
        return self.store.collections(self.name)

    @property
    def _me(self) -> Mapping[str, Any]:
        return self.principal["associate"]  # type: ignore[no-any-return]

    @cached_property
    def _entity(self) -> Mapping[str, Any]:
        return self.spec.schema(_ENTITY)

    def _answered_entity(self, linked: bool) -> Mapping[str, Any]:
        """The schema of a one-session answer: the REST resource's adds ``_Links``."""
        return self.spec.schema(_LINKED) if linked else self._entity

    @cached_property
    def _message_schema(self) -> Mapping[str, Any]:
        return self.spec.schema(_MESSAGE)

    @cached_property
    def _presented(self) -> PresentedSessions:
        return PresentedSessions(self._entity)


def session_id(body: Mapping[str, Any]) -> int:
    return integer(body, "ChatSessionId")


def integer(body: Mapping[str, Any], name: str) -> int:
    """An integer argument of an agent call's body; absent or null is 0, as .NET binds it."""
    value = body.get(name)
    return 0 if value is None else int(value)


def selected(schema: Mapping[str, Any], select: str | None) -> list[FieldPath] | None:
    """The ``$select`` paths in the schema's own spelling; None when everything is wanted."""
    names = [n.strip() for n in (select or "").split(",") if n.strip()]
    if not names:
        return None
    paths = []
    for name in names:
        try:
            paths.append(resolve(schema, name)[0])
        except LookupError as exc:
            raise BadRequest(
                f"Unknown property '{name}' in $select: {exc}", reason="unknown_property"
            ) from None
    return paths
