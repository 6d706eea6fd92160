"""Every shell example of the README works verbatim, in order, against a freshly served mock.

A newcomer copies the blocks one after the other; so does this test, in one shell session's
worth of variables (``TOKEN`` set in one block is used in a later one). Only the port changes.
A block that cannot run here says why, just above it: ``<!-- readme-test: skip REASON -->``;
one that must fail says with what: ``<!-- readme-test: expect EXIT_CODE -->``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.state.conftest import Served

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
_BLOCK = re.compile(
    r"(?:<!-- readme-test: (?P<marker>skip|expect) (?P<argument>[^>]*?) -->\n)?"
    r"```sh\n(?P<code>.*?)```",
    re.S,
)
_ASSIGNED = re.compile(r"^([A-Z_][A-Z0-9_]*)=", re.M)
_REFUSALS = ("failed to answer", "is not documented", "Invalid request")


@dataclass(frozen=True)
class Block:
    line: int
    code: str
    skip: str | None
    exit_code: int


def blocks(text: str) -> list[Block]:
    found = []
    for match in _BLOCK.finditer(text):
        marker, argument = match["marker"], match["argument"]
        found.append(
            Block(
                line=text.count("\n", 0, match.start("code")) + 1,
                code=match["code"],
                skip=argument if marker == "skip" else None,
                exit_code=int(argument) if marker == "expect" else 0,
            )
        )
    return found


BLOCKS = blocks(README.read_text(encoding="utf-8"))


def test_the_readme_has_examples_and_says_why_any_is_not_run() -> None:
    assert len(BLOCKS) >= 10
    assert all(block.skip for block in BLOCKS if block.skip is not None)
    assert sum(block.skip is None for block in BLOCKS) >= 6


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    server = Served("memory")
    yield server
    server.stop()


def test_every_example_runs_verbatim_in_order(served: Served, tmp_path: Path) -> None:
    variables = sorted({name for block in BLOCKS for name in _ASSIGNED.findall(block.code)})
    carried = tmp_path / "variables.sh"
    carried.write_text("")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "MOCKSERVER_URL": served.url,
    }
    for block in BLOCKS:
        if block.skip is not None:
            continue
        code = block.code.replace("127.0.0.1:8080", f"127.0.0.1:{served.port}")
        keep = (
            f"declare -p {' '.join(variables)} > {carried} 2>/dev/null || true" if variables else ""
        )
        script = f"source {carried}\nset -euo pipefail\n{code}\n{keep}\n"
        result = subprocess.run(
            ["bash", "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        said = f"README.md:{block.line}\n{code}\nstdout:\n{result.stdout[-2000:]}\nstderr:\n"
        assert result.returncode == block.exit_code, said + result.stderr[-2000:]
        # curl exits 0 whatever the status: the mock's words for a crash or a refused example
        for refusal in _REFUSALS:
            assert refusal not in result.stdout, said + result.stderr[-2000:]
