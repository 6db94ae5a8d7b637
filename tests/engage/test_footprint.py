"""Monte Carlo debris footprints: hand-computed falls, zone probabilities, wind, screening."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from bastion.engage.base import NOTHING_FALLS, DebrisSpec
from bastion.engage.debris import GRAVITY_MPS2, ballistic_impact
from bastion.engage.footprint import FootprintModel, Wreckage
from bastion.scenario.schema import DebrisPlanning
from bastion.scenario.site import Site

G = GRAVITY_MPS2
VACUUM = 1e12  # a ballistic coefficient so large that drag vanishes


def site(zones=(), assets=()) -> Site:
    """No-debris zones as (e0, e1, n0, n1) boxes; assets as (e, n, radius, value)."""
    return Site(
        origin=(0.0, 0.0, 0.0),
        asset_names=tuple(f"A{i}" for i in range(len(assets))),
        asset_pos=np.array([[a[0], a[1], 0.0] for a in assets]).reshape(-1, 3),
        asset_radius_m=np.array([a[2] for a in assets], dtype=float),
        asset_value=np.array([a[3] for a in assets], dtype=float),
        no_debris_names=tuple(f"Z{i}" for i in range(len(zones))),
        no_debris_polygons=tuple(
            np.array([[e0, n0], [e1, n0], [e1, n1], [e0, n1]]) for e0, e1, n0, n1 in zones
        ),
        landing_names=(),
        landing_polygons=(),
    )


def model(s, wind=(0.0, 0.0, 0.0), samples=64, wind_sigma=0.0, beta_sigma=0.0, beta=VACUUM):
    planning = DebrisPlanning(
        samples=samples, wind_sigma_mps=wind_sigma, ballistic_coefficient_sigma=beta_sigma
    )
    wreck = Wreckage(ballistic_coefficient_kg_m2=beta, p_detonate=0.5, lethal_radius_m=30.0)
    return FootprintModel(s, np.array(wind), planning, wreck, np.random.default_rng(1))


def test_without_spread_every_sample_is_the_hand_computed_vacuum_fall():
    # 500 m up at 30 m/s east, plus a 10 m/s forward throw along the effector -> target line
    # (the effector sits due west, level with it): t = sqrt(2h/g), impact e = 1000 + 40 t.
    h, t_fall = 500.0, np.sqrt(2.0 * 500.0 / G)
    impact_e = 1000.0 + 40.0 * t_fall
    zone = (impact_e - 1.0, impact_e + 1.0, -1.0, 1.0)  # a 2 m box around the hand answer
    fp = model(site([zone])).assess(
        np.array([[1000.0, 0.0, h]]),
        np.array([[30.0, 0.0, 0.0]]),
        np.array([0.0, 0.0, h]),
        DebrisSpec(falls=True, forward_throw_mps=10.0),
    )
    assert fp.mean_impact[0, 0] == pytest.approx(impact_e, abs=0.1)
    assert fp.mean_impact[0, 1] == pytest.approx(0.0, abs=1e-9)
    assert fp.sampled[0] and fp.p_zone[0] == 1.0 and fp.zone[0] == 0


def test_zone_probability_matches_the_normal_spread_of_fragments():
    # In a vacuum a horizontal kick σ shifts the impact by σ·t; the vertical kick changes t a
    # little (from 2 km up, ~1 %). A zone beginning one spread east of the mean holds ~16 %.
    h, sigma = 2000.0, 4.0
    t_fall = np.sqrt(2.0 * h / G)
    spread = sigma * t_fall
    zone = (spread, 1e6, -1e6, 1e6)
    fp = model(site([zone]), samples=4000).assess(
        np.array([[0.0, 0.0, h]]),
        np.zeros((1, 3)),
        np.array([-1000.0, 0.0, 0.0]),
        DebrisSpec(falls=True, fragment_spread_mps=sigma),
    )
    expected = norm.sf(1.0)
    assert fp.p_zone[0] == pytest.approx(expected, abs=3.5 * np.sqrt(expected * 0.84 / 4000))


def test_wind_carries_the_fall_as_the_full_ballistic_integration_does():
    # The footprint works in the air-mass frame; with no spread its impact must equal a direct
    # integration of the fall in the wind.
    pos, vel, wind = np.array([[0.0, 0.0, 400.0]]), np.array([[25.0, -5.0, 2.0]]), (-6.0, 3.0, 0)
    direct, _ = ballistic_impact(pos, vel, np.array(wind), 30.0, dt=0.05)
    far = (direct[0, 0] - 1.0, direct[0, 0] + 1.0, direct[0, 1] - 1.0, direct[0, 1] + 1.0)
    fp = model(site([far]), wind=wind, beta=30.0).assess(
        pos, vel, np.array([-5000.0, 0.0, 0.0]), DebrisSpec(falls=True)
    )
    np.testing.assert_allclose(fp.mean_impact[0, :2], direct[0, :2], atol=0.05)
    assert fp.p_zone[0] == 1.0  # every sample lands within a metre of the direct fall


def test_wind_uncertainty_spreads_the_footprint():
    zone = (30.0, 1e6, -1e6, 1e6)
    args = (np.array([[0.0, 0.0, 300.0]]), np.zeros((1, 3)), np.array([-1.0, 0.0, 0.0]))
    calm = model(site([zone]), beta=30.0).assess(*args, DebrisSpec(falls=True))
    gusty = model(site([zone]), beta=30.0, wind_sigma=3.0, samples=400).assess(
        *args, DebrisSpec(falls=True)
    )
    assert calm.p_zone[0] == 0.0 and 0.05 < gusty.p_zone[0] < 0.5


def test_impacts_near_an_asset_count_the_value_within_the_payload_reach():
    s = site(assets=[(0.0, 0.0, 100.0, 60.0)])
    fp = model(s).assess(
        np.array([[50.0, 0.0, 300.0], [5000.0, 0.0, 300.0]]),
        np.zeros((2, 3)),
        np.array([0.0, -1000.0, 0.0]),
        DebrisSpec(falls=True),
    )
    assert fp.asset_harm.tolist() == [60.0, 0.0]
    assert fp.harm(zone_harm=50.0, p_detonate=0.5).tolist() == [30.0, 0.0]


def test_far_from_every_zone_the_footprint_is_screened_clear_without_sampling():
    s = site([(10_000.0, 11_000.0, -500.0, 500.0)])
    fp = model(s, wind_sigma=1.5, beta_sigma=0.3, beta=30.0).assess(
        np.array([[0.0, 0.0, 300.0], [9_500.0, 0.0, 300.0]]),
        np.array([[30.0, 0.0, 0.0], [30.0, 0.0, 0.0]]),
        np.zeros(3),
        DebrisSpec(falls=True, fragment_spread_mps=10.0),
    )
    assert fp.sampled.tolist() == [False, True]
    assert fp.p_zone[0] == 0.0


def test_controlled_landing_scatters_about_the_point_below():
    s = site([(0.0, 1e6, -1e6, 1e6)])  # everything east of the drone
    spec = DebrisSpec(falls=True, ballistic=False, landing_spread_m=150.0)
    fp = model(s, samples=2000).assess(
        np.array([[0.0, 0.0, 300.0]]), np.array([[30.0, 0, 0]]), np.zeros(3), spec
    )
    assert fp.mean_impact[0].tolist() == [0.0, 0.0, 0.0]
    assert fp.p_zone[0] == pytest.approx(0.5, abs=0.05)


def test_nothing_falls_after_a_takeover():
    fp = model(site([(-1e6, 1e6, -1e6, 1e6)])).assess(
        np.array([[0.0, 0.0, 300.0]]), np.zeros((1, 3)), np.zeros(3), NOTHING_FALLS
    )
    assert fp.p_zone[0] == 0.0 and not fp.sampled[0]


def test_same_generator_same_footprint():
    s = site([(0.0, 200.0, -100.0, 100.0)])
    args = (np.array([[0.0, 0.0, 300.0]]), np.array([[10.0, 0, 0]]), np.zeros(3))
    spec = DebrisSpec(falls=True, fragment_spread_mps=8.0)
    a = model(s, wind_sigma=1.0, beta=30.0).assess(*args, spec)
    b = model(s, wind_sigma=1.0, beta=30.0).assess(*args, spec)
    assert a.p_zone[0] == b.p_zone[0] and 0.0 < a.p_zone[0] < 1.0
