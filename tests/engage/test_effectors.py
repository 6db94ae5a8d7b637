import numpy as np
import pytest
from pydantic import ValidationError

from bastion.engage.effectors import GunEffector, InterceptorEffector, MissileEffector
from bastion.engage.jammers import UNLIMITED_MUNITIONS, GnssJammerEffector, RfJammerEffector
from bastion.scenario.schema import (
    GeoPoint,
    GnssJammerConfig,
    GunConfig,
    InterceptorConfig,
    MissileConfig,
    RfJammerConfig,
)
from bastion.scenario.site import Site

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


def jammer(site=None, **kw):
    landing = {"north": np.array([0.0, 5000.0, 0.0]), "east": np.array([5000.0, 0.0, 0.0])}
    cfg = GnssJammerConfig(id="J1", position=HERE, landing_areas=list(landing), **kw)
    return GnssJammerEffector(cfg, ORIGIN, landing, site)


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
    g = gun(
        p_hit_at_1km=0.02,
        rounds_per_burst=50,
        muzzle_speed_mps=1000,
        reaction_time_s=2,
        rate_of_fire_rpm=3000,
    )
    sol = g.solve(still((1000, 0, 0), (0, 2000, 0), (0, 0, 3500), (100, 0, 0), (5000, 0, 0)), 0.0)
    assert sol.feasible.tolist() == [True, True, False, False, False]  # too high, close, far
    # Calibrated at 1 km: p_hit(R) = 1 − 0.98^((1 km / R)²); burst kill 1 − (1 − p_hit)^50.
    assert sol.p_effect[0] == pytest.approx(1.0 - 0.98**50)
    assert sol.p_effect[1] == pytest.approx(1.0 - (0.98**0.25) ** 50)
    # A 50-round burst at 3000 rounds/min lasts 1 s: aimed for its middle round, assessed at
    # its last: 2 s reaction + 0.5 s + 2 s flight + 0.5 s.
    assert sol.t_effect[1] == pytest.approx(2.0 + 0.5 + 2000.0 / 1000.0 + 0.5)
    assert sol.munitions.tolist() == [50] * 5
    assert g.hard_kill and g.kind == "gun"


def test_gun_hit_probability_from_dispersion():
    # 2 mrad dispersion against a 0.5 m target at 500 m: σ = 1 m, p_hit = 1 − exp(−0.125).
    g = gun(dispersion_mrad=2.0, target_radius_m=0.5, rounds_per_burst=10, reaction_time_s=0)
    sol = g.solve(still((500, 0, 0)), 0.0)
    p_hit = 1.0 - np.exp(-(0.5**2) / (2.0 * 1.0**2))
    assert g.p_hit(np.array([500.0]))[0] == pytest.approx(p_hit)
    assert sol.p_effect[0] == pytest.approx(1.0 - (1.0 - p_hit) ** 10)


def test_gun_hit_probability_saturates_at_one():
    sol = gun(p_hit_at_1km=0.5, rounds_per_burst=3).solve(still((300, 0, 0)), 0.0)
    assert sol.p_effect[0] == pytest.approx(1.0, abs=1e-9)


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
    name, point, why = j.choose_landing(np.array([4000.0, 1000.0, 300.0]))
    assert name == "east" and point.tolist() == [5000.0, 0.0, 0.0] and why == "nearest landing area"
    assert j.choose_landing(np.array([-100.0, 3000.0, 300.0]))[0] == "north"


def _site(zones=(), assets=((0.0, 0.0),)):
    """Assets (radius 300 m) and named square no-debris zones ((name, (e0, e1, n0, n1)), ...)."""
    return Site(
        origin=(0.0, 0.0, 0.0),
        asset_names=tuple(f"A{i}" for i in range(len(assets))),
        asset_pos=np.array([[e, n, 0.0] for e, n in assets]),
        asset_radius_m=np.full(len(assets), 300.0),
        asset_value=np.ones(len(assets)),
        no_debris_names=tuple(name for name, _ in zones),
        no_debris_polygons=tuple(
            np.array([[e0, n0], [e1, n0], [e1, n1], [e0, n1]]) for _, (e0, e1, n0, n1) in zones
        ),
        landing_names=(),
        landing_polygons=(),
    )


