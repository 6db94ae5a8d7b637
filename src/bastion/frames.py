"""Geodesy and sensor frames: WGS-84 at the edges, local East-North-Up (metres) inside.

Azimuth is measured clockwise from north, elevation up from the local horizontal, both in radians.
"""

from __future__ import annotations

import numpy as np
import pymap3d

#: Effective Earth radius for radar propagation under standard refraction (4/3 Earth), m.
EFFECTIVE_EARTH_RADIUS_M = 4.0 / 3.0 * 6_371_000.0


def geodetic_to_enu(
    lat_deg: np.ndarray | float,
    lon_deg: np.ndarray | float,
    alt_m: np.ndarray | float,
    origin: tuple[float, float, float],
) -> np.ndarray:
    """WGS-84 points to ENU metres about ``origin`` = (lat_deg, lon_deg, alt_m); shape (..., 3)."""
    e, n, u = pymap3d.geodetic2enu(lat_deg, lon_deg, alt_m, *origin)
    return np.stack(np.broadcast_arrays(e, n, u), axis=-1).astype(float)


def enu_to_geodetic(enu: np.ndarray, origin: tuple[float, float, float]) -> np.ndarray:
    """ENU metres about ``origin`` to WGS-84 (lat_deg, lon_deg, alt_m); shape (..., 3)."""
    enu = np.asarray(enu, dtype=float)
    lat, lon, alt = pymap3d.enu2geodetic(enu[..., 0], enu[..., 1], enu[..., 2], *origin)
    return np.stack(np.broadcast_arrays(lat, lon, alt), axis=-1).astype(float)


def wind_enu(speed_mps: float, from_deg: float) -> np.ndarray:
    """Meteorological wind (speed, the direction it blows *from*) as an ENU velocity (3,)."""
    a = np.radians(from_deg)
    return np.array([-speed_mps * np.sin(a), -speed_mps * np.cos(a), 0.0])


def enu_to_polar(d: np.ndarray) -> np.ndarray:
    """Relative ENU vectors (..., 3) to (range, azimuth, elevation) (..., 3)."""
    d = np.asarray(d, dtype=float)
    horiz = np.hypot(d[..., 0], d[..., 1])
    rng = np.sqrt(horiz**2 + d[..., 2] ** 2)
    az = np.mod(np.arctan2(d[..., 0], d[..., 1]), 2.0 * np.pi)
    el = np.arctan2(d[..., 2], horiz)
    return np.stack([rng, az, el], axis=-1)


def polar_to_enu(z: np.ndarray) -> np.ndarray:
    """(range, azimuth, elevation) (..., 3) to relative ENU vectors (..., 3)."""
    z = np.asarray(z, dtype=float)
    r, az, el = z[..., 0], z[..., 1], z[..., 2]
    horiz = r * np.cos(el)
    return np.stack([horiz * np.sin(az), horiz * np.cos(az), r * np.sin(el)], axis=-1)


def polar_jacobian(z: np.ndarray) -> np.ndarray:
    """d(ENU)/d(range, az, el) at each polar point (..., 3) -> (..., 3, 3)."""
    z = np.asarray(z, dtype=float)
    r, az, el = z[..., 0], z[..., 1], z[..., 2]
    ce, se, ca, sa = np.cos(el), np.sin(el), np.cos(az), np.sin(az)
    J = np.empty((*z.shape[:-1], 3, 3))
    J[..., 0, 0], J[..., 0, 1], J[..., 0, 2] = ce * sa, r * ce * ca, -r * se * sa
    J[..., 1, 0], J[..., 1, 1], J[..., 1, 2] = ce * ca, -r * ce * sa, -r * se * ca
    J[..., 2, 0], J[..., 2, 1], J[..., 2, 2] = se, 0.0, r * ce
    return J


def radar_horizon_m(antenna_height_m: float, target_height_m: np.ndarray | float) -> np.ndarray:
    """Line-of-sight range over a smooth 4/3 Earth: sqrt(2 k a h1) + sqrt(2 k a h2), metres."""
    h2 = np.maximum(np.asarray(target_height_m, dtype=float), 0.0)
    k_a = EFFECTIVE_EARTH_RADIUS_M
    return np.sqrt(2.0 * k_a * max(antenna_height_m, 0.0)) + np.sqrt(2.0 * k_a * h2)


def points_in_polygon(points: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Even-odd rule: which horizontal points (N, >=2) lie inside a polygon (V, 2) -> (N,) bool."""
    pts = np.asarray(points, dtype=float)[:, :2]
    poly = np.asarray(polygon, dtype=float)
    x, y = pts[:, 0:1], pts[:, 1:2]
    x1, y1 = poly[:, 0], poly[:, 1]
    x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
    crosses = (y1 > y) != (y2 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_at = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
    return np.count_nonzero(crosses & (x < x_at), axis=1) % 2 == 1
