"""Using the mock from a test suite: where it runs (:mod:`.service`), what one test does with
it (:mod:`.namespace`), and a Redis of its own for the ``redis://`` state (:mod:`.redis`). The
pytest plugin (:mod:`mockserver.pytest_plugin`) builds its fixtures from these; other runners
can use them directly."""

from .namespace import NAMESPACE_HEADER, MockNamespace
from .redis import RedisServer
from .service import MockService, attach, serve_in_process, serve_on_port

__all__ = [
    "NAMESPACE_HEADER",
    "MockNamespace",
    "MockService",
    "RedisServer",
    "attach",
    "serve_in_process",
    "serve_on_port",
]
