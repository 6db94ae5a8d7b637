"""The tracker's live tracks as a structure of arrays, so every step is vectorised over tracks.

``t`` is the time each state refers to; ``history`` holds the last N scans' hit (True) or miss,
newest in column 0, for M-of-N confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np


@dataclass(slots=True)
class TrackArrays:
    id: np.ndarray  # (N,) int64
    t: np.ndarray  # (N,) s, time of x and P
    x: np.ndarray  # (N, 6)
    P: np.ndarray  # (N, 6, 6)
    status: np.ndarray  # (N,) int8 TrackStatus
    hits: np.ndarray  # (N,) int32 detections associated so far
    misses: np.ndarray  # (N,) int32 consecutive misses
    last_update_t: np.ndarray  # (N,) s, time of the last associated detection
    history: np.ndarray  # (N, confirm_n) bool

    @classmethod
    def empty(cls, window: int) -> TrackArrays:
        return cls(
            id=np.empty(0, dtype=np.int64),
            t=np.empty(0),
            x=np.empty((0, 6)),
            P=np.empty((0, 6, 6)),
            status=np.empty(0, dtype=np.int8),
            hits=np.empty(0, dtype=np.int32),
            misses=np.empty(0, dtype=np.int32),
            last_update_t=np.empty(0),
            history=np.empty((0, window), dtype=bool),
        )

    def __len__(self) -> int:
        return int(self.id.shape[0])

    def select(self, index: np.ndarray) -> TrackArrays:
        """The tracks picked by a boolean mask or index array, in that order."""
        return TrackArrays(*(getattr(self, f.name)[index] for f in fields(self)))

    def concat(self, other: TrackArrays) -> TrackArrays:
        """These tracks followed by ``other``'s."""
        return TrackArrays(
            *(np.concatenate([getattr(self, f.name), getattr(other, f.name)]) for f in fields(self))
        )
