"""Where a candidate engagement's debris would land: a Monte Carlo ground footprint.

For each candidate engagement the assigner asks what comes down at the predicted point of effect
(:class:`~bastion.engage.base.DebrisSpec`) and where it lands. The wreckage of a hard kill falls
ballistically (:func:`~bastion.engage.debris.ballistic_impact`) from the intercept point with the
target's velocity plus, per sample s,

    p_s = p + L k_s                               (L L^T: the predicted point's covariance)
    v_s = v + u_throw · û + σ_kick · n_s        (û: effector → target, n_s ~ N(0, I))
    β_s = β · exp(σ_β · m_s)                     (wreckage shape and mass unknown)
    w_s = w + σ_w · (g_s, h_s, 0)                (gusts and wind error)

The point of effect is a prediction: the track's position covariance propagated over the time
to the effect (an interceptor flying for a minute predicts the target's height to ±100 m or
worse, which moves a slow parachute's landing by hundreds of metres).

Wind enters exactly through the air-mass frame: with a steady wind w the fall is the still-air
fall from v − w, carried along by w, so impact_s = still-air impact(v_s − w_s) + w_s · t_fall.
A drone brought down under control lands near the point below, scattered by ``landing_spread_m``.

The footprint's probabilities are sample fractions: P(lands in a no-debris zone), and the
expected value of the assets within a payload's lethal reach of the impact (times the chance the
payload goes off, the harm of an impact near an asset). The unit samples k, n, m, g, h are drawn
once, from the run's generator, and reused every cycle (common random numbers), so a decision
does not flicker with sampling noise from one cycle to the next.

Only engagements whose mean impact lies near a zone or asset are sampled: those whose mean impact
is farther than a conservative spread radius, R = 3 (σ_kick + σ_w) t_fall + |v_h| t_fall
min(1, 3 σ_β) + 3 sqrt(tr Σ_p) (1 + |w| / v_terminal) + 50 m, from every zone's bounding box and
asset reach count as clear (P = 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.engage.base import DebrisSpec
from bastion.engage.debris import AIR_DENSITY_KG_M3, GRAVITY_MPS2, ballistic_impact
from bastion.scenario.schema import DebrisPlanning
from bastion.scenario.site import Site

#: Integration step of the sampled falls, s (RK4; the drag time constant is ~2 s or more).
SAMPLE_DT_S = 0.5
#: Margin added to the screening radius, m.
SCREEN_MARGIN_M = 50.0


@dataclass(frozen=True, slots=True)
class Wreckage:
    """What the defence assumes about a hostile drone's wreckage (averaged over its types)."""

    ballistic_coefficient_kg_m2: float
    p_detonate: float
    lethal_radius_m: float


@dataclass(frozen=True, slots=True)
class Footprint:
    """Per candidate engagement (N): where its debris lands and what that risks."""

    mean_impact: np.ndarray  # (N, 3) impact of the unperturbed fall (or the point below)
    p_zone: np.ndarray  # (N,) probability of landing in a no-debris zone
    zone: np.ndarray  # (N,) the zone it most often lands in (-1: none)
    asset_harm: np.ndarray  # (N,) expected asset value lost if the payload goes off on impact
    sampled: np.ndarray  # (N,) bool, Monte Carlo run (False: screened as clear)

    def harm(self, zone_harm: float, p_detonate: float) -> np.ndarray:
        """Expected harm of debris that comes down: zone_harm · P(zone) + p_det · assets."""
        return zone_harm * self.p_zone + p_detonate * self.asset_harm


def _psd(cov: np.ndarray) -> np.ndarray:
    """Symmetrised covariances (N, 3, 3) with a millimetre floor, so Cholesky always works."""
    cov = 0.5 * (cov + np.swapaxes(cov, -1, -2))
    return cov + 1e-6 * np.eye(3)


