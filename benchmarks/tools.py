"""Where the servers under test come from, and how each is started.

``make bench`` installs them: Prism and WireMock with npm into ``benchmarks/node_modules`` (pinned
in ``benchmarks/package.json``), wrk and Java from Debian's packages when missing. Each server is
started the way its users start it; only the port and the loopback address are chosen here.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from .servers import HOST

__all__ = ["BENCHMARKS", "PROJECT", "Tools"]

BENCHMARKS = Path(__file__).resolve().parent
PROJECT = BENCHMARKS.parent


@dataclass(frozen=True)
class Tools:
    python: Path
    mockserver: Path
    prism: Path
    java: Path
    wiremock_jar: Path

    @classmethod
    def find(cls, needed: tuple[str, ...] = ()) -> Tools:
        """Every tool (or the ``needed`` ones), or SystemExit naming what is missing (``make
        bench`` installs it all)."""
        bin_dir = Path(sys.executable).parent
        jars = sorted(
            (BENCHMARKS / "node_modules/wiremock/build").glob("wiremock-standalone-*.jar")
        )
        found = {
            "mockserver": bin_dir / "mockserver",
            "prism": BENCHMARKS / "node_modules/.bin/prism",
            "java": Path(shutil.which("java") or "java"),
            "wiremock jar": jars[-1] if jars else BENCHMARKS / "node_modules/wiremock",
            "wrk": Path(shutil.which("wrk") or "wrk"),
        }
        missing = [
            name
            for name, path in found.items()
            if not path.exists() and (not needed or name in needed)
        ]
        if missing:
            raise SystemExit(f"missing: {', '.join(missing)} (`make bench` installs them)")
        return cls(
            python=Path(sys.executable),
            mockserver=found["mockserver"],
            prism=found["prism"],
            java=found["java"],
            wiremock_jar=found["wiremock jar"],
        )

    def mock_command(self, port: int, fixtures: Path | None = None) -> list[str]:
        """``mockserver serve`` with its defaults, access log included."""
        command = [str(self.mockserver), "serve", "--host", HOST, "--port", str(port)]
        return command + (["--fixtures", str(fixtures)] if fixtures else [])

    def prism_command(self, api: str, port: int) -> list[str]:
        spec = PROJECT / "openapi" / f"{api}.yaml"
        return [str(self.prism), "mock", "-h", HOST, "-p", str(port), str(spec)]

    def wiremock_command(self, port: int, root: Path) -> list[str]:
        # No request journal: it would grow by every request of the run (WireMock's own advice
        # for load tests); WireMock otherwise runs with its defaults.
        return [
            str(self.java),
            "-jar",
            str(self.wiremock_jar),
            "--bind-address",
            HOST,
            "--port",
            str(port),
            "--root-dir",
            str(root),
            "--no-request-journal",
            "--disable-banner",
        ]

    def bare_command(self, port: int) -> list[str]:
        """The bare app under uvicorn configured as ``mockserver serve`` configures it."""
        return [
            str(self.python),
            "-m",
            "uvicorn",
            "--factory",
            "benchmarks.bare:create_app",
            "--host",
            HOST,
            "--port",
            str(port),
            "--loop",
            "uvloop",
            "--http",
            "httptools",
        ]