def test_jammer_chooses_a_safe_landing_area_over_a_nearer_one():
    # "east" is nearer to the drone but a village lies 200 m from its landing point.
    site = _site([("village", (5100.0, 5600.0, -250.0, 250.0))])
    name, _, why = jammer(site).choose_landing(np.array([4000.0, 1000.0, 300.0]))
    assert name == "north" and why == "nearest landing area clear of no-debris zones and assets"
    # A clear area whose straight route overflies a town ranks after one with a clear route.
    town = _site([("town", (1000.0, 2000.0, 4300.0, 5200.0))], assets=((-9000.0, -9000.0),))
    drone = np.array([3000.0, 4500.0, 300.0])  # "north" is nearer, but the route crosses town
    assert jammer().choose_landing(drone)[0] == "north"
    assert jammer(town).choose_landing(drone)[0] == "east"
    # With every area unsafe, the nearest is chosen and the reason says so.
    both = _site([("a", (4800.0, 5200.0, -200.0, 200.0)), ("b", (-200.0, 200.0, 4800.0, 5200.0))])
    name, _, why = jammer(both).choose_landing(np.array([4000.0, 1000.0, 300.0]))
    assert name == "east" and why.startswith("no landing area is clear")


def test_rf_jammer_acts_in_range_and_spends_nothing():
    rf = RfJammerEffector(
        RfJammerConfig(id="RF1", position=HERE, max_range_m=5000, time_to_effect_s=4), ORIGIN
    )
    sol = rf.solve(np.array([[3000.0, 0, 100, -10.0, 0, 0], [6000.0, 0, 100, 0, 0, 0]]), 20.0)
    assert sol.feasible.tolist() == [True, False] and sol.t_effect[0] == pytest.approx(24.0)
    np.testing.assert_allclose(sol.pos[0], [2960.0, 0.0, 100.0])
    assert sol.p_effect[0] == 0.9 and sol.munitions.tolist() == [0, 0]
    assert rf.kind == "rf_jammer" and not rf.hard_kill and rf.debris.falls
    assert not rf.debris.ballistic


def test_missile_salvo_raises_kill_probability_and_spends_more():
    m = missile(salvo=2, p_kill=0.7, magazine=5, cost_usd=50_000)
    sol = m.solve(still((5000, 0, 300)), 0.0)
    assert sol.p_effect[0] == pytest.approx(1.0 - 0.3**2) and sol.munitions[0] == 2
    assert m.cost_usd == 100_000
    m.commit(0.0, 10.0, 2)
    m.commit(0.0, 10.0, 2)
    assert m.free_channels(0.0) == 0  # one missile left: not a salvo


def test_missile_reload_refills_the_magazine_after_the_reload_time():
    m = missile(channels=4, magazine=2, reloads=1, reload_time_s=60.0)
    m.commit(0.0, 10.0, 1)
    m.commit(5.0, 15.0, 1)
    assert m.free_channels(20.0) == 0 and m.rounds_left() == 2  # empty, 2 in reserve
    assert m.free_channels(64.0) == 0
    assert m.free_channels(65.0) == 2  # reloaded 60 s after the last shot
    m.commit(70.0, 80.0, 1)
    m.commit(70.0, 80.0, 1)
    assert m.free_channels(1000.0) == 0 and m.rounds_left() == 0  # no reserve left


def test_missile_time_of_flight_table():
    # 0-2 km in 2 s (1000 m/s), then 2-6 km in 8 s more (500 m/s).
    m = missile(
        flyout="tof_table",
        tof_table=[[2000, 2.0], [6000, 10.0]],
        reaction_time_s=3,
        min_altitude_m=0,
    )
    sol = m.solve(still((0, 4000, 0), (0, 0, 3000), (7000, 0, 0)), 0.0)
    assert sol.t_effect[0] == pytest.approx(3.0 + 6.0)  # 2 km in 2 s, 2 km more in 4 s
    assert sol.t_effect[1] == pytest.approx(3.0 + 4.0)  # 2 s + 1 km at 500 m/s
    assert not sol.feasible[2]  # beyond the table's last range
    # A target closing at 100 m/s from 5 km (4.7 km at launch): D(τ) = 4700 − 100 τ.
    x = np.array([[0.0, 5000.0, 300.0, 0.0, -100.0, 0.0]])
    t = m.solve(x, 0.0).t_effect[0] - 3.0
    flown = 2000.0 + 500.0 * (t - 2.0)
    assert flown == pytest.approx(np.hypot(4700.0 - 100.0 * t, 300.0), abs=1e-6)


