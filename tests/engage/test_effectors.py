import numpy as np
import pytest

from bastion.engage.effectors import (
    UNLIMITED_MUNITIONS,
    GnssJammerEffector,
    GunEffector,
    MissileEffector,
)
from bastion.scenario.schema import GeoPoint, GnssJammerConfig, GunConfig, MissileConfig

HERE = GeoPoint(lat_deg=0.0, lon_deg=0.0)
ORIGIN = np.zeros(3)


def still(*points):
    """Hovering targets (N, 6) at the given points: the intercept point is where they are."""
    p = np.array(points, dtype=float).reshape(-1, 3)
    return np.hstack([p, np.zeros_like(p)])


def missile(**kw):
    return MissileEffector(MissileConfig(id="M1", position=HERE, **kw), ORIGIN)


def gun(**kw):
    return GunEffector(GunConfig(id="G1", position=HERE, **kw), ORIGIN)


def jammer(**kw):
    landing = {"north": np.array([0.0, 5000.0, 0.0]), "east": np.array([5000.0, 0.0, 0.0])}
    cfg = GnssJammerConfig(id="J1", position=HERE, landing_areas=list(landing), **kw)
    return GnssJammerEffector(cfg, ORIGIN, landing)


def test_missile_envelope():
    m = missile(min_range_m=1000, max_range_m=20000, min_altitude_m=5, max_altitude_m=15000)
    sol = m.solve(
        still(
            (5000, 0, 300),  # inside
            (500, 0, 300),  # too close
            (25000, 0, 300),  # too far
            (5000, 0, 2),  # too low
            (0, 12000, 15500),  # too high though in range
        ),
        t=0.0,
    )
    assert sol.feasible.tolist() == [True, False, False, False, False]
    assert sol.p_effect.tolist() == [0.8, 0, 0, 0, 0]
    assert np.isnan(sol.t_effect[1:]).all() and np.isnan(sol.pos[1:]).all()
    assert sol.munitions.tolist() == [1] * 5
    assert m.hard_kill and m.kind == "missile"


def test_missile_envelope_is_judged_at_the_intercept_point_not_now():
    # 19.5 km away now but running away at 100 m/s: caught beyond 20 km.
    x = np.array([[19500.0, 0, 300, 100.0, 0, 0], [20500.0, 0, 300, -100.0, 0, 0]])
    assert missile().solve(x, t=0.0).feasible.tolist() == [False, True]


def test_missile_time_of_flight_and_intercept_point():
    m = missile(mean_speed_mps=800, reaction_time_s=5)
    # A still target, and one diving straight at the launcher at 200 m/s from 10 km.
    x = np.array([[8000.0, 0, 600, 0, 0, 0], [0, 8000.0, 6000.0, 0, -160.0, -120.0]])
    sol = m.solve(x, t=100.0)
    assert sol.t_effect[0] == pytest.approx(100.0 + 5.0 + np.hypot(8000.0, 600.0) / 800.0)
    # At launch the diving target is 9000 m away; the gap closes at 1000 m/s -> 9 s.
    assert sol.t_effect[1] == pytest.approx(100.0 + 5.0 + 9.0)
    np.testing.assert_allclose(sol.pos[1], [0.0, 8000.0 - 160.0 * 14.0, 6000.0 - 120.0 * 14.0])


def test_gun_burst_kill_probability_falls_with_range():
    g = gun(p_hit_at_1km=0.02, rounds_per_burst=50, muzzle_speed_mps=1000, reaction_time_s=2)
    sol = g.solve(still((1000, 0, 0), (0, 2000, 0), (0, 0, 3500), (100, 0, 0), (5000, 0, 0)), 0.0)
    assert sol.feasible.tolist() == [True, True, False, False, False]  # too high, close, far
    assert sol.p_effect[0] == pytest.approx(1.0 - 0.98**50)
    assert sol.p_effect[1] == pytest.approx(1.0 - (1.0 - 0.02 / 4.0) ** 50)
    assert sol.t_effect[1] == pytest.approx(2.0 + 2000.0 / 1000.0)
    assert sol.munitions.tolist() == [50] * 5
    assert g.hard_kill and g.kind == "gun"


def test_gun_hit_probability_saturates_at_one():
    sol = gun(p_hit_at_1km=0.5, rounds_per_burst=3).solve(still((400, 0, 0)), 0.0)
    assert sol.p_effect[0] == pytest.approx(1.0)


def test_missile_channels_and_magazine():
    m = missile(channels=2, magazine=3)
    assert m.free_channels(0.0) == 2 and m.rounds_left() == 3
    m.commit(0.0, 10.0, 1)
    m.commit(1.0, 20.0, 1)
    assert m.free_channels(5.0) == 0 and m.rounds_left() == 1
    assert not m.solve(still((5000, 0, 300)), 5.0).feasible.any()
    with pytest.raises(ValueError, match="channel"):
        m.commit(5.0, 15.0, 1)
    assert m.free_channels(10.0) == 1  # the first channel is free at its effect time
    assert m.free_channels(25.0) == 1  # two channels idle, but one missile left
    m.commit(25.0, 30.0, 1)
    assert m.free_channels(100.0) == 0 and m.rounds_left() == 0
    with pytest.raises(ValueError, match="munitions"):
        m.commit(100.0, 110.0, 1)


def test_gun_magazine_funds_whole_bursts_only():
    g = gun(channels=1, magazine=120, rounds_per_burst=50)
    g.commit(0.0, 3.0, 50)
    g.commit(3.0, 6.0, 50)
    assert g.rounds_left() == 20 and g.free_channels(10.0) == 0
    with pytest.raises(ValueError):
        g.commit(10.0, 12.0, 50)
    assert g.rounds_left() == 20


def test_commit_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="before"):
        missile().commit(10.0, 9.0, 1)


def test_jammer_acts_on_drones_in_range_now_at_the_extrapolated_point():
    j = jammer(max_range_m=15000, time_to_effect_s=15, p_takeover=0.5)
    x = np.array([[14000.0, 0, 300, 0, -30.0, 0], [16000.0, 0, 300, -100.0, 0, 0]])
    sol = j.solve(x, t=50.0)
    assert sol.feasible.tolist() == [True, False]
    assert sol.t_effect[0] == pytest.approx(65.0)
    np.testing.assert_allclose(sol.pos[0], [14000.0, -450.0, 300.0])
    assert sol.p_effect.tolist() == [0.5, 0.0] and sol.munitions.tolist() == [0, 0]
    assert not j.hard_kill and j.kind == "gnss_jammer"


def test_jammer_channels_spend_nothing():
    j = jammer(channels=1)
    j.commit(0.0, 15.0, 0)
    assert j.free_channels(10.0) == 0 and j.free_channels(15.0) == 1
    assert j.rounds_left() == UNLIMITED_MUNITIONS


def test_jammer_sends_drones_to_the_nearest_landing_area():
    j = jammer()
    name, point = j.landing_point_for(np.array([4000.0, 1000.0, 300.0]))
    assert name == "east" and point.tolist() == [5000.0, 0.0, 0.0]
    assert j.landing_point_for(np.array([-100.0, 3000.0, 300.0]))[0] == "north"


def test_jammer_needs_a_landing_area():
    cfg = GnssJammerConfig(id="J1", position=HERE, landing_areas=["x"])
    with pytest.raises(ValueError, match="landing"):
        GnssJammerEffector(cfg, ORIGIN, {})
