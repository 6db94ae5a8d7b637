"""Electronic effectors: GNSS jammer/spoofer and control-link (RF) jammer.

Both are ordered on a track within range now and act, after their time to effect, on the drone
in their beam nearest the aimed point (:func:`bastion.engage.aim.nearest_in_beam`). What they
achieve depends on how that drone navigates, which the defence does not know in advance (the
engagement manager learns it from the outcome):

- GNSS jammer/spoofer: an autonomous GNSS drone is taken over with ``p_takeover`` and flown to a
  landing area the jammer chooses (:meth:`GnssJammerEffector.choose_landing`); otherwise it is
  left on inertial navigation and drifts. A remote-controlled drone does not need GNSS.
- RF jammer: a remote-controlled drone loses its link with ``p_effect`` and flies its failsafe
  (land where it is, return home, or hover); an autonomous drone has no link to jam. Planning
  assumes the worst failsafe near the defence, a landing close below the point of effect.
"""

from __future__ import annotations

import numpy as np

from bastion.engage.aim import nearest_in_beam
from bastion.engage.base import NOTHING_FALLS, DebrisSpec, EffectorKind, InterceptSolution
from bastion.engage.channels import ChannelledEffector, FireChannels
from bastion.scenario.schema import GnssJammerConfig, RfJammerConfig
from bastion.scenario.site import Site
from bastion.types import TruthBatch

#: What a jammer, which spends nothing, reports as munitions left.
UNLIMITED_MUNITIONS = 2**31 - 1
#: A landing area is safe when no no-debris zone or asset lies within this of its landing point:
#: room for the landing's scatter and a payload that goes off on touchdown.
LANDING_CLEARANCE_M = 300.0
#: A link-jammed drone landing under control circles down within about a turn radius.
LINK_LOSS_LANDING_SPREAD_M = 150.0
#: Points checked along the straight route to a landing area.
ROUTE_SAMPLES = 25


class _RangeJammer(ChannelledEffector):
    """Engages a track within ``max_range_m`` now; acts after ``time_to_effect_s`` on the drone
    in its beam nearest the aimed point, with probability ``p_effect`` (each jammer's config
    names its own)."""

    hard_kill = False

    def __init__(
        self, config: GnssJammerConfig | RfJammerConfig, position: np.ndarray, p_effect: float
    ) -> None:
        super().__init__(
            config.id,
            position,
            config.cost_usd,
            FireChannels(config.channels, UNLIMITED_MUNITIONS, per_engagement=0),
        )
        self.config = config
        self.max_range_m = config.max_range_m
        self.beamwidth_rad = np.radians(config.beamwidth_deg)
        self.time_to_effect_s = config.time_to_effect_s
        self.p_effect = p_effect

    def rounds_left(self) -> int:
        return UNLIMITED_MUNITIONS

    def solve(self, x: np.ndarray, t: float) -> InterceptSolution:
        in_range = np.linalg.norm(x[:, :3] - self.position, axis=1) <= self.max_range_m
        pos = x[:, :3] + x[:, 3:] * self.time_to_effect_s
        t_effect = np.full(in_range.shape, t + self.time_to_effect_s)
        p = np.full(in_range.shape, self.p_effect)
        return self._solution(in_range, t_effect, pos, p, t)

    def target_at(self, aim: np.ndarray, aim_cov: np.ndarray, truth: TruthBatch) -> int:
        """The beam's width, not the aim's uncertainty, says what it reaches."""
        return nearest_in_beam(aim, self.position, self.beamwidth_rad, self.max_range_m, truth)


class GnssJammerEffector(_RangeJammer):
    """GNSS jammer/spoofer: after time_to_effect_s, takes over a drone in range with p_takeover."""

    kind: EffectorKind = "gnss_jammer"
    debris = NOTHING_FALLS
    config: GnssJammerConfig

    def __init__(
        self,
        config: GnssJammerConfig,
        position: np.ndarray,
        landing_points: dict[str, np.ndarray],
        site: Site | None = None,
    ) -> None:
        if not landing_points:
            raise ValueError(f"jammer {config.id!r} needs at least one landing point")
        super().__init__(config, position, config.p_takeover)
        self.site = site
        self.landing_points = {
            k: np.array(p, dtype=float).reshape(3) for k, p in landing_points.items()
        }

    def choose_landing(self, pos: np.ndarray) -> tuple[str, np.ndarray, str]:
        """Where to send a drone taken over at pos (3,): name, landing point and why.

        Landing areas are ranked by: landing point clear of every no-debris zone and asset by
        :data:`LANDING_CLEARANCE_M`, then a straight route there that overflies no no-debris
        zone, then distance. Without a site (no zones known) the nearest area is chosen.
        """
        names = list(self.landing_points)
        points = np.array([self.landing_points[k] for k in names])
        dist = np.linalg.norm(points[:, :2] - np.asarray(pos)[:2], axis=1)
        if self.site is None:
            k = int(np.argmin(dist))
            return names[k], points[k], "nearest landing area"
        clear = np.array([_clear_of_harm(self.site, p) for p in points])
        route_clear = np.array([_route_clear(self.site, pos, p) for p in points])
        k = min(range(len(names)), key=lambda i: (not clear[i], not route_clear[i], dist[i]))
        if not clear[k]:
            why = "no landing area is clear of no-debris zones and assets; nearest chosen"
        elif not route_clear[k]:
            why = "clear landing area; every route overflies a no-debris zone"
        else:
            why = "nearest landing area clear of no-debris zones and assets"
        return names[k], points[k], why


def _ring(point: np.ndarray, radius: float, n: int = 8) -> np.ndarray:
    """The point and n points on a circle of ``radius`` around it, (n + 1, 2)."""
    a = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    ring = point[:2] + radius * np.column_stack([np.sin(a), np.cos(a)])
    return np.vstack([point[:2], ring])


def _clear_of_harm(site: Site, point: np.ndarray) -> bool:
    pts = _ring(point, LANDING_CLEARANCE_M)
    in_zone = (site.no_debris_zone_of(pts) >= 0).any()
    return bool(not in_zone and not site.assets_hit(point[None, :2], LANDING_CLEARANCE_M).any())


def _route_clear(site: Site, start: np.ndarray, end: np.ndarray) -> bool:
    s = np.linspace(0.0, 1.0, ROUTE_SAMPLES)[:, None]
    route = np.asarray(start)[None, :2] * (1.0 - s) + np.asarray(end)[None, :2] * s
    return bool((site.no_debris_zone_of(route) < 0).all())


class RfJammerEffector(_RangeJammer):
    """Control-link jammer: after time_to_effect_s, breaks a remote-controlled drone's link with
    p_effect; the drone then flies its failsafe."""

    kind: EffectorKind = "rf_jammer"
    debris = DebrisSpec(falls=True, ballistic=False, landing_spread_m=LINK_LOSS_LANDING_SPREAD_M)
    config: RfJammerConfig

    def __init__(self, config: RfJammerConfig, position: np.ndarray) -> None:
        super().__init__(config, position, config.p_effect)
