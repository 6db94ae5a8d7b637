"""The tracker's live tracks as a structure of arrays, so every step is vectorised over tracks.

Each track carries one Gaussian per motion model (r = 1 without an IMM): ``x`` (N, r, n),
``P`` (N, r, n, n) and model probabilities ``mu`` (N, r). ``t`` is the time the states refer
to; ``history`` holds the last N scans' hit (True) or miss, newest in column 0, for M-of-N
confirmation; ``score`` is the track's log-likelihood ratio (target against false alarm) and
``score_peak`` its running maximum; ``born_t`` and ``confirmed_t`` (NaN until confirmed) give
the time to confirm. ``pd_hits`` and ``pd_looks`` are the track's hits and looks since its
confirmation, up to its latest hit, older looks discounted, from which
:func:`bastion.tracking.management.detection_probability` estimates how often it is seen.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from bastion.tracking.kalman import moment_match


@dataclass(slots=True)
class TrackArrays:
    id: np.ndarray  # (N,) int64
    t: np.ndarray  # (N,) s, time of x and P
    x: np.ndarray  # (N, r, n)
    P: np.ndarray  # (N, r, n, n)
    mu: np.ndarray  # (N, r) model probabilities
    status: np.ndarray  # (N,) int8 TrackStatus
    hits: np.ndarray  # (N,) int32 detections associated so far
    misses: np.ndarray  # (N,) int32 consecutive misses
    last_update_t: np.ndarray  # (N,) s, time of the last associated detection
    history: np.ndarray  # (N, confirm_n) bool
    score: np.ndarray  # (N,) log-likelihood ratio
    score_peak: np.ndarray  # (N,)
    born_t: np.ndarray  # (N,) s
    confirmed_t: np.ndarray  # (N,) s, NaN while tentative
    pd_hits: np.ndarray  # (N,) discounted hits since confirmation, up to the latest hit
    pd_looks: np.ndarray  # (N,) discounted looks (scans that covered it), the same

    @classmethod
    def empty(cls, window: int, models: int, dim: int) -> TrackArrays:
        return cls(
            id=np.empty(0, dtype=np.int64),
            t=np.empty(0),
            x=np.empty((0, models, dim)),
            P=np.empty((0, models, dim, dim)),
            mu=np.empty((0, models)),
            status=np.empty(0, dtype=np.int8),
            hits=np.empty(0, dtype=np.int32),
            misses=np.empty(0, dtype=np.int32),
            last_update_t=np.empty(0),
            history=np.empty((0, window), dtype=bool),
            score=np.empty(0),
            score_peak=np.empty(0),
            born_t=np.empty(0),
            confirmed_t=np.empty(0),
            pd_hits=np.empty(0),
            pd_looks=np.empty(0),
        )

    def __len__(self) -> int:
        return int(self.id.shape[0])

    def select(self, index: np.ndarray) -> TrackArrays:
        """The tracks picked by a boolean mask or index array, in that order."""
        return TrackArrays(*(getattr(self, name)[index] for name in _FIELDS))

    def concat(self, other: TrackArrays) -> TrackArrays:
        """These tracks followed by ``other``'s."""
        return TrackArrays(
            *(np.concatenate([getattr(self, name), getattr(other, name)]) for name in _FIELDS)
        )

    def shallow_copy(self) -> TrackArrays:
        """A new record sharing these arrays (a step replaces arrays rather than editing the
        ones a copy holds)."""
        return TrackArrays(*(getattr(self, name) for name in _FIELDS))

    def combined(self) -> tuple[np.ndarray, np.ndarray]:
        """One Gaussian per track, x (N, n) and P (N, n, n), moment-matched over the models."""
        if self.x.shape[1] == 1:
            return self.x[:, 0], self.P[:, 0]
        return moment_match(self.mu, self.x, self.P)


_FIELDS = tuple(f.name for f in fields(TrackArrays))
