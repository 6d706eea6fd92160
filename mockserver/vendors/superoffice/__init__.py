"""SuperOffice: its API (:mod:`.api`: logins and errors) with its chat-session calls (:mod:`.calls`
for the Chat agent, :mod:`.rest` for the REST ``ChatSession`` resource, :mod:`.chat` for what
each call changes and who may make it, :mod:`.binding` for how request bodies are read), its
sessions as presented (:mod:`.sessions`, :mod:`.locale`), its mock-only schemas (``schemas/``),
its fixture generator (:mod:`.generator`) and its part in a contract run (:mod:`.contract`,
:mod:`.checks`)."""

from __future__ import annotations

from .api import SuperOffice

__all__ = ["SuperOffice"]