@dataclass(frozen=True, slots=True)
class MeanFall:
    """The unperturbed fall of N engagements' wreckage."""

    mean_impact: np.ndarray  # (N, 3)
    release_vel: np.ndarray  # (N, 3) the target's velocity plus the forward throw
    beta: float  # ballistic coefficient assumed
    in_zone: np.ndarray  # (N,) bool, the mean impact lies in a no-debris zone
    clear: np.ndarray  # (N,) bool, no sample can reach a zone or asset: P = 0 without sampling


class FootprintModel:
    """Monte Carlo debris footprints against the site's no-debris zones and assets."""

    def __init__(
        self,
        site: Site,
        wind: np.ndarray,
        planning: DebrisPlanning,
        wreckage: Wreckage,
        rng: np.random.Generator,
    ) -> None:
        self.site = site
        self.wind = np.asarray(wind, dtype=float).reshape(3)
        self.planning = planning
        self.wreckage = wreckage
        s = planning.samples
        self._kick = rng.standard_normal((s, 3))
        self._gust = np.column_stack([rng.standard_normal((s, 2)), np.zeros(s)])
        self._log_beta = rng.standard_normal(s)
        self._scatter = rng.standard_normal((s, 2))
        self._point = rng.standard_normal((s, 3))
        boxes = [(p.min(axis=0), p.max(axis=0)) for p in site.no_debris_polygons]
        self._box_lo = np.array([b[0] for b in boxes]).reshape(-1, 2)
        self._box_hi = np.array([b[1] for b in boxes]).reshape(-1, 2)

    def _near_harm(self, point: np.ndarray, radius: np.ndarray) -> np.ndarray:
        """Which points (N, 2) lie within radius (N,) of a zone's bounding box or an asset's
        payload reach."""
        lo, hi = self._box_lo[None], self._box_hi[None]
        gap = np.maximum(np.maximum(lo - point[:, None], point[:, None] - hi), 0.0)
        near_zone = (np.linalg.norm(gap, axis=2) <= radius[:, None]).any(axis=1)
        reach = self.site.asset_radius_m + self.wreckage.lethal_radius_m
        d = np.linalg.norm(point[:, None, :] - self.site.asset_pos[None, :, :2], axis=2)
        return near_zone | (d <= reach[None, :] + radius[:, None]).any(axis=1)

    def _score(self, impacts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sampled impacts (N, S, 2) -> P(zone) (N,), most frequent zone (N,), asset harm (N,)."""
        n, s, _ = impacts.shape
        zone = self.site.no_debris_zone_of(impacts.reshape(-1, 2)).reshape(n, s)
        p_zone = np.mean(zone >= 0, axis=1)
        top = np.full(n, -1)
        if self.site.no_debris_names:
            counts = np.stack(
                [np.sum(zone == z, axis=1) for z in range(len(self.site.no_debris_names))], axis=1
            )
            top = np.where(p_zone > 0, np.argmax(counts, axis=1), -1)
        hit = self.site.assets_hit(impacts.reshape(-1, 2), self.wreckage.lethal_radius_m)
        harm = (hit @ self.site.asset_value).reshape(n, s).mean(axis=1)
        return p_zone, top, harm

    def assess(
        self,
        pos: np.ndarray,
        vel: np.ndarray,
        source: np.ndarray,
        spec: DebrisSpec,
        pos_cov: np.ndarray | None = None,
    ) -> Footprint:
        """Footprints of engagements at points pos (N, 3) on targets moving at vel (N, 3), by an
        effector at source (3,) whose success brings down what ``spec`` says. ``pos_cov``
        (N, 3, 3), the uncertainty of the predicted point of effect, scatters the samples'
        starting points too (default: exact points)."""
        pos = np.asarray(pos, dtype=float).reshape(-1, 3)
        vel = np.asarray(vel, dtype=float).reshape(-1, 3)
        n = pos.shape[0]
        if not spec.falls:
            clear = np.zeros(n)
            return Footprint(pos.copy(), clear, np.full(n, -1), clear, np.zeros(n, dtype=bool))
        # Samples' starting points: pos + L k_s with L L^T = pos_cov (kept above the ground).
        chol = np.zeros((n, 3, 3)) if pos_cov is None else np.linalg.cholesky(_psd(pos_cov))
        start = pos[:, None, :] + np.einsum("nij,sj->nsi", chol, self._point)
        start[..., 2] = np.maximum(start[..., 2], 0.0)
        if not spec.ballistic:
            return self._landing(pos, start, spec)
        fall = self.mean_fall(pos, vel, source, spec, pos_cov)
        todo = np.flatnonzero(~fall.clear)
        p_zone, zone, harm = np.zeros(n), np.full(n, -1), np.zeros(n)
        if todo.size:
            plan = self.planning
            s = plan.samples
            wind_s = self.wind + plan.wind_sigma_mps * self._gust  # (S, 3)
            v0 = fall.release_vel[todo, None, :]
            v_s = v0 + spec.fragment_spread_mps * self._kick[None] - wind_s[None]
            beta_s = fall.beta * np.exp(plan.ballistic_coefficient_sigma * self._log_beta)
            still, t_s = ballistic_impact(
                start[todo].reshape(-1, 3),
                v_s.reshape(-1, 3),
                np.zeros(3),
                np.tile(beta_s, todo.size),
                dt=SAMPLE_DT_S,
            )
            impacts = still[:, :2].reshape(todo.size, s, 2) + (
                wind_s[None, :, :2] * t_s.reshape(todo.size, s, 1)
            )
            p_zone[todo], zone[todo], harm[todo] = self._score(impacts)
        return Footprint(fall.mean_impact, p_zone, zone, harm, ~fall.clear)

    def mean_fall(
        self,
        pos: np.ndarray,
        vel: np.ndarray,
        source: np.ndarray,
        spec: DebrisSpec,
        pos_cov: np.ndarray | None = None,
    ) -> MeanFall:
        """The unperturbed ballistic fall of each engagement's wreckage and its screening: clear
        where the spread radius cannot reach a zone or an asset (module docstring)."""
        plan = self.planning
        point_sigma = 0.0 if pos_cov is None else np.sqrt(np.trace(_psd(pos_cov), axis1=1, axis2=2))
        line = pos - np.asarray(source, dtype=float).reshape(3)
        unit = line / np.maximum(np.linalg.norm(line, axis=1, keepdims=True), 1e-9)
        v0 = vel + spec.forward_throw_mps * unit
        beta = spec.ballistic_coefficient_kg_m2 or self.wreckage.ballistic_coefficient_kg_m2
        mean, t_fall = ballistic_impact(pos, v0, self.wind, beta, dt=SAMPLE_DT_S)
        v_air = np.linalg.norm((v0 - self.wind)[:, :2], axis=1)
        v_terminal = np.sqrt(2.0 * beta * GRAVITY_MPS2 / AIR_DENSITY_KG_M3)
        radius = (
            3.0 * (spec.fragment_spread_mps + plan.wind_sigma_mps) * t_fall
            + v_air * t_fall * min(1.0, 3.0 * plan.ballistic_coefficient_sigma)
            + 3.0 * point_sigma * (1.0 + np.linalg.norm(self.wind) / v_terminal)
            + SCREEN_MARGIN_M
        )
        in_zone = self.site.no_debris_zone_of(mean) >= 0
        clear = ~self._near_harm(mean[:, :2], radius)
        return MeanFall(mean, v0, beta, in_zone, clear)

    def _landing(self, pos: np.ndarray, start: np.ndarray, spec: DebrisSpec) -> Footprint:
        """A controlled descent: the point below, scattered by the landing spread."""
        below = np.column_stack([pos[:, :2], np.zeros(pos.shape[0])])
        impacts = start[..., :2] + spec.landing_spread_m * self._scatter[None]
        p_zone, zone, harm = self._score(impacts)
        return Footprint(below, p_zone, zone, harm, np.ones(pos.shape[0], dtype=bool))
