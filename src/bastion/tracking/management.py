"""Track confirmation and deletion: M-of-N confirmation, deletion after consecutive misses.

A scan is one batch whose covered region (``DetectionBatch.covers``) held the track: a sensor
that did not look at a track has not missed it. A track is confirmed once it has M hits within
its last N scans (its birth detection counts as one), and stays confirmed. A confirmed track is
deleted after ``delete_after_misses`` consecutive misses. A tentative track is deleted after two
consecutive misses (or ``delete_after_misses`` if smaller): a real target with Pd ≈ 0.9 misses
twice in a row about 1 time in 100, while a track born from a false alarm usually finds nothing
in its gate; dropping it early keeps clutter tracks from lingering, competing for detections and
growing gates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.tracking.tracks import TrackArrays
from bastion.types import TrackStatus

#: Consecutive misses after which a tentative track is deleted.
TENTATIVE_MAX_MISSES = 2


@dataclass(frozen=True, slots=True)
class MofNRule:
    confirm_m: int
    confirm_n: int
    delete_after_misses: int

    def __post_init__(self) -> None:
        if self.confirm_m > self.confirm_n:
            raise ValueError(
                f"confirm_m={self.confirm_m} exceeds confirm_n={self.confirm_n}: "
                "no track could ever be confirmed"
            )

    def born(self, count: int) -> tuple[np.ndarray, np.ndarray]:
        """History (count, N) and status (count,) of tracks just started from one detection."""
        history = np.zeros((count, self.confirm_n), dtype=bool)
        history[:, 0] = True
        status = TrackStatus.CONFIRMED if self.confirm_m <= 1 else TrackStatus.TENTATIVE
        return history, np.full(count, status, dtype=np.int8)

    def record(self, tracks: TrackArrays, hit: np.ndarray, seen: np.ndarray) -> None:
        """Log a scan, hit or miss, for the tracks the sensor ``seen`` (N,) bool (``hit`` implies
        seen), in place, and confirm where due; unseen tracks are left as they were."""
        shifted = np.concatenate([hit[:, None], tracks.history[:, :-1]], axis=1)
        tracks.history = np.where(seen[:, None], shifted, tracks.history)
        tracks.hits = tracks.hits + hit
        tracks.misses = np.where(hit, 0, tracks.misses + seen).astype(np.int32)
        due = tracks.history.sum(axis=1) >= self.confirm_m
        tracks.status = np.where(due, np.int8(TrackStatus.CONFIRMED), tracks.status)

    def alive(self, tracks: TrackArrays) -> np.ndarray:
        """Which tracks survive (N,) bool."""
        limit = np.where(
            tracks.status == TrackStatus.CONFIRMED,
            self.delete_after_misses,
            min(TENTATIVE_MAX_MISSES, self.delete_after_misses),
        )
        return tracks.misses < limit
