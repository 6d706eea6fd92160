"""HAPI Hub's part in a contract run: its clients' credentials and rules its spec states in prose
(its checks: :mod:`.checks`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...contract.auth import LoginCredentials, call, operation_id_of
from ...contract.vendors import VendorContract
from ...feathers import OPERATORS as FEATHERS_OPERATORS
from . import checks as checks  # its checks register themselves on import

if TYPE_CHECKING:
    from schemathesis import AuthContext, Case, HookContext

    from ...contract.auth import Operation

__all__ = [
    "CONTRACT",
    "HapiHubCredentials",
    "hapihub_known_operators",
    "hapihub_known_participants",
]


class HapiHubCredentials(LoginCredentials):
    """HAPI Hub's Feathers authentication, as MYCURE's client does it.

    ``--token`` sends a static API token as ``Bearer`` (the default: the mock's demo doctor's);
    ``--email``/``--password`` log in with ``POST /authentication`` (``strategy: local``) and send
    the ``accessToken`` JWT, logging in again before it expires. Testing the logout
    (``DELETE /authentication``) would log the run itself out, so with a login each logout
    request gets a throwaway login of its own.
    """

    TTL = 86400
    """Lifetime of an ``accessToken`` (the spec: "Access tokens live one day")."""
    LOGOUT = "removeAuthentication"
    DEFAULT_TOKEN = "demo-doctor-token"

    def login_body(self, email: str | None, password: str | None) -> dict[str, Any]:
        return {"strategy": "local", "email": email, "password": password}

    def get(self, case: Case[Any], context: AuthContext) -> str | None:
        if self._login["email"] is not None and operation_id_of(case.operation) == self.LOGOUT:
            return f"Bearer {self.fetch(case.operation)[0]}"
        return super().get(case, context)

    def fetch(self, operation: Operation) -> tuple[str, float]:
        response = call(
            operation, "createAuthentication", body=self._login, media_type="application/json"
        )
        if response.status_code != 201:
            raise self.refused(response, "the login")
        return response.json()["accessToken"], self.TTL


def hapihub_known_participants(context: HookContext, case: Case[Any]) -> Case[Any]:
    """HAPI Hub's ``participants`` are uids of existing accounts ("each the uid of an existing
    account", or a 400).

    The spec types them as any strings; in a request meant to be valid they become the accounts
    of the spec's ``demo`` example (the demo patient and doctor), so that sessions actually get
    created and patched and the lifecycle checks have something to judge.
    """
    body = case.body
    given = body.get("participants") if isinstance(body, dict) else None
    if (
        not isinstance(body, dict)
        or not isinstance(given, list)
        or case.meta is None
        or not case.meta.generation.mode.is_positive
    ):
        return case
    operation = case.operation.schema.find_operation_by_id("createChatSession")
    examples = operation.definition.raw["requestBody"]["content"]["application/json"]["examples"]
    accounts = examples["demo"]["value"]["participants"]
    body["participants"] = accounts[: max(1, min(len(given), len(accounts)))]
    return case


def hapihub_known_operators(context: HookContext, case: Case[Any]) -> Case[Any]:
    """HAPI Hub's field filters take Feathers' operators only ("unknown `$` operators … are a
    400").

    The operator objects must stay open in the spec (``$in``/``$nin`` carry lists a deepObject
    cannot describe), so the generator invents keys; in a request meant to be valid only the
    operators Feathers knows are kept.
    """
    if case.meta is None or not case.meta.generation.mode.is_positive or not case.query:
        return case
    for key in list(case.query):
        # Schemathesis sends a deepObject as flat ``field[operator]`` keys.
        field, bracket, rest = key.partition("[")
        operator = rest.partition("]")[0]
        if bracket and not field.startswith("$") and operator not in FEATHERS_OPERATORS:
            del case.query[key]
    return case


CONTRACT = VendorContract(
    "hapihub",
    HapiHubCredentials,
    hooks=(("map_case", hapihub_known_participants), ("map_case", hapihub_known_operators)),
)
