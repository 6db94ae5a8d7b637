"""Coverage of a scenario's sensors: Pd maps per sensor and for the fused set, warning times
along the raid routes, and the gaps named in words.

- Per sensor and class, a slice from the sensor out to 105 % of the farthest sensor's range
  (:mod:`bastion.coverage.maps`), averaged over 12 azimuths where terrain or a limited sector
  makes azimuth matter.
- For the fused set, per raid, a slice from its target asset out along the raid's final
  approach, targets inbound to the asset; fused Pd = 1 - Π(1 - Pd_i) over the search sensors
  (cameras, which look only where cued, are shown per sensor "when cued" but not fused).
- Per raid, its route flown at its cruise altitude and at ``ROUTE_ALTITUDES_M``
  (:mod:`bastion.coverage.routes`); a route whose median first detection leaves less than
  ``min_warning_s`` (or none) is a gap.

Sensors are taken healthy (faults left out) and searching from t = 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bastion.coverage.classes import TargetClass, target_classes
from bastion.coverage.maps import (
    ALTITUDES_M,
    BANDS_M,
    RANGE_SAMPLES,
    band_ranges,
    fused,
    pd_slice,
)
from bastion.coverage.routes import FirstDetection, Route, detection_curve, first_detections
from bastion.scenario.schema import EoIrConfig, RadarConfig, Scenario
from bastion.scenario.site import Site, build_site
from bastion.sensors.base import Sensor
from bastion.sensors.build import build_sensors

#: Altitudes (m above ground) every route is also flown at, besides its cruise altitude.
ROUTE_ALTITUDES_M = (30.0, 50.0, 100.0, 300.0, 1000.0)

#: Azimuths sampled when azimuth matters (terrain, or a sensor's limited sector).
_AZIMUTHS = 12

#: Detection probabilities at which ranges are reported.
PD_LEVELS = (0.5, 0.9)


@dataclass(frozen=True, slots=True)
class SliceCoverage:
    """Pd per look over one slice, for every class: (altitudes, ground ranges)."""

    label: str
    ranges_m: np.ndarray  # (R,)
    pd: dict[str, np.ndarray]  # class name -> (H, R)

    def bands(self) -> dict[str, dict[str, dict[str, float | None]]]:
        """class -> band -> {range_pd50_m, range_pd90_m}."""
        out: dict[str, dict[str, dict[str, float | None]]] = {}
        for name, pd in self.pd.items():
            per_p = {p: band_ranges(self.ranges_m, pd, p) for p in PD_LEVELS}
            out[name] = {
                band: {f"range_pd{round(p * 100)}_m": per_p[p][band] for p in PD_LEVELS}
                for band in per_p[PD_LEVELS[0]]
            }
        return out


@dataclass(frozen=True, slots=True)
class SensorCoverage:
    sensor_id: str
    type: str
    revisit_s: float
    cued: bool  # looks only where a track cues it
    slice: SliceCoverage


@dataclass(frozen=True, slots=True)
class FusedCoverage:
    asset: str
    raid: str  # the approach is this raid's final leg
    azimuth_deg: float  # from the asset toward where the raid comes from
    sensors: tuple[str, ...]
    slice: SliceCoverage


@dataclass(frozen=True, slots=True)
class RouteCoverage:
    raid: str
    asset: str
    target_class: str
    altitude_m: float
    cruise: bool  # the raid's own cruise altitude
    arrival_s: float
    first: tuple[FirstDetection, ...]
    distance_m: np.ndarray  # (T,) to the asset at each look time, for plots
    p_detected: np.ndarray  # (T,) chance of detection by then

    @property
    def median(self) -> FirstDetection:
        return self.first[0]


@dataclass(frozen=True, slots=True)
class Coverage:
    scenario: str
    min_warning_s: float
    altitudes_m: np.ndarray
    classes: list[TargetClass]
    sensors: list[SensorCoverage]
    fused: list[FusedCoverage]
    routes: list[RouteCoverage] = field(default_factory=list)

    def gaps(self) -> list[str]:
        """Routes whose median first detection leaves less than min_warning_s, in words."""
        lines = []
        for r in self.routes:
            m = r.median
            where = f"{r.target_class} at {r.altitude_m:.0f} m above ground on the {r.raid} route"
            if m.warning_s is None or m.distance_m is None:
                lines.append(f"{where}: not detected before reaching {r.asset}")
            elif m.warning_s < self.min_warning_s:
                lines.append(
                    f"{where}: first detection at {m.distance_m / 1e3:.1f} km, "
                    f"{m.warning_s:.0f} s before {r.asset}"
                )
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "min_warning_s": self.min_warning_s,
            "pd_levels": list(PD_LEVELS),
            "altitude_bands_m": [list(b) for b in BANDS_M],
            "grid_altitude_m": self.altitudes_m.tolist(),
            "classes": [
                {
                    "name": c.name,
                    "drone_type": c.drone_type.name,
                    "remote_controlled": c.emitting,
                    "speed_mps": c.speed_mps,
                    "rcs_m2": c.drone_type.rcs_m2,
                }
                for c in self.classes
            ],
            "sensors": [
                {
                    "id": s.sensor_id,
                    "type": s.type,
                    "revisit_s": s.revisit_s,
                    "cued": s.cued,
                    "classes": s.slice.bands(),
                }
                for s in self.sensors
            ],
            "fused": [
                {
                    "asset": f.asset,
                    "approach_of": f.raid,
                    "approach_azimuth_deg": f.azimuth_deg,
                    "sensors": list(f.sensors),
                    "classes": f.slice.bands(),
                }
                for f in self.fused
            ],
            "routes": [
                {
                    "raid": r.raid,
                    "asset": r.asset,
                    "class": r.target_class,
                    "altitude_m": r.altitude_m,
                    "cruise_altitude": r.cruise,
                    "arrival_s": r.arrival_s,
                    "first_detection": {
                        f"p{round(f.p * 100)}": {
                            "time_s": f.time_s,
                            "distance_m": f.distance_m,
                            "warning_s": f.warning_s,
                        }
                        for f in r.first
                    },
                    "gap": r.median.warning_s is None or r.median.warning_s < self.min_warning_s,
                }
                for r in self.routes
            ],
            "gaps": self.gaps(),
        }


def _azimuths(config: object, has_terrain: bool) -> np.ndarray:
    """Azimuths (rad) a sensor's slice is averaged over."""
    if isinstance(config, RadarConfig) and config.scan == "electronic":
        half = np.radians(config.sector_width_deg) / 2.0
        centre = np.radians(config.sector_center_deg)
        return centre + np.linspace(-half, half, _AZIMUTHS + 2)[1:-1]
    if has_terrain:
        return np.linspace(0.0, 2.0 * np.pi, _AZIMUTHS, endpoint=False)
    return np.zeros(1)


