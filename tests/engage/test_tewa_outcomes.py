"""The scenario-outcome benchmark in its small size: debris planning keeps wreckage off the town."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "tewa_outcomes.py"


def _bench():
    spec = importlib.util.spec_from_file_location("tewa_outcomes", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # so its worker function pickles by name
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_debris_planning_keeps_wreckage_off_the_town_under_the_approach():
    # Two seeds, cut at 2100 s (the raid is over by then in this scenario).
    out = _bench().outcomes(["town-approach-v1"], [1, 2], 2100.0, jobs=2)["town-approach-v1"]
    on, off = out["planning_on"], out["planning_off"]
    assert on["runs"] == off["runs"] == 2
    # Engaging at the first opportunity drops wreckage on the town; planning waits for safe
    # points on the track (or takes the drone over), and does not let drones through for it.
    assert off["debris_in_no_debris_zones_total"] >= 4
    assert on["debris_in_no_debris_zones_total"] <= 1
    assert out["debris_in_zones_avoided"] >= 3
    assert on["leakers_total"] <= off["leakers_total"] + 1
    assert on["missiles_per_kill"] is None or on["missiles_per_kill"] >= 1.0
    assert {"missile", "interceptor"} <= set(on["munitions_per_kill"]) | set(
        off["munitions_per_kill"]
    )
