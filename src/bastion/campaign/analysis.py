"""What a campaign says: each figure's mean and 95% interval per combination, the spread of
leakers, and how the outcome moves with each varied parameter.

Failed runs are counted and listed but left out of every estimate.

Sensitivity of an outcome y to a parameter p with values v_0 (the first listed), v_1, ...:

- marginal mean of y at p = v over all runs with that value (for a full grid, the main effect of
  p averaged over the other parameters), with its t-interval (Wilson for proportions);
- change from v_0: the runs at v and at v_0 that share every other parameter value and the
  replication (so the seed: common random numbers) are paired, and the mean of the per-pair
  differences y(v) - y(v_0) gets a t-interval. Pairing removes the seed-to-seed noise the two
  share, so the change is much tighter than the difference of two marginal intervals.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from bastion.campaign.folder import read_campaign
from bastion.campaign.results import IDENTITY, read_results, results_files
from bastion.campaign.stats import Estimate, mean_interval, wilson_interval
from bastion.errors import CampaignError

#: Summary entries that echo the scenario's inputs rather than measure the run.
_INPUT_ECHOES = frozenset({"scenario_version", "duration_s"})

#: Proportions reported per combination: name -> (figure, what counts as the event).
PROPORTIONS = {
    "P(any leaker)": "leakers",
    "P(asset damaged)": "asset_damage",
    "P(debris in a no-debris zone)": "debris_in_no_debris_zones",
}

#: Outcomes whose sensitivity to each parameter is reported, besides munitions per effector.
SENSITIVITY_OUTCOMES = ("leakers", "P(any leaker)", "asset_damage", "cost_usd")


@dataclass(frozen=True)
class CombinationStats:
    index: int
    label: str
    values: tuple[Any, ...]
    runs: int  # successful runs in the estimates
    failed: int
    figures: dict[str, Estimate]  # mean and t-interval of every numeric figure
    proportions: dict[str, Estimate]  # Wilson interval, keys of PROPORTIONS
    leakers: dict[int, int]  # number of leakers -> runs with that many


@dataclass(frozen=True)
class Sensitivity:
    parameter: str
    value: Any
    outcome: str
    marginal: Estimate
    change: Estimate | None  # paired change from the parameter's first value; None for it


@dataclass(frozen=True)
class FailedRun:
    combination: int
    replication: int
    seed: int
    error: str


@dataclass(frozen=True)
class CampaignAnalysis:
    scenario: str
    parameters: tuple[str, ...]
    combinations: tuple[CombinationStats, ...]
    sensitivity: tuple[Sensitivity, ...]
    failed: tuple[FailedRun, ...]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types throughout; an undefined interval bound is null."""

        def clean(value: Any) -> Any:
            if isinstance(value, Estimate):
                return {k: clean(v) for k, v in vars(value).items()}
            if isinstance(value, float) and not np.isfinite(value):
                return None
            if isinstance(value, dict):
                return {str(k): clean(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [clean(v) for v in value]
            if hasattr(value, "__dataclass_fields__"):
                return {k: clean(getattr(value, k)) for k in value.__dataclass_fields__}
            return value

        return clean({k: getattr(self, k) for k in self.__dataclass_fields__})


def _figure_columns(table: pa.Table) -> list[str]:
    numeric = (pa.types.is_integer, pa.types.is_floating, pa.types.is_boolean)
    return [
        f.name
        for f in table.schema
        if f.name not in IDENTITY
        and f.name not in _INPUT_ECHOES
        and not f.name.startswith("vary.")
        and any(check(f.type) for check in numeric)
    ]


def _column(table: pa.Table, name: str) -> np.ndarray:
    """A numeric column as float, null -> nan."""
    return table.column(name).cast(pa.float64()).fill_null(np.nan).to_numpy()


def _outcome(table: pa.Table, name: str) -> np.ndarray:
    """A figure, or the 0/1 indicator of a PROPORTIONS event (nan where the figure is missing)."""
    if name in PROPORTIONS:
        figure = _column(table, PROPORTIONS[name])
        return np.where(np.isnan(figure), np.nan, (figure > 0).astype(float))
    return _column(table, name)


def _estimate(table: pa.Table, name: str, rows: np.ndarray) -> Estimate:
    values = _outcome(table, name)[rows]
    if name in PROPORTIONS:
        values = values[np.isfinite(values)]
        return wilson_interval(int(values.sum()), values.size)
    return mean_interval(values)


def _combination_stats(
    table: pa.Table, combo: dict[str, Any], combos: np.ndarray, ok: np.ndarray
) -> CombinationStats:
    rows = ok & (combos == combo["index"])
    failed = int(np.count_nonzero(~ok & (combos == combo["index"])))
    figures = {name: _estimate(table, name, rows) for name in _figure_columns(table)}
    proportions = {
        name: _estimate(table, name, rows)
        for name, figure in PROPORTIONS.items()
        if figure in table.column_names
    }
    leakers: dict[int, int] = {}
    if "leakers" in table.column_names:
        counts = Counter(int(v) for v in _column(table, "leakers")[rows])
        leakers = dict(sorted(counts.items()))
    return CombinationStats(
        combo["index"],
        combo["label"],
        tuple(combo["values"]),
        int(np.count_nonzero(rows)),
        failed,
        figures,
        proportions,
        leakers,
    )


def _sensitivity(
    table: pa.Table, combos_meta: list[dict[str, Any]], parameter: int, path: str
) -> list[Sensitivity]:
    """Marginal estimate and paired change from the first value, for each outcome and value."""
    keys = [json.dumps(c["values"][parameter]) for c in combos_meta]
    levels = list(dict.fromkeys(keys))
    others = [
        json.dumps(c["values"][:parameter] + c["values"][parameter + 1 :]) for c in combos_meta
    ]
    level_of = np.array([levels.index(k) for k in keys])
    ok = table.column("error").is_null().to_numpy(zero_copy_only=False)
    combo = table.column("combination").to_numpy()
    replication = table.column("replication").to_numpy()
    row_level = level_of[combo]
    outcomes = [o for o in SENSITIVITY_OUTCOMES if PROPORTIONS.get(o, o) in table.column_names]
    outcomes += [n for n in table.column_names if n.startswith("munitions.")]
    out = []
    for name in outcomes:
        y = _outcome(table, name)
        by_pair: dict[tuple[str, int], dict[int, float]] = {}
        for i in np.flatnonzero(ok & np.isfinite(y)):
            pair = (others[combo[i]], int(replication[i]))
            by_pair.setdefault(pair, {})[int(row_level[i])] = float(y[i])
        for level, key in enumerate(levels):
            change = None
            if level > 0:
                diffs = [v[level] - v[0] for v in by_pair.values() if level in v and 0 in v]
                change = mean_interval(np.array(diffs))
            marginal = _estimate(table, name, ok & (row_level == level))
            out.append(Sensitivity(path, json.loads(key), name, marginal, change))
    return out


def analyse(out_dir: Path) -> CampaignAnalysis:
    """Read a campaign folder's results and compute its statistics."""
    stored = read_campaign(out_dir)
    if not results_files(out_dir):
        raise CampaignError(
            f"{out_dir}: no results yet (run `bastion campaign ... --out {out_dir}`)"
        )
    table = read_results(out_dir)
    combos_meta = stored["combinations"]
    parameters = tuple(v["path"] for v in stored["definition"]["variations"])
    ok = table.column("error").is_null().to_numpy(zero_copy_only=False)
    combos = table.column("combination").to_numpy()
    per_combination = tuple(_combination_stats(table, c, combos, ok) for c in combos_meta)
    sensitivity = tuple(
        s for i, path in enumerate(parameters) for s in _sensitivity(table, combos_meta, i, path)
    )
    errors = table.filter(table.column("error").is_valid())
    columns = ["combination", "replication", "seed", "error"]
    failed = tuple(FailedRun(**row) for row in errors.select(columns).to_pylist())
    return CampaignAnalysis(
        stored["definition"]["scenario"]["id"], parameters, per_combination, sensitivity, failed
    )
