"""Namespaces: isolated copies of every API's state, chosen per request by a header.

A request with ``Mock-Namespace: <name>`` reads and writes that namespace's state, journal and
fault rules, and nothing of any other; without the header it uses the default namespace, which
is what a server without namespaces has. Parallel test workers and several developers can then
share one server without seeing each other's writes.

A namespace is made on first use from the fixtures every process has loaded (copy-on-write: the
backend keeps only what its clients wrote, each process a replica sharing the fixture records),
and expires after :data:`IDLE_SECONDS` without a request on any worker: its writes, journal and
rules are dropped, and the next request with its name starts again from the fixtures.

The public API (for tools such as a pytest plugin): :data:`HEADER`, :func:`check_name`,
:data:`current` (the namespace of the request being served), :class:`Namespaces`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar

from starlette.concurrency import run_in_threadpool

from ..collection import Collection, Record
from ..errors import BadRequest, Problem
from ..store import Registry, Store
from . import Backend, Seeding

__all__ = [
    "HEADER",
    "IDLE_SECONDS",
    "NAME_PATTERN",
    "Namespaces",
    "check_name",
    "current",
]

HEADER = "Mock-Namespace"
NAME_PATTERN = r"[a-z0-9][a-z0-9_.-]{0,62}"
IDLE_SECONDS = 3600.0
"""A namespace no worker has served a request of for this long is dropped."""
_TOUCH_SECONDS = 60.0  # how often a worker records that a namespace is in use
_NAME = re.compile(NAME_PATTERN)

current: ContextVar[str] = ContextVar("mockserver.namespace", default="")
"""The namespace of the request being served ("" is the default namespace)."""


def check_name(name: str) -> str:
    """``name`` if it can name a namespace, else the 400 saying what a name looks like."""
    if _NAME.fullmatch(name) is None:
        why = (
            f"is not a namespace name: {name!r}; use 1 to 63 lower-case letters, digits, "
            "'.', '_' or '-', starting with a letter or a digit"
        )
        raise BadRequest(f"{HEADER} header {why}", problems=[Problem("header", HEADER, why)])
    return name


class Namespaces(Store):
    """The default namespace's store, and every other namespace's, made on first use.

    Its :class:`~mockserver.store.Store` methods answer for the namespace of the request being
    served (:data:`current`), so vendor code and the admin API never ask which one that is.
    """

    def __init__(
        self,
        fixtures: Mapping[str, Mapping[str, tuple[str, Sequence[Record]]]],
        backend: Backend,
        clock: Callable[[], float],
        *,
        idle: float = IDLE_SECONDS,
        on_expiry: Sequence[Callable[[], object]] = (),
    ) -> None:
        super().__init__(fixtures, backend)
        self._fixture_sets = fixtures
        self.clock = clock
        self.idle = idle
        self._stores: dict[str, Store] = {}
        self._stores_lock = threading.Lock()
        # When each namespace was last recorded as used, shared by every worker.
        self._used = Registry("namespaces", "name", backend)
        self._touched: dict[str, float] = {}
        self._swept = 0.0
        self._on_expiry = on_expiry

    def store(self, namespace: str | None = None) -> Store:
        """The store of ``namespace`` (default: the current request's), made on first use."""
        name = current.get() if namespace is None else namespace
        if not name:
            return self
        found = self._stores.get(name)
        if found is None:
            with self._stores_lock:
                found = self._stores.get(name)
                if found is None:
                    found = Store(self._fixture_sets, self.backend, name)
                    self._stores[name] = found
        return found

    def collections(self, vendor: str) -> Mapping[str, Collection]:
        name = current.get()
        return super().collections(vendor) if not name else self.store(name).collections(vendor)

    def sync(self) -> None:
        """Bring the current namespace up to date; note that it is in use; expire idle ones."""
        name = current.get()
        if not name:
            super().sync()
            return
        touch, sweep = self._due(name)
        if touch is not None:
            self._used().put(touch)
        if sweep is not None:
            self.expire(sweep)
        self.store(name).sync()

    async def sync_async(self) -> None:
        """:meth:`sync`, on the event loop; the rare sweep of idle namespaces (a reset each)
        runs in a worker thread."""
        name = current.get()
        if not name:
            await super().sync_async()
            return
        touch, sweep = self._due(name)
        if touch is not None:
            await (await self._used.current()).aput(touch)
        if sweep is not None:
            await run_in_threadpool(self.expire, sweep)
        await self.store(name).sync_async()

    def _due(self, name: str) -> tuple[Record | None, float | None]:
        """What this request owes the bookkeeping: the record saying that namespace ``name`` is
        in use (once a minute), and the time to expire idle namespaces at (as often)."""
        now = self.clock()
        touch = sweep = None
        if now - self._touched.get(name, float("-inf")) >= _TOUCH_SECONDS:
            self._touched[name] = now
            touch = {"name": name, "used": now}
        if now - self._swept >= _TOUCH_SECONDS:
            self._swept = now
            sweep = now
        return touch, sweep

    def reset(self, vendor: str | None = None) -> None:
        store = self.store()
        super().reset(vendor) if store is self else store.reset(vendor)

    def load(self, vendor: str, collections: Mapping[str, tuple[str, Sequence[Record]]]) -> None:
        store = self.store()
        super().load(vendor, collections) if store is self else store.load(vendor, collections)

    def seed(self, fingerprints: Mapping[str, str]) -> dict[str, Seeding]:
        """Seed the default namespace; the others' state of a reseeded API is dropped too."""
        seeding = super().seed(fingerprints)
        reseeded = [vendor for vendor, status in seeding.items() if status == "reseeded"]
        for name in self.names() if reseeded else ():
            self.backend.reset(s for vendor in reseeded for s in self.store(name).spaces(vendor))
        return seeding

    def names(self) -> list[str]:
        """The namespaces in use (not expired), the default one not included."""
        return [r["name"] for r in self._used() if r["used"] is not None]

    def expire(self, now: float) -> list[str]:
        """Drop every namespace unused for :attr:`idle` seconds; answer their names."""
        expired = [
            r["name"]
            for r in self._used()
            if r["used"] is not None and now - r["used"] >= self.idle
        ]
        for name in expired:
            self.backend.reset(self.store(name).spaces())
            token = current.set(name)
            try:  # the journal and rules of the namespace, which know it as the current one
                for forget in self._on_expiry:
                    forget()
            finally:
                current.reset(token)
            self._used().put({"name": name, "used": None})
            with self._stores_lock:
                self._stores.pop(name, None)
            self._touched.pop(name, None)
        return expired
