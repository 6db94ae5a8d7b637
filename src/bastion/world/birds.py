"""How a bird flies: one behaviour model for the scenario world and the classifier's training.

A bird's flight is a sequence of behaviour segments, each a commanded airspeed, turn rate and
climb rate held for a while (:func:`draw_segment`):

- commuting: straight, the heading wandering by a few degrees a second;
- foraging: a short, sharp turn at reduced speed;
- thermal soaring: circles of 20-100 m climbing 0.5-3 m/s;
- gliding: straight and sinking.

Each bird has its own habit (:func:`draw_habit`): its airspeed (5-9 m/s for three in ten, else
8-20 m/s, or about a flock's given speed), how much its heading wanders, and its mix of the
four behaviours. It flies *in the air mass*: the wind carries it, so into a headwind it is slow
over the ground and downwind fast. This is what sets a bird apart from a drone on GNSS, whose
autopilot holds a ground track or a position whatever the wind (the scenario drones of
:mod:`bastion.world.autopilot` crab against it).

Its velocity answers the command with a first-order lag of time constant ``tau_s``, and gusts
add an Ornstein-Uhlenbeck velocity of spread ``gust_mps`` (time constant :data:`GUST_TAU_S`).
:class:`BirdFlight` steps many birds at once, tick by tick, and keeps each to a home range (a
flock's area and height band), as a loitering bird works against the wind to stay where it
feeds: each new segment, with probability (d / R)² at distance d from the area's centre (R its
radius; always once outside), the bird flies it toward a random point of the inner half of its
area, crabbing against the wind; and its climbs reverse at the band's edges. The classifier's
training flights fly the same segments open-loop (:func:`bastion.classify.flights.fly`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.world.autopilot import crab_heading, wrap_angle

#: One segment: duration s, horizontal airspeed m/s, turn rate rad/s (clockwise), climb m/s.
Segment = tuple[float, float, float, float]

COMMUTE, FORAGE, SOAR, GLIDE = range(4)
#: Time constant (s) of the gust velocity.
GUST_TAU_S = 3.0
#: Fastest turn (rad/s) of a bird heading home, and the gain from heading error to turn rate.
HOMING_TURN_RAD_S = np.radians(20.0)
HOMING_GAIN_PER_S = 0.5


@dataclass(frozen=True, slots=True)
class BirdHabit:
    """How one bird flies: its airspeed (m/s), heading wander (deg/s, the spread of a
    commuting segment's turn rate), behaviour mix (4,) over COMMUTE..GLIDE, response time
    constant (s) and gust spread (m/s per axis)."""

    airspeed: float
    wander_deg_s: float
    mix: np.ndarray
    tau_s: float
    gust_mps: float


def draw_habit(rng: np.random.Generator, airspeed_mps: float | None = None) -> BirdHabit:
    """A random bird's habit; ``airspeed_mps`` (a flock's speed) sets its airspeed within
    ±20 %, else it is drawn: small, slow birds (5-9 m/s) are common."""
    if airspeed_mps is None:
        airspeed = rng.uniform(5.0, 9.0) if rng.random() < 0.3 else rng.uniform(8.0, 20.0)
    else:
        airspeed = airspeed_mps * rng.uniform(0.8, 1.2)
    return BirdHabit(
        airspeed=float(airspeed),
        wander_deg_s=float(rng.uniform(1.0, 6.0)),
        mix=rng.dirichlet([3.0, 1.0, 0.8, 0.6]),
        tau_s=float(rng.uniform(0.5, 1.5)),
        gust_mps=float(rng.uniform(0.2, 1.0)),
    )


def random_sign(rng: np.random.Generator) -> float:
    """-1 or +1, evenly: which way a turn or climb goes."""
    return float(rng.choice((-1.0, 1.0)))


def draw_segment(rng: np.random.Generator, habit: BirdHabit) -> Segment:
    """The bird's next behaviour segment (module docstring)."""
    mode = rng.choice(4, p=habit.mix)
    speed = habit.airspeed * rng.uniform(0.8, 1.2)
    if mode == COMMUTE:
        turn = np.radians(rng.normal(0.0, habit.wander_deg_s))
        return (rng.uniform(3.0, 20.0), speed, turn, rng.normal(0.0, 0.4))
    if mode == FORAGE:
        turn = random_sign(rng) * np.radians(rng.uniform(20.0, 90.0))
        return (rng.uniform(1.0, 6.0), speed * rng.uniform(0.5, 1.0), turn, rng.normal(0.0, 0.8))
    if mode == SOAR:
        speed = rng.uniform(8.0, 13.0)
        radius = rng.uniform(20.0, 100.0)
        return (
            rng.uniform(60.0, 300.0),
            speed,
            random_sign(rng) * speed / radius,
            rng.uniform(0.5, 3),
        )
    return (rng.uniform(20.0, 120.0), rng.uniform(12.0, 18.0), 0.0, -rng.uniform(0.5, 2.5))


