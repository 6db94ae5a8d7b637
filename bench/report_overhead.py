"""What the after-action report adds to ``bastion run``: the command timed with and without it.

    python bench/report_overhead.py --json                  # hmeimim-2018, 3 pairs
    python bench/report_overhead.py --repeats 5 --scenario hmeimim-2018

Each pair runs ``bastion run SCENARIO --json`` and ``... --no-report`` back to back in fresh
processes (alternating which goes first), so both see the same machine load; the figure to read
is ``added_s`` (median over pairs of with - without) and its ratio to the run. On shared,
busy cores wall time swings by seconds from run to run, so the same figures are also given in
CPU seconds of the child processes (``*_cpu_s``, user + system), which load hardly moves: on an
idle core they are the wall time. Also reported: ``write_report_s`` / ``_cpu_s``, the report
alone on the finished run folder in a warm process (median), handed the run's summary as
``bastion run`` hands it (so the summary is not computed again), and ``import_s`` / ``_cpu_s``,
what importing the report's modules (matplotlib) adds to a fresh process. The load average
before and after is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(cmd: list[str]) -> tuple[float, float]:
    """(wall s, CPU s) of a command in a fresh process."""
    cpu, started = _children_cpu_s(), time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - started, _children_cpu_s() - cpu


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="hmeimim-2018")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    load_before = os.getloadavg()
    run = [sys.executable, "-m", "bastion.cli", "run", args.scenario, "--json"]
    with_report: list[tuple[float, float]] = []
    without: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run"
        for k in range(args.repeats):
            pair = [
                (with_report, [*run, "--out", str(out)]),
                (without, [*run, "--out", str(out), "--no-report"]),
            ]
            for times, cmd in pair if k % 2 == 0 else pair[::-1]:
                times.append(_timed(cmd))
        # The folder holds the last run: time the report alone on it, in this (warm) process.
        from bastion.report import write_report

        summary = json.loads((out / "summary.json").read_text())
        write_report(out, summary=summary)  # warm: imports and font cache
        alone = []
        for _ in range(args.repeats):
            wall, cpu = time.perf_counter(), time.process_time()
            write_report(out, summary=summary)
            alone.append((time.perf_counter() - wall, time.process_time() - cpu))
    imports = []
    for _ in range(args.repeats):
        both = _timed([sys.executable, "-c", "import bastion.cli, bastion.report.build"])
        cli = _timed([sys.executable, "-c", "import bastion.cli"])
        imports.append((both[0] - cli[0], both[1] - cli[1]))
    added = [(w[0] - n[0], w[1] - n[1]) for w, n in zip(with_report, without, strict=True)]
    result = {"scenario": args.scenario, "repeats": args.repeats}
    for name, series in (
        ("run_with_report", with_report),
        ("run_without_report", without),
        ("added", added),
        ("write_report", alone),
        ("import", imports),
    ):
        result[f"{name}_s"] = _median([w for w, _ in series])
        result[f"{name}_cpu_s"] = _median([c for _, c in series])
    result["added_ratio"] = round(result["added_s"] / result["run_without_report_s"], 3)
    result["added_cpu_ratio"] = round(result["added_cpu_s"] / result["run_without_report_cpu_s"], 3)
    result["loadavg_before"] = [round(v, 2) for v in load_before]
    result["loadavg_after"] = [round(v, 2) for v in os.getloadavg()]
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>22}: {value}")


if __name__ == "__main__":
    main()
