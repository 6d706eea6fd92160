"""Paths matched without regard to case, for the vendors whose servers match them so.

ASP.NET (SuperOffice's stack) routes ``/api/v1/agents/chat/chatsessionsforuser`` to the same
action as the documented ``/api/v1/Agents/Chat/ChatSessionsForUser``; clients written against
the real server may spell a path either way. Connexion, like OpenAPI, matches paths exactly.
:class:`CaseInsensitivePaths` sits in front of it and rewrites a request path that matches a
path template of such a vendor's spec, ignoring case, to the spelling the spec uses; parameter
values (``{id}``) are left exactly as sent. The journal then shows the spec's spelling, so a
test verifying calls by the documented path finds them however the client spelt it.

ASP.NET binds query parameters by name without regard to case too (SuperOffice's own npm client
sends ``?ChatSessionEntityId=`` where its Swagger names ``chatSessionEntityId``): on a path it
matched, the middleware also renames query parameters to the spec's spelling (:func:`query_names`),
values untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote, unquote_plus

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["CaseInsensitivePaths", "query_names", "spellings"]


def spellings(prefix: str, templates: Iterable[str]) -> list[tuple[re.Pattern[str], str]]:
    """For each path template, a case-blind pattern of the full path and its spelling.

    The spelling keeps what the client sent for parameter segments (``\\g<1>``…) and
    writes literal segments as the spec does.
    """
    found = []
    for template in templates:
        pattern, spelling, groups = "", "", 0
        for part in re.split(r"(\{[^}/]+\})", prefix + template):
            if part.startswith("{"):
                groups += 1
                pattern += "([^/]+)"
                spelling += f"\\g<{groups}>"
            else:
                pattern += re.escape(part)
                spelling += part.replace("\\", "\\\\")
        found.append((re.compile(pattern, re.IGNORECASE), spelling))
    return found


def query_names(paths: Mapping[str, Any]) -> dict[str, str]:
    """The query parameter names of a spec's (resolved) paths, by their case-folded form."""
    names: dict[str, str] = {}
    for item in paths.values():
        operations = [item, *(v for v in item.values() if isinstance(v, Mapping))]
        for operation in operations:
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    names.setdefault(parameter["name"].casefold(), parameter["name"])
    return names


class CaseInsensitivePaths:
    """Rewrites ``scope["path"]`` to the spec's spelling when it matches a template but case, and
    the names of its query parameters to ``names``' spelling (see :func:`query_names`)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        routes: Sequence[tuple[re.Pattern[str], str]],
        names: Mapping[str, str] | None = None,
    ) -> None:
        self.app = app
        self.routes = routes
        self.names = names or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            for pattern, spelling in self.routes:
                match = pattern.fullmatch(path)
                if match is not None:
                    canonical = match.expand(spelling)
                    if canonical != path:
                        raw = quote(canonical, safe="/:@!$&'()*+,;=").encode()
                        scope = {**scope, "path": canonical, "raw_path": raw}
                    query = self._spelt(scope.get("query_string", b""))
                    if query != scope.get("query_string", b""):
                        scope = {**scope, "query_string": query}
                    break
        await self.app(scope, receive, send)

    def _spelt(self, query: bytes) -> bytes:
        """``query`` with each known parameter name in the spec's spelling, all else as sent."""
        if not query or not self.names:
            return query
        parts = []
        for part in query.split(b"&"):
            key, sep, value = part.partition(b"=")
            name = unquote_plus(key.decode("latin-1"))
            spelt = self.names.get(name.casefold(), name)
            parts.append(quote(spelt, safe="$").encode() + sep + value if spelt != name else part)
        return b"&".join(parts)
