"""Engagement manager: fires what the assigner ordered, resolves outcomes, feeds the world back.

A shot is committed to the effector (munitions spent, channel busy) when ordered; its outcome is
drawn when its predicted time of effect comes, against the *true* object that the track follows
(a missile's seeker or a gun's fire-control radar closes on the real object; a false track has
nothing there, so the shot misses). A hard kill brings the wreckage down ballistically, with
the wind, and its impact is assessed when it reaches the ground. A GNSS takeover steers the
drone to the jammer's nearest landing area; a failed takeover still denies GNSS.

Shoot-look-shoot (the doctrine's default) allows one engagement per track at a time: the next
shot waits for the kill assessment of the last. Without it, a second shot may be ordered while
the first is in flight (shoot-shoot-look), spending more to raise the chance of a kill in time.

Under operator approval, an order waits ``operator_delay_s`` (the simulated operator approves
every order) and is then re-solved from the track's state at that time: it fires only if it is
still feasible, otherwise the track is released for the next assignment cycle.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from bastion.engage.base import Effector
from bastion.engage.debris import ballistic_impact
from bastion.engage.effectors import GnssJammerEffector
from bastion.scenario.schema import Doctrine
from bastion.scenario.site import Site
from bastion.types import Assignment, EventRow, NavMode, ObjectStatus, TrackTable, TruthBatch
from bastion.world.impact import assess_impact
from bastion.world.population import Population


class EngagementTarget(Protocol):
    """What an engagement can do to the world (implemented by bastion.world.World)."""

    def destroy(self, i: int) -> None: ...
    def spoof(self, i: int, landing_point: np.ndarray) -> None: ...
    def deny_gnss(self, i: int, rng: np.random.Generator) -> None: ...


@dataclass(frozen=True, slots=True)
class _Shot:
    effector: Effector
    track_id: int
    object_id: int  # true object the track follows (-1: a false track)
    t_effect: float
    p_effect: float


@dataclass(frozen=True, slots=True)
class _Order:
    effector: Effector
    track_id: int
    t_ready: float
    reason: str


@dataclass(frozen=True, slots=True)
class _Fall:
    object_id: int
    t_impact: float
    pos: np.ndarray
    effector_id: str


def _pos(p: np.ndarray) -> tuple[float, float, float]:
    return (float(p[0]), float(p[1]), float(p[2]))


class EngagementManager:
    def __init__(
        self,
        effectors: Sequence[Effector],
        site: Site,
        population: Population,
        wind: np.ndarray,
        doctrine: Doctrine,
    ) -> None:
        self.effectors = {e.effector_id: e for e in effectors}
        self.site = site
        self.pop = population
        self.wind = np.asarray(wind, dtype=float)
        self.approval_delay = doctrine.operator_delay_s if doctrine.approval == "operator" else 0.0
        self.shots_per_look = 1 if doctrine.shoot_look_shoot else 2
        self._shots: list[_Shot] = []
        self._orders: list[_Order] = []
        self._falls: list[_Fall] = []

    def engaged_track_ids(self) -> frozenset[int]:
        """Tracks that may not be given another shot now: as many shots in flight (or orders
        awaiting approval) as the doctrine allows before a kill assessment."""
        pending = Counter(s.track_id for s in self._shots)
        pending.update(o.track_id for o in self._orders)
        return frozenset(tid for tid, n in pending.items() if n >= self.shots_per_look)

    def order(self, assignment: Assignment, tracks: TrackTable) -> list[EventRow]:
        """Take this cycle's orders: fire now, or queue them for the operator's approval."""
        events: list[EventRow] = []
        for k in range(len(assignment)):
            eff = self.effectors[str(assignment.effector_id[k])]
            order = _Order(
                eff,
                int(assignment.track_id[k]),
                assignment.t + self.approval_delay,
                str(assignment.reason[k]),
            )
            if self.approval_delay > 0:
                self._orders.append(order)
                events.append(
                    EventRow(
                        kind="approval_requested",
                        pos=_pos(assignment.intercept_pos[k]),
                        effector_id=eff.effector_id,
                        track_id=order.track_id,
                        detail=order.reason,
                    )
                )
            else:
                events += self._fire(order, tracks)
        return events

    def release_approved(self, tracks: TrackTable) -> list[EventRow]:
        """Fire the orders whose approval time has come, if still feasible."""
        ready = [o for o in self._orders if o.t_ready <= tracks.t]
        self._orders = [o for o in self._orders if o.t_ready > tracks.t]
        events: list[EventRow] = []
        for o in ready:
            events += self._fire(o, tracks)
        return events

    def _fire(self, order: _Order, tracks: TrackTable) -> list[EventRow]:
        rows = np.flatnonzero(tracks.track_id == order.track_id)
        eff = order.effector
        if rows.size == 0:
            return [
                EventRow(
                    kind="order_dropped",
                    pos=(0.0, 0.0, 0.0),
                    effector_id=eff.effector_id,
                    track_id=order.track_id,
                    detail="track lost before firing",
                )
            ]
        r = int(rows[0])
        sol = eff.solve(tracks.x[r : r + 1], tracks.t)
        if not sol.feasible[0] or eff.free_channels(tracks.t) < 1:
            return [
                EventRow(
                    kind="order_dropped",
                    pos=_pos(tracks.x[r, :3]),
                    effector_id=eff.effector_id,
                    track_id=order.track_id,
                    detail="no longer feasible at approval",
                )
            ]
        t_effect = float(sol.t_effect[0])
        munitions = int(sol.munitions[0])
        eff.commit(tracks.t, t_effect, munitions)
        self._shots.append(
            _Shot(eff, order.track_id, int(tracks.truth_id[r]), t_effect, float(sol.p_effect[0]))
        )
        return [
            EventRow(
                kind="launch",
                pos=_pos(sol.pos[0]),
                effector_id=eff.effector_id,
                track_id=order.track_id,
                object_id=int(tracks.truth_id[r]),
                munitions=munitions,
                detail=f"{order.reason}; effect expected at t={t_effect:.1f} s",
            )
        ]

    def resolve(
        self, truth: TruthBatch, world: EngagementTarget, rng: np.random.Generator
    ) -> list[EventRow]:
        """Outcomes of shots and wreckage falls due by ``truth.t``, applied to the world."""
        due = [s for s in self._shots if s.t_effect <= truth.t]
        self._shots = [s for s in self._shots if s.t_effect > truth.t]
        events: list[EventRow] = []
        for shot in due:
            events.append(self._outcome(shot, truth, world, rng))
        landed = [f for f in self._falls if f.t_impact <= truth.t]
        self._falls = [f for f in self._falls if f.t_impact > truth.t]
        for fall in landed:
            i = fall.object_id
            row = assess_impact(
                self.site,
                fall.pos,
                i,
                bool(self.pop.payload_armed[i]),
                float(self.pop.p_detonate[i]),
                float(self.pop.lethal_radius_m[i]),
                f"wreckage after a hit by {fall.effector_id}",
                rng,
            )
            events.append(row)
        return events

    def _outcome(
        self, shot: _Shot, truth: TruthBatch, world: EngagementTarget, rng: np.random.Generator
    ) -> EventRow:
        eff, i = shot.effector, shot.object_id
        base = dict(effector_id=eff.effector_id, track_id=shot.track_id, object_id=i)
        if i < 0 or truth.status[i] != ObjectStatus.FLYING:
            why = "nothing there: false track" if i < 0 else "target already down"
            return EventRow(kind="miss", pos=(0.0, 0.0, 0.0), detail=why, **base)
        pos, vel = truth.pos[i], truth.vel[i]
        success = bool(rng.random() < shot.p_effect)
        if eff.hard_kill:
            if not success:
                return EventRow(kind="miss", pos=_pos(pos), detail="missed", **base)
            world.destroy(i)
            impact, t_fall = ballistic_impact(
                pos[None, :], vel[None, :], self.wind, float(self.pop.ballistic_coefficient[i])
            )
            self._falls.append(_Fall(i, truth.t + float(t_fall[0]), impact[0], eff.effector_id))
            return EventRow(kind="kill", pos=_pos(pos), detail=f"destroyed by {eff.kind}", **base)
        assert isinstance(eff, GnssJammerEffector)
        if truth.nav_mode[i] == NavMode.REMOTE:
            return EventRow(
                kind="miss",
                pos=_pos(pos),
                detail="no effect: remote-controlled drone does not need GNSS",
                **base,
            )
        if success:
            name, point = eff.landing_point_for(pos)
            world.spoof(i, point)
            return EventRow(kind="takeover", pos=_pos(pos), detail=f"steered to {name}", **base)
        world.deny_gnss(i, rng)
        return EventRow(
            kind="jammed",
            pos=_pos(pos),
            detail="takeover failed; GNSS denied, drone on inertial navigation",
            **base,
        )
