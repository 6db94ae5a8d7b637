"""Kinematic class belief: sequential naive Bayes on a track's ground speed and height.

The documented baseline of the trained classifier (``classifier: kinematic`` in a scenario;
bench/classify.py compares the two): it reads track states only, no measured features.

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

from bastion.threat.rows import sorted_rows
from bastion.tracking.base import Attribution
from bastion.types import CLASSES, ClassBelief, DetectionBatch, TrackTable

#: (mean, std) of horizontal ground speed in m/s and of height in m for drone, bird, aircraft.
SPEED_MODEL = {"drone": (35.0, 12.0), "bird": (11.0, 5.0), "aircraft": (160.0, 70.0)}
HEIGHT_MODEL = {"drone": (500.0, 600.0), "bird": (150.0, 200.0), "aircraft": (5000.0, 4000.0)}
CLUTTER_SPEED_SPAN_MPS = 300.0
CLUTTER_HEIGHT_SCALE_M = 1500.0
PRIOR = np.array([0.25, 0.35, 0.10, 0.30])
FORGETTING = 0.85


def _log_normal_pdf(x: np.ndarray, mean: float, var: np.ndarray) -> np.ndarray:
    return -0.5 * (np.log(2.0 * np.pi * var) + (x - mean) ** 2 / var)


def evidence_rows(tracks: TrackTable, rows: np.ndarray) -> np.ndarray:
    """Log-likelihood of the selected tracks' speed and height under each class, (M, 4)."""
    x, P = tracks.x[rows], tracks.P[rows]
    v = x[:, 3:5]
    speed = np.hypot(v[:, 0], v[:, 1])
    unit = np.divide(v, speed[:, None], out=np.zeros_like(v), where=speed[:, None] > 0)
    var_speed = np.einsum("ni,nij,nj->n", unit, P[:, 3:5, 3:5], unit)
    height = x[:, 2]
    var_h = P[:, 2, 2]
    out = np.empty((x.shape[0], len(CLASSES)))
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
    """Keeps a log-belief per track id; updates it when the track has new detections.

    State is held as arrays sorted by track id, so each update is a vectorised merge; ids that
    no longer appear in the track table are forgotten.
    """

    def __init__(self) -> None:
        self._ids = np.zeros(0, dtype=np.int64)
        self._log = np.zeros((0, len(CLASSES)))
        self._hits = np.zeros(0, dtype=np.int64)

    def observe(self, batch: DetectionBatch, attribution: Attribution) -> None:
        """Measured features are not used: the belief follows the track states alone."""

    def update(self, tracks: TrackTable) -> ClassBelief:
        ids = tracks.track_id
        pos, known = sorted_rows(self._ids, ids)
        log_b = np.tile(np.log(PRIOR), (ids.size, 1))
        log_b[known] = self._log[pos[known]]
        prev_hits = np.zeros(ids.size, dtype=np.int64)
        prev_hits[known] = self._hits[pos[known]]
        fresh = tracks.hits > prev_hits
        if fresh.any():
            upd = FORGETTING * log_b[fresh] + evidence_rows(tracks, fresh)
            log_b[fresh] = upd - np.logaddexp.reduce(upd, axis=1, keepdims=True)
        order = np.argsort(ids, kind="stable")
        self._ids, self._log = ids[order], log_b[order]
        self._hits = np.maximum(tracks.hits, prev_hits)[order]
        p = np.exp(log_b)
        p /= p.sum(axis=1, keepdims=True)
        return ClassBelief(t=tracks.t, track_id=ids.copy(), p=p)
