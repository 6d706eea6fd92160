"""TWIN's part in a contract run: its clients' credentials and the rules its spec states in
prose (its checks: :mod:`.checks`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...contract.auth import LoginCredentials, call
from ...contract.vendors import VendorContract
from . import checks as checks  # its checks register themselves on import

if TYPE_CHECKING:
    from schemathesis import Case, HookContext

    from ...contract.auth import Operation

__all__ = [
    "CONTRACT",
    "TWIN_CURSOR_DATE",
    "TwinCredentials",
    "twin_cursor_paired",
    "twin_cursor_pairs",
    "twin_page_or_offset",
]


class TwinCredentials(LoginCredentials):
    """TWIN's IAM, as its PHP SDK does it: log in with e-mail and password, send the JWT.

    ``POST /api/v1/auth/login`` with ``{email, password, ttl}`` answers the token, which lives
    ``ttl`` seconds and is renewed by logging in again. ``--token`` sends a token obtained
    elsewhere as is (it is not renewed). The default is the mock's demo user.
    """

    TTL = 3600

    def login_body(self, email: str | None, password: str | None) -> dict[str, Any]:
        return {
            "email": email or "demo@twin.example",
            "password": password or "demo-password",
            "ttl": self.TTL,
        }

    def fetch(self, operation: Operation) -> tuple[str, float]:
        response = call(operation, "login", body=self._login, media_type="application/json")
        if response.status_code != 200:
            raise self.refused(response, "the login")
        return response.json()["token"], self.TTL


def twin_page_or_offset(context: HookContext, case: Case[Any]) -> bool:
    """TWIN's lists take ``page`` or ``offset``, not both (its spec: "giving both … is a 400")."""
    return not (case.query and "page" in case.query and "offset" in case.query)


TWIN_CURSOR_DATE = "2025-06-28T02:29:12+00:00"


def twin_cursor_pairs(context: HookContext, case: Case[Any]) -> Case[Any]:
    """TWIN's ``offsetField`` and ``offsetValue`` go together ("one alone: 400"), and a date
    field's value is a date ("Dates compare as instants").

    In a request meant to be valid, a lone one of the two is dropped and a date field gets a
    date, so the cursor paging is exercised instead of refused.
    """
    if case.query and case.meta is not None and case.meta.generation.mode.is_positive:
        twin_cursor_paired(case.query)
    return case


def twin_cursor_paired(query: dict[str, Any]) -> None:
    """``query`` with a lone cursor parameter dropped and a date field given a date."""
    field, value = query.get("offsetField"), query.get("offsetValue")
    if (field is None) != (value is None):
        query.pop("offsetField", None)
        query.pop("offsetValue", None)
    elif isinstance(field, str) and field.endswith("At"):
        query["offsetValue"] = TWIN_CURSOR_DATE


CONTRACT = VendorContract(
    "twin",
    TwinCredentials,
    hooks=(("filter_case", twin_page_or_offset), ("map_case", twin_cursor_pairs)),
)
