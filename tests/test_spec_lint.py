"""Every spec passes the two OpenAPI linters people run on it, with their stock rulesets.

Spectral (``spectral:oas``) and Redocly (``recommended``), pinned in tests/lint/package.json and
installed by ``make`` (``npm ci --prefix tests/lint``). Warnings are allowed; errors are not.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from mockserver.config import PROJECT_ROOT

LINT = PROJECT_ROOT / "tests" / "lint"
SPECS = sorted((PROJECT_ROOT / "openapi").glob("*.yaml"))
LINTERS = {
    "spectral": ["spectral", "lint", "--ruleset", ".spectral.yaml", "--fail-severity", "error"],
    "redocly": ["redocly", "lint", "--config", "redocly.yaml"],
}


@pytest.mark.parametrize("spec", SPECS, ids=[spec.stem for spec in SPECS])
@pytest.mark.parametrize("linter", LINTERS)
def test_spec_has_no_linter_errors(linter: str, spec: Path) -> None:
    program, *arguments = LINTERS[linter]
    binary = LINT / "node_modules" / ".bin" / program
    assert binary.exists(), "install the linters: make tests/lint/node_modules/.installed"
    done = subprocess.run(
        [str(binary), *arguments, str(spec)],
        cwd=LINT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"{linter} on {spec.name}:\n{done.stdout}\n{done.stderr}"
