"""Line of sight over a 4/3 Earth and an optional terrain grid.

Heights are metres above the site origin's ground (the core frame's up). Over the effective
Earth of radius k·a (k = 4/3, standard refraction), a point at ground distance x along a path
of length D sits below the chord between the path's ends by the bulge ``x (D - x) / (2 k a)``.
A ray from a sensor at height h_s to a target at height h_t is clear when, everywhere on the
path, ``h_s + (h_t - h_s) x / D > terrain(x) + x (D - x) / (2 k a)``. Over flat terrain this
reduces to the smooth-Earth horizon ``D ≤ √(2 k a h_s) + √(2 k a h_t)`` (frames.radar_horizon_m),
which is applied exactly; the terrain grid is sampled along each path.
"""

from __future__ import annotations

import numpy as np

from bastion.frames import EFFECTIVE_EARTH_RADIUS_M, radar_horizon_m
from bastion.scenario.schema import TerrainGrid
from bastion.scenario.site import Site

#: Path samples per grid spacing (4: every quarter cell) and bounds on samples per path.
_SAMPLES_PER_CELL = 4.0
_MIN_SAMPLES, _MAX_SAMPLES = 16, 512


class Terrain:
    """A height grid (rows south to north, columns west to east), bilinear between posts and
    0 outside."""

    def __init__(self, south_west_en: np.ndarray, spacing_m: float, heights_m: np.ndarray) -> None:
        self.south_west_en = np.asarray(south_west_en, dtype=float)[:2]
        self.spacing_m = float(spacing_m)
        self.heights_m = np.asarray(heights_m, dtype=float)
        self.max_height_m = float(max(self.heights_m.max(), 0.0))  # 0: the flat ground outside

    @classmethod
    def from_config(cls, grid: TerrainGrid, site: Site) -> Terrain:
        return cls(site.to_enu(grid.south_west)[:2], grid.spacing_m, np.array(grid.heights_m))

    def height(self, east: np.ndarray, north: np.ndarray) -> np.ndarray:
        """Ground height at ENU east/north points (any matching shapes)."""
        rows, cols = self.heights_m.shape
        c = (np.asarray(east, dtype=float) - self.south_west_en[0]) / self.spacing_m
        r = (np.asarray(north, dtype=float) - self.south_west_en[1]) / self.spacing_m
        inside = (c >= 0.0) & (c <= cols - 1) & (r >= 0.0) & (r <= rows - 1)
        c0 = np.clip(np.floor(c).astype(np.int64), 0, cols - 2)
        r0 = np.clip(np.floor(r).astype(np.int64), 0, rows - 2)
        fc, fr = np.clip(c - c0, 0.0, 1.0), np.clip(r - r0, 0.0, 1.0)
        h = self.heights_m
        z = (h[r0, c0] * (1.0 - fc) + h[r0, c0 + 1] * fc) * (1.0 - fr) + (
            h[r0 + 1, c0] * (1.0 - fc) + h[r0 + 1, c0 + 1] * fc
        ) * fr
        return np.where(inside, z, 0.0)

    def clear(self, sensor_pos: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """Whether no terrain (bulge included) rises into each sensor-target ray -> (N,) bool.

        A ray whose lower end is above the highest post plus the largest bulge on its path,
        ``D² / (8 k a)``, is clear without sampling; the others are sampled.
        """
        ground = np.hypot(targets[:, 0] - sensor_pos[0], targets[:, 1] - sensor_pos[1])
        lowest = np.minimum(targets[:, 2], sensor_pos[2])
        clear = lowest > self.max_height_m + ground**2 / (8.0 * EFFECTIVE_EARTH_RADIUS_M)
        low = np.flatnonzero(~clear)
        if low.size:
            clear[low] = self._sampled_clear(sensor_pos, targets[low])
        return clear

    def _sampled_clear(self, sensor_pos: np.ndarray, targets: np.ndarray) -> np.ndarray:
        d = targets[:, :2] - sensor_pos[:2]
        ground = np.hypot(d[:, 0], d[:, 1])
        k = int(
            np.clip(
                np.ceil(ground.max() * _SAMPLES_PER_CELL / self.spacing_m),
                _MIN_SAMPLES,
                _MAX_SAMPLES,
            )
        )
        frac = np.arange(1, k + 1) / (k + 1.0)  # interior points of each path
        x = ground[:, None] * frac[None, :]
        pts = sensor_pos[:2] + d[:, None, :] * frac[None, :, None]
        ray = sensor_pos[2] + (targets[:, 2:3] - sensor_pos[2]) * frac[None, :]
        bulge = x * (ground[:, None] - x) / (2.0 * EFFECTIVE_EARTH_RADIUS_M)
        return np.all(self.height(pts[..., 0], pts[..., 1]) + bulge < ray, axis=1)


def line_of_sight(
    sensor_pos: np.ndarray, targets: np.ndarray, terrain: Terrain | None
) -> np.ndarray:
    """Which targets (N, 3) a sensor at ``sensor_pos`` (3,) can see -> (N,) bool.

    The smooth-Earth horizon always applies (heights above the ground datum); a terrain grid
    adds masking by the ground along each path.
    """
    slant = np.linalg.norm(targets - sensor_pos, axis=-1)
    visible = slant <= radar_horizon_m(float(sensor_pos[2]), targets[:, 2])
    if terrain is None or not visible.any():
        return visible
    idx = np.flatnonzero(visible)
    visible[idx] = terrain.clear(sensor_pos, targets[idx])
    return visible
