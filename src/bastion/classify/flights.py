"""Training flights: truth trajectories of drones, birds and aircraft for the classifier.

The scenario world (:mod:`bastion.world`) flies every object at one airspeed toward waypoints;
real flights hover, climb vertically, orbit, soar, glide and approach airports, and the
classifier must have seen all of that. Each training object flies a random sequence of
segments drawn for its behaviour (commanded horizontal speed, turn rate and climb rate held for
the segment's duration), followed with a first-order response of time constant ``tau_s`` (its
agility), perturbed by gusts (an Ornstein-Uhlenbeck velocity of spread ``gust_mps``) and
integrated at the run's tick. The run's wind acts as it does on each kind of flyer
(``Motion.wind``): a bird flies in the air mass and drifts with it (:mod:`bastion.world.birds`,
the model the scenario world's birds fly too); a multirotor's GNSS position hold flies its
commands over the ground (a hovering drone stays put, whatever the wind); fixed-wing drones and
aircraft hold their airspeed and crab to keep their course, so the wind only speeds them up or
slows them down along it. Heights reflect off a floor (a bird skimming the water, a drone at
2 m) so that every flight stays airborne.

Behaviours and their ranges (assumptions, chosen to span published figures and the real
flights the classifier is tested on, which it never trains on):

- rotary drones: hover, cruise 2-20 m/s (a tenth at 20-40 m/s, racing and attack
  multirotors), vertical climbs and descents at 1-6 m/s, orbits of 20-250 m radius, and
  delivery flights (vertical climb to 100-400 m, slow transit); heights 10 m to 3 km;
- fixed-wing drones: legs at 15-70 m/s with turns of 5-25 °/s, orbits of 150-1,000 m,
  climbs of 1-5 m/s; heights 30 m to 3 km; a fifth with a reduced-signature airframe; some
  on an attack run (a long straight leg at the sensors, seen nose-on);
- birds, singly and in flocks of 3-12: mostly commuting (straight, heading wandering), also
  foraging (bursts of sharp turns), thermal soaring (20-100 m circles climbing 0.5-3 m/s) and
  gliding; airspeed 5-9 m/s for three in ten, else 8-20 m/s (in winds up to 12 m/s: ground
  speeds down to a few m/s into the wind), 20 g to 5 kg; heights mostly 3-300 m, a quarter up
  to 3 km (migrants);
- aircraft: jet airliners cruising at 180-260 m/s and 7-12 km, climbing or descending at
  5-15 m/s near airports, on final approach at 60-85 m/s down a 3° slope, light propeller
  aircraft at 35-75 m/s, and helicopters (hover to 70 m/s, 50-1,500 m).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.signal import lfilter

from bastion.scenario.schema import BirdFlock, CivilAircraft, DroneType, GeoPoint
from bastion.sensors.signature import PatternBook, aircraft_row, bird_row, drone_row
from bastion.types import EMITTER_TYPES, ObjectKind
from bastion.world.autopilot import ground_speed_on_course
from bastion.world.birds import GUST_TAU_S, Segment, draw_habit, draw_segment, random_sign

#: Training labels: the classifier's classes with the drone split by airframe.
LABELS: tuple[str, ...] = ("drone_rotary", "drone_fixed_wing", "bird", "aircraft", "clutter")


@dataclass(frozen=True, slots=True)
class Flight:
    """One object's truth over its life: ``pos``/``vel`` (K, 3) from tick ``start_k`` on."""

    label: int  # LABELS index
    kind: ObjectKind
    start_k: int
    pos: np.ndarray
    vel: np.ndarray
    rcs_m2: float
    remote: bool  # a drone flown over a radio link (its emitter is on)
    signature: tuple[int, int, float, float, int, float, int]  # signatures_from_rows row


@dataclass(frozen=True, slots=True)
class Motion:
    """How an object flies: its segments, agility and gusts."""

    segments: list[Segment]
    heading: float  # initial, rad clockwise from north
    height: float  # initial, m
    tau_s: float  # response time constant
    gust_mps: float  # gust spread per axis
    floor_m: float = 2.0
    wind: Literal["drift", "hold", "crab"] = "drift"  # how the wind acts (module docstring)


