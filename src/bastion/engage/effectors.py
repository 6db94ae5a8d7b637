"""Kinetic effectors: surface-to-air missile, anti-aircraft gun, interceptor drone.

Each answers :meth:`solve` for a batch of tracks assumed to keep their velocity: the effect
happens where a track will be at the effect time, and is feasible only inside the effector's
envelope (judged at the intercept point, not now). When the effect comes, each acts on the object
nearest its aimed point within the aim's uncertainty and its own reach
(:func:`bastion.engage.aim.nearest_in_gate`). Fire channels and magazines live in
:mod:`bastion.engage.channels`; electronic effectors in :mod:`bastion.engage.jammers`.
"""

from __future__ import annotations

import numpy as np

from bastion.engage.aim import nearest_in_gate
from bastion.engage.base import DebrisSpec, EffectorKind, InterceptSolution
from bastion.engage.channels import ChannelledEffector, FireChannels
from bastion.engage.flyout import pn_intercept, straight_intercept, table_intercept
from bastion.scenario.schema import GunConfig, InterceptorConfig, MissileConfig
from bastion.types import TruthBatch

#: A PN flight still closing after this multiple of max range / speed has lost its target.
PN_TIME_MARGIN = 1.5
#: How far from its aim point an interceptor drone still acts, m: about half a net's span (or
#: the interceptor's own size when it rams).
INTERCEPTOR_REACH_M = 2.0


def salvo_kill_probability(p_single: float | np.ndarray, shots: int) -> float | np.ndarray:
    """P(at least one of n independent shots kills) = 1 − (1 − p)^n."""
    return 1.0 - (1.0 - np.asarray(p_single)) ** shots


