"""Starting and stopping the servers under test, each on its own free loopback port.

A server is a child process the benchmark starts, waits for (bounded), measures and stops; its
output goes to a log file in the work folder, never to the terminal. Start-up time is measured
from the spawn to the first HTTP answer, as a user waiting for the server would see it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

__all__ = ["Running", "cpu_seconds", "free_port", "rss_mb", "serve"]

HOST = "127.0.0.1"
START_TIMEOUT = 120.0


@dataclass(frozen=True)
class Running:
    url: str
    pid: int
    startup_seconds: float
    startup_cpu_seconds: float
    """CPU the server used until it answered: unlike wall time, barely moved by other work."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of a process now, in MiB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


@contextmanager
def serve(
    name: str,
    command: Sequence[str],
    port: int,
    log_dir: Path,
    *,
    ready_path: str = "/",
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Iterator[Running]:
    """Run ``command`` (listening on ``port``) until the block ends; stop it even on errors."""
    log_dir.mkdir(parents=True, exist_ok=True)
    url = f"http://{HOST}:{port}"
    with (log_dir / f"{name}.log").open("wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command),
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            cwd=cwd,
            start_new_session=True,  # its own process group: stopping it stops its children
        )
        try:
            _wait_until_answering(process, url + ready_path, name, log_dir)
            ready = time.perf_counter() - started
            yield Running(url, process.pid, ready, cpu_seconds(process.pid))
        finally:
            _stop(process)


def _wait_until_answering(
    process: subprocess.Popen[bytes], url: str, name: str, logs: Path
) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}; see {logs}/{name}.log")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.02)
    raise RuntimeError(f"{name} did not answer within {START_TIMEOUT:.0f} s; see {logs}/{name}.log")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)
