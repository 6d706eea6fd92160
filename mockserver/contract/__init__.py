"""Contract testing: Schemathesis runs our specs against the mock or any deployment.

:mod:`.runner` runs one API's contract on Schemathesis' engine; :mod:`.auth` holds how each
vendor's clients authenticate, :mod:`.checks` what each vendor promises beyond its schema, and
:mod:`.command` the ``mockserver contract`` command line.
"""

from __future__ import annotations

from .runner import Contract, Outcome, run_api

__all__ = ["Contract", "Outcome", "run_api"]
