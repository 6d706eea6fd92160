"""Request validation that reports every problem, in words a frontend developer understands.

Connexion's validators stop at the first error and word it the way jsonschema does
(``'abc' is not of type 'integer'``) inside a problem+json body. These subclasses keep Connexion's
parsing and schema handling and change only the reporting: every bad parameter and body field is
collected into one :class:`~mockserver.errors.BadRequest`, and the vendor module renders it in
the vendor's own shape.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable, Mapping
from typing import Any, cast

from connexion.datastructures import MediaTypeDict
from connexion.json_schema import Draft4RequestValidator
from connexion.lifecycle import ConnexionRequest
from connexion.uri_parsing import OpenAPIURIParser
from connexion.utils import is_null, is_nullable
from connexion.validators import (
    VALIDATOR_MAP,
    FormDataValidator,
    JSONRequestBodyValidator,
    MultiPartFormDataValidator,
    ParameterValidator,
)
from jsonschema import ValidationError
from starlette.datastructures import Headers
from starlette.formparsers import MultiPartException
from starlette.types import Receive, Scope

from .compiled import CompiledSchema, compiled
from .errors import BadRequest, Problem, UnsupportedMediaType
from .limits import limits_of, read_json

__all__ = ["VALIDATOR_MAP_ALL_PROBLEMS", "ExplodedArraysURIParser", "describe", "problems_of"]

_ARTICLE = {"integer": "an integer", "object": "an object", "array": "an array"}


def describe(error: ValidationError) -> str:
    """One jsonschema error as a plain sentence about the value."""
    value, kw = error.instance, error.validator
    schema = cast(Mapping[str, Any], error.schema)
    expected = cast(Any, error.validator_value)
    got = f", got {value!r}" if not isinstance(value, (dict, list)) else ""
    if kw == "type":
        types = expected if isinstance(expected, list) else [expected]
        names = " or ".join(_ARTICLE.get(t, f"a {t}") for t in types)
        return f"must be {names}{got}"
    if kw == "enum":
        return f"must be one of {', '.join(map(str, expected))}{got}"
    if kw in ("minimum", "maximum"):
        strict = schema.get("exclusiveMinimum" if kw == "minimum" else "exclusiveMaximum")
        sign = (">" if strict else "≥") if kw == "minimum" else ("<" if strict else "≤")
        return f"must be {sign} {expected}{got}"
    if kw == "required":
        return "is required"
    if kw == "pattern":
        # A long pattern helps nobody; a schema that describes its format says it better.
        wanted = schema.get("description") or f"match the pattern {expected}"
        return f"must {wanted}{got}"
    if kw == "format" and expected in ("int32", "int64"):
        bound = 2 ** (int(expected[3:]) - 1)
        return f"must be a {expected[3:]}-bit integer ({-bound} to {bound - 1}){got}"
    if kw == "format":
        return f"must be a valid {expected}{got}"
    if kw in ("minLength", "maxLength"):
        bound = "at least" if kw == "minLength" else "at most"
        return f"must be {bound} {expected} characters long{got}"
    if kw in ("minItems", "maxItems"):
        bound = "at least" if kw == "minItems" else "at most"
        return f"must have {bound} {expected} item(s)"
    if kw in ("oneOf", "anyOf"):
        options = [s.get("type", "object") for s in expected]
        return f"must be {' or '.join(_ARTICLE.get(t, f'a {t}') for t in options)}{got}"
    if kw == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown field(s)")
    return error.message


def problems_of(errors: Iterable[ValidationError], location: str, name: str = "") -> list[Problem]:
    """Problems for a parameter or body's errors, the body ones named by their field path."""
    problems = []
    for error in sorted(errors, key=lambda e: list(map(str, e.absolute_path))):
        path = [str(p) for p in error.absolute_path]
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else ""
            path.append(missing)
        field = "/".join(filter(None, [name, *path])) or "(body)"
        problems.append(Problem(location, field, describe(error)))
    return problems


class ExplodedArraysURIParser(OpenAPIURIParser):  # type: ignore[misc]
    """Connexion's parser, except that repeated keys of an exploded array stay separate values.

    Connexion joins ``sort=a,desc&sort=b`` with commas and splits again, turning two values into
    three; an exploded (``form``, ``explode: true``) array must keep each value whole, commas
    and all, as Spring's ``sort=property,dir`` relies on.
    """

    @staticmethod
    def _resolve_param_duplicates(values: Any, param_defn: Mapping[str, Any], _in: str) -> Any:
        style = param_defn.get("style", OpenAPIURIParser.style_defaults[_in])
        exploded = param_defn.get("explode", style == "form")
        if exploded and param_defn.get("schema", {}).get("type") == "array":
            return list(values)
        return OpenAPIURIParser._resolve_param_duplicates(values, param_defn, _in)

    @staticmethod
    def _split(value: Any, param_defn: Mapping[str, Any], _in: str) -> Any:
        if isinstance(value, list):
            return value
        return OpenAPIURIParser._split(value, param_defn, _in)


