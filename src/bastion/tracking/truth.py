"""Which true object each track follows, for scoring only: no tracking decision reads this.

Keeps a count per (track id, truth id) of the position detections (radar plots) associated
with the track, as sorted sparse rows, so bookkeeping stays vectorised however many tracks
there are. Bearings do not count: a bearing is a ray of unknown range, and another object's
bearing along it lands on the track by chance (an RF detector's bearings of a drone on a
clutter track along the same azimuth made that track the drone's).
"""

from __future__ import annotations

import numpy as np


class TruthTally:
    def __init__(self) -> None:
        self._track = np.empty(0, dtype=np.int64)
        self._truth = np.empty(0, dtype=np.int64)
        self._count = np.empty(0, dtype=np.int64)

    def copy(self) -> TruthTally:
        other = TruthTally()
        other._track, other._truth, other._count = self._track, self._truth, self._count
        return other  # the arrays are never changed in place, only replaced

    def add(self, track_id: np.ndarray, truth_id: np.ndarray) -> None:
        """Count one detection of ``truth_id[k]`` (-1 = false alarm) for track ``track_id[k]``."""
        if len(track_id) == 0:
            return
        track = np.concatenate([self._track, track_id])
        truth = np.concatenate([self._truth, truth_id])
        count = np.concatenate([self._count, np.ones(len(track_id), dtype=np.int64)])
        order = np.lexsort((truth, track))
        track, truth, count = track[order], truth[order], count[order]
        start = np.ones(track.size, dtype=bool)
        start[1:] = (track[1:] != track[:-1]) | (truth[1:] != truth[:-1])
        first = np.flatnonzero(start)
        self._track, self._truth = track[first], truth[first]
        self._count = np.add.reduceat(count, first) if first.size else count

    def keep(self, track_id: np.ndarray) -> None:
        """Forget every track not in ``track_id``."""
        ids = np.append(np.sort(track_id), -1)  # the sentinel matches no track id (ids ≥ 1)
        live = ids[np.searchsorted(ids[:-1], self._track)] == self._track
        self._track, self._truth, self._count = (
            self._track[live],
            self._truth[live],
            self._count[live],
        )

    def majority(self, track_id: np.ndarray) -> np.ndarray:
        """Most frequent truth id per track (N,) (ties: the smaller id; -1 where none)."""
        order = np.lexsort((self._truth, -self._count, self._track))
        track, truth = self._track[order], self._truth[order]
        first = np.ones(track.size, dtype=bool)
        first[1:] = track[1:] != track[:-1]
        track, truth = np.append(track[first], -1), np.append(truth[first], -1)
        pos = np.searchsorted(track[:-1], track_id)  # == len(track) - 1 (the sentinel) if absent
        return np.where(track[pos] == track_id, truth[pos], -1)
