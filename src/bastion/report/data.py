"""What the report reads from a run folder, loaded once: the log's columns, the scenario as run
(from meta.json, for the site's geometry and names) and the summary.

Nothing here comes from the engine: a report can be written for any run folder, long after the
run, by a Bastion that never ran it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from bastion.errors import EventLogError
from bastion.record.columns import OUTCOME_EVENT_COLUMNS, Columns, match_rows, read_columns
from bastion.record.eventlog import EventLog
from bastion.record.fates import detonated
from bastion.scenario.loader import parse_scenario
from bastion.scenario.schema import Scenario
from bastion.scenario.site import Site, build_site
from bastion.summary import summarize
from bastion.types import ObjectKind, ObjectStatus

REPORT_COLUMNS = {
    "truth": ["t", "object_id", "kind", "status", "pos"],
    "detections": ["t", "sensor_id", "sensor_pos", "truth_id"],
    "tracks": ["t", "track_id", "x", "status", "truth_id"],
    "beliefs": ["t", "track_id", "p"],
    "assignments": ["t", "track_id", "effector_id", "intercept_pos", "p_kill"],
    "events": OUTCOME_EVENT_COLUMNS,
}


@dataclass(frozen=True, slots=True)
class Objects:
    """Every true object, indexed by object id: kind, last status, when it took off and when it
    came down (or reached its target, or left), and whether an impact set its payload off."""

    kind: np.ndarray  # (N,) ObjectKind
    status: np.ndarray  # (N,) last ObjectStatus
    first_flying_t: np.ndarray  # (N,) s, nan if it never flew
    end_t: np.ndarray  # (N,) s, first time it was no longer flying, nan if it never ended
    launch_pos: np.ndarray  # (N, 3) first flying position, nan if it never flew
    payload_detonated: np.ndarray  # (N,) bool

    @property
    def drones(self) -> np.ndarray:
        """Ids of the drones that took off, in launch order."""
        ids = np.flatnonzero((self.kind == ObjectKind.DRONE) & np.isfinite(self.first_flying_t))
        return ids[np.argsort(self.first_flying_t[ids], kind="stable")]


@dataclass(frozen=True, slots=True)
class RunData:
    """A run folder, read for the report."""

    log: EventLog
    scenario: Scenario
    site: Site
    summary: dict[str, Any]
    truth: Columns
    detections: Columns
    tracks: Columns
    beliefs: Columns
    assignments: Columns
    events: Columns
    objects: Objects
    detection_range_m: np.ndarray  # (D,) true sensor-to-object distance per detection, nan: false

    @property
    def meta(self) -> dict[str, Any]:
        return self.log.meta


def _objects(truth: Columns, events: Columns) -> Objects:
    ids = truth["object_id"].astype(np.int64)
    n = int(ids.max()) + 1 if ids.size else 0
    kind = np.zeros(n, dtype=np.int64)
    status = np.zeros(n, dtype=np.int64)
    kind[ids] = truth["kind"]  # rows are in time order: the last write is the final state
    status[ids] = truth["status"]
    flying = truth["status"] == ObjectStatus.FLYING
    first_t, end_t = np.full(n, np.nan), np.full(n, np.nan)
    launch_pos = np.full((n, 3), np.nan)
    first_rows = np.flatnonzero(flying)[np.unique(ids[flying], return_index=True)[1]]
    first_t[ids[first_rows]] = truth["t"][first_rows]
    launch_pos[ids[first_rows]] = truth["pos"][first_rows]
    ended = truth["status"] > ObjectStatus.FLYING
    end_rows = np.flatnonzero(ended)[np.unique(ids[ended], return_index=True)[1]]
    end_t[ids[end_rows]] = truth["t"][end_rows]
    obj = events["object_id"].astype(np.int64)
    went_off = (events["kind"] == "impact") & detonated(events["detail"]) & (obj >= 0)
    payload = np.zeros(n, dtype=bool)
    payload[obj[went_off]] = True
    return Objects(kind, status, first_t, end_t, launch_pos, payload)


def scenario_of(log: EventLog) -> Scenario:
    """The scenario as run, from meta.json's ``scenario_definition``."""
    definition = log.meta.get("scenario_definition")
    if definition is None:
        raise EventLogError(
            f"{log.run_dir / 'meta.json'}: no scenario_definition, so the site cannot be drawn "
            "(was this folder written by `bastion run`?)"
        )
    return parse_scenario(definition, f"{log.run_dir / 'meta.json'} scenario_definition")


def load_run(log: EventLog, summary: dict[str, Any] | None = None) -> RunData:
    """Read what the report needs; ``summary`` saves recomputing one the caller already has."""
    scenario = scenario_of(log)
    cols = {name: read_columns(log, name, names) for name, names in REPORT_COLUMNS.items()}
    return RunData(
        detection_range_m=detection_ranges(cols["detections"], cols["truth"]),
        log=log,
        scenario=scenario,
        site=build_site(scenario),
        summary=summary if summary is not None else summarize(log),
        objects=_objects(cols["truth"], cols["events"]),
        **cols,
    )


def detection_ranges(detections: Columns, truth: Columns) -> np.ndarray:
    """Distance from the detecting sensor to the true object of each detection (D,), nan for a
    false alarm. Every sensor has one, whether or not it measures range (bearing-only sensors
    do not), so first-detection ranges compare across sensor types."""
    at = match_rows(detections["t"], detections["truth_id"], truth["t"], truth["object_id"])
    out = np.full(at.size, np.nan)
    found = at >= 0
    out[found] = np.linalg.norm(truth["pos"][at[found]] - detections["sensor_pos"][found], axis=1)
    return out
