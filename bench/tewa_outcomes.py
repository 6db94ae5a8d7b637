"""Scenario outcomes of the decision layer, with the debris planning switched on and off.

    python bench/tewa_outcomes.py --json [--seeds 20] [--scenario ID]... [--duration S] [--jobs 2]

Each built-in scenario (default: hmeimim-2018 and town-approach-v1) runs over seeds 1..N twice:
as written (the doctrine's ``avoid_debris_in_no_debris_zones`` on) and with it off, everything
else equal. Per scenario and mode it reports the leakers, the debris impacts in no-debris zones
(target 0 with planning on), the munitions spent per kill (pooled over the runs, per effector
kind), shots per drone defeated, cost, asset damage and the mean wall time of a run; and per
scenario the gain: debris impacts avoided and leakers added by planning.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from bastion.run import run_scenario
from bastion.scenario.loader import load_builtin
from bastion.scenario.schema import Scenario

DEFAULT_SCENARIOS = ("hmeimim-2018", "town-approach-v1")


def variant(scenario_id: str, planning: bool, duration_s: float | None) -> Scenario:
    """The built-in scenario with debris planning on or off (and optionally cut short)."""
    scn = load_builtin(scenario_id)
    doctrine = scn.doctrine.model_copy(update={"avoid_debris_in_no_debris_zones": planning})
    update: dict[str, Any] = {"doctrine": doctrine}
    if duration_s is not None:
        update["duration_s"] = duration_s
    return scn.model_copy(update=update)


def run_one(scenario_id: str, planning: bool, seed: int, duration_s: float | None) -> dict:
    """One run's summary (its event log goes to a temporary folder)."""
    scn = variant(scenario_id, planning, duration_s)
    with tempfile.TemporaryDirectory() as tmp:
        summary = run_scenario(scn, seed, Path(tmp))
    kinds = {e.id: e.type for e in scn.effectors}
    return {**summary, "effector_kinds": kinds}


def pooled(runs: list[dict]) -> dict[str, Any]:
    """Figures over the runs of one scenario and mode."""

    def total(key: str) -> int:
        return int(sum(r[key] for r in runs))

    munitions: dict[str, int] = {}
    kills: dict[str, int] = {}
    for r in runs:
        for eff, kind in r["effector_kinds"].items():
            munitions[kind] = munitions.get(kind, 0) + r["munitions"][eff]
            kills[kind] = kills.get(kind, 0) + r["kills_by_effector"][eff]
    defeated = [r["destroyed"] + r["ew_defeated"] for r in runs]
    shots = sum(
        (r["engagements_per_defeat"] or 0.0) * d for r, d in zip(runs, defeated, strict=True)
    )
    return {
        "runs": len(runs),
        "leakers_total": total("leakers"),
        "leakers_mean": total("leakers") / len(runs),
        "seeds_with_leakers": int(sum(r["leakers"] > 0 for r in runs)),
        "debris_in_no_debris_zones_total": total("debris_in_no_debris_zones"),
        "debris_in_no_debris_zones_mean": total("debris_in_no_debris_zones") / len(runs),
        "seeds_with_debris_in_zones": int(sum(r["debris_in_no_debris_zones"] > 0 for r in runs)),
        "asset_damage_total": total("asset_damage"),
        "destroyed_mean": total("destroyed") / len(runs),
        "ew_defeated_mean": total("ew_defeated") / len(runs),
        "munitions_per_kill": {k: munitions[k] / kills[k] for k in munitions if kills[k]},
        "missiles_per_kill": (
            munitions["missile"] / kills["missile"] if kills.get("missile") else None
        ),
        "shots_per_defeat": shots / sum(defeated) if sum(defeated) else None,
        "cost_usd_mean": float(np.mean([r["cost_usd"] for r in runs])),
        "wall_s_mean": float(np.mean([r["wall_s"] for r in runs])),
    }


def outcomes(
    scenarios: Iterable[str], seeds: Iterable[int], duration_s: float | None, jobs: int
) -> dict[str, Any]:
    jobs_list = [
        (sid, planning, seed, duration_s)
        for sid in scenarios
        for planning in (True, False)
        for seed in seeds
    ]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(run_one, *zip(*jobs_list, strict=True)))
    out: dict[str, Any] = {}
    for sid in dict.fromkeys(s for s, *_ in jobs_list):
        on = [r for (s, p, *_), r in zip(jobs_list, results, strict=True) if s == sid and p]
        off = [r for (s, p, *_), r in zip(jobs_list, results, strict=True) if s == sid and not p]
        a, b = pooled(on), pooled(off)
        out[sid] = {
            "planning_on": a,
            "planning_off": b,
            "debris_in_zones_avoided": b["debris_in_no_debris_zones_total"]
            - a["debris_in_no_debris_zones_total"],
            "leakers_added": a["leakers_total"] - b["leakers_total"],
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--seeds", type=int, default=20, help="seeds 1..N per scenario and mode")
    parser.add_argument("--scenario", action="append", help="built-in scenario id (repeatable)")
    parser.add_argument("--duration", type=float, default=None, help="cut runs short, s")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    args = parser.parse_args()
    scenarios = args.scenario or list(DEFAULT_SCENARIOS)
    result = {
        "seeds": args.seeds,
        "duration_s": args.duration,
        "scenarios": outcomes(scenarios, range(1, args.seeds + 1), args.duration, args.jobs),
    }
    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        for sid, r in result["scenarios"].items():
            for mode in ("planning_on", "planning_off"):
                m = r[mode]
                print(
                    f"{sid} {mode}: leakers {m['leakers_total']}, debris in zones "
                    f"{m['debris_in_no_debris_zones_total']}, missiles/kill "
                    f"{m['missiles_per_kill']}, shots/defeat {m['shots_per_defeat']}"
                )


if __name__ == "__main__":
    main()
