"""Drones under the defence's own electronic-warfare control, as the defence knows them.

A GNSS takeover that succeeds is reported by the spoofer: from then on the defence steers the
drone to the landing area it chose, and the EW operator sees it obey. Such a drone is no threat
to engage. Shooting it down, or jamming it again, would only undo what the takeover is for: a
drone brought down intact where nothing is harmed. So the engagement manager keeps, per drone
taken over, the landing point and the tracks that are that drone, and the rules of engagement
leave those tracks alone while the control holds (:func:`bastion.assign.roe.engageable`).

Only what the defence sees is used: the takeover report, the landing point it steers to and the
track table. A track flies as steered when it is within :data:`LANDING_CIRCLE_M` of the landing
point (circling down to land) or its course is within :data:`MAX_COURSE_OFFSET_DEG` of the
bearing to that point; the first :data:`TURN_GRACE_S` after the takeover are allowed for the turn
onto the new course. A held track that flies otherwise for :data:`LOSS_AFTER_S` is no longer
taken for the drone (the tracker may have moved it onto another object, or control was lost): it
is released, engageable again, with a ``control_lost`` event. A coasting track (no detection in
its last scans) is not judged: its course is the tracker's extrapolation, not the drone's, and
the track of a drone that has landed coasts away from the landing area until it is deleted.

A track lost and found again has a new id, and a drone may gain a second track; the defence
knows where it is steering the drone, and takes a new track for it (a ``controlled`` event) where
nothing else is likely, once the track is established (the doctrine's ``min_hits_to_engage``: a
young track's height and course are too rough to tell, and it is not engaged before anyway):

- over the landing area, where drones taken over circle down to land, for
  :data:`LANDING_WAIT_S` after one was last seen there: an established track within the landing
  circle and below :data:`LANDING_ALTITUDE_M` (attackers pass over landing areas on their
  approach, at their cruising height);
- on its way there, while it has no track: the drone is dead-reckoned from its last track
  straight to the landing point at its last ground speed, until it would have arrived (plus
  :data:`REACQUIRE_MARGIN_S`); the one established track within :data:`REACQUIRE_RADIUS_M` of that
  point, flying as steered and born after the drone's own track was lost (a track that was there
  alongside it is another object: in a raid, its neighbour flying the same way). Where two could
  be, neither is taken: engaging a drone the defence holds wastes a shot, while leaving an
  attacker alone could let it through.

A drone no longer looked for, with no track, is forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bastion.types import EventRow, TrackStatus, TrackTable

#: Within this of its landing point, a held drone may fly any course (circling down), m.
LANDING_CIRCLE_M = 1000.0
#: Farther out, its course is within this of the bearing to the landing point, degrees.
MAX_COURSE_OFFSET_DEG = 60.0
#: Time allowed after the takeover for the turn onto the new course (and the track's velocity to
#: follow it), s.
TURN_GRACE_S = 30.0
#: A held track flying otherwise for this long is released, s (a glitch of the track's velocity
#: is not a loss of control).
LOSS_AFTER_S = 10.0
#: A new track this close to where a held drone is dead-reckoned to be may be that drone, m.
REACQUIRE_RADIUS_M = 500.0
#: A held drone lost on its way is looked for until this long after it would have arrived, s.
REACQUIRE_MARGIN_S = 30.0
#: A low track over a landing area is taken for a held drone circling down there until this long
#: after one was last seen there, s.
LANDING_WAIT_S = 180.0
#: Below this height over its landing area a track may be a held drone circling down, m (a drone
#: taken over glides down to the landing point; tracks' heights err by up to ~150 m).
LANDING_ALTITUDE_M = 150.0


def flying_as_steered(x: np.ndarray, landing_point: np.ndarray) -> np.ndarray:
    """For track states x (N, 6): within the landing circle, or on a course toward the point."""
    to = landing_point[:2] - x[:, :2]
    dist = np.linalg.norm(to, axis=1)
    speed = np.linalg.norm(x[:, 3:5], axis=1)
    closing = np.sum(x[:, 3:5] * to, axis=1)
    toward = closing >= np.cos(np.radians(MAX_COURSE_OFFSET_DEG)) * speed * dist
    return (dist <= LANDING_CIRCLE_M) | toward


@dataclass
class _Held:
    """One drone taken over: where it is steered, and its tracks."""

    effector_id: str
    landing: str  # the landing area's name
    point: np.ndarray  # (3,) its landing point
    since: float  # when the takeover was reported
    t: float  # when a track of it flying as steered was last seen
    x: np.ndarray  # (6,) that track's state then
    # Its tracks now -> since when each has flown otherwise (nan: as steered).
    tracks: dict[int, float] = field(default_factory=dict)
    # The other tracks there when it last had one: other objects, never taken for it.
    others: frozenset[int] = frozenset()

    def dead_reckoned(self, t: float) -> np.ndarray:
        """Where it is at t (2,), flown straight to the landing point at its last ground speed."""
        to = self.point[:2] - self.x[:2]
        dist = float(np.linalg.norm(to))
        step = min(float(np.linalg.norm(self.x[3:5])) * (t - self.t), dist)
        return self.x[:2] + to * (step / max(dist, 1e-9))

    def over_landing_area(self) -> bool:
        """Last seen within the landing circle: circling down to land."""
        return bool(np.linalg.norm(self.point[:2] - self.x[:2]) <= LANDING_CIRCLE_M)

    def sought_until(self) -> float:
        """Until when a new track may be taken for it (module docstring)."""
        if self.over_landing_area():
            return self.t + LANDING_WAIT_S
        dist = float(np.linalg.norm(self.point[:2] - self.x[:2]))
        speed = max(float(np.linalg.norm(self.x[3:5])), 1.0)
        return self.t + dist / speed + REACQUIRE_MARGIN_S

    def candidates(self, tracks: TrackTable, free: np.ndarray) -> tuple[np.ndarray, str]:
        """Rows of the free tracks to take for it now, and why (module docstring)."""
        x = tracks.x
        if self.over_landing_area():
            low = np.linalg.norm(x[:, :2] - self.point[:2], axis=1) <= LANDING_CIRCLE_M
            low &= x[:, 2] <= LANDING_ALTITUDE_M
            why = f"a low track over {self.landing}, where drones taken over circle down"
            return np.flatnonzero(free & low), why
        if self.tracks:
            return np.empty(0, dtype=np.intp), ""
        near = np.linalg.norm(x[:, :2] - self.dead_reckoned(tracks.t), axis=1)
        born = ~np.isin(tracks.track_id, np.fromiter(self.others, dtype=np.int64))
        found = np.flatnonzero(
            free & born & (near <= REACQUIRE_RADIUS_M) & flying_as_steered(x, self.point)
        )
        if found.size != 1:
            return np.empty(0, dtype=np.intp), ""
        why = (
            f"the one new track flying as steered to {self.landing}, "
            f"{near[found[0]]:.0f} m from where it was expected"
        )
        return found, why


class ControlledDrones:
    """The drones the defence holds under electronic-warfare control and the tracks of each."""

    def __init__(self, min_hits: int) -> None:
        """``min_hits``: detections a track needs before it may be taken for a held drone."""
        self.min_hits = min_hits
        self._held: list[_Held] = []

    def track_ids(self) -> frozenset[int]:
        """Tracks taken for a drone the defence holds: not to be engaged."""
        return frozenset(tid for h in self._held for tid in h.tracks)

    def take(
        self,
        track_id: int,
        t: float,
        x: np.ndarray,
        effector_id: str,
        landing: str,
        landing_point: np.ndarray,
    ) -> None:
        """A takeover of the drone on ``track_id`` (state x (6,) at t) was reported: it is now
        steered to ``landing`` at ``landing_point`` (3,)."""
        for h in self._held:
            h.tracks.pop(track_id, None)
        point = np.asarray(landing_point, dtype=float)
        state = np.array(x, dtype=float)
        self._held.append(_Held(effector_id, landing, point, t, t, state, {track_id: np.nan}))

    def update(self, tracks: TrackTable) -> list[EventRow]:
        """Follow the held drones on this tick's tracks: keep the tracks flying as steered, release
        those that have not for LOSS_AFTER_S, forget drones no longer looked for, and take up new
        tracks of them (module docstring). Events for every track released or taken up."""
        t = tracks.t
        ids = tracks.track_id.tolist()
        row = {tid: r for r, tid in enumerate(ids)}
        events: list[EventRow] = []
        for h in self._held:
            events += self._follow(h, tracks, row)
            if h.tracks:
                h.others = frozenset(ids) - h.tracks.keys()
        self._held = [h for h in self._held if h.tracks or t <= h.sought_until()]
        held = np.fromiter(self.track_ids(), dtype=np.int64)
        free = (
            ~np.isin(tracks.track_id, held)
            & (tracks.status == TrackStatus.CONFIRMED)
            & (tracks.hits >= self.min_hits)
        )
        for h in self._held:
            found, why = h.candidates(tracks, free)
            for r in found.tolist():
                h.tracks[ids[r]] = np.nan
                free[r] = False
                detail = f"taken for the drone held since t={h.since:.0f} s: {why}"
                events.append(_event("controlled", h, tracks, r, detail))
        return events

    @staticmethod
    def _follow(h: _Held, tracks: TrackTable, row: dict[int, int]) -> list[EventRow]:
        """Keep, release or drop (lost by the tracker) each of h's tracks; h's last state."""
        t = tracks.t
        events: list[EventRow] = []
        for tid in list(h.tracks):
            r = row.get(tid)
            if r is None:
                del h.tracks[tid]
                continue
            if tracks.misses[r] > 0:  # coasting: its course is the tracker's, not the drone's
                continue
            if t < h.since + TURN_GRACE_S or flying_as_steered(tracks.x[r : r + 1], h.point)[0]:
                h.tracks[tid] = np.nan
                h.t, h.x = t, np.array(tracks.x[r])
                continue
            if np.isnan(h.tracks[tid]):
                h.tracks[tid] = t
            if t - h.tracks[tid] >= LOSS_AFTER_S:
                del h.tracks[tid]
                events.append(
                    _event(
                        "control_lost",
                        h,
                        tracks,
                        r,
                        f"no longer flies as steered to {h.landing} (for {LOSS_AFTER_S:.0f} s): "
                        "not taken for the drone held since "
                        f"t={h.since:.0f} s any more, engageable again",
                    )
                )
        return events


def _event(kind: str, h: _Held, tracks: TrackTable, r: int, detail: str) -> EventRow:
    x = tracks.x[r]
    return EventRow(
        kind=kind,
        pos=(float(x[0]), float(x[1]), float(x[2])),
        effector_id=h.effector_id,
        track_id=int(tracks.track_id[r]),
        detail=detail,
    )
