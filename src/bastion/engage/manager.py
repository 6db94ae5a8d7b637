"""Engagement manager: fires what the assigner ordered, resolves outcomes, feeds the world back.

A shot is committed to the effector (munitions spent, channel busy) when ordered. While it is on
its way the fire control keeps it aimed at its track's latest estimate (:meth:`follow`; a track
lost meanwhile leaves the last one), and its outcome is drawn when its predicted time of effect
comes, against the true object at the aimed point then (:mod:`bastion.engage.aim`: the object
within the aim's uncertainty and the effector's reach, or for a jammer the drone in its beam;
nothing there, and the shot misses). A hard kill brings the wreckage down ballistically, with the
wind, after a random kick from the kill (:class:`~bastion.engage.base.DebrisSpec`: fragment
spread and forward throw), and its impact is assessed when it reaches the ground; an interceptor's
capture comes down under its parachute. A GNSS takeover steers the drone to the landing area the
jammer chooses for the aimed point; a failed takeover still denies GNSS. An RF jammer makes a
remote-controlled drone fly its failsafe. An electronic attack that cannot work on the drone's
navigation (GNSS jamming of a remote-controlled drone, link jamming of an autonomous one) is
learned: that effector kind is not used on that track again (:meth:`ineffective_pairs`).

A drone taken over is held: its tracks are not engaged while they fly as steered, and a new track
of it is recognised (:mod:`bastion.engage.control`, :meth:`controlled_track_ids`).

Shoot-look-shoot (the doctrine's default) allows one engagement per track at a time: the next
shot waits for the kill assessment of the last. A track assessed as killed, cut from its control
link or empty (the shot found nothing at its aimed point: a false track, or its object already
down) is left alone for :data:`REASSESS_AFTER_S`, and after that for as long as the tracker
coasts it without a new detection: the tracker keeps a seldom-seen target's track through gaps
of half a minute (docs/tracking.md), so the track of a destroyed drone may outlive any fixed
wait. A track updated after the assessment and still threatening has picked up another object
(or the object was not defeated) and may be engaged again. Without shoot-look-shoot, a second
shot may be ordered while the first is in flight (shoot-shoot-look), spending more to raise the
chance of a kill in time.

Under operator approval, an order waits for the operator: ``operator_delay_s`` (fixed, or drawn
from an exponential distribution with that mean). If ``approval_timeout_s`` passes first, the
doctrine's ``on_approval_timeout`` fires or drops it. Approved orders are re-solved from the
track's state at that time: they fire only if still feasible, otherwise the track is released
for the next assignment cycle.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from bastion.engage.aim import NOTHING, Aim
from bastion.engage.base import Effector
from bastion.engage.control import ControlledDrones
from bastion.engage.debris import ballistic_impact
from bastion.engage.jammers import GnssJammerEffector
from bastion.scenario.schema import Doctrine
from bastion.scenario.site import Site
from bastion.types import Assignment, EventRow, NavMode, TrackTable, TruthBatch
from bastion.world.impact import assess_impact
from bastion.world.population import Population


class EngagementTarget(Protocol):
    """What an engagement can do to the world (implemented by bastion.world.World)."""

    def destroy(self, i: int) -> None: ...
    def spoof(self, i: int, landing_point: np.ndarray) -> None: ...
    def deny_gnss(self, i: int, rng: np.random.Generator) -> None: ...
    def lose_link(self, i: int, action: str) -> None: ...


@dataclass(frozen=True, slots=True)
class _Shot:
    effector: Effector
    track_id: int
    t_effect: float
    p_effect: float
    aim: Aim  # the track's latest estimate (its last, once the track is lost)


@dataclass(frozen=True, slots=True)
class _Order:
    effector: Effector
    track_id: int
    t_ready: float  # when the operator answers, or the approval times out
    reason: str
    timed_out: bool = False


@dataclass(frozen=True, slots=True)
class _Fall:
    object_id: int
    t_impact: float
    pos: np.ndarray
    cause: str


#: How long a track whose target was assessed down is left alone at least, s (after that, until
#: a detection updates it).
REASSESS_AFTER_S = 15.0
#: A shot's outcome when no object (or for a jammer, no drone) was at its aimed point.
FOUND_NOTHING = "nothing at the aimed point"


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
        self.doctrine = doctrine
        self.shots_per_look = 1 if doctrine.shoot_look_shoot else 2
        self._shots: list[_Shot] = []
        self._orders: list[_Order] = []
        self._falls: list[_Fall] = []
        self._ineffective: set[tuple[int, str]] = set()
        self._defeated: dict[int, float] = {}  # track -> when its target was assessed down
        self._controlled = ControlledDrones(doctrine.min_hits_to_engage)
        self._now = 0.0

    def engaged_track_ids(self, tracks: TrackTable) -> frozenset[int]:
        """Tracks that may not be given another shot now: as many shots in flight (or orders
        awaiting approval) as the doctrine allows before a kill assessment, and tracks assessed
        down that no detection has updated since (or less than REASSESS_AFTER_S ago)."""
        pending = Counter(s.track_id for s in self._shots)
        pending.update(o.track_id for o in self._orders)
        busy = {tid for tid, n in pending.items() if n >= self.shots_per_look}
        updated = dict(zip(tracks.track_id.tolist(), tracks.last_update_t.tolist(), strict=True))
        down = {
            tid
            for tid, t in self._defeated.items()
            if self._now < t + REASSESS_AFTER_S or updated.get(tid, -np.inf) <= t
        }
        return frozenset(busy | down)

    def ineffective_pairs(self) -> frozenset[tuple[int, str]]:
        """(track id, effector kind) pairs known to have no effect: the track's navigation does
        not depend on what that kind of effector attacks."""
        return frozenset(self._ineffective)

    def controlled_track_ids(self) -> frozenset[int]:
        """Tracks of drones the defence holds under electronic-warfare control (a takeover
        reported and still holding): not threats to engage."""
        return self._controlled.track_ids()

    def follow(self, tracks: TrackTable) -> list[EventRow]:
        """Take in this tick's tracks: every shot on its way re-aims at its track's estimate,
        and the drones held under control keep, lose or regain their tracks."""
        row = {tid: r for r, tid in enumerate(tracks.track_id.tolist())}
        self._shots = [
            replace(s, aim=Aim(tracks.t, tracks.x[row[s.track_id]], tracks.P[row[s.track_id]]))
            if s.track_id in row
            else s
            for s in self._shots
        ]
        return self._controlled.update(tracks)

    def _approval_wait(self, rng: np.random.Generator) -> tuple[float, bool]:
        """Seconds until the order is decided, and whether that is the timeout."""
        d = self.doctrine
        delay = d.operator_delay_s
        if d.operator_response == "exponential":
            delay = float(rng.exponential(d.operator_delay_s))
        if d.approval_timeout_s is not None and delay > d.approval_timeout_s:
            return d.approval_timeout_s, True
        return delay, False

    def order(
        self,
        assignment: Assignment,
        tracks: TrackTable,
        truth: TruthBatch,
        rng: np.random.Generator,
    ) -> list[EventRow]:
        """Take this cycle's orders: fire now, or queue them for the operator's approval.
        ``truth`` (now) only labels a launch with the object at its aimed point."""
        events: list[EventRow] = []
        for k in range(len(assignment)):
            eff = self.effectors[str(assignment.effector_id[k])]
            track_id, reason = int(assignment.track_id[k]), str(assignment.reason[k])
            if self.doctrine.approval != "operator":
                events += self._fire(_Order(eff, track_id, assignment.t, reason), tracks, truth)
                continue
            wait, timed_out = self._approval_wait(rng)
            self._orders.append(_Order(eff, track_id, assignment.t + wait, reason, timed_out))
            events.append(
                EventRow(
                    kind="approval_requested",
                    pos=_pos(assignment.intercept_pos[k]),
                    effector_id=eff.effector_id,
                    track_id=track_id,
                    detail=reason,
                )
            )
        return events

    def release_approved(self, tracks: TrackTable, truth: TruthBatch) -> list[EventRow]:
        """Fire the orders whose approval has come (if still feasible); settle timed-out ones.
        ``truth`` (now) only labels a launch with the object at its aimed point."""
        ready = [o for o in self._orders if o.t_ready <= tracks.t]
        self._orders = [o for o in self._orders if o.t_ready > tracks.t]
        events: list[EventRow] = []
        for o in ready:
            if o.timed_out and self.doctrine.on_approval_timeout == "drop":
                events.append(
                    EventRow(
                        kind="order_dropped",
                        pos=(0.0, 0.0, 0.0),
                        effector_id=o.effector.effector_id,
                        track_id=o.track_id,
                        detail=f"operator approval timed out after "
                        f"{self.doctrine.approval_timeout_s:.0f} s",
                    )
                )
                continue
            if o.timed_out:
                waited = self.doctrine.approval_timeout_s
                note = f"fired without approval: timed out after {waited:.0f} s"
                o = _Order(o.effector, o.track_id, o.t_ready, f"{o.reason}; {note}")
            events += self._fire(o, tracks, truth)
        return events

    def _fire(self, order: _Order, tracks: TrackTable, truth: TruthBatch) -> list[EventRow]:
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
        aim = Aim(tracks.t, tracks.x[r], tracks.P[r])
        self._shots.append(_Shot(eff, order.track_id, t_effect, float(sol.p_effect[0]), aim))
        return [
            EventRow(
                kind="launch",
                pos=_pos(sol.pos[0]),
                effector_id=eff.effector_id,
                track_id=order.track_id,
                object_id=eff.target_at(*aim.at(truth.t), truth),
                munitions=munitions,
                detail=f"{order.reason}; effect expected at t={t_effect:.1f} s",
                cost_usd=eff.cost_usd,
            )
        ]

    def resolve(
        self, truth: TruthBatch, world: EngagementTarget, rng: np.random.Generator
    ) -> list[EventRow]:
        """Outcomes of shots and wreckage falls due by ``truth.t``, applied to the world."""
        self._now = truth.t
        due = [s for s in self._shots if s.t_effect <= truth.t]
        self._shots = [s for s in self._shots if s.t_effect > truth.t]
        events: list[EventRow] = []
        for shot in due:
            event = self._outcome(shot, truth, world, rng)
            if event.kind in ("kill", "link_lost") or event.detail == FOUND_NOTHING:
                self._defeated[shot.track_id] = truth.t
            events.append(event)
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
                fall.cause,
                rng,
            )
            events.append(row)
        return events

    def _bring_down(
        self, eff: Effector, i: int, truth: TruthBatch, rng: np.random.Generator
    ) -> tuple[float, float, float]:
        """Start the fall of a hard kill's wreckage: the object's velocity plus the kill's kick."""
        spec = eff.debris
        pos, vel = truth.pos[i], truth.vel[i].copy()
        line = pos - eff.position
        vel += spec.forward_throw_mps * line / max(float(np.linalg.norm(line)), 1e-9)
        vel += spec.fragment_spread_mps * rng.standard_normal(3)
        beta = spec.ballistic_coefficient_kg_m2 or float(self.pop.ballistic_coefficient[i])
        impact, t_fall = ballistic_impact(pos[None, :], vel[None, :], self.wind, beta)
        what = "captured drone" if spec.ballistic_coefficient_kg_m2 else "wreckage"
        cause = f"{what} after a hit by {eff.effector_id}"
        self._falls.append(_Fall(i, truth.t + float(t_fall[0]), impact[0], cause))
        return _pos(pos)

    def _outcome(
        self, shot: _Shot, truth: TruthBatch, world: EngagementTarget, rng: np.random.Generator
    ) -> EventRow:
        """What the shot does to the object at its aimed point now (module docstring)."""
        eff = shot.effector
        aim, aim_cov = shot.aim.at(truth.t)
        i = eff.target_at(aim, aim_cov, truth)
        base = dict(effector_id=eff.effector_id, track_id=shot.track_id, object_id=i)
        if i == NOTHING:
            return EventRow(kind="miss", pos=_pos(aim), detail=FOUND_NOTHING, **base)
        pos = truth.pos[i]
        success = bool(rng.random() < shot.p_effect)
        if eff.hard_kill:
            if not success:
                return EventRow(kind="miss", pos=_pos(pos), detail="missed", **base)
            world.destroy(i)
            where = self._bring_down(eff, i, truth, rng)
            how = "captured by" if eff.debris.ballistic_coefficient_kg_m2 else "destroyed by"
            return EventRow(kind="kill", pos=where, detail=f"{how} {eff.kind}", **base)
        remote = truth.nav_mode[i] == NavMode.REMOTE
        if eff.kind == "rf_jammer":
            if not remote:
                self._ineffective.add((shot.track_id, eff.kind))
                why = "no effect: autonomous drone has no control link to jam"
                return EventRow(kind="miss", pos=_pos(pos), detail=why, **base)
            if not success:
                return EventRow(kind="miss", pos=_pos(pos), detail="link not broken", **base)
            action = self.pop.link_loss_action[i]
            world.lose_link(i, action)
            why = f"control link jammed: failsafe {action.replace('_', ' ')}"
            return EventRow(kind="link_lost", pos=_pos(pos), detail=why, **base)
        assert isinstance(eff, GnssJammerEffector)
        if remote:
            self._ineffective.add((shot.track_id, eff.kind))
            why = "no effect: remote-controlled drone does not need GNSS"
            return EventRow(kind="miss", pos=_pos(pos), detail=why, **base)
        if truth.nav_mode[i] == NavMode.SPOOFED:
            why = "no effect: the drone is already under electronic-warfare control"
            return EventRow(kind="miss", pos=_pos(pos), detail=why, **base)
        if success:
            name, point, why = eff.choose_landing(aim)
            world.spoof(i, point)
            self._controlled.take(
                shot.track_id, truth.t, shot.aim.state_at(truth.t), eff.effector_id, name, point
            )
            return EventRow(
                kind="takeover", pos=_pos(pos), detail=f"steered to {name} ({why})", **base
            )
        world.deny_gnss(i, rng)
        return EventRow(
            kind="jammed",
            pos=_pos(pos),
            detail="takeover failed; GNSS denied, drone on inertial navigation",
            **base,
        )