class MissileEffector(ChannelledEffector):
    """Surface-to-air missile: a salvo of ``salvo`` missiles per engagement, each killing with
    p_kill, so P(kill) = 1 − (1 − p_kill)^salvo inside the envelope; fly-out by the configured
    model (:mod:`bastion.engage.flyout`). Cost per engagement = cost per missile × salvo."""

    kind: EffectorKind = "missile"
    hard_kill = True

    def __init__(self, config: MissileConfig, position: np.ndarray) -> None:
        super().__init__(
            config.id,
            position,
            config.cost_usd * config.salvo,
            FireChannels(
                config.channels,
                config.magazine,
                per_engagement=config.salvo,
                reloads=config.reloads,
                reload_time_s=config.reload_time_s,
            ),
        )
        self.config = config
        self.debris = DebrisSpec(
            falls=True,
            fragment_spread_mps=config.fragment_spread_mps,
            forward_throw_mps=config.forward_throw_mps,
        )
        if config.tof_table is not None:
            table = np.array(config.tof_table, dtype=float)
            self._ranges, self._times = table[:, 0], table[:, 1]

    def flyout(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Time to intercept (N,), intercept point (N, 3) and miss distance (N,)."""
        c = self.config
        if c.flyout == "tof_table":
            t_go, pos = table_intercept(
                self.position, x, self._ranges, self._times, c.reaction_time_s
            )
            return t_go, pos, np.zeros(t_go.shape)
        if c.flyout == "pn":
            return pn_intercept(
                self.position,
                x,
                c.mean_speed_mps,
                c.reaction_time_s,
                c.navigation_constant,
                c.max_lateral_accel_mps2,
                PN_TIME_MARGIN * c.max_range_m / c.mean_speed_mps,
            )
        t_go, pos = straight_intercept(self.position, x, c.mean_speed_mps, c.reaction_time_s)
        return t_go, pos, np.zeros(t_go.shape)

    def solve(self, x: np.ndarray, t: float) -> InterceptSolution:
        c = self.config
        t_go, pos, miss = self.flyout(x)
        slant = np.linalg.norm(pos - self.position, axis=1)
        inside = (
            (slant >= c.min_range_m)
            & (slant <= c.max_range_m)
            & (pos[:, 2] >= c.min_altitude_m)
            & (pos[:, 2] <= c.max_altitude_m)
        )
        if c.flyout == "pn":
            inside &= miss <= c.lethal_radius_m
        p = np.full(inside.shape, salvo_kill_probability(c.p_kill, c.salvo))
        return self._solution(inside, t + t_go, pos, p, t)

    def target_at(self, aim: np.ndarray, aim_cov: np.ndarray, truth: TruthBatch) -> int:
        """Reach: the proximity fuse's lethal radius."""
        return nearest_in_gate(aim, aim_cov, self.config.lethal_radius_m, truth)


def dispersion_constant(config: GunConfig) -> float:
    """k in p_hit(R) = 1 − exp(−k / R²), m².

    A round lands with circular-normal dispersion of σ·R about the aim point (σ in rad); it hits
    a target of presented radius a with probability 1 − exp(−a² / (2 σ² R²)), so k = a²/(2σ²).
    Without a dispersion figure, k is calibrated so p_hit(1 km) equals ``p_hit_at_1km``:
    k = −ln(1 − p_1km) · (1000 m)². At long range p_hit ≈ k/R², the familiar 1/R² fall-off.
    """
    if config.dispersion_mrad is not None:
        sigma = config.dispersion_mrad * 1e-3
        return config.target_radius_m**2 / (2.0 * sigma**2)
    return -np.log1p(-min(config.p_hit_at_1km, 1.0 - 1e-15)) * 1000.0**2


class GunEffector(ChannelledEffector):
    """Anti-aircraft gun firing bursts: P(kill) = 1 − (1 − p_hit)^n, p_hit from dispersion.

    A burst of n rounds lasts n / rate; the aim point is where the target is when the burst's
    middle round arrives (shells at the muzzle speed, deceleration left out), and the effect is
    assessed when its last round does.
    """

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
        self.burst_s = config.rounds_per_burst / (config.rate_of_fire_rpm / 60.0)
        self.k_m2 = dispersion_constant(config)
        self.dispersion_rad = config.target_radius_m / np.sqrt(2.0 * self.k_m2)  # 1 sigma
        self.debris = DebrisSpec(
            falls=True,
            fragment_spread_mps=config.fragment_spread_mps,
            forward_throw_mps=config.forward_throw_mps,
        )

    def p_hit(self, slant_m: np.ndarray) -> np.ndarray:
        """Single-round hit probability at slant range (m)."""
        return -np.expm1(-self.k_m2 / np.maximum(slant_m, 1.0) ** 2)

    def solve(self, x: np.ndarray, t: float) -> InterceptSolution:
        c = self.config
        half = 0.5 * self.burst_s
        t_go, pos = straight_intercept(
            self.position, x, c.muzzle_speed_mps, c.reaction_time_s + half
        )
        slant = np.linalg.norm(pos - self.position, axis=1)
        inside = (
            (slant >= c.min_range_m) & (slant <= c.max_range_m) & (pos[:, 2] <= c.max_altitude_m)
        )
        p = salvo_kill_probability(self.p_hit(slant), c.rounds_per_burst)
        return self._solution(inside, t + t_go + half, pos, p, t)

    def target_at(self, aim: np.ndarray, aim_cov: np.ndarray, truth: TruthBatch) -> int:
        """Reach: the burst's dispersion (1 sigma) at the aimed point's range."""
        slant = max(float(np.linalg.norm(aim - self.position)), 1.0)
        return nearest_in_gate(aim, aim_cov, self.dispersion_rad * slant, truth)


class InterceptorEffector(ChannelledEffector):
    """Interceptor drones: one per engagement, launched after ``launch_time_s``, flying a
    collision course at ``speed_mps``; feasible when the intercept lies in range and altitude
    and comes within the endurance. A capture brings the drone down under a parachute."""

    kind: EffectorKind = "interceptor"
    hard_kill = True

    def __init__(self, config: InterceptorConfig, position: np.ndarray) -> None:
        super().__init__(
            config.id,
            position,
            config.cost_usd,
            FireChannels(config.channels, config.magazine, per_engagement=1),
        )
        self.config = config
        capture = config.method == "capture"
        self.debris = DebrisSpec(
            falls=True,
            fragment_spread_mps=config.fragment_spread_mps,
            forward_throw_mps=config.forward_throw_mps,
            ballistic_coefficient_kg_m2=(
                config.capture_ballistic_coefficient_kg_m2 if capture else None
            ),
        )

    def solve(self, x: np.ndarray, t: float) -> InterceptSolution:
        c = self.config
        t_go, pos = straight_intercept(self.position, x, c.speed_mps, c.launch_time_s)
        slant = np.linalg.norm(pos - self.position, axis=1)
        inside = (
            (slant >= c.min_range_m)
            & (slant <= c.max_range_m)
            & (pos[:, 2] <= c.max_altitude_m)
            & (t_go - c.launch_time_s <= c.endurance_s)
        )
        return self._solution(inside, t + t_go, pos, np.full(inside.shape, c.p_kill), t)

    def target_at(self, aim: np.ndarray, aim_cov: np.ndarray, truth: TruthBatch) -> int:
        return nearest_in_gate(aim, aim_cov, INTERCEPTOR_REACH_M, truth)
