"""Detection probability per look over a vertical slice: ground range × altitude.

A slice starts at a point on the ground (a sensor, or a defended asset) and runs out along an
azimuth; targets of one class sit at each (ground range r, altitude h) flying inbound toward
the slice's origin at the class's speed (nose-on to a sensor at the origin, with a full radial
speed: the common case of an attack, and the kindest to a clutter filter). A sensor's map is
the mean of its look Pd over the azimuths sampled; over flat ground all azimuths agree.

The detection range at probability p on one altitude row is the farthest ground range where
the Pd still reaches p, interpolated linearly to the next grid point; ``None`` if it never
does. An altitude band's figure is the smallest over the grid altitudes inside it (the range
a planner can count on anywhere in the band).
"""

from __future__ import annotations

import numpy as np

from bastion.coverage.classes import TargetClass
from bastion.sensors.base import Sensor

#: Altitudes above ground of the slices' rows, m (dense low down, where the gaps are).
ALTITUDES_M = np.array(
    [5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000],
    dtype=float,
)

#: Altitude bands reported in coverage.json, m above ground: [low, high].
BANDS_M: tuple[tuple[float, float], ...] = (
    (0, 50),
    (50, 150),
    (150, 500),
    (500, 1500),
    (1500, 3000),
)

#: Ground-range samples of a slice.
RANGE_SAMPLES = 241


def band_name(band: tuple[float, float]) -> str:
    return f"{band[0]:.0f}-{band[1]:.0f} m"


def slice_targets(
    cls: TargetClass,
    origin: np.ndarray,
    azimuth_rad: float,
    ranges_m: np.ndarray,
    altitudes_m: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Positions and inbound velocities, each (H * R, 3), of the slice's grid (rows: altitude)."""
    direction = np.array([np.sin(azimuth_rad), np.cos(azimuth_rad)])
    h, r = np.meshgrid(altitudes_m, ranges_m, indexing="ij")
    pos = np.empty((*h.shape, 3))
    pos[..., 0] = origin[0] + r * direction[0]
    pos[..., 1] = origin[1] + r * direction[1]
    pos[..., 2] = h
    vel = np.zeros_like(pos)
    vel[..., :2] = -cls.speed_mps * direction
    return pos.reshape(-1, 3), vel.reshape(-1, 3)


def pd_slice(
    sensor: Sensor,
    cls: TargetClass,
    origin: np.ndarray,
    azimuths_rad: np.ndarray,
    ranges_m: np.ndarray,
    altitudes_m: np.ndarray = ALTITUDES_M,
) -> np.ndarray:
    """Mean look Pd over the azimuths (H, R): rows altitude, columns ground range."""
    total = np.zeros((altitudes_m.size, ranges_m.size))
    for az in azimuths_rad:
        pos, vel = slice_targets(cls, origin, float(az), ranges_m, altitudes_m)
        total += sensor.look_pd(cls.targets(pos, vel)).reshape(total.shape)
    return total / len(azimuths_rad)


def fused(pds: list[np.ndarray]) -> np.ndarray:
    """Probability that at least one of independent looks detects: 1 - Π(1 - Pd_i)."""
    miss = np.ones_like(pds[0])
    for pd in pds:
        miss = miss * (1.0 - pd)
    return 1.0 - miss


def detection_range(ranges_m: np.ndarray, pd: np.ndarray, p: float) -> float | None:
    """Farthest ground range where ``pd`` (R,) reaches ``p``, interpolated; None if nowhere."""
    ok = np.flatnonzero(pd >= p)
    if ok.size == 0:
        return None
    i = int(ok[-1])
    if i == ranges_m.size - 1:
        return float(ranges_m[i])
    f = (pd[i] - p) / (pd[i] - pd[i + 1])
    return float(ranges_m[i] + f * (ranges_m[i + 1] - ranges_m[i]))


def band_ranges(
    ranges_m: np.ndarray, pd: np.ndarray, p: float, altitudes_m: np.ndarray = ALTITUDES_M
) -> dict[str, float | None]:
    """Per altitude band, the detection range at ``p`` anywhere in it (the least over its rows)."""
    out: dict[str, float | None] = {}
    for band in BANDS_M:
        rows = np.flatnonzero((altitudes_m >= band[0]) & (altitudes_m <= band[1]))
        values = [detection_range(ranges_m, pd[k], p) for k in rows]
        known = [v for v in values if v is not None]
        out[band_name(band)] = min(known) if len(known) == len(values) else None
    return out
