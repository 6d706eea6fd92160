"""Where a test session's mock runs, and how tests talk to it.

Three ways, one interface (:class:`MockService`), chosen by the pytest options:

* in-process (the default): the ASGI app in the test process, no port; the clients are
  Starlette's ``TestClient`` (an ``httpx.Client``) and ``httpx.AsyncClient`` over
  ``httpx.ASGITransport``;
* on a free loopback port: uvicorn in a thread, for code under test that needs a real URL (a
  subprocess, a browser, an SDK with its own HTTP stack);
* attached to a mock already running (``--mockserver-url``), shared by every test worker.

Every control call (seed, reset, rules, journal) goes through the admin API over HTTP in all
three, so a test behaves the same wherever its mock runs.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import httpx

from ..errors import AdminCallError, MockServerError

if TYPE_CHECKING:
    from starlette.types import ASGIApp

    from ..app import MockServer
    from ..config import Settings

__all__ = ["MockService", "attach", "serve_in_process", "serve_on_port"]

ADMIN_TOKEN_HEADER = "Authorization"
IN_PROCESS_URL = "http://testserver"
_START_TIMEOUT = 30.0


class MockService:
    """A running mock for a test session: its URL, clients on it and its admin API."""

    def __init__(
        self,
        url: str,
        *,
        app: ASGIApp | None = None,
        server: MockServer | None = None,
        admin_token: str | None = None,
        stop: Callable[[], None] | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.app = app
        self.server = server
        self._stop = stop
        headers = {ADMIN_TOKEN_HEADER: f"Bearer {admin_token}"} if admin_token else {}
        self.admin = self.client(headers=headers)

    def client(self, headers: Mapping[str, str] | None = None) -> httpx.Client:
        """A client on the mock's root (``client.get("/chatkitty/chat-sessions")``)."""
        if self.app is not None:
            from starlette.testclient import TestClient

            test_client = TestClient(self.app, base_url=self.url, headers=dict(headers or {}))
            return test_client.__enter__()  # one event loop for the client's life
        return httpx.Client(base_url=self.url, headers=dict(headers or {}), timeout=30).__enter__()

    def async_client(self, headers: Mapping[str, str] | None = None) -> httpx.AsyncClient:
        """An async client on the mock's root; in-process, over ``httpx.ASGITransport``."""
        transport = httpx.ASGITransport(app=self.app) if self.app is not None else None
        return httpx.AsyncClient(
            base_url=self.url, headers=dict(headers or {}), transport=transport, timeout=30
        )

    def call(self, method: str, path: str, **request: Any) -> Any:
        """An admin API call (``path`` under ``/__admin``); its JSON, or :class:`AdminCallError`."""
        response = self.admin.request(method, f"/__admin{path}", **request)
        if response.status_code >= 400:
            try:
                message = str(response.json()["message"])
            except (ValueError, KeyError, TypeError):
                message = response.text
            raise AdminCallError(f"{method} /__admin{path}", response.status_code, message)
        return response.json()

    def schema(self, api: str, headers: Mapping[str, str] | None = None) -> Any:
        """``api``'s spec as a Schemathesis schema aimed at this mock, with its demo credentials.

        The same schema ``mockserver contract`` runs (vendor auth and generation hooks), for a
        test's own ``@schema.parametrize()`` property tests.
        """
        from ..contract.runner import Contract, load_schema

        contract = Contract(
            apis=(api,),
            base_url=None if self.app is not None else f"{self.url}/{api}",
            headers=dict(headers or {}),
        )
        return load_schema(api, contract, app=self.app)

    def close(self) -> None:
        self.admin.__exit__(None, None, None)
        if self._stop is not None:
            self._stop()


def serve_in_process(settings: Settings, admin_token: str | None = None) -> MockService:
    from ..app import MockServer

    server = MockServer(settings)
    return MockService(IN_PROCESS_URL, app=server.app, server=server, admin_token=admin_token)


def serve_on_port(settings: Settings, admin_token: str | None = None) -> MockService:
    """The mock under uvicorn on a free loopback port, in a daemon thread."""
    import uvicorn

    from ..app import MockServer

    server = MockServer(settings)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    live = uvicorn.Server(
        uvicorn.Config(server.app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=live.run, name="mockserver", daemon=True)
    thread.start()
    deadline = time.monotonic() + _START_TIMEOUT
    while not live.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise MockServerError(f"the mock did not start on 127.0.0.1:{port}")
        time.sleep(0.02)

    def stop() -> None:
        live.should_exit = True
        thread.join(timeout=10)

    return MockService(
        f"http://127.0.0.1:{port}", server=server, admin_token=admin_token, stop=stop
    )


def attach(url: str, admin_token: str | None = None) -> MockService:
    """A mock someone else runs; refused at once when nothing answers there as a mock."""
    service = MockService(url, admin_token=admin_token)
    try:
        service.call("GET", "/state")
    except httpx.HTTPError as exc:
        service.close()
        raise MockServerError(f"no mock answers at {url}: {exc}") from None
    except AdminCallError:
        service.close()
        raise
    return service
