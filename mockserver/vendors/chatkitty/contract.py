"""ChatKitty's part in a contract run: its clients' credentials (its checks: :mod:`.checks`)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ...contract.auth import (
    Clock,
    CredentialOption,
    FetchedToken,
    basic_authorization,
    call,
    schemes_of,
)
from ...contract.vendors import VendorContract
from . import checks as checks  # its checks register themselves on import

if TYPE_CHECKING:
    from schemathesis import AuthContext, Case

    from ...contract.auth import Operation

__all__ = ["CONTRACT", "ChatKittyCredentials"]


class ChatKittyCredentials(FetchedToken):
    """OAuth2 client credentials, as the ``chatkitty`` SDK does it.

    The token endpoint gets the client id and secret in HTTP Basic (its ``client_authentication``
    scheme); every other operation gets ``Bearer <access_token>``, fetched from that endpoint with
    ``grant_type=client_credentials`` and renewed by ``expires_in``. The default client is the
    mock's demo client.
    """

    options = (
        CredentialOption(
            "client_id", "--client-id", "ID", "OAuth client id; tokens come from the token URL."
        ),
        CredentialOption("client_secret", "--client-secret", "SECRET", "OAuth secret."),
    )

    def __init__(
        self,
        client_id: str = "demo-client",
        client_secret: str = "demo-secret",
        clock: Clock = time.monotonic,
    ) -> None:
        super().__init__(clock)
        self._basic = basic_authorization(client_id, client_secret)

    def get(self, case: Case[Any], context: AuthContext) -> str | None:
        if "client_authentication" in schemes_of(case.operation):
            return self._basic
        return super().get(case, context)

    def fetch(self, operation: Operation) -> tuple[str, float]:
        response = call(
            operation,
            "getAccessToken",
            body={"grant_type": "client_credentials"},
            media_type="application/x-www-form-urlencoded",
            headers={"Authorization": self._basic},
        )
        if response.status_code != 200:
            raise self.refused(response, "the token endpoint")
        answer = response.json()
        return answer["access_token"], answer["expires_in"]


CONTRACT = VendorContract("chatkitty", ChatKittyCredentials)