class AllProblemsParameterValidator(ParameterValidator):  # type: ignore[misc]
    """Checks every parameter and raises one BadRequest naming all bad ones."""

    def validate_request(self, request: ConnexionRequest) -> None:
        problems: list[Problem] = []
        if self.strict_validation:
            extra = self.validate_query_parameter_list(request, self.security_query_params)
            problems += [Problem("query", n, "is not a parameter of this operation") for n in extra]
        sources = {
            "query": request.query_params,
            "path": request.path_params,
            "header": request.headers,
            "cookie": request.cookies,
        }
        for location, values in sources.items():
            for param in self.parameters.get(location, []):
                problems += self._check(location, values, param)
        if problems:
            raise BadRequest(_summary(problems), problems=problems)

    @staticmethod
    def _check(location: str, values: Mapping[str, Any], param: Mapping[str, Any]) -> list[Problem]:
        name = param["name"]
        key = name.replace("-", "_") if location == "path" else name
        value = values.get(key)
        if value is None:
            return [Problem(location, name, "is required")] if param.get("required") else []
        if is_nullable(param) and is_null(value):
            return []
        # Compiled once per schema: Connexion makes this validator anew for every request.
        validator = compiled(param.get("schema", param))
        return problems_of(validator.iter_errors(value), location, name)


class _AllProblemsBody:
    """Body validation that decodes defensively and reports every error."""

    _schema: Mapping[str, Any]
    _nullable: bool
    _media_types: tuple[str, ...]

    @property
    def _validator(self) -> CompiledSchema:
        """Connexion's request validator for the body schema, compiled once (see compiled.py)."""
        return compiled(self._schema, Draft4RequestValidator)

    async def wrap_receive(self, receive: Receive, *, scope: Scope) -> tuple[Receive, Scope]:
        # Connexion validates a body without Content-Type as the operation's first media type,
        # but hands the handler the raw bytes then: refused here, before either happens.
        headers = Headers(scope=scope)
        if "content-type" not in headers and (
            headers.get("content-length", "0") not in ("", "0") or "transfer-encoding" in headers
        ):
            raise UnsupportedMediaType(
                "The request has a body but no Content-Type header: say what it is "
                "(this operation takes " + " or ".join(self._media_types) + ")"
            )
        return await super().wrap_receive(receive, scope=scope)  # type: ignore[misc,no-any-return]

    def _validate(self, body: Any) -> None:
        if body is None and not self._nullable:
            problem = Problem("body", "(body)", "a request body is required")
            raise BadRequest(_summary([problem]), problems=[problem])
        problems = problems_of(self._validator.iter_errors(body), "body")
        if problems:
            raise BadRequest(_summary(problems), problems=problems)


class AllProblemsJSONValidator(_AllProblemsBody, JSONRequestBodyValidator):  # type: ignore[misc]
    _media_types = ("application/json",)

    async def _parse(self, stream: AsyncGenerator[bytes, None], scope: Scope) -> Any:
        raw = b"".join([chunk async for chunk in stream])
        if not raw:
            return None
        return read_json(raw, self._encoding, limits_of(scope))


class _FormBody(_AllProblemsBody):
    async def _parse(self, stream: AsyncGenerator[bytes, None], scope: Scope) -> Any:
        try:
            return await super()._parse(stream, scope)  # type: ignore[misc]
        except (MultiPartException, UnicodeDecodeError) as exc:
            problem = Problem("body", "(body)", f"is not a readable form: {exc}")
            raise BadRequest(_summary([problem]), problems=[problem]) from None


class AllProblemsFormValidator(_FormBody, FormDataValidator):  # type: ignore[misc]
    _media_types = ("application/x-www-form-urlencoded",)


class AllProblemsMultiPartValidator(_FormBody, MultiPartFormDataValidator):  # type: ignore[misc]
    _media_types = ("multipart/form-data",)


def _summary(problems: list[Problem]) -> str:
    return "Invalid request: " + "; ".join(map(str, problems))


VALIDATOR_MAP_ALL_PROBLEMS: dict[str, Any] = {
    **VALIDATOR_MAP,
    "parameter": AllProblemsParameterValidator,
    "body": MediaTypeDict(
        {
            "*/*json": AllProblemsJSONValidator,
            "application/x-www-form-urlencoded": AllProblemsFormValidator,
            "multipart/form-data": AllProblemsMultiPartValidator,
        }
    ),
}
