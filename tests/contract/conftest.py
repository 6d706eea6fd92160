"""Contract-test fixtures: the mutation score, kept over the mutant tests and printed at the end."""

from __future__ import annotations

import pytest

SCORE = pytest.StashKey[dict[str, bool]]()


@pytest.fixture(scope="session")
def mutation_score(pytestconfig: pytest.Config) -> dict[str, bool]:
    """Mutant id -> whether the contract run killed it (failed, naming the right check)."""
    return pytestconfig.stash.setdefault(SCORE, {})


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    score = config.stash.get(SCORE, {})
    if not score:
        return
    killed = sum(score.values())
    survivors = ", ".join(sorted(name for name, dead in score.items() if not dead))
    line = f"contract mutation score: {killed}/{len(score)} mutants killed"
    terminalreporter.write_sep("=", line + (f" (survived: {survivors})" if survivors else ""))
