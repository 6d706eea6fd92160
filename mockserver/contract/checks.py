"""What every vendor's checks build on: registration, and reading the answer and the request.

A vendor's checks are the ``checks`` module of its package (``mockserver/vendors/<name>/``).

A check is a function ``(ctx, response, case)`` registered with ``schemathesis.check`` and filed
under its vendor by :func:`vendor_check`, so that a contract run enables the checks of the API it
tests and disables the other vendors' (``--checks``/``--exclude-checks`` select them by name like
built-in ones). It returns ``None`` when the answer is not one it judges (another operation, an
error status) and raises ``AssertionError`` saying what is wrong; Schemathesis reports it as
"Custom check failed: `<name>`" under the failing request's curl command.

A body of the wrong shape is ``response_schema_conformance``'s finding, not a custom check's: a
check that cannot read the body (a missing key, a string where a number belongs) skips it.

Checks re-derive each rule from the vendor's documentation instead of importing the mock's code:
they also judge real deployments, and a bug in the mock must not hide itself.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import schemathesis

if TYPE_CHECKING:
    from schemathesis import Case, CheckContext, Response

__all__ = ["VENDOR_CHECKS", "Check", "answer_of", "follow", "probe", "query_of", "vendor_check"]

Check = Callable[["CheckContext", "Response", "Case[Any]"], None]

VENDOR_CHECKS: dict[str, list[Check]] = {}
"""Vendor name -> its checks, in registration order."""


def vendor_check(vendor: str) -> Callable[[Check], Check]:
    """Register the decorated check with Schemathesis and file it under ``vendor``."""

    def register(func: Check) -> Check:
        @functools.wraps(func)
        def check(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
            try:
                func(ctx, response, case)
            except (KeyError, IndexError, TypeError, ValueError):
                return

        schemathesis.check(check)
        VENDOR_CHECKS.setdefault(vendor, []).append(check)
        return check

    return register


def answer_of(case: Case[Any], response: Response, operation_id: str, status: int = 200) -> Any:
    """The JSON body of a ``status`` answer to ``operation_id``; ``None`` when the check does not
    apply."""
    if case.operation.definition.raw.get("operationId") != operation_id:
        return None
    if (
        response.status_code != status
        or "json" not in response.headers.get("content-type", [""])[0]
    ):
        return None
    try:
        return response.json()
    except ValueError:
        # Not JSON after all: Schemathesis' own content-type and schema checks say so.
        return None


def query_of(url: str) -> list[tuple[str, str]]:
    """The query parameters of ``url``, as sent (decoded, in order, repeated keys kept)."""
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def probe(
    case: Case[Any], *, query: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> Response:
    """Send ``case`` again with another ``query`` or extra ``headers``, credentials kept.

    For promises that relate two answers (a projection and the full record, XML and JSON, a
    write and the read after it). The probe goes where the run goes and carries the run's extra
    headers (``-H``); it is not recorded as a test case of its own.
    """
    derived = case.derive(keep_auth=True, query=query)
    extra = case.operation.schema.config.headers_for(operation=case.operation)
    response: Response = derived.call(headers={**extra, **(headers or {})})
    return response


def follow(
    case: Case[Any],
    operation_id: str,
    *,
    query: dict[str, Any] | None = None,
    **path_parameters: Any,
) -> Response:
    """Call another operation of the same API with this case's credentials: a read after a write.

    It goes where the run goes and carries the run's extra headers (``-H``); it is not recorded
    as a test case of its own.
    """
    target = case.operation.schema.find_operation_by_id(operation_id)
    credentials = {k: v for k, v in case.headers.items() if k.lower() == "authorization"}
    extra = case.operation.schema.config.headers_for(operation=target)
    response: Response = target.Case(path_parameters=path_parameters, query=query).call(
        headers={**extra, **credentials}
    )
    return response
