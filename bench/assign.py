"""Weapon-target assignment: the fast heuristic against the exact optimum, and their run times.

    python bench/assign.py --json [--instances N] [--seed S]

For each size W x W up to 50 x 50 (W weapons, W targets), N seeded instances of each family
(``random``: Ahuja et al. 2007; ``apt-x1``, ``apt-x2``: the structure of Andersen, Pavlikov and
Toffolo 2022 with 1 or 2 units per weapon type; :mod:`bastion.assign.instances`) are solved by
the heuristic (greedy maximum marginal return plus local improvement) and by the exact solver
(set-partitioning MILP over salvos with HiGHS, relative gap 1e-6; the time includes its own run
of the heuristic). The ratio is the expected surviving threat value of the heuristic's
assignment over the optimum's (1 = optimal). The heuristic is also timed on 100 targets x 50
weapons. Both run side by side in one process, so their times compare.

JSON keys: mean_ratio_50x50, max_ratio_50x50, heuristic_ms_100x50 (slowest instance),
heuristic_ms_100x50_median, exact_s_50x50 (mean over the 50 x 50 instances),
exact_s_50x50_median, exact_s_50x50_max, exact_s_max (slowest exact solve at any size),
exact_max_gap (largest proven relative gap), exact_all_optimal (every size), load_average
(1-minute load at the start and the end: timings are only comparable at similar load), and per
size and family the mean and max ratio and the mean and max times under "sizes".
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable

import numpy as np

from bastion.assign.greedy import solve_greedy
from bastion.assign.instances import apt_instance, random_instance
from bastion.assign.milp import solve_milp
from bastion.assign.wta import WtaProblem

SIZES = (10, 20, 30, 40, 50)
FAMILIES: dict[str, Callable[[int, np.random.Generator], WtaProblem]] = {
    "random": lambda w, rng: random_instance(w, w, rng),
    "apt-x1": lambda w, rng: apt_instance(w, w, 1, rng),
    "apt-x2": lambda w, rng: apt_instance(w // 2, w, 2, rng),
}


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - started


def compare(problem: WtaProblem) -> dict[str, float]:
    x, heuristic_s = timed(lambda: solve_greedy(problem))
    exact, exact_s = timed(lambda: solve_milp(problem))
    assert isinstance(x, np.ndarray)
    problem.check(x)
    optimum = exact.objective  # type: ignore[attr-defined]
    return {
        "ratio": problem.surviving_value(x) / optimum,
        "heuristic_s": heuristic_s,
        "exact_s": exact_s,
        "gap": (optimum - exact.lower_bound) / optimum,  # type: ignore[attr-defined]
        "optimal": float(exact.optimal),  # type: ignore[attr-defined]
    }


def run(instances: int, seed: int) -> dict[str, object]:
    load_start = os.getloadavg()[0]
    seq = np.random.SeedSequence(seed)
    sizes: dict[str, dict[str, dict[str, float]]] = {}
    at_50: list[dict[str, float]] = []
    every: list[dict[str, float]] = []
    for w in SIZES:
        sizes[f"{w}x{w}"] = {}
        for family, make in FAMILIES.items():
            rows = [
                compare(make(w, np.random.default_rng(child))) for child in seq.spawn(instances)
            ]
            sizes[f"{w}x{w}"][family] = {
                "mean_ratio": float(np.mean([r["ratio"] for r in rows])),
                "max_ratio": float(np.max([r["ratio"] for r in rows])),
                "heuristic_ms_mean": 1e3 * float(np.mean([r["heuristic_s"] for r in rows])),
                "exact_s_mean": float(np.mean([r["exact_s"] for r in rows])),
                "exact_s_max": float(np.max([r["exact_s"] for r in rows])),
            }
            every += rows
            if w == 50:
                at_50 += rows
    fast = []
    for child in seq.spawn(2 * instances):
        rng = np.random.default_rng(child)
        problem = random_instance(50, 100, rng) if len(fast) % 2 else apt_instance(25, 100, 2, rng)
        fast.append(timed(lambda p=problem: solve_greedy(p))[1])
    return {
        "mean_ratio_50x50": float(np.mean([r["ratio"] for r in at_50])),
        "max_ratio_50x50": float(np.max([r["ratio"] for r in at_50])),
        "heuristic_ms_100x50": 1e3 * float(np.max(fast)),
        "heuristic_ms_100x50_median": 1e3 * float(np.median(fast)),
        "exact_s_50x50": float(np.mean([r["exact_s"] for r in at_50])),
        "exact_s_50x50_median": float(np.median([r["exact_s"] for r in at_50])),
        "exact_s_50x50_max": float(np.max([r["exact_s"] for r in at_50])),
        "exact_s_max": float(np.max([r["exact_s"] for r in every])),
        "exact_max_gap": float(np.max([r["gap"] for r in every])),
        "exact_all_optimal": bool(all(r["optimal"] for r in every)),
        "load_average": [load_start, os.getloadavg()[0]],
        "instances_per_family_and_size": instances,
        "seed": seed,
        "sizes": sizes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--instances", type=int, default=10, help="instances per family/size")
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args()
    result = run(args.instances, args.seed)
    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        for key, value in result.items():
            if key != "sizes":
                print(f"{key}: {value}")


if __name__ == "__main__":
    main()
