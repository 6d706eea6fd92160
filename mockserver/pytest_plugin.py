"""The pytest plugin, installed with the package (entry point ``pytest11``: ``mockserver``).

Fixtures (every name starts with ``mockserver``, which no popular plugin uses; a conftest's own
fixture of the same name wins over these, as pytest always lets it):

* ``mockserver`` (session): the running mock, a :class:`~mockserver.testing.MockService`:
  in-process by default, on a free port with ``--mockserver-serve=port``, or the mock at
  ``--mockserver-url``;
* ``mockserver_ns`` (per test): the test's own namespace, a
  :class:`~mockserver.testing.MockNamespace`: clients sending its header, ``seed``, ``fault``,
  ``prefer``, ``assert_called`` and journal queries; strict mode with ``--mockserver-strict``
  or ``@pytest.mark.mockserver_strict``;
* ``mockserver_<api>_schema`` (session), one per API: a Schemathesis schema aimed at the mock,
  for ``schemathesis.pytest.from_fixture``.

The mock itself is imported only when a test asks for one of these, so the plugin costs nothing
to a suite that does not use it.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .testing import MockNamespace, MockService

__all__ = ["API_NAMES"]

API_NAMES = ("chatkitty", "twin", "hapihub", "superoffice")
"""The APIs the mock serves (a test checks this against the server's own list)."""
_STRICT_MARK = "mockserver_strict"
_names = itertools.count(1)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockserver", "chat-session mockserver")
    group.addoption(
        "--mockserver-url",
        metavar="URL",
        help="Use the mock running at URL (e.g. http://127.0.0.1:8080) instead of serving one.",
    )
    group.addoption(
        "--mockserver-serve",
        choices=("inprocess", "port"),
        default="inprocess",
        help="Serve the mock in the test process without a port (default), or on a free "
        "loopback port for code that needs a real URL.",
    )
    group.addoption(
        "--mockserver-token",
        metavar="TOKEN",
        default=os.environ.get("MOCKSERVER_ADMIN_TOKEN"),
        help="The admin token of the mock at --mockserver-url (default: $MOCKSERVER_ADMIN_TOKEN).",
    )
    group.addoption(
        "--mockserver-strict",
        action="store_true",
        help="Fail every test whose requests matched no operation or broke the spec.",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{_STRICT_MARK}: fail the test when a request it made through mockserver_ns matched "
        "no operation or broke the spec",
    )


@pytest.fixture(scope="session")
def mockserver(pytestconfig: pytest.Config) -> Iterator[MockService]:
    """The mock for this test session (each xdist worker serves its own unless attached)."""
    from .config import Settings
    from .testing import attach, serve_in_process, serve_on_port

    url = pytestconfig.getoption("mockserver_url")
    token = pytestconfig.getoption("mockserver_token")
    if url:
        service = attach(url, token)
    elif pytestconfig.getoption("mockserver_serve") == "port":
        service = serve_on_port(Settings())
    else:
        service = serve_in_process(Settings())
    yield service
    service.close()


@pytest.fixture
def mockserver_ns(
    mockserver: MockService, request: pytest.FixtureRequest
) -> Iterator[MockNamespace]:
    """This test's own namespace on the mock (a fresh name per test and worker)."""
    from .testing import MockNamespace

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"pytest-{worker}-{next(_names)}-{uuid.uuid4().hex[:8]}"
    strict = bool(
        request.config.getoption("mockserver_strict")
        or request.node.get_closest_marker(_STRICT_MARK)
    )
    namespace = MockNamespace(mockserver, name, strict=strict)
    yield namespace
    namespace.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Strict mode: after a test body that passed, fail it for its off-spec requests."""
    result = yield
    namespace = getattr(item, "funcargs", {}).get("mockserver_ns")
    if namespace is not None and namespace.strict:
        namespace.check_strict()
    return result


def _schema_fixture(api: str) -> Callable[..., Any]:
    @pytest.fixture(scope="session", name=f"mockserver_{api}_schema")
    def schema(mockserver: MockService) -> Any:
        return mockserver.schema(api)

    schema.__doc__ = f"{api}'s spec as a Schemathesis schema aimed at the session's mock."
    return schema


for _api in API_NAMES:
    globals()[f"mockserver_{_api}_schema"] = _schema_fixture(_api)
