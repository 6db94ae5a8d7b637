"""The run summary, computed from the event log alone (so a replay reproduces it exactly).

Definitions:
- launched: drones that took off. detected: drones with at least one detection. tracked: drones
  followed by at least one confirmed track. engaged: drones at which a shot was fired.
- destroyed: drones killed by a missile or gun. ew_defeated: drones brought down by electronic
  warfare: taken over and landed (``ew_landed``: payload did not go off; ``ew_crashed``: it did),
  or GNSS-denied drones that released their payload off target.
- leakers: drones that released their payload over their target.
- asset_damage: impacts that damaged a defended asset (``asset_damage_value``: value lost).
- debris_in_no_debris_zones: impacts (wreckage, landings, payloads) inside a no-debris zone.
- false_tracks: confirmed tracks built from false alarms.
- kills_by_effector: drones each effector killed (hard kills); munitions_per_kill: munitions it
  spent per such kill (None without a kill). engagements_per_defeat: shots (launch events) at
  drones per drone destroyed or defeated by electronic warfare. cost_usd: the launches' recorded
  costs (a salvo costs its missiles); cost_per_defeat_usd: cost_usd per drone so defeated.
- first-detection range: distance from the detecting sensor at a drone's first detection.
- gospa_mean: GOSPA (c = 100 m, p = 2, alpha = 2, ENU positions) between the confirmed tracks
  and the flying objects (all kinds), averaged over the ticks (:mod:`bastion.tracking.metrics`).
- classification: per confirmed track, truth against believed class (confusion matrix with
  unknown, per-class precision and recall), drone recall, bird-as-drone rate and time to a
  confident class (:mod:`bastion.classify.scoring`), at the scenario's doctrine thresholds,
  over the rows whose object flew of its own accord (not yet down, not being landed by the
  defence).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from bastion.classify.declaration import declaration_rule
from bastion.classify.scoring import NO_OBJECT, class_scores
from bastion.record.columns import belief_rows, match_rows, read_columns
from bastion.record.eventlog import EventLog
from bastion.scenario.schema import Doctrine
from bastion.tracking.metrics import gospa
from bastion.types import NavMode, ObjectKind, ObjectStatus, TrackStatus


def _col(table: pa.Table, name: str) -> np.ndarray:
    if table.num_rows == 0:
        return np.zeros(0)
    return table.column(name).to_numpy(zero_copy_only=False)


def _rows(table: pa.Table, name: str) -> np.ndarray:
    """A fixed-size-list column as a 2-D array (rows, width), without a per-row Python pass."""
    if table.num_rows == 0:
        return np.zeros((0, 1))
    column = table.column(name).combine_chunks()
    return column.flatten().to_numpy().reshape(table.num_rows, column.type.list_size)


def _final_truth(truth: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """Kind and last status of every object, indexed by object id."""
    ids = _col(truth, "object_id").astype(np.int64)
    n = int(ids.max()) + 1 if ids.size else 0
    kind = np.zeros(n, dtype=np.int64)
    status = np.zeros(n, dtype=np.int64)
    # Rows are in time order, so the last write per id is its final state.
    kind[ids] = _col(truth, "kind")
    status[ids] = _col(truth, "status")
    return kind, status


def _gospa_mean(log: EventLog) -> float | None:
    """Mean over ticks of GOSPA between confirmed tracks and flying objects (None: no ticks)."""
    truth = log.table("truth", ["t", "status", "pos"])
    tracks = log.table("tracks", ["t", "status", "x"])
    if truth.num_rows == 0:
        return None
    flying = _col(truth, "status") == ObjectStatus.FLYING
    t_truth, truth_pos = _col(truth, "t")[flying], _rows(truth, "pos")[flying]
    confirmed = _col(tracks, "status") == TrackStatus.CONFIRMED
    t_track, track_pos = _col(tracks, "t")[confirmed], _rows(tracks, "x")[confirmed, :3]
    ticks = np.unique(_col(truth, "t"))
    # Rows are in time order: each tick's rows are one contiguous slice.
    a0, a1 = np.searchsorted(t_truth, ticks), np.searchsorted(t_truth, ticks, side="right")
    b0, b1 = np.searchsorted(t_track, ticks), np.searchsorted(t_track, ticks, side="right")
    values = [
        gospa(truth_pos[i:j], track_pos[k:m], c=100.0, p=2.0, alpha=2.0).total
        for i, j, k, m in zip(a0, a1, b0, b1, strict=True)
    ]
    return float(np.mean(values))


def _on_its_own(log: EventLog, t: np.ndarray, truth_id: np.ndarray) -> np.ndarray:
    """Whether each track row's object (truth_id, -1: none) flies of its own accord at t:
    still flying and not steered by the defence (a spoofed drone flies the path to the landing
    area the defence chose). A row without an object is its own false alarm: True."""
    truth = read_columns(log, "truth", ["t", "object_id", "status", "nav_mode"])
    match = match_rows(t, truth_id, truth["t"], truth["object_id"])
    found = match >= 0
    own = np.ones(t.size, dtype=bool)
    at = match[found]
    own[found] = (truth["status"][at] == ObjectStatus.FLYING) & (
        truth["nav_mode"][at] != NavMode.SPOOFED
    )
    return own


def _classification(log: EventLog, kind: np.ndarray) -> dict[str, Any]:
    """Class-belief scores of the confirmed tracks (:mod:`bastion.classify.scoring`), over the
    rows whose object flew of its own accord (:func:`_on_its_own`): a track coasting on after
    its drone came down, or following a drone the defence is landing, says nothing of how
    well the drone was told apart (such a drone flies low and slow, as a bird does)."""
    tracks = read_columns(log, "tracks", ["t", "track_id", "status", "truth_id"])
    beliefs = read_columns(log, "beliefs", ["t", "track_id", "p", "declared_drone"])
    p = belief_rows(tracks, beliefs)
    declared = belief_rows(tracks, beliefs, "declared_drone")
    truth_id = tracks["truth_id"].astype(np.int64)
    truth = np.where(truth_id >= 0, kind[np.maximum(truth_id, 0)], NO_OBJECT)
    doctrine = Doctrine.model_validate(log.meta.get("scenario_definition", {}).get("doctrine", {}))
    scores = class_scores(
        tracks["t"],
        tracks["track_id"].astype(np.int64),
        (tracks["status"] == TrackStatus.CONFIRMED) & _on_its_own(log, tracks["t"], truth_id),
        truth,
        p,
        truth_id,
        declared,
        unknown_below=doctrine.unknown_below,
    )
    scores.update(declaration_rule(doctrine))
    return scores


def summarize(log: EventLog) -> dict[str, Any]:
    meta = log.meta
    truth = log.table("truth", ["object_id", "kind", "status"])
    kind, status = _final_truth(truth)
    drones = np.flatnonzero(kind == ObjectKind.DRONE)
    launched_ids = np.unique(
        _col(truth, "object_id")[
            (_col(truth, "kind") == ObjectKind.DRONE)
            & (_col(truth, "status") != ObjectStatus.PENDING)
        ]
    ).astype(np.int64)

    det = log.table("detections", ["truth_id", "z"])
    det_truth = _col(det, "truth_id").astype(np.int64)
    is_drone = np.isin(det_truth, drones)
    first_range: list[float] = []
    ranged = is_drone & np.isfinite(_rows(det, "z")[:, 0])  # bearing-only sensors: no range
    if ranged.any():
        ranges = _rows(det, "z")[ranged, 0]
        ids = det_truth[ranged]
        _, first = np.unique(ids, return_index=True)  # detections are in time order
        first_range = ranges[first].tolist()
    detected = np.unique(det_truth[is_drone])

    tracks = log.table("tracks", ["track_id", "status", "truth_id"])
    confirmed = _col(tracks, "status") == TrackStatus.CONFIRMED
    trk_truth = _col(tracks, "truth_id").astype(np.int64)
    tracked = np.unique(trk_truth[confirmed & np.isin(trk_truth, drones)])
    false_tracks = np.unique(_col(tracks, "track_id")[confirmed & (trk_truth < 0)])

    ev = log.table("events")
    ev_kind = _col(ev, "kind").astype(str)
    ev_obj = _col(ev, "object_id").astype(np.int64)
    ev_eff = _col(ev, "effector_id").astype(str)
    launches = ev_kind == "launch"
    kills = (ev_kind == "kill") & np.isin(ev_obj, drones)
    event_cost = _col(ev, "cost_usd").astype(float)
    munitions: dict[str, int] = {}
    kills_by_effector: dict[str, int] = {}
    munitions_per_kill: dict[str, float | None] = {}
    cost_usd = 0.0
    for eff in meta.get("effectors", {}):
        mine = launches & (ev_eff == eff)
        munitions[eff] = int(_col(ev, "munitions")[mine].sum())
        kills_by_effector[eff] = int(np.count_nonzero(kills & (ev_eff == eff)))
        munitions_per_kill[eff] = (
            munitions[eff] / kills_by_effector[eff] if kills_by_effector[eff] else None
        )
        cost_usd += float(event_cost[mine].sum())
    engaged = np.unique(ev_obj[launches & np.isin(ev_obj, drones)])
    impacts = ev_kind == "impact"
    damage = _col(ev, "asset_damage").astype(float)
    in_zone = _col(ev, "in_no_debris_zone").astype(bool)
    detonated = np.array(
        ["payload detonated" in d for d in _col(ev, "detail").astype(str)], dtype=bool
    )
    landed_ids = drones[status[drones] == ObjectStatus.LANDED]
    landed_detonated = np.unique(ev_obj[impacts & detonated & np.isin(ev_obj, landed_ids)])
    crashed = drones[status[drones] == ObjectStatus.CRASHED]
    ew_crashed = len(landed_detonated) + len(crashed)
    ew_landed = len(landed_ids) - len(landed_detonated)
    destroyed = int(np.count_nonzero(status[drones] == ObjectStatus.DESTROYED))
    defeated = destroyed + ew_landed + ew_crashed
    engagements = int(np.count_nonzero(launches & np.isin(ev_obj, drones)))

    summary: dict[str, Any] = {
        "scenario": meta.get("scenario"),
        "scenario_version": meta.get("scenario_version"),
        "seed": meta.get("seed"),
        "duration_s": meta.get("duration_s"),
        "launched": len(launched_ids),
        "detected": len(detected),
        "first_detection_range_m": {
            "mean": float(np.mean(first_range)) if first_range else None,
            "min": float(np.min(first_range)) if first_range else None,
            "max": float(np.max(first_range)) if first_range else None,
        },
        "tracked": len(tracked),
        "engaged": len(engaged),
        "destroyed": destroyed,
        "ew_defeated": ew_landed + ew_crashed,
        "ew_landed": ew_landed,
        "ew_crashed": ew_crashed,
        "leakers": int(np.count_nonzero(status[drones] == ObjectStatus.REACHED)),
        "still_flying": int(np.count_nonzero(status[drones] == ObjectStatus.FLYING)),
        "munitions": munitions,
        "kills_by_effector": kills_by_effector,
        "munitions_per_kill": munitions_per_kill,
        "engagements_per_defeat": engagements / defeated if defeated else None,
        "cost_usd": cost_usd,
        "cost_per_defeat_usd": cost_usd / defeated if defeated else None,
        "asset_damage": int(np.count_nonzero(impacts & (damage > 0))),
        "asset_damage_value": float(damage[impacts].sum()),
        "debris_in_no_debris_zones": int(np.count_nonzero(impacts & in_zone)),
        "false_tracks": len(false_tracks),
        "gospa_mean": _gospa_mean(log),
        "classification": _classification(log, kind),
        "wall_s": meta.get("wall_s"),
    }
    return summary
