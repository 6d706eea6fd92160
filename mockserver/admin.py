"""The admin API under ``/__admin``: controlling the mock itself rather than a vendor.

It has its own spec (``openapi/admin.yaml``) and Swagger UI, and answers errors in the plain
``{error, message}`` shape the server uses outside every vendor's prefix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import inflection
import orjson
from starlette.responses import Response

from .errors import NotFound
from .store import Store

__all__ = ["PREFIX", "AdminAPI"]

PREFIX = "/__admin"


class AdminAPI:
    def __init__(self, store: Store) -> None:
        self.store = store

    def resolve(self, operation_id: str) -> Callable[..., Any]:
        return getattr(self, inflection.underscore(operation_id))  # type: ignore[no-any-return]

    async def reset(self, api: str | None = None) -> Response:
        """Throw away what clients wrote: every API, or the one named."""
        known = self.store.vendors()
        if api is not None and api not in known:
            raise NotFound(f"No API named {api!r}; known: {', '.join(known)}")
        self.store.reset(api)
        return Response(
            orjson.dumps({"reset": [api] if api else known}), media_type="application/json"
        )
