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
  counts as one). A tentative track is deleted after two consecutive misses (or
  ``delete_after_misses`` if smaller): a real target with Pd ≈ 0.9 misses twice in a row about
  1 time in 100, while a track born from a false alarm usually finds nothing in its gate;
  dropping it early keeps clutter tracks from lingering. A confirmed track is deleted after
  ``delete_after_misses`` = D consecutive misses, or, once its score has passed the score
  rule's confirmation threshold (the sequential test too would call it a target), after the
  least k ≥ D misses that a target seen as often as this one would string together no more
  often than a target seen at the nominal P_D (``p_detection``) misses D times:

      (1 − P̂_D)^k ≤ (1 − P_D)^D

  with P̂_D the track's own detection probability since its confirmation
  (:func:`detection_probability`). A track seen at P_D or better goes after D misses, as before;
  a small drone far out seen one scan in three (P̂_D ≈ 0.3) after 26 (P_D = 0.9, D = 4:
  0.7^26 ≈ 0.1^4), unless its covariance bound (below) ends the coast first. A fixed D
  deleted such a target's track in about one gap of four scans in four (0.7⁴ ≈ 0.24) and
  started a new one when it reappeared (docs/tracking.md, "Detection gaps and manoeuvres").
  A track confirmed on clutter has a score that never passed the threshold (its plots fit
  clutter better than a target: each moved the score down), so it still goes after D misses.
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

#: Looks that a track's own P_D estimate remembers: each older look weighs 1 − 1/M of the next.
#: About 20 s of a 2 s search radar, short against the change of a small drone's P_D with range.
PD_MEMORY_LOOKS = 10.0


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
    hit history and counts, the detection counts of :func:`detection_probability`, and the
    score moved by ``llr`` (N,); unseen tracks are unchanged.

    The detection counts move only on a hit, by the k misses before it and the hit itself
    (with κ = 1 − 1/``PD_MEMORY_LOOKS``), so that a run of misses is judged against the rate
    at which the track was seen before it began (:func:`confirm` zeroes them):

        hits ← κ^(k+1) hits + 1,   looks ← κ^(k+1) looks + (1 + κ + … + κ^k)
    """
    keep = 1.0 - 1.0 / PD_MEMORY_LOOKS
    decay = keep ** (tracks.misses + 1.0)
    tracks.pd_hits = np.where(hit, decay * tracks.pd_hits + 1.0, tracks.pd_hits)
    tracks.pd_looks = np.where(
        hit, decay * tracks.pd_looks + (1.0 - decay) / (1.0 - keep), tracks.pd_looks
    )
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
    tracks.pd_hits = np.where(new, 0.0, tracks.pd_hits)
    tracks.pd_looks = np.where(new, 0.0, tracks.pd_looks)


def position_sigma_ok(P: np.ndarray, max_sigma_m: float) -> np.ndarray:
    """Horizontal position std (largest eigenvalue of the E-N block) within bounds (N,) bool.

    λmax of [[a, b], [b, c]] is (a + c)/2 + √(((a − c)/2)² + b²)."""
    a, b, c = P[:, 0, 0], P[:, 0, 1], P[:, 1, 1]
    lam = 0.5 * (a + c) + np.sqrt(0.25 * (a - c) ** 2 + b**2)
    return lam <= max_sigma_m**2


def detection_probability(tracks: TrackArrays) -> np.ndarray:
    """Each track's own detection probability (N,): the posterior mean of P_D from its
    discounted hits h and looks n since its confirmation, up to its latest hit, under a uniform
    prior (Laplace's rule of succession), P̂_D = (h + 1) / (n + 2). The count starts at
    confirmation because the plots that confirmed a track were picked by the M-of-N test: a
    target seen one scan in three is confirmed on a lucky run of three, which says nothing of
    how often it is seen. A track just confirmed is at 1/2; one seen one scan in three for the
    last minute at about 0.3; one seen every scan at 11/12 ≈ 0.92 (ten looks remembered)."""
    return (tracks.pd_hits + 1.0) / (tracks.pd_looks + 2.0)


def quality(score: np.ndarray) -> np.ndarray:
    """Track quality in [0, 1]: the probability that the score's log-odds stand for,
    1 / (1 + e^(−L)) written as e^(−ln(1 + e^(−L))) so that a long coast's very low score
    gives 0 rather than an overflow."""
    return np.exp(-np.logaddexp(0.0, -score))


def born_history(count: int, window: int) -> np.ndarray:
    """Hit history (count, window) of tracks just started from one detection."""
    history = np.zeros((count, window), dtype=bool)
    history[:, 0] = True
    return history


def miss_limit(p_detection: np.ndarray, nominal_pd: float, nominal_misses: int) -> np.ndarray:
    """Consecutive misses (N,) after which :class:`MofNRule` deletes an established track seen
    with ``p_detection`` (N,): the least k ≥ ``nominal_misses`` with
    (1 − P̂_D)^k ≤ (1 − ``nominal_pd``)^``nominal_misses``."""
    ratio = np.log1p(-nominal_pd) / np.log1p(-np.minimum(p_detection, nominal_pd))
    return np.ceil(nominal_misses * ratio - 1e-9).astype(np.int64)


@dataclass(frozen=True, slots=True)
class MofNRule:
    confirm_m: int
    confirm_n: int
    delete_after_misses: int
    nominal_pd: float
    established_score: float

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
        confirmed = np.where(
            tracks.score_peak >= self.established_score,
            miss_limit(detection_probability(tracks), self.nominal_pd, self.delete_after_misses),
            self.delete_after_misses,
        )
        limit = np.where(
            tracks.status == TrackStatus.CONFIRMED,
            confirmed,
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
