"""The contract fails every broken variant of the mock, naming the check that caught it."""

from __future__ import annotations

import pytest

from mockserver import MockServer
from mockserver.contract import Contract, run_api
from mockserver.contract.vendors import contracts
from mockserver.vendors import VENDORS
from tests.contract.mutants import Mutant, all_mutants

SEED = 1
EXAMPLES = 20
"""Enough for every fault to show; the healthy runs use more."""
MUTANTS = all_mutants()


@pytest.mark.parametrize("mutant", MUTANTS, ids=[f"{m.vendor}-{m.id}" for m in MUTANTS])
def test_contract_kills_mutant(
    mutant: Mutant, server: MockServer, mutation_score: dict[str, bool]
) -> None:
    contract = Contract(
        apis=(mutant.vendor,), seed=SEED, max_examples=EXAMPLES, operations=mutant.operations
    )
    outcome = run_api(mutant.vendor, contract, app=mutant.wrap(server.app))
    mutation_score[f"{mutant.vendor}/{mutant.id}"] = (
        not outcome.passed and mutant.check in outcome.failed_checks
    )
    assert not outcome.passed, f"the contract passed {mutant.vendor} with {mutant.id}"
    assert mutant.check in outcome.failed_checks, (
        f"{mutant.id} should fail {mutant.check}; failed: {sorted(outcome.failed_checks)}"
    )


@pytest.mark.parametrize("vendor", [v.name for v in VENDORS])
def test_every_check_of_a_vendor_is_shown_to_bite(vendor: str) -> None:
    """Each vendor check is the one some mutant must trip, so none of them can be inert."""
    expected = {m.check for m in MUTANTS if m.vendor == vendor}
    assert {check.__name__ for check in contracts()[vendor].checks} <= expected
    assert {"response_schema_conformance", "not_a_server_error", "ignored_auth"} <= expected
