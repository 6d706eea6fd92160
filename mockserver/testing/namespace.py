"""One test's own corner of the mock: its namespace, data, faults, answers and verification.

Every request a :class:`MockNamespace`'s clients send carries its ``Mock-Namespace`` header, so
the mock keeps the test's writes, journal and rules apart from every other test's, also when
pytest-xdist runs them in parallel against one shared server. The verification methods ask the
admin API's journal queries (:mod:`mockserver.verification`) about this test's requests only:
those carrying its namespace and made since it started.

Reads like WireMock's ``verify``::

    mock.assert_called("hapihub", "POST", "/chat-sessions", times=1, body={"room": "r-1"})
    mock.assert_not_called("chatkitty", "GET", "/chat-sessions/{id}")
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from typing import Any

import httpx
import orjson

from ..errors import AdminCallError
from .service import MockService

__all__ = ["NAMESPACE_HEADER", "MockNamespace"]

NAMESPACE_HEADER = "Mock-Namespace"
_SHOWN = 20  # requests listed in a failure message


class MockNamespace:
    """What the ``mockserver_ns`` fixture gives a test."""

    def __init__(self, service: MockService, name: str, *, strict: bool = False) -> None:
        self.service = service
        self.name = name
        self.strict = strict
        """Fail the test when a request matched no operation or broke the spec (teardown)."""
        self.headers = {NAMESPACE_HEADER: name}
        """Send these from clients of your own (the code under test) to stay in the namespace."""
        self.url = service.url
        newest = self.service.call("GET", "/journal", params={"limit": 1})["entries"]
        self._since = int(newest[0]["id"]) if newest else 0
        self._client: httpx.Client | None = None
        self._rules: list[str] = []
        self._seeded: set[str] = set()

    @property
    def client(self) -> httpx.Client:
        """A client on the mock's root sending this namespace's header (made on first use)."""
        if self._client is None:
            self._client = self.service.client(self.headers)
        return self._client

    def async_client(self) -> httpx.AsyncClient:
        """An async client sending this namespace's header; close it (``async with``)."""
        return self.service.async_client(self.headers)

    # ---- state, faults, answers -------------------------------------------------------------

    def seed(self, api: str, **collections: list[dict[str, Any]]) -> dict[str, int]:
        """Replace collections of ``api`` (``seed("hapihub", sessions=[...])``), checked as the
        fixture files are; put back at teardown. Returns each collection's new size."""
        loaded = self._call("POST", f"/fixtures/{api}", json=collections)["loaded"]
        self._seeded.add(api)
        return dict(loaded)

    def records(
        self, api: str, collection: str, *, offset: int = 0, limit: int = 1
    ) -> list[dict[str, Any]]:
        """Stored records of one collection (a start for :meth:`seed`); credentials redacted."""
        shown = self._call(
            "GET", f"/state/{api}/{collection}", params={"offset": offset, "limit": limit}
        )
        return list(shown["records"])

    def reset(self, api: str | None = None) -> None:
        """Back to the fixtures: every API, or the one named."""
        self._call("POST", "/reset", params={"api": api} if api else {})

    @contextlib.contextmanager
    def fault(self, path: str, **rule: Any) -> Iterator[dict[str, Any]]:
        """A fault rule in force for the ``with`` block: ``fault("/twin", status=503, every=2)``,
        ``fault("/hapihub/chat-sessions/{id}", fault="drop")``, ``latency_ms={"min": 200}``."""
        made = self._call("POST", "/rules", json={"path": path, **rule})
        self._rules.append(made["id"])
        try:
            yield made
        finally:
            self._remove_rule(made["id"])

    @contextlib.contextmanager
    def prefer(self, **options: Any) -> Iterator[str]:
        """The ``Prefer`` answer for :attr:`client`'s requests in the block: ``prefer(code=404)``,
        ``prefer(example="page")``, ``prefer(dynamic=True, seed=7)``, ``prefer(delay=250)``."""
        value = ", ".join(f"{k}={_preference(v)}" for k, v in options.items())
        previous = self.client.headers.get("Prefer")
        self.client.headers["Prefer"] = value
        try:
            yield value
        finally:
            if previous is None:
                del self.client.headers["Prefer"]
            else:
                self.client.headers["Prefer"] = previous

    # ---- verification -----------------------------------------------------------------------

    def requests(
        self,
        api: str | None = None,
        method: str | None = None,
        path: str | None = None,
        **filters: Any,
    ) -> list[dict[str, Any]]:
        """This test's journal entries matching, newest first (filters: :meth:`count`)."""
        query = self._query(api, method, path, **filters)
        return list(self._call("GET", "/journal", params={**query, "limit": 1000})["entries"])

    def count(
        self,
        api: str | None = None,
        method: str | None = None,
        path: str | None = None,
        *,
        status: int | str | None = None,
        body: Mapping[str, Any] | None = None,
        response_body: Mapping[str, Any] | None = None,
        matched: bool | None = None,
        problems: bool | None = None,
    ) -> int:
        """How many of this test's requests match. ``path`` is relative to the API's root and may
        hold templates and globs (``/chat-sessions/{id}``, ``/chat-sessions*``); ``status``
        ``404`` or ``"4xx"``; ``body``/``response_body`` map dotted fields to values."""
        query = self._query(
            api,
            method,
            path,
            status=status,
            body=body,
            response_body=response_body,
            matched=matched,
            problems=problems,
        )
        return int(self._call("GET", "/journal/count", params=query)["count"])

    def assert_called(
        self,
        api: str,
        method: str,
        path: str,
        *,
        times: int | None = None,
        **filters: Any,
    ) -> list[dict[str, Any]]:
        """Fail unless the test made such a request ``times`` times (at least once if None).

        Returns the matching entries, newest first, for closer checks.
        """
        found = self.requests(api, method, path, **filters)
        if (times is None and found) or len(found) == times:
            return found
        expected = "at least once" if times is None else _times(times)
        wanted = " ".join(
            [method.upper(), _full_path(api, path), *(f"{k}={v}" for k, v in filters.items())]
        )
        raise AssertionError(
            f"expected {wanted} {expected}, it was requested {_times(len(found))}\n" + self._made()
        )

    def assert_not_called(self, api: str, method: str, path: str, **filters: Any) -> None:
        self.assert_called(api, method, path, times=0, **filters)

    def explain(self, entry: Mapping[str, Any]) -> str:
        """Why a request (a journal entry) got its answer, in the words its answer used."""
        return str(self._call("GET", f"/journal/{entry['id']}/explain")["text"])

    def violations(self) -> list[dict[str, Any]]:
        """This test's requests that matched no operation or broke the spec, oldest first."""
        unmatched = self.requests(matched=False)
        broken = self.requests(problems=True)
        seen = {e["id"]: e for e in (*unmatched, *broken)}
        return sorted(seen.values(), key=lambda e: int(e["id"]))

    def check_strict(self) -> None:
        """Fail, listing each one explained, when a request matched no operation or broke the
        spec (what strict mode does after the test)."""
        found = self.violations()
        if found:
            shown = "\n".join(self.explain(e) for e in found[:_SHOWN])
            raise AssertionError(
                f"mockserver strict mode: {len(found)} request(s) matched no operation "
                f"or broke the spec:\n{shown}"
            )

    def close(self) -> None:
        """Remove the rules still in force and put back what was seeded."""
        for rule in list(self._rules):
            self._remove_rule(rule)
        for api in sorted(self._seeded):
            self.reset(api)
        if self._client is not None:
            self._client.__exit__(None, None, None)

    # ---- helpers ----------------------------------------------------------------------------

    def _call(self, method: str, path: str, **request: Any) -> Any:
        """An admin call about this namespace: its state, rules and journal (the header), and
        in a journal shared with others only its requests (the parameter)."""
        params = {**request.pop("params", {}), "namespace": self.name}
        return self.service.call(method, path, params=params, headers=self.headers, **request)

    def _remove_rule(self, rule: str) -> None:
        if rule in self._rules:
            self._rules.remove(rule)
            with contextlib.suppress(AdminCallError):  # expired on its own (times, ttl)
                self._call("DELETE", f"/rules/{rule}")

    def _query(
        self, api: str | None, method: str | None, path: str | None, **filters: Any
    ) -> dict[str, Any]:
        query: dict[str, Any] = {"after": self._since}
        if api is not None:
            query["api"] = api
        if method is not None:
            query["method"] = method
        if path is not None:
            query["path_regex"] = _path_regex(api, path)
        for name in ("body", "response_body"):
            fields = filters.pop(name, None)
            if fields:
                query[name] = [f"{k}={_preference(v)}" for k, v in fields.items()]
        for name, value in filters.items():
            if value is not None:
                query[name] = str(value).lower() if isinstance(value, bool) else str(value)
        return query

    def _made(self) -> str:
        """This test's requests, for a failure message (and the header it may have forgotten)."""
        made = self.requests()
        lines = [f"requests of this test ({NAMESPACE_HEADER}: {self.name}):"]
        lines += [f"  {_line(e)}" for e in reversed(made[:_SHOWN])] or ["  none"]
        if len(made) > _SHOWN:
            lines.append(f"  … and {len(made) - _SHOWN} more")
        # Without the header a request is in the default namespace's journal (with the header,
        # in this one's; a server without namespaces keeps one journal: subtract ours then).
        everyone = self.service.call(
            "GET", "/journal", params={"after": self._since, "limit": 1000}
        )
        others = sum(1 for e in everyone["entries"] if e["namespace"] != self.name)
        if others:
            lines.append(
                f"{others} other request(s) reached the mock meanwhile without this test's "
                f"{NAMESPACE_HEADER} header; send mockserver_ns.headers from your own clients"
            )
        return "\n".join(lines)


def _line(entry: Mapping[str, Any]) -> str:
    query = f"?{entry['query']}" if entry["query"] else ""
    problems = f": {'; '.join(entry['problems'])}" if entry["problems"] else ""
    return f"{entry['method']} {entry['path']}{query} -> {entry['status']}{problems}"


def _full_path(api: str | None, path: str) -> str:
    if api is None or path == f"/{api}" or path.startswith(f"/{api}/"):
        return path
    return f"/{api}{path}"


def _path_regex(api: str | None, path: str) -> str:
    """A path relative to the API's root, with ``{templates}`` and ``*`` globs, as a regex."""
    parts = re.split(r"(\{[^}]*\}|\*)", _full_path(api, path))
    return "".join(
        "[^/]+" if p.startswith("{") else ".*" if p == "*" else re.escape(p) for p in parts
    )


def _preference(value: Any) -> str:
    """A value as a query or header writes it: strings as they are, the rest as JSON."""
    return value if isinstance(value, str) else orjson.dumps(value).decode()


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"
