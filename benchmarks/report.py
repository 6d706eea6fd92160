"""The tables ``make bench`` prints (Markdown, so a run pastes into benchmarks/README.md as is)."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Callable
from pathlib import Path

from .inprocess import InProcess
from .load import Call, Load, Result
from .scale import Scaled
from .throughput import SERVERS, Measured

__all__ = ["in_process_table", "machine", "scale_table", "throughput_table"]

# Targets from issue 8: (column title, ratio of mock to reference, wanted, higher is better).
_TARGETS: list[tuple[str, str, str, float, bool]] = [
    ("mock/Prism r/s (≥ 2)", "Prism", "rps", 2.0, True),
    ("mock/Prism p99 (≤ 0.5)", "Prism", "p99", 0.5, False),
    ("mock/WireMock r/s (≥ 1)", "WireMock", "rps", 1.0, True),
    ("mock/bare r/s (≥ 0.3)", "bare", "rps", 0.3, True),
]
_SCALE_TARGETS = {"startup": 3.0, "rss": 400.0, "p50": 20.0}


def machine(load: Load) -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    cpu = next((x.split(":", 1)[1].strip() for x in cpuinfo if x.startswith("model name")), "?")
    meminfo = Path("/proc/meminfo").read_text(encoding="utf-8").splitlines()
    memory = next(int(x.split()[1]) / 2**20 for x in meminfo if x.startswith("MemTotal"))
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0]
    # Other work on the machine shares its two cores with the servers and wrk: say how much.
    busy = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, load average {busy}, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}; "
        f"load: {wrk.split(' [')[0]} "
        f"-t{load.threads} -c{load.connections} -d{load.seconds}s after a "
        f"{load.warmup_seconds} s warm-up, one server at a time"
    )


def _cell(result: Result | None, status: int) -> str:
    if result is None:
        return f"answers {status}"
    errors = f", {result.errors} errors" if result.errors else ""
    return (
        f"{result.requests_per_second:,.0f} r/s, {result.p50_ms:.1f}/{result.p99_ms:.1f} ms"
        + errors
    )


def throughput_table(measured: list[Measured]) -> str:
    by: dict[tuple[Call, str], Measured] = {(m.call, m.server): m for m in measured}
    calls = list(dict.fromkeys(m.call for m in measured))
    head = ["API", "request", *(f"{s} (r/s, p50/p99)" for s in SERVERS), *(t[0] for t in _TARGETS)]
    lines = [_row(head), _row(["---"] * len(head))]
    for call in calls:
        cells = [call.api, call.name]
        cells += [_cell(by[call, s].result, by[call, s].status) for s in SERVERS]
        mock = by[call, "mock"].result
        for _, other, figure, wanted, higher in _TARGETS:
            theirs = by[call, other].result
            cells.append(_ratio(mock, theirs, figure, wanted, higher))
        lines.append(_row(cells))
    return "\n".join(lines)


def in_process_table(rows: list[InProcess]) -> str:
    head = ["API", "request", "status", "mock CPU µs", "bare CPU µs", "mock - bare µs"]
    lines = [_row(head), _row(["---"] * len(head))]
    for row in rows:
        extra = row.mock_us - row.bare_us
        cells = [row.call.api, row.call.name, str(row.status)]
        cells += [f"{row.mock_us:,.0f}", f"{row.bare_us:,.0f}", f"{extra:,.0f}"]
        lines.append(_row(cells))
    return "\n".join(lines)


def _ratio(
    mock: Result | None, theirs: Result | None, figure: str, wanted: float, higher: bool
) -> str:
    if mock is None or theirs is None:
        return "–"
    pick: Callable[[Result], float] = (
        (lambda r: r.requests_per_second) if figure == "rps" else (lambda r: r.p99_ms)
    )
    ratio = pick(mock) / pick(theirs)
    met = ratio >= wanted if higher else ratio <= wanted
    return f"{ratio:.2f} {'met' if met else 'NOT met'}"


def scale_table(rows: list[Scaled]) -> str:
    head = [
        "API",
        "sessions",
        "start-up s (≤ 3), CPU s in brackets",
        "RSS MB after start / after load (≤ 400)",
        "first list ms",
        "list p50 ms (≤ 20)",
        "list p99 ms",
        "list after a create ms",
    ]
    lines = [_row(head), _row(["---"] * len(head))]
    for row in rows:
        lines.append(
            _row(
                [
                    row.api,
                    f"{row.sessions:,}",
                    _check(row.startup_seconds, _SCALE_TARGETS["startup"], ".2f")
                    + f" ({row.startup_cpu_seconds:.2f})",
                    f"{row.rss_start_mb:.0f} / "
                    + _check(max(row.rss_start_mb, row.rss_end_mb), _SCALE_TARGETS["rss"], ".0f"),
                    f"{row.first_list_ms:.1f}",
                    _check(row.result.p50_ms, _SCALE_TARGETS["p50"], ".2f"),
                    f"{row.result.p99_ms:.2f}",
                    "–" if row.list_after_create_ms is None else f"{row.list_after_create_ms:.2f}",
                ]
            )
        )
    return "\n".join(lines)


def _check(value: float, limit: float, fmt: str) -> str:
    return f"{value:{fmt}} {'met' if value <= limit else 'NOT met'}"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"
