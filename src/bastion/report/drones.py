"""Each drone's story, from the log: where it came from, when the defence first saw it, confirmed
a track on it and classed it as a drone, every engagement and outcome, and how it ended.

"Classed as a drone" is the first tick at which a confirmed track on it had ``drone`` as its
most probable class. Raids are attributed by the nearest launch area to the first position at
which the drone flew.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.record.columns import belief_rows
from bastion.record.fates import Fate, drone_fates
from bastion.report.data import RunData
from bastion.types import CLASSES, TrackStatus

_DRONE_CLASS = CLASSES.index("drone")


@dataclass(frozen=True, slots=True)
class Detection:
    t: float
    sensor_id: str
    range_m: float


@dataclass(frozen=True, slots=True)
class Happening:
    """One event of a drone's story."""

    t: float
    kind: str
    effector_id: str
    track_id: int
    pos: tuple[float, float, float]
    in_no_debris_zone: bool
    detail: str


@dataclass(frozen=True, slots=True)
class DroneStory:
    object_id: int
    raid: str
    launch_t: float
    first_detection: Detection | None
    confirmed_t: float | None
    classified_t: float | None
    engagements: tuple[Happening, ...]  # every event about it but its impact, in time order
    impact: Happening | None
    fate: Fate
    end_t: float | None  # when it came down, reached its target or left (None: still flying)

    @property
    def shots(self) -> dict[str, int]:
        """Shots fired at it per effector."""
        out: dict[str, int] = {}
        for h in self.engagements:
            if h.kind == "launch":
                out[h.effector_id] = out.get(h.effector_id, 0) + 1
        return out


def _first_t_by_object(ids: np.ndarray, t: np.ndarray) -> dict[int, float]:
    """Earliest t per id for rows in time order."""
    uniq, first = np.unique(ids.astype(np.int64), return_index=True)
    return {int(i): float(t[k]) for i, k in zip(uniq, first, strict=True) if i >= 0}


def _happening(run: RunData, k: int) -> Happening:
    ev = run.events
    return Happening(
        t=float(ev["t"][k]),
        kind=str(ev["kind"][k]),
        effector_id=str(ev["effector_id"][k]),
        track_id=int(ev["track_id"][k]),
        pos=tuple(float(v) for v in ev["pos"][k]),  # type: ignore[arg-type]
        in_no_debris_zone=bool(ev["in_no_debris_zone"][k]),
        detail=str(ev["detail"][k]),
    )


def drone_stories(run: RunData) -> list[DroneStory]:
    """The story of every drone that took off, in launch order."""
    objects = run.objects
    drones = objects.drones
    det = run.detections
    det_ids = det["truth_id"].astype(np.int64)
    uniq, first = np.unique(det_ids, return_index=True)
    first_det = {
        int(i): Detection(
            float(det["t"][k]), str(det["sensor_id"][k]), float(run.detection_range_m[k])
        )
        for i, k in zip(uniq, first, strict=True)
        if i >= 0
    }
    trk = run.tracks
    confirmed = trk["status"] == TrackStatus.CONFIRMED
    confirmed_t = _first_t_by_object(trk["truth_id"][confirmed], trk["t"][confirmed])
    p = belief_rows(trk, run.beliefs)
    as_drone = confirmed & (np.nan_to_num(p).argmax(axis=1) == _DRONE_CLASS) & ~np.isnan(p[:, 0])
    classified_t = _first_t_by_object(trk["truth_id"][as_drone], trk["t"][as_drone])
    launch_areas = np.array([run.site.to_enu(r.launch_area)[:2] for r in run.scenario.raids])
    fates = drone_fates(objects.status[drones], objects.payload_detonated[drones])
    ev_obj = run.events["object_id"].astype(np.int64)
    stories = []
    for d, fate in zip(drones, fates, strict=True):
        rows = np.flatnonzero(ev_obj == d)
        engagements = tuple(_happening(run, k) for k in rows if run.events["kind"][k] != "impact")
        impacts = [_happening(run, k) for k in rows if run.events["kind"][k] == "impact"]
        raid = int(np.argmin(np.linalg.norm(launch_areas - objects.launch_pos[d, :2], axis=1)))
        stories.append(
            DroneStory(
                object_id=int(d),
                raid=run.scenario.raids[raid].name,
                launch_t=float(objects.first_flying_t[d]),
                first_detection=first_det.get(int(d)),
                confirmed_t=confirmed_t.get(int(d)),
                classified_t=classified_t.get(int(d)),
                engagements=engagements,
                impact=impacts[0] if impacts else None,
                fate=fate,
                end_t=None if np.isnan(objects.end_t[d]) else float(objects.end_t[d]),
            )
        )
    return stories
