"""Radar false alarms: thermal noise crossing the threshold, and clutter residue kept low.

Three sources, each Poisson in count, scaled by the scans of the radar's coverage (all round,
or an electronic scan's sector) an interval held (``Scan.scans``), placed in the azimuth
sector the interval covered:

- **Thermal noise**, where the resolution cell is known: ``Pfa`` per cell per scan, over
  ``(R_max - R_min) / ΔR`` range cells × ``coverage / θ_az`` azimuth cells ×
  ``⌈el_max / θ_el⌉`` elevation beams; uniform in range, azimuth and elevation, and in range
  rate over ±``max_range_rate_mps``.
- **Clutter residue** (``false_alarms_per_scan``): ground clutter that survives the clutter
  filter. It can only come from ground the radar sees, so its range is uniform out to the
  smaller of ``max_range_m`` and the ground horizon √(2 k a h), and its elevation follows
  ``p(el) ∝ exp(-el / scale)`` on [0, ``false_alarm_max_elevation_deg``].
- **Clutter-map cells** (towns, ridges): ``false_alarms_per_scan`` per cell, uniform over its
  disc up to its height, each point reported as often as the beam looked at it.

Clutter residue moves slowly: its radial speed is drawn just above the clutter notch,
``±U(MDV, MDV + 2 m/s)`` (an assumption). Every false alarm's RCS feature is the threshold
level seen through the radar equation (see ``SurveillanceRadar.threshold_rcs_m2``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bastion.frames import EFFECTIVE_EARTH_RADIUS_M, enu_to_polar
from bastion.scenario.schema import RadarConfig
from bastion.scenario.site import Site
from bastion.sensors.batch import TWO_PI

#: Spread of clutter residue's radial speed above the clutter notch, m/s.
_CLUTTER_SPEED_SPREAD_MPS = 2.0

#: No false alarms from one source (read-only: ``draw`` concatenates, never writes into them).
_NO_POLAR, _NO_RATE = np.zeros((0, 3)), np.zeros(0)
_NO_POLAR.flags.writeable = _NO_RATE.flags.writeable = False


@dataclass(frozen=True, slots=True)
class FalseAlarms:
    polar: np.ndarray  # (M, 3) range, azimuth, elevation
    range_rate: np.ndarray  # (M,)


@dataclass(frozen=True, slots=True)
class ClutterCellEnu:
    center: np.ndarray  # (3,) ENU, on the ground
    radius_m: float
    per_scan: float
    height_m: float


def clutter_cells(config: RadarConfig, site: Site) -> tuple[ClutterCellEnu, ...]:
    return tuple(
        ClutterCellEnu(site.to_enu(c.center), c.radius_m, c.false_alarms_per_scan, c.height_m)
        for c in config.clutter_map
    )


def noise_cells_per_scan(config: RadarConfig, sector_rad: float) -> float:
    """Resolution cells a scan of ``sector_rad`` holds; 0 when the cell size is not given."""
    if config.range_resolution_m is None or config.beamwidth_azimuth_deg is None:
        return 0.0
    range_cells = (config.max_range_m - config.min_range_m) / config.range_resolution_m
    az_cells = min(sector_rad, TWO_PI) / np.radians(config.beamwidth_azimuth_deg)
    el_beams = (
        1.0
        if config.beamwidth_elevation_deg is None
        else np.ceil(config.max_elevation_deg / config.beamwidth_elevation_deg)
    )
    return float(range_cells * az_cells * el_beams)


def _truncated_exponential(
    scale: float, upper: float, n: int, rng: np.random.Generator
) -> np.ndarray:
    """n draws of p(x) ∝ exp(-x / scale) on [0, upper], by inverting its CDF."""
    u = rng.random(n)
    return -scale * np.log1p(-u * (1.0 - np.exp(-upper / scale)))


class RadarClutter:
    """Draws one interval's false alarms for a radar at ``position`` (ENU, antenna included)."""

    def __init__(
        self,
        config: RadarConfig,
        position: np.ndarray,
        coverage_rad: float,
        cells: tuple[ClutterCellEnu, ...],
    ) -> None:
        self.config = config
        self.coverage_rad = coverage_rad
        self.position = position
        self.cells = cells
        ground_horizon = np.sqrt(2.0 * EFFECTIVE_EARTH_RADIUS_M * max(float(position[2]), 0.0))
        self.clutter_max_range_m = float(
            np.clip(ground_horizon, config.min_range_m, config.max_range_m)
        )
        self._noise_cells = noise_cells_per_scan(config, coverage_rad)
        self._max_elevation_rad = np.radians(config.max_elevation_deg)
        self._residue_elevation_rad = (
            np.radians(config.clutter_elevation_scale_deg),
            np.radians(config.false_alarm_max_elevation_deg),
        )

    def draw(
        self,
        sector: tuple[float, float],
        scans: float,
        looks_at: Callable[[np.ndarray], np.ndarray],
        rng: np.random.Generator,
    ) -> FalseAlarms:
        """False alarms of an interval that covered ``sector`` (start, extent) ``scans`` times;
        ``looks_at(az)`` counts the looks the interval gave each azimuth (clutter cells)."""
        c = self.config
        start, extent = sector
        width = min(extent, self.coverage_rad)
        parts = [self._noise(start, width, scans, rng), self._residue(start, width, scans, rng)]
        parts += [self._cell(cell, looks_at, rng) for cell in self.cells]
        polar = np.concatenate([p for p, _ in parts])
        polar[:, 1] = np.mod(polar[:, 1], TWO_PI)
        rate = np.concatenate([r for _, r in parts])
        if not c.measures_range_rate:
            rate = np.full(rate.shape, np.nan)
        return FalseAlarms(polar, rate)

    def _noise(
        self, start: float, width: float, scans: float, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        c = self.config
        n = rng.poisson(c.pfa * self._noise_cells * scans)
        if n == 0:  # the usual case: skip building empty arrays (no draws are skipped)
            return _NO_POLAR, _NO_RATE
        polar = np.column_stack(
            [
                rng.uniform(c.min_range_m, c.max_range_m, n),
                start + rng.uniform(0.0, width, n),
                rng.uniform(0.0, self._max_elevation_rad, n),
            ]
        )
        return polar, rng.uniform(-c.max_range_rate_mps, c.max_range_rate_mps, n)

    def _residue(
        self, start: float, width: float, scans: float, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        c = self.config
        n = rng.poisson(c.false_alarms_per_scan * scans)
        if n == 0:
            return _NO_POLAR, _NO_RATE
        polar = np.column_stack(
            [
                rng.uniform(c.min_range_m, self.clutter_max_range_m, n),
                start + rng.uniform(0.0, width, n),
                _truncated_exponential(*self._residue_elevation_rad, n, rng),
            ]
        )
        return polar, self._slow_speeds(n, rng)

    def _cell(
        self,
        cell: ClutterCellEnu,
        looks_at: Callable[[np.ndarray], np.ndarray],
        rng: np.random.Generator,
    ) -> tuple[np.ndarray, np.ndarray]:
        c = self.config
        n = rng.poisson(cell.per_scan)
        r = cell.radius_m * np.sqrt(rng.random(n))
        a = rng.uniform(0.0, TWO_PI, n)
        pts = cell.center + np.column_stack(
            [r * np.sin(a), r * np.cos(a), rng.uniform(0.0, cell.height_m, n)]
        )
        polar = enu_to_polar(pts - self.position)
        keep = (polar[:, 0] >= c.min_range_m) & (polar[:, 0] <= c.max_range_m)
        polar = polar[keep]
        repeats = looks_at(polar[:, 1]).astype(np.int64)
        polar = np.repeat(polar, repeats, axis=0)
        return polar, self._slow_speeds(polar.shape[0], rng)

    def _slow_speeds(self, n: int, rng: np.random.Generator) -> np.ndarray:
        mdv = self.config.min_detectable_velocity_mps
        speed = rng.uniform(mdv, mdv + _CLUTTER_SPEED_SPREAD_MPS, n)
        return np.where(rng.random(n) < 0.5, -speed, speed)
