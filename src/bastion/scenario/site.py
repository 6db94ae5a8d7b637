"""The site's geometry in the local ENU frame: assets, no-debris zones and landing areas.

Built once from a validated scenario, so the core never converts coordinates in its hot loops.
The core's frame is flat: east and north come from the WGS-84 -> ENU conversion about the origin,
and up is height above the (flat) ground, taken from the point's ``alt_m``. Earth curvature enters
only where it matters for a site of ~100 km, in the radar horizon (frames.radar_horizon_m).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.frames import geodetic_to_enu, points_in_polygon
from bastion.scenario.schema import GeoPoint, Scenario, Zone


@dataclass(frozen=True, slots=True)
class Site:
    origin: tuple[float, float, float]  # lat_deg, lon_deg, alt_m
    asset_names: tuple[str, ...]
    asset_pos: np.ndarray  # (A, 3) m ENU
    asset_radius_m: np.ndarray  # (A,)
    asset_value: np.ndarray  # (A,)
    no_debris_names: tuple[str, ...]
    no_debris_polygons: tuple[np.ndarray, ...]  # each (V, 2) m EN
    landing_names: tuple[str, ...]
    landing_polygons: tuple[np.ndarray, ...]  # each (V, 2) m EN

    def to_enu(self, p: GeoPoint) -> np.ndarray:
        """A scenario point to the core frame (3,): ENU east/north, up = its height above ground."""
        return _flat_enu(p, self.origin)

    def asset_index(self, name: str) -> int:
        return self.asset_names.index(name)

    def no_debris_zone_of(self, points: np.ndarray) -> np.ndarray:
        """Index of the no-debris zone each point (N, >=2) lies in, -1 where none -> (N,)."""
        pts = np.atleast_2d(np.asarray(points, dtype=float))
        out = np.full(pts.shape[0], -1, dtype=np.int64)
        for k, poly in enumerate(self.no_debris_polygons):
            out[(out < 0) & points_in_polygon(pts, poly)] = k
        return out

    def assets_hit(self, points: np.ndarray, extra_radius_m: float = 0.0) -> np.ndarray:
        """Which assets lie within their radius (+ extra) of each point: (N, A) bool."""
        pts = np.atleast_2d(np.asarray(points, dtype=float))
        d = np.linalg.norm(pts[:, None, :2] - self.asset_pos[None, :, :2], axis=-1)
        return d <= self.asset_radius_m[None, :] + extra_radius_m

    def landing_point(self, name: str) -> np.ndarray:
        """Centroid of a named landing area (vertex mean), ENU (3,) on the ground."""
        poly = self.landing_polygons[self.landing_names.index(name)]
        c = poly.mean(axis=0)
        return np.array([c[0], c[1], 0.0])


def _flat_enu(p: GeoPoint, origin: tuple[float, float, float]) -> np.ndarray:
    e, n, _ = geodetic_to_enu(p.lat_deg, p.lon_deg, origin[2], origin)
    return np.array([e, n, p.alt_m])


def _zone_enu(zone: Zone, origin: tuple[float, float, float]) -> np.ndarray:
    lat = np.array([v[0] for v in zone.polygon])
    lon = np.array([v[1] for v in zone.polygon])
    return geodetic_to_enu(lat, lon, np.full(lat.shape, origin[2]), origin)[:, :2]


def build_site(scenario: Scenario) -> Site:
    o = scenario.origin
    origin = (o.lat_deg, o.lon_deg, o.alt_m)
    asset_pos = np.array([_flat_enu(a.position, origin) for a in scenario.assets])
    return Site(
        origin=origin,
        asset_names=tuple(a.name for a in scenario.assets),
        asset_pos=asset_pos,
        asset_radius_m=np.array([a.radius_m for a in scenario.assets]),
        asset_value=np.array([a.value for a in scenario.assets]),
        no_debris_names=tuple(z.name for z in scenario.no_debris_zones),
        no_debris_polygons=tuple(_zone_enu(z, origin) for z in scenario.no_debris_zones),
        landing_names=tuple(z.name for z in scenario.landing_areas),
        landing_polygons=tuple(_zone_enu(z, origin) for z in scenario.landing_areas),
    )
