"""Hot reload: a valid change is served without a restart, an invalid one keeps the old version
serving and logs where it broke; the journal and the fault rules carry over."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from mockserver import Settings
from mockserver.config import PROJECT_ROOT
from mockserver.watch import Reloading


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    shutil.copytree(PROJECT_ROOT / "openapi", tmp_path / "openapi")
    shutil.copytree(PROJECT_ROOT / "fixtures", tmp_path / "fixtures")
    return Settings(specs_dir=tmp_path / "openapi", fixtures_dir=tmp_path / "fixtures")


def rename_application(settings: Settings, name: object) -> None:
    file = settings.fixtures_dir / "chatkitty" / "applications.json"
    applications = json.loads(file.read_text(encoding="utf-8"))
    applications[0]["name"] = name
    file.write_text(json.dumps(applications), encoding="utf-8")


def application_name(reloading: Reloading) -> object:
    return reloading.server.store.collections("chatkitty")["applications"].all()[0]["name"]


def test_a_valid_change_is_served_and_the_control_plane_carries_over(settings: Settings) -> None:
    reloading = Reloading(settings)
    rule = reloading.control.rules.add({"path": "/twin", "status": 503})
    with TestClient(reloading) as client:
        client.get("/chatkitty/chat-sessions")
        rename_application(settings, "Renamed")
        assert reloading.reload()
        assert application_name(reloading) == "Renamed"
        assert reloading.server.control is reloading.control
        assert [r.id for r in reloading.control.rules.list()] == [rule.id]
        assert client.get("/twin/anything").status_code == 503
        assert len(client.get("/__admin/journal").json()["entries"]) == 2


@pytest.mark.parametrize(
    ("break_it", "where"),
    [
        (lambda s: rename_application(s, 42), "applications.json: at /0/name: 42 is not of type"),
        (
            lambda s: (s.specs_dir / "chatkitty.yaml").write_text("openapi: [", encoding="utf-8"),
            "chatkitty.yaml:1: at /: not valid YAML",
        ),
    ],
)
def test_an_invalid_change_keeps_the_old_version_and_logs_where(
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
    break_it: Callable[[Settings], object],
    where: str,
) -> None:
    reloading = Reloading(settings)
    before = reloading.server
    break_it(settings)
    with caplog.at_level(logging.ERROR, logger="mockserver"):
        assert not reloading.reload()
    assert reloading.server is before
    assert "reload failed, still serving the previous version" in caplog.text
    assert where in caplog.text
    with TestClient(reloading) as client:
        assert client.get("/chatkitty/chat-sessions").status_code == 401


def test_the_watcher_reloads_on_a_file_change(settings: Settings) -> None:
    reloading = Reloading(settings)

    async def scenario() -> None:
        watcher = asyncio.create_task(reloading.watch())
        await asyncio.sleep(0.5)  # let the watcher subscribe before the change
        rename_application(settings, "Watched")
        try:
            async with asyncio.timeout(15):
                while application_name(reloading) != "Watched":
                    await asyncio.sleep(0.05)
        finally:
            reloading.stop()
            await watcher

    asyncio.run(scenario())
    assert application_name(reloading) == "Watched"
