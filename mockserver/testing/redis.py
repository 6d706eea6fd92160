"""A throwaway Redis for tests of the ``redis://`` state: Debian's ``redis-server`` on a free
loopback port, started and stopped by the test, so replicas, restarts and lost data can be
tried for real (the project's own tests and benchmarks use it)."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

__all__ = ["RedisServer"]


class RedisServer:
    """Debian's ``redis-server`` on a free loopback port, its data in ``folder``.

    ``durable``: every write is in its append-only file before Redis answers, so a restart keeps
    it; otherwise a restart starts it empty, as a Redis without persistence does.
    """

    def __init__(self, folder: Path, *, durable: bool = False) -> None:
        self.folder, self.durable = folder, durable
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._prefixes = 0
        self.start()

    def url(self, prefix: str | None = None) -> str:
        """A state URL on this server; each call without ``prefix`` names a state of its own."""
        if prefix is None:
            self._prefixes += 1
            prefix = f"t{self._prefixes}"
        return f"redis://127.0.0.1:{self.port}/0?prefix={prefix}"

    def start(self) -> None:
        persistence = ["--appendonly", "yes", "--appendfsync", "always"] if self.durable else []
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        self.process = subprocess.Popen(
            [*command, "--dir", str(self.folder), *persistence],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(64).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            assert self.process.poll() is None, "redis-server exited at start-up"
            assert time.monotonic() < deadline, "redis-server did not answer in 20 s"
            time.sleep(0.05)

    def stop(self) -> None:
        """``kill -9``: no shutdown save, as a crash would leave it."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
