"""TWIN's part in a contract run: its clients' credentials and a rule its spec states in prose
(its checks: :mod:`.checks`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...contract.auth import LoginCredentials, call
from ...contract.vendors import VendorContract
from . import checks as checks  # its checks register themselves on import

if TYPE_CHECKING:
    from schemathesis import Case, HookContext

    from ...contract.auth import Operation

__all__ = ["CONTRACT", "TwinCredentials", "twin_page_or_offset"]


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
    """TWIN's list takes ``page`` or ``offset``, not both (its spec: "giving both … is a 400")."""
    if case.operation.label != "GET /api/v1/chat-sessions":
        return True
    return not ("page" in case.query and "offset" in case.query)


CONTRACT = VendorContract("twin", TwinCredentials, hooks=(("filter_case", twin_page_or_offset),))
