"""Contract testing: Schemathesis runs our specs against the mock or any deployment.

:mod:`.runner` runs one API's contract on Schemathesis' engine; each vendor package contributes
(:mod:`.vendors`) how its clients authenticate (built on :mod:`.auth`), what it promises beyond
its schema (checks, built on :mod:`.checks`) and the rules its spec states in prose (:mod:`.hooks`);
:mod:`.command` is ``mockserver contract``.
"""

from __future__ import annotations

from .runner import Contract, Outcome, run_api

__all__ = ["Contract", "Outcome", "run_api"]
