"""The latest stamp of a SQLite state file, in memory every process on the host maps.

Every request asks whether anything was written since the last one (guarantee 1). Asked of
SQLite, that is a read transaction: a query, two file locks, the WAL index; cheap in a loop
(3 µs) but 20 µs in a server, where the request's own work has pushed all of it out of the CPU
caches between two asks. Read here, it is eight bytes.

The file ``<state file>-stamp`` holds one number. Writers set it inside their transaction,
under the file's write lock, so it only moves forward and is set before the write is
committed, let alone acknowledged: a request that starts after the acknowledgement reads it at
least that high and catches up from the database. For a moment before the commit it is ahead
of what readers find in the database; they read again at their next request. A transaction
rolled back puts it back; one whose commit failed, or whose process was killed before it,
leaves it ahead until the next write or start-up, which sets it from the database: meanwhile
readers ask the database at every request, which costs time, never a write.
"""

from __future__ import annotations

import mmap
import os
import struct
from pathlib import Path

__all__ = ["Beacon"]

_STAMP = struct.Struct("<q")


class Beacon:
    """The stamp of a state file, shared through ``path`` (made if missing)."""

    def __init__(self, path: Path) -> None:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if os.fstat(descriptor).st_size < _STAMP.size:
                os.ftruncate(descriptor, _STAMP.size)
            self._map = mmap.mmap(descriptor, _STAMP.size)
        finally:
            os.close(descriptor)

    def read(self) -> int:
        """Raises ValueError once closed."""
        stamp: int = _STAMP.unpack_from(self._map)[0]
        return stamp

    def write(self, stamp: int) -> None:
        _STAMP.pack_into(self._map, 0, stamp)

    def close(self) -> None:
        self._map.close()
