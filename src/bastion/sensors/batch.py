"""Assembling detection batches: noise from per-row sigmas, measured-component masks, features.

Every sensor measures a subset of (range, azimuth, elevation, range rate) (``types.
MEASUREMENT_COMPONENTS``); the rest are NaN in ``z`` and zero in ``R``. Measurement noise is
Gaussian and independent per component, ``R = diag(σ²)``. Where noise depends on the SNR, the
thermal part of a measurement's error is ``resolution / (k √(2 SNR))`` (Barton; Skolnik,
Introduction to Radar Systems, 3rd ed., §6.3), added in quadrature to a floor of bias-like
errors: ``σ = √(σ_floor² + (resolution / (k √(2 SNR)))²)``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from bastion.types import DetectionBatch

TWO_PI = 2.0 * np.pi

#: Monopulse angle slope: beamwidth / 1.6 per unit of √(2 SNR) (Barton).
MONOPULSE_SLOPE = 1.6


def snr_sigma(
    floor: float, resolution: float | None, snr: np.ndarray, slope: float = 1.0
) -> np.ndarray:
    """Measurement error (1σ) at linear SNR ``snr`` (N,): floor ⊕ resolution / (slope √(2 SNR)).

    Without a resolution the error is the constant floor.
    """
    snr = np.asarray(snr, dtype=float)
    if resolution is None:
        return np.full(snr.shape, float(floor))
    with np.errstate(divide="ignore"):
        thermal = resolution / (slope * np.sqrt(2.0 * snr))
    return np.hypot(floor, thermal)


def noisy(truth_z: np.ndarray, sigma: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``truth_z`` (N, 4) plus N(0, σ²) noise per component (σ (N, 4)); azimuth wrapped."""
    z = truth_z + rng.normal(size=truth_z.shape) * sigma
    z[:, 1] = np.mod(z[:, 1], TWO_PI)
    return z


def make_batch(
    *,
    t: float,
    sensor_id: str,
    sensor_pos: np.ndarray,
    measured: np.ndarray,
    z: np.ndarray,
    sigma: np.ndarray,
    truth_id: np.ndarray,
    az_start_rad: float,
    az_extent_rad: float,
    max_range_m: float,
    rng: np.random.Generator,
    rcs_dbsm: np.ndarray | None = None,
    **features: np.ndarray,
) -> DetectionBatch:
    """A DetectionBatch from rows (N, 4) of measurements and their sigmas, in random row order
    (so that nothing downstream can tell false alarms by their place).

    Unmeasured components become NaN in ``z`` and zero rows/columns in ``R``.
    """
    n = z.shape[0]
    order = rng.permutation(n)
    R = np.zeros((n, 4, 4))
    R.reshape(n, 16)[:, ::5] = np.where(measured, sigma[order], 0.0) ** 2  # the diagonal
    return DetectionBatch(
        t=t,
        sensor_id=sensor_id,
        sensor_pos=sensor_pos,
        z=np.where(measured, z[order], np.nan),
        R=R,
        rcs_dbsm=np.full(n, np.nan) if rcs_dbsm is None else rcs_dbsm[order],
        truth_id=truth_id[order].astype(np.int64, copy=False),
        az_start_rad=float(az_start_rad),
        az_extent_rad=float(az_extent_rad),
        max_range_m=float(max_range_m),
        measured=measured,
        **{name: value[order] for name, value in features.items()},
    )


def in_sector(az: np.ndarray, start_rad: float, extent_rad: float) -> np.ndarray:
    """Whether azimuths lie in the sector clockwise from ``start`` through ``extent``."""
    if extent_rad >= TWO_PI:
        return np.ones(np.shape(az), dtype=bool)
    return np.mod(np.asarray(az) - start_rad, TWO_PI) <= extent_rad


#: DetectionBatch array fields that describe the whole batch, not one row.
_PER_BATCH_FIELDS = frozenset({"sensor_pos", "measured"})


def select_rows(batch: DetectionBatch, keep: np.ndarray) -> DetectionBatch:
    """The batch with only the rows ``keep`` (bool (N,) or indices), every per-row field cut."""
    rows = {
        name: getattr(batch, name)[keep]
        for name in batch.__dataclass_fields__
        if name not in _PER_BATCH_FIELDS and isinstance(getattr(batch, name), np.ndarray)
    }
    return replace(batch, **rows)
