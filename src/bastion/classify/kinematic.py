"""Kinematic class belief: sequential naive Bayes on a track's ground speed and height.

Each time a track gains a detection, the log-posterior of each class c is updated with

    log p_c <- lambda * log p_c + log N(v; mu_c, s_c^2 + var_v) + log N(h; m_c, t_c^2 + var_h)

then normalised. The forgetting factor lambda < 1 keeps the belief from hardening on correlated
evidence (successive filter estimates are not independent) and lets it follow a change of
behaviour. The class models are broad on purpose: they tell an airliner from a gull from a small
drone; finer features (RCS, micro-Doppler) belong to the classifier that replaces this one.
Clutter (a track built from false alarms) has no preferred speed (uniform density) and sits low
(false alarms come from low elevations): a half-normal height density.
"""

from __future__ import annotations

import numpy as np

from bastion.types import CLASSES, ClassBelief, TrackTable

#: (mean, std) of horizontal ground speed in m/s and of height in m for drone, bird, aircraft.
SPEED_MODEL = {"drone": (35.0, 12.0), "bird": (11.0, 5.0), "aircraft": (160.0, 70.0)}
HEIGHT_MODEL = {"drone": (500.0, 600.0), "bird": (150.0, 200.0), "aircraft": (5000.0, 4000.0)}
CLUTTER_SPEED_SPAN_MPS = 300.0
CLUTTER_HEIGHT_SCALE_M = 1500.0
PRIOR = np.array([0.25, 0.35, 0.10, 0.30])
FORGETTING = 0.85


def _log_normal_pdf(x: np.ndarray, mean: float, var: np.ndarray) -> np.ndarray:
    return -0.5 * (np.log(2.0 * np.pi * var) + (x - mean) ** 2 / var)


def evidence(tracks: TrackTable) -> np.ndarray:
    """Log-likelihood of each track's current speed and height under each class, (N, 4)."""
    v = tracks.x[:, 3:5]
    speed = np.hypot(v[:, 0], v[:, 1])
    unit = np.divide(v, speed[:, None], out=np.zeros_like(v), where=speed[:, None] > 0)
    var_speed = np.einsum("ni,nij,nj->n", unit, tracks.P[:, 3:5, 3:5], unit)
    height = tracks.x[:, 2]
    var_h = tracks.P[:, 2, 2]
    out = np.empty((len(tracks), len(CLASSES)))
    for k, name in enumerate(CLASSES[:3]):
        ms, ss = SPEED_MODEL[name]
        mh, sh = HEIGHT_MODEL[name]
        out[:, k] = _log_normal_pdf(speed, ms, ss**2 + var_speed)
        out[:, k] += _log_normal_pdf(height, mh, sh**2 + var_h)
    out[:, 3] = (
        -np.log(CLUTTER_SPEED_SPAN_MPS)
        + np.log(2.0)
        + _log_normal_pdf(np.abs(height), 0.0, CLUTTER_HEIGHT_SCALE_M**2 + var_h)
    )
    return out


class KinematicClassifier:
    """Keeps a log-belief per track id; updates it when the track has new detections."""

    def __init__(self) -> None:
        self._log_belief: dict[int, np.ndarray] = {}
        self._hits: dict[int, int] = {}

    def update(self, tracks: TrackTable) -> ClassBelief:
        ev = evidence(tracks)
        p = np.empty((len(tracks), len(CLASSES)))
        live: set[int] = set()
        pairs = zip(tracks.track_id.tolist(), tracks.hits.tolist(), strict=True)
        for row, (tid, hits) in enumerate(pairs):
            live.add(tid)
            log_b = self._log_belief.get(tid, np.log(PRIOR))
            if hits > self._hits.get(tid, 0):
                log_b = FORGETTING * log_b + ev[row]
                log_b -= np.logaddexp.reduce(log_b)
                self._log_belief[tid] = log_b
                self._hits[tid] = hits
            p[row] = np.exp(log_b)
        for tid in set(self._log_belief) - live:
            del self._log_belief[tid], self._hits[tid]
        p /= p.sum(axis=1, keepdims=True)
        return ClassBelief(t=tracks.t, track_id=tracks.track_id.copy(), p=p)
