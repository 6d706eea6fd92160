"""Deterministic fixture generators: each vendor package's ``generator``, run and written.

A vendor's generator has ``generate(count, seed) -> {collection: [records]}``; the checked-in
fixtures are its output, and ``mockserver fixtures generate`` writes larger sets for load and UI
testing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .vendors import part

__all__ = ["generate", "write_fixtures"]


def generate(vendor: str, count: int, seed: int = 1) -> dict[str, list[dict[str, Any]]]:
    result: dict[str, list[dict[str, Any]]] = part(vendor, "generator").generate(count, seed)
    return result


def write_fixtures(vendor: str, count: int, seed: int, out_dir: Path) -> list[Path]:
    """Write one ``<collection>.json`` per collection into ``out_dir``; returns the files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, records in generate(vendor, count, seed).items():
        path = out_dir / f"{name}.json"
        path.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
