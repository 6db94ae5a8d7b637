"""Truth: waypoint autopilot with wind, GNSS denial drift, spoofed landing, payload release."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.frames import wind_enu
from bastion.scenario.loader import load_builtin
from bastion.scenario.site import Site, build_site
from bastion.types import NavMode, ObjectKind, ObjectStatus
from bastion.world.autopilot import crab_heading, wrap_angle
from bastion.world.population import build_population
from bastion.world.world import World


def _site() -> Site:
    return Site(
        origin=(35.0, 36.0, 0.0),
        asset_names=("base",),
        asset_pos=np.zeros((1, 3)),
        asset_radius_m=np.array([500.0]),
        asset_value=np.array([10.0]),
        no_debris_names=("town",),
        no_debris_polygons=(
            np.array([[-3000.0, 4000.0], [3000.0, 4000.0], [3000.0, 6000.0], [-3000.0, 6000.0]]),
        ),
        landing_names=("field",),
        landing_polygons=(
            np.array([[9000.0, -1000.0], [11000.0, -1000.0], [11000.0, 1000.0], [9000.0, 1000.0]]),
        ),
    )


def _world(wind=(0.0, 0.0, 0.0), start=(0.0, 10000.0)) -> World:
    from bastion.world.population import Population

    pop = Population(
        kind=np.array([ObjectKind.DRONE], np.int8),
        group=("raid",),
        rcs_m2=np.array([0.03]),
        start_t=np.array([0.0]),
        start_pos=np.array([[start[0], start[1], 300.0]]),
        airspeed=np.array([30.0]),
        max_turn_rate=np.radians([15.0]),
        max_climb=np.array([3.0]),
        goals=np.array([[[0.0, 0.0, 300.0]]]),
        goal_count=np.array([1]),
        target_asset=np.array([0]),
        nav_mode=np.array([NavMode.GNSS], np.int8),
        ballistic_coefficient=np.array([30.0]),
        ins_drift_mps=np.array([3.0]),
        p_detonate=np.array([1.0]),
        lethal_radius_m=np.array([30.0]),
        payload_armed=np.array([True]),
    )
    return World(pop, _site(), np.array(wind))


def _fly(world: World, until: float, rng=None) -> list:
    rng = rng or np.random.default_rng(0)
    t = world.t + 1.0
    events = world.step(t, rng)  # launches it if still pending
    while t < until and world.status[0] == ObjectStatus.FLYING:
        t += 1.0
        events += world.step(t, rng)
    return events


def test_wind_vector_points_downwind() -> None:
    v = wind_enu(5.0, 90.0)  # from the east: blows west
    np.testing.assert_allclose(v, [-5.0, 0.0, 0.0], atol=1e-12)


def test_crab_heading_keeps_the_ground_track_on_course() -> None:
    wind = np.array([0.0, 10.0, 0.0])  # blowing north
    h = crab_heading(np.array([[1.0, 0.0]]), np.array([30.0]), wind)  # want to fly east
    ground = 30.0 * np.array([np.sin(h[0]), np.cos(h[0])]) + wind[:2]
    assert abs(ground[1]) < 1e-9 and ground[0] > 0
    np.testing.assert_allclose(ground[0], np.sqrt(30.0**2 - 10.0**2))
    assert wrap_angle(np.array([3 * np.pi]))[0] == pytest.approx(np.pi)


def test_gnss_drone_reaches_its_target_in_a_crosswind_and_delivers_its_payload() -> None:
    world = _world(wind=(8.0, 0.0, 0.0))
    events = _fly(world, 1000.0)
    assert world.status[0] == ObjectStatus.REACHED
    assert len(events) == 1 and events[0].kind == "impact"
    assert events[0].asset_damage == 10.0
    # (10 km - 500 m radius) at ~30 m/s ground speed along track
    assert 300.0 < world.t < 340.0


def test_gnss_denied_drone_drifts_off_target() -> None:
    world = _world()
    world.step(1.0, np.random.default_rng(0))
    world.nav_bias[0, :2] = [3.0, 0.0]  # a known inertial error: believes it is 3 m/s east
    world.nav[0] = NavMode.INERTIAL
    events = _fly(world, 1000.0)
    # Its estimate drifts east, so it flies west of the route: ~330 s x 3 m/s ~ 1 km off.
    assert world.status[0] == ObjectStatus.CRASHED
    assert events[-1].asset_damage == 0.0
    assert -1300.0 < world.pos[0, 0] < -700.0


def test_deny_gnss_only_affects_gnss_navigation() -> None:
    world = _world()
    world.nav[0] = NavMode.REMOTE
    world.deny_gnss(0, np.random.default_rng(1))
    assert world.nav[0] == NavMode.REMOTE and not world.nav_bias.any()
    world.nav[0] = NavMode.GNSS
    world.deny_gnss(0, np.random.default_rng(1))
    assert world.nav[0] == NavMode.INERTIAL and np.abs(world.nav_bias[0, :2]).sum() > 0


def test_spoofed_drone_lands_in_the_landing_area() -> None:
    world = _world(start=(0.0, 6000.0))
    world.step(1.0, np.random.default_rng(0))
    world.spoof(0, np.array([10000.0, 0.0, 0.0]))
    events = _fly(world, 2000.0)
    assert world.status[0] == ObjectStatus.LANDED
    assert not world.truth().vel[0].any()  # on the ground, still
    dist = np.hypot(world.pos[0, 0] - 10000.0, world.pos[0, 1])
    assert dist < 1000.0, dist  # inside the 2 km x 2 km field
    assert events[-1].kind == "impact" and not events[-1].in_no_debris_zone


def test_destroyed_object_is_recorded_still() -> None:
    world = _world()
    world.step(1.0, np.random.default_rng(0))
    assert world.truth().vel[0].any()
    world.destroy(0)
    truth = world.truth()
    assert truth.status[0] == ObjectStatus.DESTROYED and not truth.vel[0].any()


def test_population_from_hmeimim_is_seeded_and_complete() -> None:
    scn = load_builtin("hmeimim-2018")
    site = build_site(scn)
    a = build_population(scn, site, np.random.default_rng(5))
    b = build_population(scn, site, np.random.default_rng(5))
    np.testing.assert_array_equal(a.start_pos, b.start_pos)
    assert np.count_nonzero(a.kind == ObjectKind.DRONE) == 13
    n_birds = sum(f.count for f in scn.background.bird_flocks)
    assert np.count_nonzero(a.kind == ObjectKind.BIRD) == n_birds
    drones = a.kind == ObjectKind.DRONE
    # Launched > 50 km from their targets, inside their launch windows.
    dist = np.linalg.norm(
        a.start_pos[drones, :2] - site.asset_pos[a.target_asset[drones], :2], axis=1
    )
    assert dist.min() > 50_000.0
    assert a.start_t[drones].max() <= 720.0
