"""What start-up may trust: specs and fixtures the state has already seen pass their checks.

A warm start at 100k HAPI Hub sessions spent most of its time checking again what an earlier
start had checked: each spec against OpenAPI's own schema, each fixture record against its
spec, each vendor's invariants over its fixtures. Those checks depend on nothing but the files
and the code doing the checking, so their verdict is kept in the state under a digest of all
three, and a start whose digest the state already knows skips them. A changed spec, fixture or
mockserver means a new digest and every check again; a start whose checks fail records nothing.

Connexion still validates each spec as it mounts it, whatever the verdict, so a spec is never
served unchecked; what is skipped is the second pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .state import Backend, fingerprint
from .store import Registry

__all__ = ["Verdicts", "digest"]

_CODE = Path(__file__).parent


def digest(specs: Iterable[Path], fixture_fingerprints: Iterable[str]) -> str:
    """What the checks' verdict depends on: the specs, the fixtures (by their fingerprints)
    and the mockserver package itself (its code and its mock-only schemas)."""
    code = sorted(p for p in _CODE.rglob("*") if p.suffix in (".py", ".json", ".yaml"))
    parts = [fingerprint(specs), fingerprint(code), *fixture_fingerprints]
    return "-".join(parts)


class Verdicts:
    """The digests whose checks passed, kept in the state every worker and replica shares."""

    def __init__(self, backend: Backend) -> None:
        self._checked = Registry("checked", "digest", backend)

    def passed(self, checked: str) -> bool:
        """Whether a start with this digest has passed every check before."""
        return self._checked().get(checked) is not None

    def record(self, checked: str) -> None:
        """Keep that this digest passed (the only one kept: older files are not coming back
        often enough to be worth remembering, and the state should not grow by start)."""
        kept = self._checked()
        for old in [r["digest"] for r in kept if r["digest"] != checked]:
            kept.delete(old)
        kept.put({"digest": checked})
