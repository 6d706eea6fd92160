"""The bare stack: a Starlette app under uvicorn that answers with the mock's recorded bytes.

It is the practical ceiling of the mock's own stack (same uvicorn, same event loop and HTTP
parser, same single process), doing nothing but a dictionary lookup per request.

Run as ``uvicorn --factory benchmarks.bare:create_app`` with ``BENCH_RECORDINGS`` naming the
recordings file.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .recorded import Recording, load_recordings

__all__ = ["create_app", "replay_app"]


def create_app() -> Starlette:
    return replay_app(load_recordings(Path(os.environ["BENCH_RECORDINGS"])))


def replay_app(recordings: list[Recording]) -> Starlette:
    """A Starlette app answering each recorded request with its recorded answer."""
    answers = {
        (r.method, r.url): Response(r.body, status_code=r.status, headers=dict(r.headers))
        for r in recordings
    }
    missing = Response(b"not recorded", status_code=404)

    async def replay(request: Request) -> Response:
        query = request.scope["query_string"].decode("latin-1")
        url = request.scope["raw_path"].decode("latin-1") + (f"?{query}" if query else "")
        return answers.get((request.method, url), missing)

    methods = ["GET", "POST", "PATCH", "PUT", "DELETE"]
    return Starlette(routes=[Route("/{path:path}", replay, methods=methods)])
