"""One ``wrk`` run against one request: requests/s and latency percentiles, errors counted.

Each run is bounded: fixed threads, connections and duration, then wrk stops by itself. A Lua
script sets the method, headers and body and prints the figures as one JSON line, so non-2xx
answers are counted (a server answering 4xx fast must not look fast).
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Call", "Load", "Result", "run_wrk"]


@dataclass(frozen=True)
class Call:
    """One request of the mix: what is sent, to which API, under which name in the table."""

    api: str
    name: str
    method: str
    target: str
    """Path and query below the API's root (``/chat-sessions?page=0``), exactly as sent."""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None


@dataclass(frozen=True)
class Load:
    threads: int = 2
    connections: int = 16
    seconds: int = 10
    warmup_seconds: int = 5


@dataclass(frozen=True)
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    """Socket errors, timeouts and answers outside 2xx/3xx."""


_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT {\\"requests\\": %d, \\"duration_us\\": %d, \\"p50\\": %d, \\"p99\\": %d, "
    .. "\\"errors\\": %d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def _lua(call: Call) -> str:
    lines = [f'wrk.method = "{call.method}"']
    lines += [f"wrk.headers[ {_long(name)} ] = {_long(value)}" for name, value in call.headers]
    if call.body is not None:
        lines.append(f"wrk.body = {_long(call.body.decode())}")
    return "\n".join(lines) + "\n" + _DONE


def _long(text: str) -> str:
    """A Lua long string: no escaping needed for quotes or backslashes in JSON bodies."""
    level = "="
    while f"]{level}]" in text:
        level += "="
    return f"[{level}[{text}]{level}]"


def run_wrk(url: str, call: Call, load: Load) -> Result:
    """Warm the server up, then measure; both runs are bounded by ``load``."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_lua(call))
    try:
        if load.warmup_seconds:
            _wrk(url, script.name, load, load.warmup_seconds)
        return _wrk(url, script.name, load, load.seconds)
    finally:
        Path(script.name).unlink()


def _wrk(url: str, script: str, load: Load, seconds: int) -> Result:
    command = [
        "wrk",
        f"-t{load.threads}",
        f"-c{load.connections}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "-s",
        script,
        url,
    ]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    line = next(x for x in output.splitlines() if x.startswith("RESULT "))
    figures = json.loads(line.removeprefix("RESULT "))
    requests = int(figures["requests"])
    return Result(
        requests_per_second=requests / (figures["duration_us"] / 1e6),
        p50_ms=figures["p50"] / 1000,
        p99_ms=figures["p99"] / 1000,
        requests=requests,
        errors=int(figures["errors"]),
    )
