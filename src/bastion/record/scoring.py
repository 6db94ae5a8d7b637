"""Tracking scores from one tick of the log: GOSPA between confirmed tracks and flying objects.

The same definition as the summary's ``gospa_mean`` (:mod:`bastion.summary`): every flying
object (drones, birds, aircraft) is truth, every confirmed track's position (e, n, u) is an
estimate, with cut-off c = 100 m, order p = 2 and alpha = 2
(:func:`bastion.tracking.metrics.gospa`).
"""

from __future__ import annotations

import numpy as np

from bastion.tracking.metrics import GospaResult, gospa
from bastion.types import ObjectStatus, TrackStatus

GOSPA_C_M = 100.0
GOSPA_P = 2.0
GOSPA_ALPHA = 2.0


def tick_gospa(
    truth_status: np.ndarray, truth_pos: np.ndarray, track_status: np.ndarray, track_x: np.ndarray
) -> GospaResult:
    """GOSPA of one tick from its truth rows (status (N,), pos (N, 3)) and track rows
    (status (M,), x (M, 6))."""
    flying = truth_pos[truth_status == ObjectStatus.FLYING]
    confirmed = track_x[track_status == TrackStatus.CONFIRMED, :3]
    return gospa(flying, confirmed, c=GOSPA_C_M, p=GOSPA_P, alpha=GOSPA_ALPHA)