@dataclass(frozen=True, slots=True)
class HomeRange:
    """Where each of M birds stays: area centre (M, 2) m ENU and radius (M,) m, and its height
    band (M, 2) m (low, high)."""

    centre: np.ndarray
    radius_m: np.ndarray
    band_m: np.ndarray


class BirdFlight:
    """M birds flying their habits within their home ranges, stepped tick by tick."""

    def __init__(
        self,
        habits: list[BirdHabit],
        home: HomeRange,
        heading: np.ndarray,
        rng: np.random.Generator,
    ) -> None:
        m = len(habits)
        self.habits = habits
        self.home = home
        self.tau_s = np.array([h.tau_s for h in habits])
        self.gust_mps = np.array([h.gust_mps for h in habits])
        self.heading = np.asarray(heading, dtype=float).copy()  # air heading, rad from north
        self.segment = np.zeros((m, 4))  # the current Segment of each bird
        self.left_s = np.zeros(m)  # time left in it
        self.aim = np.full((m, 2), np.nan)  # the point a returning bird flies to, else NaN
        self.air_vel = np.zeros((m, 3))  # velocity relative to the air, without gusts
        self.gust = rng.normal(0.0, 1.0, (m, 3)) * self.gust_mps[:, None]
        self._started = False

    def step(
        self, pos: np.ndarray, dt: float, wind: np.ndarray, rng: np.random.Generator
    ) -> np.ndarray:
        """Ground velocity (M, 3) of the birds at ``pos`` (M, 3) over the next ``dt`` s."""
        away = pos[:, :2] - self.home.centre
        reach = np.hypot(away[:, 0], away[:, 1]) / self.home.radius_m
        due = self.left_s <= 0.0
        for i in np.flatnonzero(due):  # segments end on time, as in fly(), however short
            while self.left_s[i] <= 0.0:
                self.segment[i] = draw_segment(rng, self.habits[i])
                self.left_s[i] += self.segment[i, 0]
        returning = (due & (rng.random(reach.size) < reach**2)) | (reach > 1.0)
        returning &= np.isnan(self.aim[:, 0]) | due
        if returning.any():
            k = int(returning.sum())
            r = 0.5 * self.home.radius_m[returning] * np.sqrt(rng.random(k))
            a = rng.uniform(0.0, 2.0 * np.pi, k)
            self.aim[returning] = self.home.centre[returning] + np.column_stack(
                [r * np.sin(a), r * np.cos(a)]
            )
        self.aim[due & ~returning] = np.nan
        self.left_s -= dt
        _, speed, turn, climb = self.segment.T
        aimed = np.isfinite(self.aim[:, 0])
        if aimed.any():
            wanted = crab_heading(self.aim[aimed] - pos[aimed, :2], speed[aimed], wind)
            error = wrap_angle(wanted - self.heading[aimed])
            turn = turn.copy()
            turn[aimed] = np.clip(HOMING_GAIN_PER_S * error, -HOMING_TURN_RAD_S, HOMING_TURN_RAD_S)
        low, high = self.home.band_m.T
        climb = np.where(
            pos[:, 2] < low, np.abs(climb), np.where(pos[:, 2] > high, -np.abs(climb), climb)
        )
        self.heading = wrap_angle(self.heading + turn * dt)
        command = np.column_stack(
            [speed * np.sin(self.heading), speed * np.cos(self.heading), climb]
        )
        if not self._started:  # the first command is flown at once, as fly() starts
            self.air_vel = command
            self._started = True
        b = np.minimum(dt / self.tau_s, 1.0)[:, None]
        self.air_vel = self.air_vel + b * (command - self.air_vel)
        a = np.exp(-dt / GUST_TAU_S)
        white = (
            rng.normal(0.0, 1.0, self.gust.shape) * (self.gust_mps * np.sqrt(1 - a * a))[:, None]
        )
        self.gust = a * self.gust + white
        vel = self.air_vel + self.gust
        vel[:, :2] += wind[:2]
        return vel


def loiter(
    habit: BirdHabit,
    home: HomeRange,
    start: np.ndarray,
    ticks: int,
    dt: float,
    wind: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Positions and velocities (ticks, 3) of one bird flying its habit within ``home`` (a
    HomeRange of one) from ``start`` (3,): a bird of the scenario world, flown alone (the
    classifier's training skies have such loiterers beside their open-loop flights)."""
    flight = BirdFlight([habit], home, rng.uniform(0.0, 2.0 * np.pi, 1), rng)
    pos = np.empty((ticks, 3))
    vel = np.empty((ticks, 3))
    here = np.asarray(start, dtype=float)[None, :].copy()
    for k in range(ticks):
        vel[k] = flight.step(here, dt, wind, rng)[0]
        here = here + vel[k] * dt
        here[0, 2] = max(here[0, 2], 0.0)
        pos[k] = here[0]
    return pos, vel
