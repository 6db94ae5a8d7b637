"""Track life cycle: tentative -> confirmed (coasting while it misses) -> deleted.

A scan is one batch whose covered region (``DetectionBatch.covers``) held the track: a sensor
that did not look at a track has not missed it. Only sensors that measure a 3-D position
(radars) log hits and misses; bearing-only sensors refine tracks without voting on them.

Every track keeps a score, its log-likelihood ratio of "target" against "false alarms"
(Blackman and Popoli, 1999, §6.2), started at 0 (even odds) and moved each scan by

    hit:   ΔL = ln(P_D N(ν; 0, S) / λ)      miss:  ΔL = ln(1 − P_D)

with λ the clutter density in the measurement space (JPDA uses the marginal
ln(1 − P_D P_G + Σ_j P_D N(ν_j; 0, S_j) / λ) over its gated detections). The score is capped
at ``SCORE_CAP`` so that an old track still answers to a few misses; track quality is the
probability the score stands for, q = 1 / (1 + e^(−L)).

Two confirmation rules:

- :class:`MofNRule`: confirmed once it has M hits within its last N scans (its birth detection
  counts as one); a confirmed track is deleted after ``delete_after_misses`` consecutive
  misses, a tentative one after two (or ``delete_after_misses`` if smaller): a real target with
  Pd ≈ 0.9 misses twice in a row about 1 time in 100, while a track born from a false alarm
  usually finds nothing in its gate; dropping it early keeps clutter tracks from lingering.
- :class:`ScoreRule`: the sequential probability ratio test on L: confirmed once
  L ≥ ``confirm`` (= ln((1 − β)/α) for false-confirmation probability α and missed-confirmation
  probability β); deleted once L falls ``delete_drop`` below its peak (tentative tracks:
  ``tentative_drop``, counted from max(peak, 0)).

Either way a track is also deleted when its horizontal position standard deviation (the
square root of the largest eigenvalue of its east-north covariance) exceeds
``max_position_sigma_m``: a track that has coasted that long no longer says where the target is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from bastion.tracking.tracks import TrackArrays
from bastion.types import TrackStatus

#: Consecutive misses after which a tentative track is deleted (M-of-N rule).
TENTATIVE_MAX_MISSES = 2

#: Upper bound on a track's score (log-likelihood ratio).
SCORE_CAP = 20.0


class ConfirmationRule(Protocol):
    window: int

    def due(self, tracks: TrackArrays) -> np.ndarray:
        """Which tracks (N,) bool meet the confirmation test now."""
        ...

    def alive(self, tracks: TrackArrays) -> np.ndarray:
        """Which tracks (N,) bool survive the rule's deletion test."""
        ...


def log_scan(tracks: TrackArrays, hit: np.ndarray, seen: np.ndarray, llr: np.ndarray) -> None:
    """Log a scan for the tracks the sensor ``seen`` (N,) bool (``hit`` implies seen), in place:
    hit history and counts, and the score moved by ``llr`` (N,); unseen tracks are unchanged."""
    shifted = np.concatenate([hit[:, None], tracks.history[:, :-1]], axis=1)
    tracks.history = np.where(seen[:, None], shifted, tracks.history)
    tracks.hits = tracks.hits + hit
    tracks.misses = np.where(hit, 0, tracks.misses + seen).astype(np.int32)
    tracks.score = np.minimum(tracks.score + np.where(seen, llr, 0.0), SCORE_CAP)
    tracks.score_peak = np.maximum(tracks.score_peak, tracks.score)


def confirm(tracks: TrackArrays, due: np.ndarray, t: float) -> None:
    """Confirm the tracks ``due`` (N,) bool that are not yet confirmed, in place (sticky)."""
    new = due & (tracks.status != TrackStatus.CONFIRMED)
    if not new.any():
        return
    tracks.status = np.where(new, np.int8(TrackStatus.CONFIRMED), tracks.status)
    tracks.confirmed_t = np.where(new, t, tracks.confirmed_t)


def position_sigma_ok(P: np.ndarray, max_sigma_m: float) -> np.ndarray:
    """Horizontal position std (largest eigenvalue of the E-N block) within bounds (N,) bool.

    λmax of [[a, b], [b, c]] is (a + c)/2 + √(((a − c)/2)² + b²)."""
    a, b, c = P[:, 0, 0], P[:, 0, 1], P[:, 1, 1]
    lam = 0.5 * (a + c) + np.sqrt(0.25 * (a - c) ** 2 + b**2)
    return lam <= max_sigma_m**2


def quality(score: np.ndarray) -> np.ndarray:
    """Track quality in [0, 1]: the probability that the score's log-odds stand for."""
    return 1.0 / (1.0 + np.exp(-score))


def born_history(count: int, window: int) -> np.ndarray:
    """Hit history (count, window) of tracks just started from one detection."""
    history = np.zeros((count, window), dtype=bool)
    history[:, 0] = True
    return history


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

    @property
    def window(self) -> int:
        return self.confirm_n

    def due(self, tracks: TrackArrays) -> np.ndarray:
        return tracks.history.sum(axis=1) >= self.confirm_m

    def alive(self, tracks: TrackArrays) -> np.ndarray:
        limit = np.where(
            tracks.status == TrackStatus.CONFIRMED,
            self.delete_after_misses,
            min(TENTATIVE_MAX_MISSES, self.delete_after_misses),
        )
        return tracks.misses < limit


@dataclass(frozen=True, slots=True)
class ScoreRule:
    confirm_llr: float
    delete_drop: float
    tentative_drop: float
    window: int = 1

    def due(self, tracks: TrackArrays) -> np.ndarray:
        return tracks.score >= self.confirm_llr

    def alive(self, tracks: TrackArrays) -> np.ndarray:
        confirmed = tracks.status == TrackStatus.CONFIRMED
        floor = np.where(
            confirmed,
            tracks.score_peak - self.delete_drop,
            np.maximum(tracks.score_peak, 0.0) - self.tentative_drop,
        )
        return tracks.score > floor
