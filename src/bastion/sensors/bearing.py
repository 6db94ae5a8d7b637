"""Shared parts of the bearing sensors (RF, EO/IR, acoustic): which objects they can hear or
see, their false alarms, and batches that hold azimuth (and elevation) only."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from bastion.sensors.batch import TWO_PI, make_batch
from bastion.types import DetectionBatch

#: ``measured`` masks: an RF or acoustic direction finder, and a camera.
AZIMUTH_ONLY = np.array([False, True, False, False])
AZIMUTH_ELEVATION = np.array([False, True, True, False])

_HOUR_S = 3_600.0


def periodic_looks(revisit_s: float, t_prev: float, t: float) -> int:
    """Looks at t = k · revisit_s that fall in (t_prev, t]."""
    return max(math.floor(t / revisit_s) - math.floor(t_prev / revisit_s), 0)


def false_bearings(
    per_hour: float,
    seconds: float,
    az_start: float,
    az_extent: float,
    el_range: tuple[float, float],
    rng: np.random.Generator,
) -> np.ndarray:
    """Poisson(per_hour · seconds / 3600) false bearings, uniform in the sector and elevation
    band looked at -> polar rows (M, 3) with NaN range."""
    n = rng.poisson(per_hour * max(seconds, 0.0) / _HOUR_S) if az_extent > 0.0 else 0
    if n == 0:  # the usual case: no arrays to build (and no draws are skipped)
        return np.zeros((0, 3))
    return np.column_stack(
        [
            np.full(n, np.nan),
            np.mod(az_start + rng.uniform(0.0, min(az_extent, TWO_PI), n), TWO_PI),
            rng.uniform(el_range[0], el_range[1], n),
        ]
    )


def no_bearings(
    sensor: Any,
    t: float,
    measured: np.ndarray,
    az_start_rad: float,
    az_extent_rad: float,
) -> DetectionBatch:
    """The batch of a tick with nothing to report: the quick path of a quiet sensor.

    ``sensor`` is any bearing sensor here (it has ``sensor_id``, ``position`` and a config with
    ``max_range_m``).
    """
    return DetectionBatch(
        t=t,
        sensor_id=sensor.sensor_id,
        sensor_pos=sensor.position,
        z=np.zeros((0, 4)),
        R=np.zeros((0, 4, 4)),
        rcs_dbsm=np.zeros(0),
        truth_id=np.zeros(0, dtype=np.int64),
        az_start_rad=az_start_rad,
        az_extent_rad=az_extent_rad,
        max_range_m=sensor.config.max_range_m,
        measured=measured,
    )


def bearing_batch(
    *,
    t: float,
    sensor_id: str,
    sensor_pos: np.ndarray,
    measured: np.ndarray,
    polar: np.ndarray,
    sigma_az: np.ndarray,
    sigma_el: np.ndarray,
    truth_id: np.ndarray,
    false_polar: np.ndarray,
    false_sigma_az: float,
    false_sigma_el: float,
    az_start_rad: float,
    az_extent_rad: float,
    max_range_m: float,
    rng: np.random.Generator,
    **features: np.ndarray,
) -> DetectionBatch:
    """Noisy bearings of true detections (polar (N, 3), sigmas (N,)) plus false bearings
    (already placed, given their own sigmas); features (N + M,) rows in the same order."""
    n, m = polar.shape[0], false_polar.shape[0]
    sigma = np.zeros((n + m, 4))
    sigma[:n, 1], sigma[:n, 2] = sigma_az, sigma_el
    sigma[n:, 1], sigma[n:, 2] = false_sigma_az, false_sigma_el
    z = np.full((n + m, 4), np.nan)
    z[:n, 1:3] = polar[:, 1:3] + rng.normal(size=(n, 2)) * sigma[:n, 1:3]
    z[n:, 1:3] = false_polar[:, 1:3]
    z[:, 1] = np.mod(z[:, 1], TWO_PI)
    return make_batch(
        t=t,
        sensor_id=sensor_id,
        sensor_pos=sensor_pos,
        measured=measured,
        z=z,
        sigma=sigma,
        truth_id=np.concatenate([truth_id, np.full(m, -1, dtype=np.int64)]),
        az_start_rad=az_start_rad,
        az_extent_rad=az_extent_rad,
        max_range_m=max_range_m,
        rng=rng,
        **features,
    )
