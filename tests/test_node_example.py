"""The README's JavaScript example (tests/js/): Node's own test runner resets, seeds and verifies
through the admin API of a mock on a loopback port."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

JS_TESTS = Path(__file__).parent / "js"


def test_the_node_example_passes_against_a_running_mock(live_url: str) -> None:
    node = shutil.which("node")
    assert node is not None, "Node.js is needed for the JavaScript example (CI has it)"
    process = subprocess.run(
        [node, "--test", str(JS_TESTS)],
        env={**os.environ, "MOCKSERVER_URL": live_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == 0, process.stdout + process.stderr
    assert "# pass 2" in process.stdout
    assert "# fail 0" in process.stdout


def test_the_readme_shows_the_example_as_it_is() -> None:
    readme = (JS_TESTS.parent.parent / "README.md").read_text()
    assert f"```js\n{(JS_TESTS / 'mockserver.test.mjs').read_text()}```" in readme
