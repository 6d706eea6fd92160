"""Using the mock from a test suite: where it runs (:mod:`.service`) and what one test does with
it (:mod:`.namespace`). The pytest plugin (:mod:`mockserver.pytest_plugin`) builds its fixtures
from these; other runners can use them directly."""

from .namespace import NAMESPACE_HEADER, MockNamespace
from .service import MockService, attach, serve_in_process, serve_on_port

__all__ = [
    "NAMESPACE_HEADER",
    "MockNamespace",
    "MockService",
    "attach",
    "serve_in_process",
    "serve_on_port",
]
