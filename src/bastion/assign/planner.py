"""One assignment cycle: rules of engagement, engagement options, debris planning, WTA, orders.

Each cycle (every tick) the assigner re-plans from scratch, so a kill assessment (shoot-look-
shoot) or a changed track is taken into account at once:

1. Rules of engagement (:mod:`bastion.assign.roe`) pick the threats that may be engaged (not a
   track engaged already, nor a drone held under the defence's electronic-warfare control).
2. Every effector with a free channel solves for them. An option (effector, threat) is feasible
   when in envelope, with munitions, with its effect before the threat reaches its asset (in
   time), and not of a kind learned to be useless on that track (electronic attack on the wrong
   navigation).
3. Soft kill first: while a threat's time to go exceeds the doctrine's soft-kill reserve and a
   soft-kill option (jammer) exists for it, its hard-kill options are held back; they leave
   wreckage and spend munitions, and there is time for the jammer.
4. Debris (when the doctrine avoids no-debris zones): the footprint of each remaining option
   that brings something down (:mod:`bastion.engage.footprint`), the predicted point scattered
   by the track's covariance propagated to the effect. If its probability of landing in a
   no-debris zone exceeds ``debris.max_p_in_zone`` and a clearly safer point exists later on
   the track, still leaving ``last_chance_margin_s`` to go, the option is held until then.
   Otherwise it stays, with its expected harm as a cost: p_kill · (zone_harm · P(zone) + p_det ·
   value of the assets within the payload's reach).
5. The options form a WTA problem (:mod:`bastion.assign.wta`): threat value = the threat score,
   cost = ``cost_weight_per_usd`` · cost + expected harm, at most one shot per threat per cycle
   under shoot-look-shoot (two otherwise); a subclass solves it (greedy or exact MILP).
6. Every order carries its reason: the effect and its probability, the threat score's parts,
   the debris footprint, the alternatives considered and every option held back, and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from bastion.assign.roe import engageable
from bastion.assign.wta import WtaProblem
from bastion.engage.aim import predicted_point_covariance
from bastion.engage.base import Effector, InterceptSolution
from bastion.engage.footprint import FootprintModel
from bastion.scenario.schema import Doctrine
from bastion.scenario.site import Site
from bastion.threat.rows import rows_of
from bastion.types import Assignment, ClassBelief, ThreatTable, TrackTable

#: How each effector kind names the effect its probability is for.
EFFECT_NAME = {
    "missile": "kill",
    "gun": "kill",
    "interceptor": "kill",
    "gnss_jammer": "takeover",
    "rf_jammer": "link_loss",
}


def name_of(effector: Effector) -> str:
    return f"{effector.kind} {effector.effector_id}"


def empty_assignment(t: float) -> Assignment:
    return Assignment(
        t=t,
        track_id=np.empty(0, dtype=np.int64),
        effector_id=np.empty(0, dtype=object),
        intercept_pos=np.empty((0, 3)),
        t_intercept=np.empty(0),
        p_kill=np.empty(0),
        reason=np.empty(0, dtype=object),
    )


@dataclass
class CycleOptions:
    """The cycle's engagement options: effectors (K) with a free channel × candidates (M)."""

    effectors: list[Effector]
    solutions: list[InterceptSolution]
    allowed: np.ndarray  # (K, M) bool, after every rule and deferral
    considered: np.ndarray  # (K, M) bool, feasible in envelope and time (before preferences)
    p_zone: np.ndarray  # (K, M) probability the debris lands in a no-debris zone
    zone: np.ndarray  # (K, M) its most likely zone (-1: none)
    harm: np.ndarray  # (K, M) expected harm if engaged (probability of effect included)
    cost: np.ndarray  # (K, M) WTA cost: weighted money plus expected harm
    notes: list[list[str]] = field(default_factory=list)  # per candidate: held-back options


