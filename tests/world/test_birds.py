"""Birds fly like birds: in the air mass, wandering, within their home range and height band."""

from __future__ import annotations

import numpy as np

from bastion.classify.flights import Motion, fly
from bastion.engine import Simulation
from bastion.scenario.loader import load_builtin
from bastion.types import ObjectKind
from bastion.world.birds import BirdFlight, BirdHabit, HomeRange, draw_habit, draw_segment

WIND = np.array([-5.0, 0.0, 0.0])


def _flight(m: int, radius: float, seed: int = 3, mix=(1.0, 0.0, 0.0, 0.0)) -> BirdFlight:
    habits = [
        BirdHabit(airspeed=10.0, wander_deg_s=4.0, mix=np.array(mix), tau_s=1.0, gust_mps=0.5)
        for _ in range(m)
    ]
    home = HomeRange(
        centre=np.zeros((m, 2)),
        radius_m=np.full(m, radius),
        band_m=np.tile([20.0, 200.0], (m, 1)),
    )
    rng = np.random.default_rng(seed)
    return BirdFlight(habits, home, rng.uniform(0, 2 * np.pi, m), rng)


def _fly(flight: BirdFlight, pos: np.ndarray, steps: int, wind=WIND, seed: int = 4):
    rng = np.random.default_rng(seed)
    track, vels = [], []
    for _ in range(steps):
        vel = flight.step(pos, 1.0, wind, rng)
        pos = pos + vel
        track.append(pos)
        vels.append(vel)
    return np.array(track), np.array(vels)


def test_a_free_bird_drifts_with_the_wind_at_its_airspeed() -> None:
    # No home range to speak of: the air velocity is the bird's own, the rest is the wind.
    flight = _flight(200, radius=1e9)
    start = np.tile([0.0, 0.0, 100.0], (200, 1))
    _, vel = _fly(flight, start, 600)
    air = vel[:, :, :2] - WIND[:2]
    airspeed = np.linalg.norm(air, axis=2)
    assert abs(np.median(airspeed) - 10.0) < 1.0  # airspeed 10 m/s ± 20 %, plus gusts
    # Headings wander over minutes: averaged over birds and time the air velocity is ~0,
    # so the mean ground velocity is the wind.
    np.testing.assert_allclose(vel[:, :, :2].mean(axis=(0, 1)), WIND[:2], atol=0.6)


def test_birds_stay_in_their_home_range_and_height_band() -> None:
    flight = _flight(50, radius=2_000.0, mix=(3.0, 1.0, 0.8, 0.6))
    flight.habits = [draw_habit(np.random.default_rng(k), 10.0) for k in range(50)]
    rng = np.random.default_rng(8)
    start = np.column_stack([rng.uniform(-1e3, 1e3, (50, 2)), np.full(50, 100.0)])
    track, _ = _fly(flight, start, 2_700)
    reach = np.hypot(track[..., 0], track[..., 1])
    assert reach.max() < 2_000.0 + 300.0  # a bird straying out turns back within seconds
    assert np.percentile(reach, 50) < 1_500.0  # and it does not pile up at the downwind edge
    height = track[..., 2]
    assert np.percentile(height, 1) > 20.0 - 30.0 and np.percentile(height, 99) < 200.0 + 30.0


def test_commuting_birds_wander() -> None:
    # Heading change over 60 s of pure commuting: a random walk of a few degrees a second.
    flight = _flight(100, radius=1e9)
    start = np.tile([0.0, 0.0, 100.0], (100, 1))
    _, vel = _fly(flight, start, 120, wind=np.zeros(3))
    h0 = np.arctan2(vel[30, :, 0], vel[30, :, 1])
    h1 = np.arctan2(vel[90, :, 0], vel[90, :, 1])
    change = np.degrees(np.abs(np.angle(np.exp(1j * (h1 - h0)))))
    assert 10.0 < np.median(change) < 90.0  # neither a ruler-straight line nor a random spin


def test_the_world_and_the_training_flights_fly_the_same_bird() -> None:
    # One bird without a home range, no gusts, a given segment list: the world's stepper and the
    # training integrator (classify.flights.fly) give the same path.
    habit = BirdHabit(airspeed=12.0, wander_deg_s=3.0, mix=np.ones(4) / 4, tau_s=1.0, gust_mps=0.0)
    rng = np.random.default_rng(11)
    segments = [draw_segment(rng, habit) for _ in range(30)]
    home = HomeRange(np.zeros((1, 2)), np.array([1e12]), np.array([[-1e9, 1e9]]))
    flight = BirdFlight([habit], home, np.array([0.3]), np.random.default_rng(1))
    queue = iter(segments)
    steps = int(sum(s[0] for s in segments[:-1]))

    import bastion.world.birds as birds

    original = birds.draw_segment
    birds.draw_segment = lambda _rng, _habit: next(queue)
    try:
        track, _ = _fly(flight, np.array([[0.0, 0.0, 500.0]]), steps)
    finally:
        birds.draw_segment = original
    motion = Motion(segments, 0.3, 500.0, 1.0, 0.0, floor_m=-1e6)
    pos, _ = fly(motion, np.array([0.0, 0.0, 500.0]), steps, 1.0, WIND, rng)
    # fly() puts tick 0 at the start; the stepper's first step is tick 0's velocity.
    np.testing.assert_allclose(track[:, 0] - track[0, 0], pos - pos[0], atol=1e-6)


def test_scenario_birds_fly_their_flock_area_in_the_wind() -> None:
    scn = load_builtin("hmeimim-2018")
    sim = Simulation(scn, 1)
    birds = np.flatnonzero(sim.population.kind == ObjectKind.BIRD)
    speeds = []
    for k in range(1, 301):
        sim.world.step(float(k), sim._world_rng)
        speeds.append(np.hypot(*sim.world.vel[birds, :2].T))
    speeds = np.array(speeds)
    # Airspeeds 8-17 m/s in a 5 m/s wind: ground speeds spread from about 3 to 22 m/s.
    assert np.percentile(speeds, 5) < 6.0 and np.percentile(speeds, 95) > 14.0
    home = sim.population.bird_home
    reach = np.hypot(*(sim.world.pos[birds, :2] - home.centre).T) / home.radius_m
    assert reach.max() < 1.2
