"""Paths matched without regard to case, for the vendors whose servers match them so.

ASP.NET (SuperOffice's stack) routes ``/api/v1/agents/chat/chatsessionsforuser`` to the same
action as the documented ``/api/v1/Agents/Chat/ChatSessionsForUser``; clients written against
the real server may spell a path either way. Connexion, like OpenAPI, matches paths exactly.
:class:`CaseInsensitivePaths` sits in front of it and rewrites a request path that matches a
path template of such a vendor's spec, ignoring case, to the spelling the spec uses; parameter
values (``{id}``) are left exactly as sent. The journal then shows the spec's spelling, so a
test verifying calls by the documented path finds them however the client spelt it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["CaseInsensitivePaths", "spellings"]


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


class CaseInsensitivePaths:
    """Rewrites ``scope["path"]`` to the spec's spelling when it matches a template but case."""

    def __init__(self, app: ASGIApp, *, routes: Sequence[tuple[re.Pattern[str], str]]) -> None:
        self.app = app
        self.routes = routes

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
                    break
        await self.app(scope, receive, send)