def _routes(scenario: Scenario, site: Site) -> list[tuple[Any, Route]]:
    """(raid, route at its cruise altitude) for every raid."""
    out = []
    for raid in scenario.raids:
        asset = site.asset_index(raid.target)
        points = np.array(
            [site.to_enu(raid.launch_area)[:2]]
            + [site.to_enu(w)[:2] for w in raid.waypoints]
            + [site.asset_pos[asset, :2]]
        )
        route = Route(
            raid.name,
            raid.target,
            points,
            raid.cruise_altitude_m,
            raid.cruise_speed_mps,
            float(site.asset_radius_m[asset]),
        )
        out.append((raid, route))
    return out


def analyse(scenario: Scenario, min_warning_s: float = 120.0) -> Coverage:
    """Coverage maps, route warning times and gaps of a scenario's sensors."""
    site = build_site(scenario)
    classes = target_classes(scenario)
    sensors: list[Sensor] = build_sensors(scenario, site, with_faults=False)
    configs = scenario.sensors
    has_terrain = scenario.environment.terrain is not None
    reach = 1.05 * max(c.max_range_m for c in configs)
    ranges = np.linspace(0.0, reach, RANGE_SAMPLES)

    per_sensor = []
    for sensor, config in zip(sensors, configs, strict=True):
        origin = site.to_enu(config.position)
        azimuths = _azimuths(config, has_terrain)
        pd = {c.name: pd_slice(sensor, c, origin, azimuths, ranges) for c in classes}
        cued = isinstance(config, EoIrConfig)
        label = f"{config.id} ({config.type}{', when cued' if cued else ''})"
        per_sensor.append(
            SensorCoverage(
                config.id, config.type, sensor.revisit_s, cued, SliceCoverage(label, ranges, pd)
            )
        )

    search = [
        (s, c) for s, c in zip(sensors, configs, strict=True) if not isinstance(c, EoIrConfig)
    ]
    search_sensors = [s for s, _ in search]
    fused_maps = []
    routes = []
    for raid, route in _routes(scenario, site):
        asset = site.asset_pos[site.asset_index(raid.target)]
        leg = route.points[-2] - route.points[-1]
        azimuth = float(np.arctan2(leg[0], leg[1]))
        # Out to where the final leg starts, or as far as any sensor reaches from the asset.
        sensor_offset = max(float(np.linalg.norm(s.position[:2] - asset[:2])) for s in sensors)
        fused_ranges = np.linspace(
            0.0, min(float(np.linalg.norm(leg)), reach + sensor_offset), RANGE_SAMPLES
        )
        pd = {
            c.name: fused(
                [pd_slice(s, c, asset, np.array([azimuth]), fused_ranges) for s in search_sensors]
            )
            if search_sensors
            else np.zeros((ALTITUDES_M.size, fused_ranges.size))
            for c in classes
        }
        fused_maps.append(
            FusedCoverage(
                raid.target,
                raid.name,
                float(np.degrees(azimuth) % 360.0),
                tuple(c.id for _, c in search),
                SliceCoverage(
                    f"all search sensors, toward {raid.target} from the {raid.name}",
                    fused_ranges,
                    pd,
                ),
            )
        )
        cls = next(
            c
            for c in classes
            if c.drone_type.name == raid.drone_type
            and c.emitting == (raid.navigation == "remote_control")
        )
        for altitude in sorted({raid.cruise_altitude_m, *ROUTE_ALTITUDES_M}):
            flown = Route(
                route.raid,
                route.asset,
                route.points,
                altitude,
                route.speed_mps,
                route.attack_radius_m,
            )
            t, p_detected = detection_curve(search_sensors, cls, flown)
            routes.append(
                RouteCoverage(
                    raid.name,
                    raid.target,
                    cls.name,
                    altitude,
                    altitude == raid.cruise_altitude_m,
                    flown.arrival_s,
                    tuple(first_detections(flown, t, p_detected)),
                    flown.distance_to_target(t),
                    p_detected,
                )
            )
    return Coverage(
        scenario.id, min_warning_s, ALTITUDES_M, classes, per_sensor, fused_maps, routes
    )
