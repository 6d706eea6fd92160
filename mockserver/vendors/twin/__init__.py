"""TWIN: its API (:mod:`.api`), its mock-only schemas (``schemas/``), its fixture
generator (:mod:`.generator`) and its part in a contract run (:mod:`.contract`, :mod:`.checks`)."""

from __future__ import annotations

from .api import Twin

__all__ = ["Twin"]
