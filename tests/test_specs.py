"""A bad spec stops start-up with the file, the JSON pointer and the line, never a traceback."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from mockserver import MockServer, Settings
from mockserver.compiled import engines_agree
from mockserver.config import PROJECT_ROOT
from mockserver.errors import SpecError
from mockserver.specs import load_spec
from mockserver.vendors import VENDORS

SPECS = PROJECT_ROOT / "openapi"


@pytest.mark.parametrize("vendor", [v.name for v in VENDORS])
def test_every_spec_is_valid_openapi_3_0(vendor: str) -> None:
    document = yaml.safe_load((SPECS / f"{vendor}.yaml").read_text(encoding="utf-8"))
    assert document["openapi"].startswith("3.0.")
    validate(document)  # the stricter openapi-spec-validator, beyond Connexion's own check


@pytest.mark.parametrize("vendor", [v.name for v in VENDORS])
def test_every_operation_has_a_handler(vendor: str) -> None:
    api = next(v for v in VENDORS if v.name == vendor)
    spec = load_spec(SPECS / f"{vendor}.yaml")
    for operation_id in spec.operations:
        assert callable(api.resolve(api.__new__(api), operation_id))


def _copy_specs(tmp_path: Path) -> Path:
    target = tmp_path / "openapi"
    shutil.copytree(SPECS, target)
    return target


def test_broken_spec_names_file_pointer_and_line(tmp_path: Path) -> None:
    specs = _copy_specs(tmp_path)
    file = specs / "chatkitty.yaml"
    text = file.read_text(encoding="utf-8")
    file.write_text(
        text.replace("        '200':\n          description: OK\n", "        '200':\n", 1),
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as caught:
        MockServer(Settings(specs_dir=specs))
    error = caught.value
    assert error.file == str(file)
    assert error.pointer == "/paths/~1chat-sessions/get/responses/200"
    assert "description" in error.message
    assert error.line == text.splitlines().index("        '200':") + 1
    assert str(error).startswith(
        f"{file}:{error.line}: at /paths/~1chat-sessions/get/responses/200"
    )


def test_unparseable_yaml_names_the_line(tmp_path: Path) -> None:
    specs = _copy_specs(tmp_path)
    file = specs / "chatkitty.yaml"
    file.write_text("openapi: 3.0.3\ninfo: [unclosed\n", encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        load_spec(file)
    assert caught.value.line is not None
    assert "not valid YAML" in caught.value.message


def test_openapi_3_1_is_refused_with_the_reason(tmp_path: Path) -> None:
    file = tmp_path / "x.yaml"
    file.write_text("openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"3\.0"):
        load_spec(file)


def test_operation_without_handler_is_a_spec_error(tmp_path: Path) -> None:
    specs = _copy_specs(tmp_path)
    file = specs / "chatkitty.yaml"
    file.write_text(
        file.read_text(encoding="utf-8").replace(
            "operationId: listChatSessions", "operationId: listChats"
        ),
        encoding="utf-8",
    )
    with pytest.raises(SpecError, match="list_chats"):
        MockServer(Settings(specs_dir=specs))


def test_allowed_methods_and_path_matching() -> None:
    spec = load_spec(SPECS / "chatkitty.yaml")
    assert spec.allowed_methods("/chat-sessions") == ["GET", "HEAD"]
    assert spec.allowed_methods("/oauth/token") == ["POST"]
    assert spec.allowed_methods("/nothing") is None
    assert spec.operations["listChatSessions"].media_types()[0] == "application/json"


def _patterns(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield where, value
            else:
                yield from _patterns(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _patterns(value, f"{where}/{index}")


@pytest.mark.parametrize("spec", [*(v.name for v in VENDORS), "admin"])
def test_every_pattern_means_the_same_to_every_regex_engine(spec: str) -> None:
    # JSON Schema's patterns are ECMA 262; the mock checks with Python's re, clients and
    # Schemathesis with their own. A \s or \w reads differently among them (U+0085 is a space
    # to Python only): a request one side calls valid, the other refuses.
    document = yaml.safe_load((Settings().specs_dir / f"{spec}.yaml").read_text(encoding="utf-8"))
    differing = [(where, p) for where, p in _patterns(document) if not engines_agree(p)]
    assert not differing, differing


def test_a_yaml_alias_is_a_copy_of_its_own(tmp_path: Path) -> None:
    """A parameter list shared by an alias must not be shared in the loaded document: Connexion
    extends each operation's list with its path's own parameters, in place."""
    spec = tmp_path / "aliased.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n"
        "  /a:\n    get:\n      parameters: &shared\n"
        "        - {name: q, in: query, schema: {type: string}}\n"
        "      responses: {'200': {description: ok}}\n"
        "  /b/{id}:\n    parameters:\n"
        "      - {name: id, in: path, required: true, schema: {type: string}}\n"
        "    get:\n      parameters: *shared\n      responses: {'200': {description: ok}}\n"
    )
    paths = load_spec(spec).document["paths"]
    assert paths["/a"]["get"]["parameters"] == paths["/b/{id}"]["get"]["parameters"]
    assert paths["/a"]["get"]["parameters"] is not paths["/b/{id}"]["get"]["parameters"]