def _loguniform(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def _fill(rng: np.random.Generator, total_s: float, draw: Callable[[], Segment]) -> list[Segment]:
    segments: list[Segment] = []
    covered = 0.0
    while covered < total_s:
        seg = draw()
        segments.append(seg)
        covered += seg[0]
    return segments


def _height(rng: np.random.Generator, low: tuple[float, float], high: tuple[float, float]) -> float:
    """Mostly low (3/4 of draws), sometimes high; log-uniform within each band."""
    band = low if rng.random() < 0.75 else high
    return _loguniform(rng, *band)


def rotary_motion(rng: np.random.Generator, total_s: float) -> Motion:
    if rng.random() < 0.2:  # a delivery flight: vertical climb, slow transit, descent
        top = rng.uniform(100.0, 400.0)
        climb = rng.uniform(2.0, 5.0)
        transit = [(rng.uniform(30.0, 150.0), rng.uniform(4.0, 15.0), 0.0, 0.0)]
        segments = [(rng.uniform(3.0, 15.0), 0.0, 0.0, 0.0), (top / climb, 0.0, 0.0, climb)]
        segments += transit * 8 + [(top / climb, 0.0, 0.0, -climb)]
        heading = rng.uniform(0, 2 * np.pi)
        return Motion(segments, heading, 2.0, 1.5, rng.uniform(0.1, 0.5), wind="hold")

    def draw() -> Segment:
        mode = rng.choice(5, p=[0.25, 0.35, 0.15, 0.15, 0.10])
        if mode == 0:  # hover
            return (rng.uniform(5.0, 120.0), 0.0, 0.0, 0.0)
        if mode == 1:  # cruise leg
            speed = rng.uniform(2.0, 20.0) if rng.random() < 0.9 else rng.uniform(20.0, 40.0)
            return (
                rng.uniform(10.0, 120.0),
                speed,
                np.radians(rng.normal(0.0, 1.0)),
                rng.normal(0.0, 0.7),
            )
        if mode == 2:  # vertical climb or descent
            return (
                rng.uniform(5.0, 60.0),
                rng.uniform(0.0, 2.0),
                0.0,
                random_sign(rng) * rng.uniform(1, 6),
            )
        if mode == 3:  # orbit
            speed = rng.uniform(3.0, 12.0)
            radius = rng.uniform(20.0, 250.0)
            return (rng.uniform(30.0, 180.0), speed, random_sign(rng) * speed / radius, 0.0)
        # a turn in place, then on
        return (
            rng.uniform(2.0, 8.0),
            rng.uniform(0.0, 3.0),
            random_sign(rng) * np.radians(45),
            0.0,
        )

    return Motion(
        _fill(rng, total_s, draw),
        rng.uniform(0, 2 * np.pi),
        _height(rng, (10.0, 400.0), (400.0, 3_000.0)),
        rng.uniform(1.0, 2.5),
        rng.uniform(0.2, 0.8),
        wind="hold",
    )


def fixed_wing_motion(
    rng: np.random.Generator, total_s: float, inbound_heading: float | None = None
) -> Motion:
    """A fixed-wing drone's flight; given ``inbound_heading`` (rad, the bearing from its start
    to the sensors), an attack run: a long straight leg at the site before anything else, so
    the radar sees it nose-on, as it sees a raid."""
    cruise = rng.uniform(15.0, 70.0)
    max_turn = np.radians(rng.uniform(5.0, 25.0))

    def draw() -> Segment:
        speed = cruise * rng.uniform(0.85, 1.15)
        mode = rng.choice(4, p=[0.5, 0.25, 0.1, 0.15])
        if mode == 0:  # straight leg
            return (rng.uniform(20.0, 300.0), speed, np.radians(rng.normal(0, 0.3)), 0.0)
        if mode == 1:  # turn onto a new heading
            change = np.radians(rng.uniform(20.0, 180.0))
            rate = rng.uniform(0.3, 1.0) * max_turn
            return (change / rate, speed, random_sign(rng) * rate, 0.0)
        if mode == 2:  # loiter orbit
            radius = max(rng.uniform(150.0, 1_000.0), speed / max_turn)
            return (rng.uniform(60.0, 300.0), speed, random_sign(rng) * speed / radius, 0.0)
        return (rng.uniform(10.0, 60.0), speed, 0.0, random_sign(rng) * rng.uniform(1.0, 5.0))

    segments: list[Segment] = []
    heading = rng.uniform(0, 2 * np.pi)
    if inbound_heading is not None:
        heading = inbound_heading + np.radians(rng.normal(0.0, 5.0))
        segments.append((rng.uniform(120.0, 900.0), cruise, 0.0, 0.0))
    return Motion(
        segments + _fill(rng, total_s, draw),
        heading,
        _loguniform(rng, 30.0, 3_000.0),
        rng.uniform(2.0, 4.0),
        rng.uniform(0.3, 1.0),
        floor_m=20.0,
        wind="crab",
    )


def bird_motion(rng: np.random.Generator, total_s: float) -> Motion:
    habit = draw_habit(rng)
    return Motion(
        _fill(rng, total_s, lambda: draw_segment(rng, habit)),
        rng.uniform(0, 2 * np.pi),
        _height(rng, (3.0, 300.0), (300.0, 3_000.0)),
        habit.tau_s,
        habit.gust_mps,
    )


def aircraft_motion(rng: np.random.Generator, total_s: float, role: str) -> Motion:
    heading = rng.uniform(0, 2 * np.pi)
    if role == "airliner":
        speed = rng.uniform(180.0, 260.0)
        legs = [(rng.uniform(60.0, 400.0), speed, np.radians(rng.normal(0, 0.3)), 0.0)]
        turn = [(rng.uniform(10.0, 40.0), speed, random_sign(rng) * np.radians(1.5), 0.0)]
        return Motion(
            (legs + turn) * 8, heading, rng.uniform(7_000.0, 12_000.0), 8.0, 0.5, wind="crab"
        )
    if role == "climb_descent":
        speed = rng.uniform(110.0, 200.0)
        rate = random_sign(rng) * rng.uniform(5.0, 15.0)
        seg = [(rng.uniform(60.0, 200.0), speed, np.radians(rng.normal(0, 0.5)), rate)]
        return Motion(
            seg * 10, heading, rng.uniform(1_000.0, 8_000.0), 6.0, 0.5, 300.0, wind="crab"
        )
    if role == "approach":
        speed = rng.uniform(60.0, 85.0)
        start = rng.uniform(300.0, 1_500.0)
        descent = speed * np.tan(np.radians(3.0))
        segments = [(start / descent, speed, 0.0, -descent), (total_s, speed, 0.0, 0.0)]
        return Motion(segments, heading, start, 5.0, 0.5, floor_m=50.0, wind="crab")
    if role == "light":
        speed = rng.uniform(35.0, 75.0)

        def light() -> Segment:
            if rng.random() < 0.7:
                return (rng.uniform(30.0, 200.0), speed, 0.0, rng.normal(0, 1.5))
            return (
                rng.uniform(10.0, 60.0),
                speed,
                random_sign(rng) * np.radians(rng.uniform(2, 6)),
                0.0,
            )

        return Motion(
            _fill(rng, total_s, light), heading, rng.uniform(150.0, 3_000.0), 4.0, 0.8, wind="crab"
        )

    def helicopter() -> Segment:
        if rng.random() < 0.15:
            return (rng.uniform(10.0, 90.0), 0.0, 0.0, rng.normal(0, 0.5))
        speed = rng.uniform(10.0, 70.0)
        return (rng.uniform(20.0, 150.0), speed, np.radians(rng.normal(0, 3.0)), rng.normal(0, 2))

    return Motion(
        _fill(rng, total_s, helicopter),
        heading,
        rng.uniform(50.0, 1_500.0),
        3.0,
        0.8,
        30.0,
        wind="crab",
    )


def _ou(rng: np.random.Generator, n: int, sigma: float, tau_s: float, dt: float) -> np.ndarray:
    """(n, 3) Ornstein-Uhlenbeck velocity noise, stationary spread ``sigma`` per axis."""
    a = np.exp(-dt / tau_s)
    white = rng.normal(0.0, sigma * np.sqrt(1.0 - a * a), (n, 3))
    white[0] = rng.normal(0.0, sigma, 3)
    return lfilter([1.0], [1.0, -a], white, axis=0)


def fly(
    motion: Motion,
    start: np.ndarray,
    ticks: int,
    dt: float,
    wind: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Positions and velocities (ticks, 3) of an object flying ``motion`` from ``start``."""
    dur, speed, turn, climb = (np.array(c) for c in zip(*motion.segments, strict=True))
    edges = np.cumsum(dur)
    t = np.arange(ticks) * dt
    seg = np.minimum(np.searchsorted(edges, t, side="right"), dur.size - 1)
    heading = motion.heading + np.cumsum(turn[seg]) * dt
    along = speed[seg]
    if motion.wind == "crab":  # airspeed held, course kept
        along = ground_speed_on_course(heading, along, wind)
    cmd = np.column_stack([along * np.sin(heading), along * np.cos(heading), climb[seg]])
    b = min(dt / motion.tau_s, 1.0)
    vel, _ = lfilter([b], [1.0, b - 1.0], cmd, axis=0, zi=(1.0 - b) * cmd[:1])
    vel = vel + _ou(rng, ticks, motion.gust_mps, GUST_TAU_S, dt)
    if motion.wind == "drift":
        vel[:, :2] += wind[:2]
    pos = start + np.cumsum(vel * dt, axis=0) - vel[0] * dt
    pos[:, 2] += motion.height - start[2]
    floor = motion.floor_m
    pos[:, 2] = floor + np.abs(pos[:, 2] - floor)  # reflect off the floor
    vel[:, 2] = np.gradient(pos[:, 2], dt) if ticks > 1 else vel[:, 2]
    return pos, vel


# -- signatures --------------------------------------------------------------------------------


def drone_signature(rng: np.random.Generator, rotary: bool, book: PatternBook):
    """A random drone type of the airframe: (signature row, mean RCS m²)."""
    if rotary:
        rcs = _loguniform(rng, 0.003, 0.1)
        dtype = DroneType(
            name="rotary",
            airframe="rotary",
            engine="electric" if rng.random() < 0.9 else "piston",
            rcs_m2=rcs,
            propeller_blades=int(rng.choice((2, 3))),
            propeller_rpm=rng.uniform(4_000.0, 10_000.0),
            link_emitter=str(rng.choice(EMITTER_TYPES)),
        )
    else:
        reduced = rng.random() < 0.2
        rcs = _loguniform(rng, 0.001, 0.01) if reduced else _loguniform(rng, 0.01, 0.5)
        dtype = DroneType(
            name="fixed-wing",
            airframe="fixed_wing",
            engine="piston" if rng.random() < 0.6 else "electric",
            rcs_m2=rcs,
            rcs_pattern="fixed_wing_reduced" if reduced else "fixed_wing_small",
            propeller_blades=int(rng.choice((2, 3))),
            propeller_rpm=rng.uniform(3_000.0, 8_000.0),
            link_emitter=str(rng.choice(EMITTER_TYPES)),
        )
    return drone_row(dtype, book), rcs


def bird_signature(mass_kg: float, book: PatternBook):
    flock = BirdFlock(
        name="bird", center=GeoPoint(lat_deg=0.0, lon_deg=0.0), count=1, mass_kg=mass_kg
    )
    return bird_row(flock, book), flock.rcs_m2


def aircraft_signature(rng: np.random.Generator, role: str, book: PatternBook):
    jet = role in ("airliner", "climb_descent") or (role == "approach" and rng.random() < 0.7)
    rcs = (
        _loguniform(rng, 10.0, 100.0)
        if jet
        else _loguniform(rng, 3.0, 15.0)
        if role == "helicopter"
        else _loguniform(rng, 1.0, 5.0)
    )
    plane = CivilAircraft(
        name="aircraft",
        route=[GeoPoint(lat_deg=0.0, lon_deg=0.0), GeoPoint(lat_deg=0.0, lon_deg=0.1)],
        rcs_m2=rcs,
        propulsion="jet" if jet else "propeller",
    )
    return aircraft_row(plane, book), rcs
