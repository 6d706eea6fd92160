"""``python -m benchmarks``: what ``make bench`` runs once the tools are installed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mockserver.vendors import VENDORS

from .inprocess import measure_in_process
from .load import Load
from .mix import MIXES
from .report import in_process_table, machine, scale_table, throughput_table
from .scale import measure_scale
from .throughput import measure_all
from .tools import BENCHMARKS, Tools


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per request")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--sizes", default="1000,10000,100000", help="sessions per scale run")
    parser.add_argument("--apis", default="", help="comma list (default: every registered API)")
    parser.add_argument("--requests", type=int, default=2000, help="per request, in-process")
    parser.add_argument(
        "--skip", choices=["in-process", "throughput", "scale"], action="append", default=[]
    )
    parser.add_argument("--work", type=Path, default=BENCHMARKS / ".work")
    args = parser.parse_args()

    registered = [v.name for v in VENDORS]
    apis = [a for a in args.apis.split(",") if a] or registered
    unknown = [a for a in apis if a not in MIXES or a not in registered]
    if unknown:
        raise SystemExit(f"no request mix or no such API: {', '.join(unknown)}")
    load = Load(threads=args.threads, connections=args.connections, seconds=args.seconds)
    tools = Tools.find()
    args.work.mkdir(parents=True, exist_ok=True)

    print(f"Machine: {machine(load)}\nAPIs: {', '.join(apis)}\n")
    sys.stdout.flush()
    if "in-process" not in args.skip:
        print("## CPU per request inside the app (no network)\n")
        print(in_process_table(measure_in_process(apis, args.requests)) + "\n", flush=True)
    if "throughput" not in args.skip:
        print("## Four servers, same requests, same load\n")
        print(throughput_table(measure_all(apis, load, tools, args.work)) + "\n", flush=True)
    if "scale" not in args.skip:
        sizes = [int(s) for s in args.sizes.split(",")]
        print("## Each API at scale (one connection)\n")
        print(scale_table(measure_scale(apis, sizes, load, tools, args.work)), flush=True)


if __name__ == "__main__":
    main()
