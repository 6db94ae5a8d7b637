"""Greedy weapon-target assignment: the most threatening track first, each given the best effector.

Per cycle, a threat is a candidate when the rules of engagement allow it:

- weapons hold: nothing is engaged;
- always: not already engaged, heading for an asset (finite time to go), established (at least
  ``min_hits_to_engage`` detections: a young track can hop between neighbouring birds and look
  fast), and neither its bird nor its aircraft belief reaches ``p_friendly_to_hold``;
- weapons tight, also: ``p_hostile >= p_hostile_to_engage`` (weapons free needs nothing more).

Going down the ranked threats, each takes one effector that can reach it and still has a channel
this cycle. While the time to go exceeds the doctrine's soft-kill reserve a soft kill (jammer) is
preferred, since it leaves no wreckage and spends nothing; after that a hard kill is preferred, and
the other kind is the fallback. Within a kind the highest p_effect wins, then the lower cost.

A hard kill whose wreckage (a ballistic fall from the intercept point with the track's velocity)
would land in a no-debris zone is deferred, so the track is engaged later once it has passed the
zone, unless the time to go is under the last-chance margin: the time the effector needs to its
effect plus ``last_chance_margin_s``. Then it is engaged anyway and the reason says so.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bastion.engage.base import Effector, InterceptSolution
from bastion.engage.debris import ballistic_impact
from bastion.scenario.schema import Doctrine
from bastion.scenario.site import Site
from bastion.threat.rows import rows_of
from bastion.types import CLASSES, Assignment, ClassBelief, ThreatTable, TrackTable


class GreedyAssigner:
    """Rank-order greedy assignment under the doctrine's rules of engagement and debris limits."""

    def __init__(
        self,
        doctrine: Doctrine,
        site: Site,
        wind: np.ndarray,
        ballistic_coefficient_kg_m2: float,
        last_chance_margin_s: float = 30.0,
    ) -> None:
        self.doctrine = doctrine
        self.site = site
        self.wind = np.asarray(wind, dtype=float).reshape(3)
        self.ballistic_coefficient_kg_m2 = ballistic_coefficient_kg_m2
        self.last_chance_margin_s = last_chance_margin_s

    def candidates(
        self,
        threats: ThreatTable,
        tracks: TrackTable,
        belief: ClassBelief,
        engaged_track_ids: frozenset[int],
    ) -> np.ndarray:
        """Rows of ``threats`` the rules of engagement allow engaging now, in rank order."""
        d = self.doctrine
        if d.weapons_control == "hold":
            return np.empty(0, dtype=np.intp)
        p = belief.p[rows_of(belief.track_id, threats.track_id)]
        friendly = np.maximum(p[:, CLASSES.index("bird")], p[:, CLASSES.index("aircraft")])
        engaged = np.fromiter(engaged_track_ids, dtype=np.int64, count=len(engaged_track_ids))
        hits = tracks.hits[rows_of(tracks.track_id, threats.track_id)]
        ok = (
            (friendly < d.p_friendly_to_hold)
            & (hits >= d.min_hits_to_engage)
            & np.isfinite(threats.time_to_go_s)
            & ~np.isin(threats.track_id, engaged)
        )
        if d.weapons_control == "tight":
            ok &= threats.p_hostile >= d.p_hostile_to_engage
        return np.flatnonzero(ok)

    def assign(
        self,
        threats: ThreatTable,
        tracks: TrackTable,
        belief: ClassBelief,
        effectors: Sequence[Effector],
        engaged_track_ids: frozenset[int],
    ) -> Assignment:
        rows = self.candidates(threats, tracks, belief, engaged_track_ids)
        t = tracks.t
        x = tracks.x[rows_of(tracks.track_id, threats.track_id[rows])]
        solutions = [e.solve(x, t) for e in effectors]
        zones = self._debris_zones(effectors, solutions, x)
        free = [e.free_channels(t) for e in effectors]
        chosen: list[tuple[int, int, str]] = []  # (candidate, effector, reason)
        for m, row in enumerate(rows):
            pick = self._choose(
                m, float(threats.time_to_go_s[row]), effectors, solutions, zones, free, t
            )
            if pick is not None:
                free[pick[0]] -= 1
                chosen.append((m, *pick))
        return Assignment(
            t=t,
            track_id=threats.track_id[rows[[m for m, _, _ in chosen]]].astype(np.int64),
            effector_id=np.array([effectors[k].effector_id for _, k, _ in chosen], dtype=object),
            intercept_pos=np.array([solutions[k].pos[m] for m, k, _ in chosen]).reshape(-1, 3),
            t_intercept=np.array([solutions[k].t_effect[m] for m, k, _ in chosen], dtype=float),
            p_kill=np.array([solutions[k].p_effect[m] for m, k, _ in chosen], dtype=float),
            reason=np.array([r for _, _, r in chosen], dtype=object),
        )

    def _debris_zones(
        self, effectors: Sequence[Effector], solutions: list[InterceptSolution], x: np.ndarray
    ) -> np.ndarray:
        """No-debris zone (E, M) each hard kill's wreckage would land in (-1: none, unchecked)."""
        zones = np.full((len(effectors), x.shape[0]), -1, dtype=np.int64)
        if not self.doctrine.avoid_debris_in_no_debris_zones:
            return zones
        hard = np.array([e.hard_kill for e in effectors], dtype=bool).reshape(-1, 1)
        k, m = np.nonzero(np.array([s.feasible for s in solutions]).reshape(zones.shape) & hard)
        if k.size:
            start = np.stack([s.pos for s in solutions])[k, m]
            impact, _ = ballistic_impact(
                start, x[m, 3:], self.wind, self.ballistic_coefficient_kg_m2
            )
            zones[k, m] = self.site.no_debris_zone_of(impact)
        return zones

    def _choose(
        self,
        m: int,
        time_to_go: float,
        effectors: Sequence[Effector],
        solutions: list[InterceptSolution],
        zones: np.ndarray,
        free: list[int],
        t: float,
    ) -> tuple[int, str] | None:
        """Best effector for candidate m and why, or None if none may engage it now."""
        ready = [k for k, s in enumerate(solutions) if s.feasible[m] and free[k] > 0]
        soft = [k for k in ready if not effectors[k].hard_kill]
        hard: list[int] = []
        deferred: dict[int, int] = {}  # effector -> no-debris zone its wreckage would hit
        last_chance: dict[int, int] = {}
        for k in (k for k in ready if effectors[k].hard_kill):
            zone = int(zones[k, m])
            if zone >= 0 and time_to_go >= solutions[k].t_effect[m] - t + self.last_chance_margin_s:
                deferred[k] = zone
                continue
            hard.append(k)
            if zone >= 0:
                last_chance[k] = zone
        reserve = self.doctrine.soft_kill_reserve_s
        soft_first = time_to_go > reserve
        group = next((g for g in ([soft, hard] if soft_first else [hard, soft]) if g), None)
        if group is None:
            return None
        k = min(group, key=lambda k: (-solutions[k].p_effect[m], effectors[k].cost_usd, k))
        e = effectors[k]
        effect = "kill" if e.hard_kill else "takeover"
        head = (
            f"{_name(e)}: p_{effect} {solutions[k].p_effect[m]:.2f}, time to go {time_to_go:.0f} s"
        )
        if soft_first and not e.hard_kill:
            return k, f"{head} (soft kill preferred above the {reserve:.0f} s reserve)"
        names = self.site.no_debris_names
        parts = [head]
        if k in last_chance:
            parts.append(f"last chance: wreckage may land in {names[last_chance[k]]}")
        parts += [
            f"{_name(effectors[j])} deferred: wreckage would land in {names[z]}"
            for j, z in deferred.items()
        ]
        return k, "; ".join(parts)


def _name(effector: Effector) -> str:
    return f"{effector.kind} {effector.effector_id}"