def test_missile_proportional_navigation_matches_the_collision_course_head_on():
    # Head on, the line of sight never turns: PN flies straight and meets the target when the
    # constant-speed collision course does.
    straight = missile(mean_speed_mps=800, reaction_time_s=5, min_altitude_m=0)
    pn = missile(
        mean_speed_mps=800, reaction_time_s=5, flyout="pn", lethal_radius_m=5.0, min_altitude_m=0
    )
    x = np.array([[9000.0, 0.0, 0.0, -50.0, 0.0, 0.0]])
    a, b = straight.solve(x, 0.0), pn.solve(x, 0.0)
    assert b.feasible[0] and b.t_effect[0] == pytest.approx(a.t_effect[0], abs=0.02)
    np.testing.assert_allclose(b.pos[0], a.pos[0], atol=1.0)


def test_proportional_navigation_against_a_crossing_target():
    # Launched along the line of sight at a target crossing at 250 m/s, PN curves onto a lead
    # and hits, taking longer than the ideal collision course; with too little acceleration
    # to turn, it misses and the engagement is infeasible.
    x = np.array([[0.0, 4000.0, 300.0, 250.0, 0.0, 0.0]])
    ideal = missile(mean_speed_mps=600, reaction_time_s=0).solve(x, 0.0)
    agile = missile(mean_speed_mps=600, reaction_time_s=0, flyout="pn").solve(x, 0.0)
    sluggish = missile(
        mean_speed_mps=600, reaction_time_s=0, flyout="pn", max_lateral_accel_mps2=5.0
    ).solve(x, 0.0)
    assert agile.feasible[0] and agile.t_effect[0] > ideal.t_effect[0]
    assert agile.t_effect[0] < 1.2 * ideal.t_effect[0]
    assert not sluggish.feasible[0]


def test_interceptor_envelope_endurance_and_capture_debris():
    cfg = InterceptorConfig(
        id="I1", position=HERE, speed_mps=50, launch_time_s=10, endurance_s=60, max_range_m=5000
    )
    i = InterceptorEffector(cfg, ORIGIN)
    sol = i.solve(still((2000, 0, 100), (0, 4000, 100), (0, 6000, 100)), 0.0)
    # 2 km at 50 m/s: 40 s + 10 s launch; 4 km needs 80 s > 60 s endurance; 6 km out of range.
    assert sol.feasible.tolist() == [True, False, False]
    assert sol.t_effect[0] == pytest.approx(10.0 + np.hypot(2000.0, 100.0) / 50.0)
    assert sol.p_effect[0] == 0.8 and sol.munitions[0] == 1 and i.cost_usd == 20_000
    assert i.hard_kill and i.debris.ballistic_coefficient_kg_m2 == 2.0
    killer = InterceptorEffector(cfg.model_copy(update={"method": "kill"}), ORIGIN)
    assert killer.debris.ballistic_coefficient_kg_m2 is None  # the drone's own wreckage


def test_jammer_needs_a_landing_area():
    cfg = GnssJammerConfig(id="J1", position=HERE, landing_areas=["x"])
    with pytest.raises(ValueError, match="landing"):
        GnssJammerEffector(cfg, ORIGIN, {})


@pytest.mark.parametrize(
    ("table", "message"),
    [(None, "needs at least 2"), ([[1000, 2.0], [900, 3.0]], "must both increase")],
)
def test_a_bad_time_of_flight_table_is_rejected_by_name(table, message):
    with pytest.raises(ValidationError, match=f"tof_table: .*{message}"):
        MissileConfig(id="M1", position=HERE, flyout="tof_table", tof_table=table)
