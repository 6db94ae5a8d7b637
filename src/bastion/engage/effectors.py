"""Effector models as engagement envelopes: missile launcher, anti-aircraft gun, GNSS jammer.

Each effector answers :meth:`solve` for a batch of tracks assumed to keep their velocity: the effect
happens where a track will be at the effect time. Missiles and shells fly straight at a constant
mean speed after the reaction time (:func:`~bastion.engage.intercept.intercept_time`); for the gun,
the muzzle speed stands for the mean shell speed (shell deceleration is left out, which shortens
the predicted time of flight at long range). A jammer acts after its time to effect on any drone
within its range now.

Fire channels and magazines are the one piece of state: ``commit`` occupies a channel until the
effect and spends munitions, and refuses (ValueError) rather than overdraw either.
"""

from __future__ import annotations

import numpy as np

from bastion.engage.base import EffectorKind, InterceptSolution
from bastion.engage.intercept import intercept_time
from bastion.scenario.schema import GnssJammerConfig, GunConfig, MissileConfig

#: What a jammer, which spends nothing, reports as munitions left.
UNLIMITED_MUNITIONS = 2**31 - 1


class FireChannels:
    """Channels busy from commit until their effect time, fed by one magazine."""

    def __init__(self, channels: int, magazine: int, per_engagement: int) -> None:
        self.channels = channels
        self.magazine = magazine
        self.per_engagement = per_engagement
        self._busy_until: list[float] = []

    def idle(self, t: float) -> int:
        """Channels not busy at t (a channel is busy from its commit until its effect time)."""
        return self.channels - sum(until > t for until in self._busy_until)

    def free(self, t: float) -> int:
        """Engagements that can start at t: idle channels, capped by what the magazine funds."""
        free = self.idle(t)
        if self.per_engagement > 0:
            free = min(free, self.magazine // self.per_engagement)
        return max(free, 0)

    def commit(self, t: float, t_effect: float, munitions: int) -> None:
        """Occupy a channel until t_effect and spend munitions; ValueError rather than overdraw."""
        if not t <= t_effect:
            raise ValueError(f"effect time {t_effect} is before the commit time {t}")
        if self.idle(t) < 1:
            raise ValueError(f"no free fire channel at t={t}")
        if not 0 <= munitions <= self.magazine:
            raise ValueError(f"cannot spend {munitions} munitions with {self.magazine} left")
        self._busy_until.append(t_effect)
        self.magazine -= munitions


class _ChannelledEffector:
    """What every effector shares: identity, place, cost and its fire channels."""

    kind: EffectorKind
    hard_kill: bool

    def __init__(
        self, effector_id: str, position: np.ndarray, cost_usd: float, fire: FireChannels
    ) -> None:
        self.effector_id = effector_id
        self.position = np.array(position, dtype=float).reshape(3)
        self.cost_usd = cost_usd
        self._fire = fire

    def free_channels(self, t: float) -> int:
        return self._fire.free(t)

    def commit(self, t: float, t_effect: float, munitions: int) -> None:
        self._fire.commit(t, t_effect, munitions)

    def rounds_left(self) -> int:
        return self._fire.magazine

    def _solution(
        self,
        feasible: np.ndarray,
        t_effect: np.ndarray,
        pos: np.ndarray,
        p_effect: np.ndarray,
        t: float,
    ) -> InterceptSolution:
        """Blank out infeasible rows (nan time and point, zero probability)."""
        feasible = feasible & (self.free_channels(t) > 0)
        return InterceptSolution(
            feasible=feasible,
            t_effect=np.where(feasible, t_effect, np.nan),
            pos=np.where(feasible[:, None], pos, np.nan),
            p_effect=np.where(feasible, p_effect, 0.0),
            munitions=np.full(feasible.shape, self._fire.per_engagement, dtype=np.int64),
        )


def _fly_out(
    launcher: np.ndarray, x: np.ndarray, speed: float, delay_s: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Time to impact (N,), intercept point (N, 3) and its slant range (N,); nan where none."""
    t_go = intercept_time(launcher, x[:, :3], x[:, 3:], speed, delay_s)
    pos = x[:, :3] + x[:, 3:] * t_go[:, None]
    return t_go, pos, np.linalg.norm(pos - launcher, axis=1)


class MissileEffector(_ChannelledEffector):
    """Surface-to-air missile: one missile per engagement, kill probability p_kill in envelope."""

    kind: EffectorKind = "missile"
    hard_kill = True

    def __init__(self, config: MissileConfig, position: np.ndarray) -> None:
        super().__init__(
            config.id,
            position,
            config.cost_usd,
            FireChannels(config.channels, config.magazine, per_engagement=1),
        )
        self.config = config

    def solve(self, x: np.ndarray, t: float) -> InterceptSolution:
        c = self.config
        t_go, pos, slant = _fly_out(self.position, x, c.mean_speed_mps, c.reaction_time_s)
        inside = (
            (slant >= c.min_range_m)
            & (slant <= c.max_range_m)
            & (pos[:, 2] >= c.min_altitude_m)
            & (pos[:, 2] <= c.max_altitude_m)
        )
        p = np.full(inside.shape, c.p_kill)
        return self._solution(inside, t + t_go, pos, p, t)


class GunEffector(_ChannelledEffector):
    """Anti-aircraft gun firing bursts: P(kill) = 1 − (1 − p_hit)^n, p_hit = p_1km · (1 km / R)²."""

    kind: EffectorKind = "gun"
    hard_kill = True

    def __init__(self, config: GunConfig, position: np.ndarray) -> None:
        super().__init__(
            config.id,
            position,
            config.cost_usd,
            FireChannels(config.channels, config.magazine, per_engagement=config.rounds_per_burst),
        )
        self.config = config

    def solve(self, x: np.ndarray, t: float) -> InterceptSolution:
        c = self.config
        t_go, pos, slant = _fly_out(self.position, x, c.muzzle_speed_mps, c.reaction_time_s)
        inside = (
            (slant >= c.min_range_m) & (slant <= c.max_range_m) & (pos[:, 2] <= c.max_altitude_m)
        )
        # Within 1 m the hit probability has long saturated; the floor only avoids dividing by 0.
        p_hit = np.minimum(1.0, c.p_hit_at_1km * (1000.0 / np.maximum(slant, 1.0)) ** 2)
        p = 1.0 - (1.0 - p_hit) ** c.rounds_per_burst
        return self._solution(inside, t + t_go, pos, p, t)


class GnssJammerEffector(_ChannelledEffector):
    """GNSS jammer/spoofer: after time_to_effect_s, takes over a drone in range with p_takeover."""

    kind: EffectorKind = "gnss_jammer"
    hard_kill = False

    def __init__(
        self,
        config: GnssJammerConfig,
        position: np.ndarray,
        landing_points: dict[str, np.ndarray],
    ) -> None:
        if not landing_points:
            raise ValueError(f"jammer {config.id!r} needs at least one landing point")
        super().__init__(
            config.id,
            position,
            config.cost_usd,
            FireChannels(config.channels, UNLIMITED_MUNITIONS, per_engagement=0),
        )
        self.config = config
        self.landing_points = {
            k: np.array(p, dtype=float).reshape(3) for k, p in landing_points.items()
        }

    def solve(self, x: np.ndarray, t: float) -> InterceptSolution:
        c = self.config
        in_range = np.linalg.norm(x[:, :3] - self.position, axis=1) <= c.max_range_m
        pos = x[:, :3] + x[:, 3:] * c.time_to_effect_s
        t_effect = np.full(in_range.shape, t + c.time_to_effect_s)
        return self._solution(in_range, t_effect, pos, np.full(in_range.shape, c.p_takeover), t)

    def landing_point_for(self, pos: np.ndarray) -> tuple[str, np.ndarray]:
        """The landing area nearest (horizontally) to pos (3,): where a taken-over drone is sent."""
        names = list(self.landing_points)
        points = np.array([self.landing_points[k] for k in names])
        k = int(np.argmin(np.linalg.norm(points[:, :2] - np.asarray(pos)[:2], axis=1)))
        return names[k], points[k]
