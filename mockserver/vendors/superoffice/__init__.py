"""SuperOffice: its API (:mod:`.api`) with its sessions as presented (:mod:`.sessions`,
:mod:`.locale`), its mock-only schemas (``schemas/``), its fixture generator (:mod:`.generator`)
and its part in a contract run (:mod:`.contract`, :mod:`.checks`)."""

from __future__ import annotations

from .api import SuperOffice

__all__ = ["SuperOffice"]
