"""The stamp a SQLite state file shares through memory (``mockserver/state/beacon.py``): what
every request reads instead of asking SQLite, so it must never stay behind a commit."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.state.beacon import Beacon
from mockserver.state.sqlite import SQLiteBackend


def nothing(key: object) -> None:
    """No fixtures under the written records."""


def test_a_write_is_read_from_the_beacon_by_every_process_on_the_file(tmp_path: Path) -> None:
    writer, reader = SQLiteBackend(tmp_path / "state.db"), SQLiteBackend(tmp_path / "state.db")
    stamp = writer.put("space", 1, {"id": 1}, nothing)
    assert reader.stamp() == stamp == Beacon(tmp_path / "state.db-stamp").read()
    assert [c.record for c in reader.changes(0).records] == [{"id": 1}]
    writer.close()
    reader.close()


def test_a_write_that_fails_after_taking_its_stamp_puts_the_beacon_back(tmp_path: Path) -> None:
    """Left ahead, it would send every request of every worker to the database for nothing
    until the next write."""
    backend = SQLiteBackend(tmp_path / "state.db")
    stamp = backend.put("space", 1, {"id": 1}, nothing)
    with pytest.raises(TypeError):
        backend.put("space", 2, {"id": 2, "tags": {"not", "json"}}, nothing)
    assert backend.stamp() == stamp == backend.changes(0).stamp
    backend.close()


def test_start_up_sets_a_beacon_that_a_killed_writer_left_ahead(tmp_path: Path) -> None:
    backend = SQLiteBackend(tmp_path / "state.db")
    stamp = backend.put("space", 1, {"id": 1}, nothing)
    backend.close()
    Beacon(tmp_path / "state.db-stamp").write(stamp + 7)  # set; its commit never came
    restarted = SQLiteBackend(tmp_path / "state.db")
    assert restarted.stamp() == stamp
    restarted.close()
