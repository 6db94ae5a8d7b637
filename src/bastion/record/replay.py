"""Replaying a run from its event log, one tick at a time, with the run's figures kept up to date.

:func:`frames` reads the log once, cuts every table into per-tick slices (rows are in time order)
and yields a :class:`Frame` per tick: that tick's rows and the running figures up to and
including it. The figures are accumulated tick by tick, independently of
:func:`bastion.summary.summarize`, and the last frame's figures equal the summary's: a replay
reproduces the run from the log alone. Nothing here sleeps or draws; the terminal view is
:mod:`bastion.record.replay_view`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from bastion.record.columns import OUTCOME_EVENT_COLUMNS, Columns, read_columns, tick_bounds
from bastion.record.eventlog import EventLog
from bastion.record.fates import detonated, fate_codes, fate_counts
from bastion.record.scoring import tick_gospa
from bastion.types import ObjectKind, ObjectStatus, TrackStatus

#: The columns a replay reads from each table.
REPLAY_COLUMNS = {
    "truth": ["t", "object_id", "kind", "status", "pos", "vel"],
    "detections": ["t", "truth_id", "z"],
    "tracks": ["t", "track_id", "x", "status", "truth_id"],
    "beliefs": ["t", "track_id", "p"],
    "threats": ["t", "track_id", "asset_index", "score", "time_to_go_s"],
    "assignments": ["t", "track_id", "effector_id", "p_kill"],
    "events": OUTCOME_EVENT_COLUMNS,
}


def clock_text(t: float) -> str:
    """Seconds since the scenario epoch as h:mm:ss."""
    s = round(t)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


@dataclass(frozen=True, slots=True)
class Frame:
    """One tick of a run: each table's rows at ``t`` and the figures up to and including ``t``."""

    t: float
    rows: dict[str, Columns]
    figures: dict[str, Any]


class RunningFigures:
    """The summary's figures, accumulated one tick at a time."""

    def __init__(self, n_objects: int, effectors: dict[str, dict[str, Any]]) -> None:
        self.effectors = effectors
        self.kind = np.full(n_objects, -1, dtype=np.int64)
        self.status = np.zeros(n_objects, dtype=np.int64)
        self.detected = np.zeros(n_objects, dtype=bool)
        self.first_range_m = np.full(n_objects, np.nan)
        self.tracked = np.zeros(n_objects, dtype=bool)
        self.engaged = np.zeros(n_objects, dtype=bool)
        self.payload_detonated = np.zeros(n_objects, dtype=bool)
        self.false_tracks: set[int] = set()
        self.munitions = dict.fromkeys(effectors, 0)
        self.shots = dict.fromkeys(effectors, 0)
        self.asset_damage = 0
        self.asset_damage_value = 0.0
        self.debris_in_no_debris_zones = 0
        self.gospa_sum = 0.0
        self.gospa_ticks = 0
        self.gospa_now: float | None = None

    def add(self, rows: dict[str, Columns]) -> None:
        """Fold one tick's rows into the figures."""
        truth = rows["truth"]
        ids = truth["object_id"].astype(np.int64)
        self.kind[ids] = truth["kind"]
        self.status[ids] = truth["status"]
        drone = self.kind == ObjectKind.DRONE

        det = rows["detections"]
        det_ids = det["truth_id"].astype(np.int64)
        seen = det_ids >= 0
        seen[seen] = drone[det_ids[seen]]
        new_ids, first = np.unique(det_ids[seen], return_index=True)
        new = ~self.detected[new_ids]
        self.first_range_m[new_ids[new]] = det["z"][seen][first[new], 0]
        self.detected[new_ids] = True

        trk = rows["tracks"]
        confirmed = trk["status"] == TrackStatus.CONFIRMED
        trk_truth = trk["truth_id"].astype(np.int64)
        on_object = confirmed & (trk_truth >= 0)
        self.tracked[trk_truth[on_object][drone[trk_truth[on_object]]]] = True
        self.false_tracks.update(trk["track_id"][confirmed & (trk_truth < 0)].tolist())

        ev = rows["events"]
        ev_obj = ev["object_id"].astype(np.int64)
        for k in np.flatnonzero(ev["kind"] == "launch"):
            eff = str(ev["effector_id"][k])
            self.shots[eff] += 1
            self.munitions[eff] += int(ev["munitions"][k])
            if ev_obj[k] >= 0 and drone[ev_obj[k]]:
                self.engaged[ev_obj[k]] = True
        impact = ev["kind"] == "impact"
        self.asset_damage += int(np.count_nonzero(impact & (ev["asset_damage"] > 0)))
        self.asset_damage_value += float(ev["asset_damage"][impact].sum())
        self.debris_in_no_debris_zones += int(
            np.count_nonzero(impact & ev["in_no_debris_zone"].astype(bool))
        )
        went_off = impact & detonated(ev["detail"]) & (ev_obj >= 0)
        self.payload_detonated[ev_obj[went_off]] = True

        score = tick_gospa(truth["status"], truth["pos"], trk["status"], trk["x"])
        self.gospa_now = score.total
        self.gospa_sum += score.total
        self.gospa_ticks += 1

    def figures(self) -> dict[str, Any]:
        """The figures so far, under the summary's keys."""
        drones = np.flatnonzero(self.kind == ObjectKind.DRONE)
        ranges = self.first_range_m[drones][self.detected[drones]]
        return {
            **fate_counts(fate_codes(self.status[drones], self.payload_detonated[drones])),
            "detected": int(np.count_nonzero(self.detected[drones])),
            "tracked": int(np.count_nonzero(self.tracked[drones])),
            "engaged": int(np.count_nonzero(self.engaged[drones])),
            "first_detection_range_m": {
                "mean": float(ranges.mean()) if ranges.size else None,
                "min": float(ranges.min()) if ranges.size else None,
                "max": float(ranges.max()) if ranges.size else None,
            },
            "false_tracks": len(self.false_tracks),
            "munitions": dict(self.munitions),
            "cost_usd": float(
                sum(info["cost_usd"] * self.shots[eff] for eff, info in self.effectors.items())
            ),
            "asset_damage": self.asset_damage,
            "asset_damage_value": self.asset_damage_value,
            "debris_in_no_debris_zones": self.debris_in_no_debris_zones,
            "gospa_mean": self.gospa_sum / self.gospa_ticks if self.gospa_ticks else None,
            "gospa_now": self.gospa_now,
            "objects_flying": int(np.count_nonzero(self.status == ObjectStatus.FLYING)),
        }


def frames(log: EventLog) -> Iterator[Frame]:
    """Every tick of the run, in time order, with the figures up to and including it."""
    tables = {name: read_columns(log, name, cols) for name, cols in REPLAY_COLUMNS.items()}
    ticks = np.unique(np.concatenate([cols["t"] for cols in tables.values()]))
    bounds = {name: tick_bounds(cols["t"], ticks) for name, cols in tables.items()}
    ids = tables["truth"]["object_id"]
    running = RunningFigures(int(ids.max()) + 1 if ids.size else 0, log.meta.get("effectors", {}))
    for k, t in enumerate(ticks):
        rows = {
            name: {c: v[bounds[name][0][k] : bounds[name][1][k]] for c, v in cols.items()}
            for name, cols in tables.items()
        }
        running.add(rows)
        yield Frame(t=float(t), rows=rows, figures=running.figures())