class WtaAssigner:
    """The assignment stage; subclasses choose how the cycle's WTA problem is solved."""

    def __init__(self, doctrine: Doctrine, site: Site, footprint: FootprintModel | None) -> None:
        self.doctrine = doctrine
        self.site = site
        self.footprint = footprint if doctrine.avoid_debris_in_no_debris_zones else None
        self._held: dict[int, tuple[float, str]] = {}  # track -> (since, why) while held
        # (track, effector) -> (time of the safer point found, or nan: none; its P; when sought)
        self._safe_at: dict[tuple[int, str], tuple[float, float, float]] = {}

    def solve(self, problem: WtaProblem) -> np.ndarray:
        """The cycle's assignment x (W, T) for the problem."""
        raise NotImplementedError

    def assign(
        self,
        threats: ThreatTable,
        tracks: TrackTable,
        belief: ClassBelief,
        effectors: Sequence[Effector],
        engaged_track_ids: frozenset[int],
        ineffective: frozenset[tuple[int, str]] = frozenset(),
        controlled_track_ids: frozenset[int] = frozenset(),
    ) -> Assignment:
        """Engagements to start now (module docstring); never a track in engaged_track_ids or
        controlled_track_ids."""
        t = tracks.t
        live = set(tracks.track_id.tolist())
        self._held = {k: v for k, v in self._held.items() if k in live}
        step = self.doctrine.debris.lookahead_step_s
        self._safe_at = {
            k: (safe, p, checked)
            for k, (safe, p, checked) in self._safe_at.items()
            if k[0] in live and (safe > t if np.isfinite(safe) else t < checked + step)
        }
        rows = engageable(
            threats, tracks, belief, self.doctrine, engaged_track_ids, controlled_track_ids
        )
        ready = [e for e in effectors if e.free_channels(t) > 0] if rows.size else []
        if not ready:
            return empty_assignment(t)
        at = rows_of(tracks.track_id, threats.track_id[rows])
        options = self.options(ready, tracks.x[at], tracks.P[at], threats, rows, t, ineffective)
        problem = WtaProblem(
            value=threats.score[rows],
            p=np.stack([s.p_effect for s in options.solutions]),
            units=np.array([e.free_channels(t) for e in ready]),
            allowed=options.allowed,
            cost=options.cost,
            max_per_target=np.full(rows.size, 1 if self.doctrine.shoot_look_shoot else 2),
        )
        plan = self.solve(problem)
        return self._orders(plan, options, threats, rows, t)

    def options(
        self,
        effectors: list[Effector],
        x: np.ndarray,
        cov: np.ndarray,
        threats: ThreatTable,
        rows: np.ndarray,
        t: float,
        ineffective: frozenset[tuple[int, str]],
    ) -> CycleOptions:
        """Steps 2-4 of the module docstring for candidate states x (M, 6), covariances
        cov (M, 6, 6)."""
        d = self.doctrine
        ttg = threats.time_to_go_s[rows]
        track_id = threats.track_id[rows]
        solutions = [e.solve(x, t) for e in effectors]
        t_go = np.stack([s.t_effect for s in solutions]) - t
        useless = np.array(
            [[(int(tid), e.kind) in ineffective for tid in track_id] for e in effectors]
        ).reshape(len(effectors), rows.size)
        feasible = np.stack([s.feasible for s in solutions]) & (t_go <= ttg[None, :]) & ~useless
        soft = np.array([not e.hard_kill for e in effectors])
        prefer_soft = (ttg > d.soft_kill_reserve_s) & (feasible & soft[:, None]).any(axis=0)
        allowed = feasible & ~(~soft[:, None] & prefer_soft[None, :])
        notes: list[list[str]] = [[] for _ in range(rows.size)]
        for m in np.flatnonzero(prefer_soft):
            held = [name_of(e) for k, e in enumerate(effectors) if feasible[k, m] and not soft[k]]
            if held:
                notes[m].append(
                    f"{', '.join(held)} held for a soft kill above the "
                    f"{d.soft_kill_reserve_s:.0f} s reserve"
                )
        shape = feasible.shape
        p_zone, zone, harm = np.full(shape, np.nan), np.full(shape, -1), np.zeros(shape)
        if self.footprint is not None:
            p_zone[:] = 0.0
            self._plan_debris(
                effectors, solutions, x, cov, ttg, track_id, t, allowed, p_zone, zone, harm, notes
            )
        p = np.stack([s.p_effect for s in solutions])
        harm *= p
        money = d.cost_weight_per_usd * np.array([e.cost_usd for e in effectors])
        return CycleOptions(
            effectors=effectors,
            solutions=solutions,
            allowed=allowed,
            considered=feasible,
            p_zone=p_zone,
            zone=zone,
            harm=harm,
            cost=money[:, None] + harm,
            notes=notes,
        )

    def _plan_debris(
        self,
        effectors: list[Effector],
        solutions: list[InterceptSolution],
        x: np.ndarray,
        cov: np.ndarray,
        ttg: np.ndarray,
        track_id: np.ndarray,
        t: float,
        allowed: np.ndarray,
        p_zone: np.ndarray,
        zone: np.ndarray,
        harm: np.ndarray,
        notes: list[list[str]],
    ) -> None:
        """Footprints of the allowed options; hold back unsafe ones that can wait (in place)."""
        assert self.footprint is not None
        plan = self.doctrine.debris
        p_det = self.footprint.wreckage.p_detonate
        names = self.site.no_debris_names
        for k, e in enumerate(effectors):
            idx = np.flatnonzero(allowed[k])
            if not (e.debris.falls and idx.size):
                continue
            horizon = solutions[k].t_effect[idx] - t
            point_cov = predicted_point_covariance(cov[idx], horizon)
            fp = self.footprint.assess(
                solutions[k].pos[idx], x[idx, 3:], e.position, e.debris, point_cov
            )
            p_zone[k, idx], zone[k, idx] = fp.p_zone, fp.zone
            harm[k, idx] = fp.harm(plan.zone_harm, p_det)
            for m in idx[fp.p_zone > plan.max_p_in_zone]:
                where = names[zone[k, m]]
                now = float(p_zone[k, m])
                later = self._safer_later(e, int(track_id[m]), x[m], cov[m], t, float(ttg[m]), now)
                risk = f"debris would land in {where} (P {now:.2f})"
                if later is None:
                    notes[m].append(f"{name_of(e)}: {risk}, no safer point before the last chance")
                    continue
                wait, p_later = later
                allowed[k, m] = False
                notes[m].append(
                    f"{name_of(e)} held: {risk}; safer point (P {p_later:.2f}) "
                    f"in about {wait:.0f} s"
                )
                self._held.setdefault(int(track_id[m]), (t, f"debris would land in {where}"))

    def _safer_later(
        self,
        e: Effector,
        track_id: int,
        x: np.ndarray,
        cov: np.ndarray,
        t: float,
        ttg: float,
        p_now: float,
    ) -> tuple[float, float] | None:
        """(seconds to wait, its P) for the first later point on the track as safe as any, if
        that is clearly safer than now (by more than ``max_p_in_zone``) and still leaves the
        last-chance margin; None if there is none.

        Later points every ``lookahead_step_s``; one whose mean impact lies in a zone counts as
        P = 1, the others are sampled. "As safe as any": P at most max(``max_p_in_zone``, the
        lowest P found). A point found is kept for the track and effector until it comes, and
        "none" for one look-ahead step, so a held engagement is not searched every cycle.
        """
        assert self.footprint is not None
        key = (track_id, e.effector_id)
        if key in self._safe_at:
            found, p_found, _ = self._safe_at[key]
            return None if np.isnan(found) else (found - t, p_found)
        self._safe_at[key] = (np.nan, np.nan, t)
        d = self.doctrine
        limit = d.debris.max_p_in_zone
        delays = np.arange(
            d.debris.lookahead_step_s, ttg - d.last_chance_margin_s, d.debris.lookahead_step_s
        )
        future = np.tile(x, (delays.size, 1))
        future[:, :3] += x[None, 3:] * delays[:, None]
        sol = e.solve(future, t)
        idx = np.flatnonzero(
            sol.feasible & (delays + sol.t_effect - t <= ttg - d.last_chance_margin_s)
        )
        if idx.size == 0:
            return None
        point_cov = predicted_point_covariance(
            np.broadcast_to(cov, (idx.size, 6, 6)), delays[idx] + sol.t_effect[idx] - t
        )
        p = np.ones(idx.size)
        fall = self.footprint.mean_fall(
            sol.pos[idx], future[idx, 3:], e.position, e.debris, point_cov
        )
        out = ~fall.in_zone
        if out.any():
            sampled = idx[out]
            fp = self.footprint.assess(
                sol.pos[sampled], future[sampled, 3:], e.position, e.debris, point_cov[out]
            )
            p[out] = fp.p_zone
        if p.min() + limit >= p_now:
            return None
        first = int(np.flatnonzero(p <= max(limit, p.min()))[0])
        wait = float(delays[idx[first]])
        self._safe_at[key] = (t + wait, float(p[first]), t)
        return wait, float(p[first])

    def _orders(
        self,
        plan: np.ndarray,
        options: CycleOptions,
        threats: ThreatTable,
        rows: np.ndarray,
        t: float,
    ) -> Assignment:
        """The Assignment record for plan (K, M), one row per unit, each with its reasons."""
        ks, ms = np.nonzero(plan)
        reps = plan[ks, ms]
        ks, ms = np.repeat(ks, reps), np.repeat(ms, reps)
        if ks.size == 0:
            return empty_assignment(t)
        sols, effs = options.solutions, options.effectors
        reasons = [
            self._reason(int(k), int(m), plan, options, threats, rows)
            for k, m in zip(ks, ms, strict=True)
        ]
        for m in np.unique(ms):
            self._held.pop(int(threats.track_id[rows[m]]), None)
        return Assignment(
            t=t,
            track_id=threats.track_id[rows[ms]].astype(np.int64),
            effector_id=np.array([effs[k].effector_id for k in ks], dtype=object),
            intercept_pos=np.array([sols[k].pos[m] for k, m in zip(ks, ms, strict=True)]).reshape(
                -1, 3
            ),
            t_intercept=np.array([sols[k].t_effect[m] for k, m in zip(ks, ms, strict=True)]),
            p_kill=np.array([sols[k].p_effect[m] for k, m in zip(ks, ms, strict=True)]),
            reason=np.array(reasons, dtype=object),
            threat_value=threats.score[rows[ms]].astype(float),
            p_debris_in_zone=options.p_zone[ks, ms].astype(float),
            expected_harm=options.harm[ks, ms].astype(float),
            cost_usd=np.array([effs[k].cost_usd for k in ks], dtype=float),
        )

    def _reason(
        self,
        k: int,
        m: int,
        plan: np.ndarray,
        options: CycleOptions,
        threats: ThreatTable,
        rows: np.ndarray,
    ) -> str:
        e = options.effectors[k]
        r = rows[m]
        p = options.solutions[k].p_effect[m]
        parts = [
            f"{name_of(e)}: p_{EFFECT_NAME[e.kind]} {p:.2f}, "
            f"time to go {threats.time_to_go_s[r]:.0f} s",
            f"threat {threats.score[r]:.3g} ({_threat_parts(threats, r)})",
        ]
        if self.footprint is not None and e.debris.falls:
            zone = options.zone[k, m]
            where = f" ({self.site.no_debris_names[zone]})" if zone >= 0 else ""
            parts.append(
                f"debris P(no-debris zone) {options.p_zone[k, m]:.2f}{where}, "
                f"expected harm {options.harm[k, m]:.2f}"
            )
        others = []
        for j, o in enumerate(options.effectors):
            if j == k or not options.allowed[j, m] or plan[j, m]:
                continue
            used = [int(threats.track_id[rows[i]]) for i in np.flatnonzero(plan[j])]
            given = f" (given to track {', '.join(map(str, used))})" if used else ""
            others.append(f"{name_of(o)} p {options.solutions[j].p_effect[m]:.2f}{given}")
        parts.append("alternatives: " + (", ".join(others) if others else "none"))
        parts += options.notes[m]
        held = self._held.get(int(threats.track_id[r]))
        if held is not None:
            parts.append(f"held since t={held[0]:.0f} s: {held[1]}")
        return "; ".join(parts)


def _threat_parts(threats: ThreatTable, r: int) -> str:
    """The threat score's factors for row r, those that the producer reported."""
    parts = [
        ("value", threats.asset_value[r], ".0f"),
        ("p_hostile", threats.p_hostile[r], ".2f"),
        ("proximity", threats.proximity[r], ".2f"),
        ("urgency", threats.urgency[r], ".2f"),
        ("heading", threats.heading_factor[r], ".2f"),
        ("altitude", threats.altitude_factor[r], ".2f"),
    ]
    return ", ".join(f"{name} {v:{fmt}}" for name, v, fmt in parts if np.isfinite(v))
