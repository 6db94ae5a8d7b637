"""Truth: kinematics, navigation and fate of every object, stepped in time.

Drones navigate by GNSS to their route; once GNSS is denied they dead-reckon, their believed
position drifting from the truth by a velocity error drawn at the moment of denial, so they fly
a displaced route and release their payload where they *think* the target is. A spoofed drone
is steered to the defence's landing area and brought down there; a remote-controlled drone whose
control link is jammed flies its failsafe: it lands where it is, returns to its launch point and
lands there, or hovers. Birds fly their own behaviour within their flock's area, drifting with
the wind (:mod:`bastion.world.birds`); aircraft transit.
"""

from __future__ import annotations

import numpy as np

from bastion.scenario.site import Site
from bastion.types import EventRow, NavMode, ObjectKind, ObjectStatus, TruthBatch
from bastion.world.autopilot import steer
from bastion.world.birds import BirdFlight
from bastion.world.impact import assess_impact
from bastion.world.population import Population

WAYPOINT_CAPTURE_M = 300.0
LANDING_MARGIN = 1.3  # start the spoofed descent this much earlier than the glide needs
TOUCHDOWN_HEIGHT_M = 1.0  # the height-hold loop only approaches the ground asymptotically


class World:
    def __init__(
        self,
        population: Population,
        site: Site,
        wind: np.ndarray,
        rng: np.random.Generator | None = None,
    ) -> None:
        """``rng`` draws the birds' initial headings and gusts (needed when there are birds)."""
        self.pop = population
        self.site = site
        self.wind = np.asarray(wind, dtype=float)
        n = len(population)
        self.object_id = np.arange(n, dtype=np.int64)
        self.status = np.full(n, ObjectStatus.PENDING, dtype=np.int8)
        self.nav = population.nav_mode.copy()
        self.pos = population.start_pos.copy()
        self.vel = np.zeros((n, 3))
        first = population.goals[:, 0, :2] - self.pos[:, :2]
        self.heading = np.arctan2(first[:, 0], first[:, 1])
        self.goals = population.goals.copy()
        self.goal_count = population.goal_count.copy()
        self.goal_idx = np.zeros(n, dtype=np.int64)
        self.nav_bias = np.zeros((n, 3))  # inertial velocity error once GNSS is denied
        self.nav_error = np.zeros((n, 3))  # believed minus true position
        self.lands_at_goal = np.zeros(n, dtype=bool)  # spoofed, or failsafe landing
        self.birds = np.flatnonzero(population.kind == ObjectKind.BIRD)
        self.bird_flight: BirdFlight | None = None
        if self.birds.size:
            if rng is None or population.bird_home is None:
                raise ValueError("a population with birds needs their habits, homes and an rng")
            heading = rng.uniform(0.0, 2.0 * np.pi, self.birds.size)
            self.bird_flight = BirdFlight(
                list(population.bird_habits), population.bird_home, heading, rng
            )
        self.t = 0.0

    def truth(self) -> TruthBatch:
        return TruthBatch(
            t=self.t,
            object_id=self.object_id.copy(),
            kind=self.pop.kind.copy(),
            status=self.status.copy(),
            nav_mode=self.nav.copy(),
            pos=self.pos.copy(),
            vel=self.vel.copy(),
            rcs_m2=self.pop.rcs_m2.copy(),
        )

    def step(self, t: float, rng: np.random.Generator) -> list[EventRow]:
        """Advance to time t; return impacts of payloads released or drones brought down."""
        dt = t - self.t
        self.t = t
        launch = (self.status == ObjectStatus.PENDING) & (self.pop.start_t <= t)
        self.status[launch] = ObjectStatus.FLYING
        fly = np.flatnonzero(self.status == ObjectStatus.FLYING)
        if fly.size == 0:
            return []
        pos = self.pos[fly]
        believed = pos + self.nav_error[fly]
        goal = self.goals[fly, self.goal_idx[fly]]  # a copy: fancy indexing
        landing = self.lands_at_goal[fly]
        if landing.any():
            goal[landing, 2] = self._spoofed_height_command(fly[landing], goal[landing])
        self.heading[fly], vel = steer(
            believed,
            goal,
            self.heading[fly],
            self.pop.airspeed[fly],
            self.pop.max_turn_rate[fly],
            self.pop.max_climb[fly],
            pos[:, 2],
            self.wind,
            dt,
        )
        if self.bird_flight is not None:
            bird_vel = self.bird_flight.step(self.pos[self.birds], dt, self.wind, rng)
            is_bird = self.pop.kind[fly] == ObjectKind.BIRD
            vel[is_bird] = bird_vel[np.searchsorted(self.birds, fly[is_bird])]
        self.vel[fly] = vel
        pos += vel * dt
        pos[:, 2] = np.maximum(pos[:, 2], 0.0)
        self.pos[fly] = pos
        if self.nav_bias.any():  # else the drift adds exact zeros
            self.nav_error[fly] += self.nav_bias[fly] * dt
        return self._advance_routes(fly, landing, rng)

    def _spoofed_height_command(self, idx: np.ndarray, goal: np.ndarray) -> np.ndarray:
        """Hold height until the glide at max descent rate would end over the landing point."""
        dist = np.linalg.norm(goal[:, :2] - self.pos[idx, :2], axis=1)
        glide = self.pos[idx, 2] / self.pop.max_climb[idx] * self.pop.airspeed[idx] * LANDING_MARGIN
        return np.where(dist <= glide, 0.0, self.pos[idx, 2])

    def _advance_routes(
        self, fly: np.ndarray, landing: np.ndarray, rng: np.random.Generator
    ) -> list[EventRow]:
        """Waypoints reached, payloads released and touchdowns of the flying objects ``fly``
        (``landing``: those descending onto their goal). Each rule is tested only when some
        object is near enough for it to apply."""
        events: list[EventRow] = []
        believed = self.pos[fly] + self.nav_error[fly]
        gi = self.goal_idx[fly]
        goal = self.goals[fly, gi]
        dist = np.linalg.norm(goal[:, :2] - believed[:, :2], axis=1)
        last = gi >= self.goal_count[fly] - 1
        kind = self.pop.kind[fly]
        near = dist < WAYPOINT_CAPTURE_M
        if near.any():
            # Intermediate waypoints: move on (birds have none: they fly their own way).
            self.goal_idx[fly[near & ~last]] += 1
            self.status[fly[near & last & (kind == ObjectKind.AIRCRAFT)]] = ObjectStatus.EXITED
        # Drones heading for their target release the payload on (believed) arrival overhead.
        radius = self.site.asset_radius_m[np.maximum(self.pop.target_asset[fly], 0)]
        over = last & (dist <= radius) & (kind == ObjectKind.DRONE)
        if over.any():
            nav = self.nav[fly]
            over &= (nav != NavMode.SPOOFED) & (nav != NavMode.LINK_LOST)
        for i in fly[over]:
            on_target = bool(self.site.assets_hit(self.pos[i : i + 1])[0, self.pop.target_asset[i]])
            self.status[i] = ObjectStatus.REACHED if on_target else ObjectStatus.CRASHED
            cause = (
                "payload released over target"
                if on_target
                else "payload released off target (GNSS denied, inertial drift)"
            )
            events.append(self._impact(i, cause, 1.0, rng))
        # Spoofed drones touch down in the landing area; link-lost ones where their failsafe says.
        landed = fly[landing & (self.pos[fly, 2] <= TOUCHDOWN_HEIGHT_M)] if landing.any() else ()
        for i in landed:
            self.status[i] = ObjectStatus.LANDED
            cause = (
                "landed under electronic-warfare control"
                if self.nav[i] == NavMode.SPOOFED
                else "landed by its failsafe after losing its control link"
            )
            events.append(self._impact(i, cause, self.pop.p_detonate[i], rng))
        # What came down or left is still: the truth record must not show it moving.
        self.vel[fly[self.status[fly] != ObjectStatus.FLYING]] = 0.0
        return events

    def _impact(self, i: int, cause: str, p_detonate: float, rng: np.random.Generator) -> EventRow:
        return assess_impact(
            self.site,
            self.pos[i],
            int(i),
            bool(self.pop.payload_armed[i]),
            float(p_detonate),
            float(self.pop.lethal_radius_m[i]),
            cause,
            rng,
        )

    # Effects of engagements, applied by the engagement manager.

    def destroy(self, i: int) -> None:
        """Hard kill: the object stops flying; its wreckage fall is assessed by the caller."""
        self.status[i] = ObjectStatus.DESTROYED
        self.vel[i] = 0.0

    def spoof(self, i: int, landing_point: np.ndarray) -> None:
        """GNSS takeover: the drone now flies to the landing point and descends there."""
        self.nav[i] = NavMode.SPOOFED
        self.nav_error[i] = 0.0
        self.nav_bias[i] = 0.0
        self._fly_to(i, landing_point, land=True)

    def lose_link(self, i: int, action: str) -> None:
        """Control link jammed: the drone flies its failsafe, ``land`` (descends where it is),
        ``return_home`` (flies to its launch point and lands there) or ``hover`` (holds over
        where it is)."""
        if action not in ("land", "return_home", "hover"):
            raise ValueError(f"unknown link-loss action {action!r}")
        self.nav[i] = NavMode.LINK_LOST
        if action == "return_home":
            home = self.pop.start_pos[i]
            self._fly_to(i, np.array([home[0], home[1], 0.0]), land=True)
        else:
            self._fly_to(i, self.pos[i].copy(), land=action == "land")

    def _fly_to(self, i: int, point: np.ndarray, land: bool) -> None:
        """Replace the route by one point; ``land``: descend onto it and touch down."""
        self.goals[i, 0] = point
        self.goal_count[i] = 1
        self.goal_idx[i] = 0
        self.lands_at_goal[i] = land

    def deny_gnss(self, i: int, rng: np.random.Generator) -> None:
        """GNSS jammed: dead reckoning from now on, with a horizontal velocity error."""
        if self.nav[i] != NavMode.GNSS:
            return
        self.nav[i] = NavMode.INERTIAL
        self.nav_bias[i, :2] = rng.normal(0.0, self.pop.ins_drift_mps[i], 2)
