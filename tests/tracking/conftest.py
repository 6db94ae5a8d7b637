"""Shared fixture for tracking tests: a seeded simulated radar at the origin.

Helpers live in a fixture rather than an importable module so the tests run under any pytest
import mode.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

from bastion.frames import enu_to_polar
from bastion.types import DetectionBatch

#: σ of (range m, azimuth rad, elevation rad): 15 m, 0.3°, 0.5°.
RADAR_SIGMA = (15.0, float(np.deg2rad(0.3)), float(np.deg2rad(0.5)))


@dataclass
class SimRadar:
    """Noisy (range, az, el) detections of true ENU positions, from a radar at the origin."""

    rng: np.random.Generator
    sigma: tuple[float, float, float] = RADAR_SIGMA

    def batch(self, t: float, pos: np.ndarray, truth_id: np.ndarray) -> DetectionBatch:
        pos = np.asarray(pos, dtype=float).reshape(-1, 3)
        n = pos.shape[0]
        sig = np.asarray(self.sigma)
        z = enu_to_polar(pos) + self.rng.standard_normal((n, 3)) * sig
        z[:, 1] = np.mod(z[:, 1], 2.0 * np.pi)
        return DetectionBatch(
            t=t,
            sensor_id="radar",
            sensor_pos=np.zeros(3),
            z=z,
            R=np.broadcast_to(np.diag(sig**2), (n, 3, 3)).copy(),
            rcs_dbsm=np.zeros(n),
            truth_id=np.asarray(truth_id, dtype=np.int64).reshape(n),
            az_start_rad=0.0,
            az_extent_rad=2.0 * np.pi,
            max_range_m=1e9,
        )

    def clutter(self, count: int, half_width_m: float = 10_000.0, height_m: float = 1_000.0):
        """Uniform false-alarm positions (count, 3) in a box centred on the origin, above ground."""
        lo = np.array([-half_width_m, -half_width_m, 0.0])
        hi = np.array([half_width_m, half_width_m, height_m])
        return self.rng.uniform(lo, hi, (count, 3))

    def scan(self, t: float, pos: np.ndarray, p_detect: float, n_false: int) -> DetectionBatch:
        """Each target (N, 3) detected with ``p_detect``, plus ``n_false`` false alarms."""
        seen = np.flatnonzero(self.rng.random(pos.shape[0]) < p_detect)
        return self.batch(
            t,
            np.concatenate([pos[seen], self.clutter(n_false)]),
            np.concatenate([seen, np.full(n_false, -1)]),
        )


@pytest.fixture
def make_radar() -> Callable[[int], SimRadar]:
    """``make_radar(seed)``: a SimRadar with its own seeded generator."""
    return lambda seed: SimRadar(np.random.default_rng(seed))


@dataclass
class SimSensor:
    """Noisy polar detections of true ENU positions (and velocities, for range rate) from a
    sensor at ``pos`` measuring the components ``measured`` (range, az, el, range rate)."""

    rng: np.random.Generator
    pos: np.ndarray
    sigma: np.ndarray  # (4,) σ of range m, azimuth rad, elevation rad, range rate m/s
    measured: np.ndarray  # (4,) bool
    sensor_id: str = "sensor"

    def batch(
        self, t: float, pos: np.ndarray, truth_id: np.ndarray, vel: np.ndarray | None = None
    ) -> DetectionBatch:
        pos = np.asarray(pos, dtype=float).reshape(-1, 3)
        n = pos.shape[0]
        d = pos - self.pos
        v = np.zeros_like(pos) if vel is None else np.asarray(vel, dtype=float).reshape(-1, 3)
        rdot = np.einsum("ni,ni->n", d, v) / np.linalg.norm(d, axis=1)
        z = np.column_stack([enu_to_polar(d), rdot]) + self.rng.standard_normal((n, 4)) * self.sigma
        z[:, 1] = np.mod(z[:, 1], 2.0 * np.pi)
        z[:, ~self.measured] = np.nan
        R = np.diag(np.where(self.measured, self.sigma**2, 0.0))
        return DetectionBatch(
            t=t,
            sensor_id=self.sensor_id,
            sensor_pos=self.pos,
            z=z,
            R=np.broadcast_to(R, (n, 4, 4)).copy(),
            rcs_dbsm=np.full(n, np.nan),
            truth_id=np.asarray(truth_id, dtype=np.int64).reshape(n),
            az_start_rad=0.0,
            az_extent_rad=2.0 * np.pi,
            max_range_m=1e9,
            measured=self.measured,
        )


@pytest.fixture
def make_sensor() -> Callable[..., SimSensor]:
    """``make_sensor(seed, pos, sigma, measured, sensor_id)``: a seeded SimSensor."""

    def make(seed, pos, sigma, measured, sensor_id="sensor"):
        return SimSensor(
            np.random.default_rng(seed),
            np.asarray(pos, dtype=float),
            np.asarray(sigma, dtype=float),
            np.asarray(measured, dtype=bool),
            sensor_id,
        )

    return make
