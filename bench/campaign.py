"""Campaign throughput: runs per second serially and on a LocalCluster of 1 and 2 workers.

    python bench/campaign.py --json                 # hmeimim-2018 at full duration (2700 s)
    python bench/campaign.py --runs 8 --duration-s 900

Serial runs call the same function the workers run (``run_replication``) in this process; the
cluster figures time ``run_campaign`` alone (planning probe, scatter, scheduling, result
streaming included; cluster start-up reported separately). Also reported, for projecting to a
multi-machine cluster:

- ``per_run_s``: mean wall time of one run in a worker (``wall_s`` column) — the unit of work;
- ``scheduler_overhead_per_task_ms``: round trip of a no-op task through the same cluster
  (submit, schedule, run, return), measured over many tasks;
- ``campaign_overhead_per_run_ms``: what the campaign adds per run on 1 worker beyond the run
  itself (wall / runs - per_run_s);
- ``result_bytes_per_run`` (pickled row sent back to the client) and ``parquet_bytes_per_run``;
- ``per_run_cpu_s_*`` and ``cpu_utilisation_*``: CPU seconds per run (this process serially;
  the worker processes, read through ``client.run``, on the cluster) and the share of the
  available cores actually had: below 1 means other processes took the cores, and the
  unloaded rate of W workers is about W / per_run_cpu_s;
- ``scheduler_bound_workers``: per_run_s / scheduler overhead, the number of workers one
  scheduler can keep busy before it, not the simulation, limits throughput.

The machine's load average before and after is printed: on shared cores the ratios measured
side by side in one call are what to read, not the absolute rates.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bastion.campaign import connect, make_row, plan_campaign, run_campaign, run_replication
from bastion.campaign.plan import CampaignPlan
from bastion.campaign.results import read_results, results_files
from bastion.scenario.loader import load_builtin


def _noop(i: int) -> int:
    return i


def serial(plan: CampaignPlan) -> tuple[float, float, list[dict[str, Any]]]:
    """Wall and CPU seconds of running the plan in this process, and its rows."""
    started, cpu = time.perf_counter(), time.process_time()
    rows = []
    for task in plan.tasks():
        scenario = plan.combinations[task.combination].scenario
        rows.append(make_row(plan, task, run_replication(scenario, task, None)))
    return time.perf_counter() - started, time.process_time() - cpu, rows


def _workers_cpu_s(client: Any) -> float:
    """CPU seconds used so far by every worker process together."""
    return sum(client.run(time.process_time).values())


def on_cluster(plan: CampaignPlan, workers: int, noop_tasks: int) -> dict[str, Any]:
    started = time.perf_counter()
    with connect(None, n_workers=workers) as client, tempfile.TemporaryDirectory() as tmp:
        startup = time.perf_counter() - started
        client.wait_for_workers(workers)
        cpu = _workers_cpu_s(client)
        outcome = run_campaign(client, plan, Path(tmp) / "campaign")
        cpu = _workers_cpu_s(client) - cpu
        table = read_results(Path(tmp) / "campaign")
        parquet_bytes = sum(p.stat().st_size for p in results_files(Path(tmp) / "campaign"))
        t0 = time.perf_counter()
        client.gather(client.map(_noop, range(noop_tasks), pure=False))
        noop_s = time.perf_counter() - t0
    return {
        "wall_s": outcome.wall_s,
        "cpu_s": cpu,
        "failed": outcome.failed,
        "startup_s": startup,
        "rows": table.to_pylist(),
        "parquet_bytes": parquet_bytes,
        "noop_per_task_s": noop_s / noop_tasks,
    }


def differing_figures(reference: list[dict[str, Any]], other: list[dict[str, Any]]) -> list[str]:
    """Figures that differ in any run between two sets of rows (wall time aside).

    ``reference`` is in task order. Not empty means lost reproducibility: or, in a working tree
    being edited, workers that imported other code than this process did.
    """
    keys = [k for k in reference[0] if k != "wall_s"]
    ordered = sorted(other, key=lambda r: (r["replication"], r["combination"]))
    pairs = list(zip(reference, ordered, strict=True))
    return [k for k in keys if any(a[k] != b.get(k) for a, b in pairs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=4, help="replications per mode")
    parser.add_argument("--duration-s", type=float, default=None, help="shorten the scenario")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--noop-tasks", type=int, default=2000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    scenario = load_builtin("hmeimim-2018")
    if args.duration_s is not None:
        scenario = scenario.model_copy(update={"duration_s": args.duration_s})
    plan = plan_campaign(scenario, [], args.runs, args.seed)
    load_before = os.getloadavg()

    serial_s, serial_cpu_s, serial_rows = serial(plan)
    one = on_cluster(plan, 1, args.noop_tasks)
    two = on_cluster(plan, 2, args.noop_tasks)

    per_run = float(np.mean([r["wall_s"] for r in one["rows"]]))
    rps_serial = args.runs / serial_s
    rps_1 = args.runs / one["wall_s"]
    rps_2 = args.runs / two["wall_s"]
    overhead = two["noop_per_task_s"]
    result = {
        "scenario": scenario.id,
        "duration_s": scenario.duration_s,
        "runs_per_mode": args.runs,
        "runs_per_s_serial": rps_serial,
        "runs_per_s_1_worker": rps_1,
        "runs_per_s_2_workers": rps_2,
        "speedup_2_workers_vs_1": rps_2 / rps_1,
        "scaling_efficiency_2_workers": rps_2 / (2 * rps_1),
        "efficiency_1_worker_vs_serial": rps_1 / rps_serial,
        "per_run_s": per_run,
        "per_run_cpu_s_serial": serial_cpu_s / args.runs,
        "per_run_cpu_s_2_workers": two["cpu_s"] / args.runs,
        "cpu_utilisation_serial": serial_cpu_s / serial_s,
        "cpu_utilisation_2_workers": two["cpu_s"] / (2 * two["wall_s"]),
        "campaign_overhead_per_run_ms": 1e3 * (one["wall_s"] / args.runs - per_run),
        "scheduler_overhead_per_task_ms": 1e3 * overhead,
        "scheduler_overhead_per_task_1_worker_ms": 1e3 * one["noop_per_task_s"],
        "scheduler_bound_workers": per_run / overhead,
        "result_bytes_per_run": float(np.mean([len(pickle.dumps(r)) for r in serial_rows])),
        "parquet_bytes_per_run": two["parquet_bytes"] / args.runs,
        "cluster_startup_s": {"1_worker": one["startup_s"], "2_workers": two["startup_s"]},
        "failed_runs": one["failed"] + two["failed"],
        "figures_differing_from_serial": sorted(
            set(differing_figures(serial_rows, one["rows"]))
            | set(differing_figures(serial_rows, two["rows"]))
        ),
        "client_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "cpu_count": os.cpu_count(),
        "load_average_1min_before_after": [load_before[0], os.getloadavg()[0]],
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:42s} {value}")


if __name__ == "__main__":
    main()
