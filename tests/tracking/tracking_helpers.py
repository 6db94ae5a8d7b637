"""Shared test fixtures for tracking: a seeded radar that turns true positions into batches."""

from __future__ import annotations

import numpy as np

from bastion.frames import enu_to_polar
from bastion.types import DetectionBatch


def radar_batch(
    t: float,
    pos: np.ndarray,
    truth_id: np.ndarray,
    sigma: tuple[float, float, float],
    rng: np.random.Generator,
    sensor_pos: np.ndarray | None = None,
) -> DetectionBatch:
    """Noisy (range, az, el) detections of true ENU positions (N, 3) with std ``sigma``."""
    sensor_pos = np.zeros(3) if sensor_pos is None else sensor_pos
    pos = np.asarray(pos, dtype=float).reshape(-1, 3)
    n = pos.shape[0]
    sig = np.asarray(sigma, dtype=float)
    z = enu_to_polar(pos - sensor_pos) + rng.standard_normal((n, 3)) * sig
    z[:, 1] = np.mod(z[:, 1], 2.0 * np.pi)
    return DetectionBatch(
        t=t,
        sensor_id="radar",
        sensor_pos=sensor_pos,
        z=z,
        R=np.broadcast_to(np.diag(sig**2), (n, 3, 3)).copy(),
        rcs_dbsm=np.zeros(n),
        truth_id=np.asarray(truth_id, dtype=np.int64).reshape(n),
    )


def clutter_positions(
    count: int, half_width_m: float, height_m: float, rng: np.random.Generator
) -> np.ndarray:
    """Uniform false-alarm positions (count, 3) in a box centred on the origin, above ground."""
    lo = np.array([-half_width_m, -half_width_m, 0.0])
    hi = np.array([half_width_m, half_width_m, height_m])
    return rng.uniform(lo, hi, size=(count, 3))


def mixed_batch(
    t: float,
    pos: np.ndarray,
    detected: np.ndarray,
    clutter: np.ndarray,
    sigma: tuple[float, float, float],
    rng: np.random.Generator,
) -> DetectionBatch:
    """Detections of the ``detected`` (N,) bool targets plus false alarms at ``clutter`` (K, 3)."""
    ids = np.flatnonzero(detected)
    return radar_batch(
        t,
        np.concatenate([pos[ids], clutter]),
        np.concatenate([ids, np.full(clutter.shape[0], -1)]),
        sigma,
        rng,
    )
