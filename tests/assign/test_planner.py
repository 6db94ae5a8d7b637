"""The assignment stage: rules of engagement, options, soft kill first, debris planning, reasons.

Every behaviour is checked for both solvers (greedy heuristic and exact MILP).
"""

from __future__ import annotations

import numpy as np
import pytest

from bastion.assign.greedy import GreedyAssigner
from bastion.assign.milp import MilpAssigner
from bastion.engage.effectors import GunEffector, InterceptorEffector, MissileEffector
from bastion.engage.footprint import FootprintModel, Wreckage
from bastion.engage.jammers import GnssJammerEffector, RfJammerEffector
from bastion.scenario.schema import (
    DebrisPlanning,
    Doctrine,
    GeoPoint,
    GnssJammerConfig,
    GunConfig,
    InterceptorConfig,
    MissileConfig,
    RfJammerConfig,
)
from bastion.scenario.site import Site
from bastion.types import ClassBelief, ThreatTable, TrackStatus, TrackTable

HERE = GeoPoint(lat_deg=0.0, lon_deg=0.0)
ORIGIN = np.zeros(3)
DRONE = (1.0, 0.0, 0.0, 0.0)
PLANNING = DebrisPlanning(samples=200, wind_sigma_mps=1.0, ballistic_coefficient_sigma=0.2)
WRECKAGE = Wreckage(ballistic_coefficient_kg_m2=40.0, p_detonate=0.5, lethal_radius_m=30.0)
ASSIGNERS = [GreedyAssigner, MilpAssigner]


def make_site(towns=()) -> Site:
    """One asset at the origin (radius 300 m) and rectangular no-debris zones (e0, e1, n0, n1)."""
    return Site(
        origin=(0.0, 0.0, 0.0),
        asset_names=("base",),
        asset_pos=np.zeros((1, 3)),
        asset_radius_m=np.array([300.0]),
        asset_value=np.array([1.0]),
        no_debris_names=tuple(name for name, _ in towns),
        no_debris_polygons=tuple(
            np.array([[e0, n0], [e1, n0], [e1, n1], [e0, n1]]) for _, (e0, e1, n0, n1) in towns
        ),
        landing_names=(),
        landing_polygons=(),
    )


def world(x, time_to_go, p=DRONE, hits=10, score=None):
    """Tracks 1..N with states x, ranked in that order, with threat rows and belief p (N, 4)."""
    x = np.array(x, dtype=float).reshape(-1, 6)
    n = x.shape[0]
    ids = np.arange(1, n + 1)
    p = np.broadcast_to(np.array(p, dtype=float), (n, 4)).copy()
    tracks = TrackTable(
        t=0.0,
        track_id=ids[::-1].copy(),  # the assigner must match rows by id, not by position
        x=x[::-1].copy(),
        P=np.tile(np.eye(6), (n, 1, 1)),
        status=np.full(n, TrackStatus.CONFIRMED, dtype=np.int8),
        hits=np.full(n, hits, dtype=np.int32),
        misses=np.zeros(n, dtype=np.int32),
        last_update_t=np.zeros(n),
        truth_id=np.full(n, -1),
    )
    threats = ThreatTable(
        t=0.0,
        track_id=ids,
        asset_index=np.zeros(n, dtype=np.int32),
        score=np.linspace(100.0, 50.0, n) if score is None else np.broadcast_to(score, (n,)).copy(),
        cpa_m=np.zeros(n),
        t_cpa_s=np.zeros(n),
        time_to_go_s=np.broadcast_to(np.asarray(time_to_go, dtype=float), (n,)).copy(),
        p_hostile=p[:, 0].copy(),
    )
    # A drone belief here has held at the doctrine's bar long enough to be declared.
    declared = p[:, 0] >= Doctrine().p_hostile_to_engage
    return threats, tracks, ClassBelief(t=0.0, track_id=ids, p=p, declared_drone=declared)


def still(*points):
    p = np.array(points, dtype=float).reshape(-1, 3)
    return np.hstack([p, np.zeros_like(p)])


def missile(id="M1", pos=ORIGIN, **kw):
    kw.setdefault("fragment_spread_mps", 5.0)
    kw.setdefault("forward_throw_mps", 0.0)
    return MissileEffector(MissileConfig(id=id, position=HERE, **kw), pos)


def gun(id="G1", pos=ORIGIN, **kw):
    return GunEffector(GunConfig(id=id, position=HERE, **kw), pos)


def jammer(id="J1", **kw):
    cfg = GnssJammerConfig(id=id, position=HERE, landing_areas=["field"], **kw)
    return GnssJammerEffector(cfg, ORIGIN, {"field": np.array([0.0, 3000.0, 0.0])})


def assign(
    threats,
    tracks,
    belief,
    effectors,
    doctrine=None,
    site=None,
    engaged=frozenset(),
    ineffective=frozenset(),
    cls=GreedyAssigner,
):
    site = site or make_site()
    footprint = FootprintModel(site, np.zeros(3), PLANNING, WRECKAGE, np.random.default_rng(5))
    assigner = cls(doctrine or Doctrine(), site, footprint)
    return assigner.assign(threats, tracks, belief, effectors, engaged, ineffective)


def pairs(out):
    return list(zip(out.track_id.tolist(), out.effector_id.tolist(), strict=True))


def gun_p_kill(slant_m, p_1km=0.02, rounds=50):
    """1 − (1 − p_hit)^n with p_hit = 1 − exp(−k/R²), k calibrated to p_hit(1 km) = p_1km."""
    k = -np.log(1.0 - p_1km) * 1e6
    return 1.0 - np.exp(-k / slant_m**2) ** rounds


@pytest.mark.parametrize("cls", ASSIGNERS)
def test_young_tracks_are_not_engaged(cls):
    x = still((8000, 0, 300))
    assert len(assign(*world(x, 60.0, hits=7), [missile()], cls=cls)) == 0
    assert len(assign(*world(x, 60.0, hits=8), [missile()], cls=cls)) == 1


@pytest.mark.parametrize("cls", ASSIGNERS)
def test_two_effectors_three_threats_hand_case(cls):
    # Track 1 (value 100) is beyond gun range; 2 (75) and 3 (50) are within both envelopes.
    # One channel each. Missile on 1 (saves 80) is best; the gun then saves 50·p(1503 m) on
    # track 3 against 75·p(2002 m) on track 2: 18.0 > 16.8, so it goes to track 3. (Costs,
    # 0.6 and 0.025 at 1e-5 per USD, change nothing.)
    x = still((8000, 0, 300), (0, 2000, 100), (-1500, 0, 100))
    effectors = [missile(channels=1), gun(channels=1)]
    out = assign(*world(x, 60.0), effectors, cls=cls)
    p2, p3 = gun_p_kill(np.hypot(2000.0, 100.0)), gun_p_kill(np.hypot(1500.0, 100.0))
    assert 0.5 * p3 > 0.75 * p2
    assert pairs(out) == [(1, "M1"), (3, "G1")]
    assert out.p_kill.tolist() == pytest.approx([0.8, p3])
    np.testing.assert_allclose(out.intercept_pos, [[8000, 0, 300], [-1500, 0, 100]])
    assert out.t_intercept[0] == pytest.approx(5.0 + np.hypot(8000.0, 300.0) / 800.0)
    assert out.threat_value.tolist() == [100.0, 50.0]
    assert out.cost_usd.tolist() == [60_000.0, 2_500.0]
    assert out.reason[1].startswith(f"gun G1: p_kill {p3:.2f}, time to go 60 s; threat 50")
    assert "alternatives: missile M1 p 0.80 (given to track 1)" in out.reason[1]
    assert "alternatives: none" in out.reason[0]


@pytest.mark.parametrize("cls", ASSIGNERS)
def test_a_second_target_takes_the_spare_channel_and_alternatives_are_named(cls):
    x = still((5000, 0, 300), (6000, 0, 300))
    out = assign(*world(x, 60.0), [missile(channels=1), missile("M2", channels=1)], cls=cls)
    assert sorted(out.track_id.tolist()) == [1, 2]
    assert "alternatives: missile M" in out.reason[0]


@pytest.mark.parametrize("cls", ASSIGNERS)
def test_weapons_hold_engages_nothing(cls):
    out = assign(
        *world(still((5000, 0, 300)), 60.0), [missile()], Doctrine(weapons_control="hold"), cls=cls
    )
    assert len(out) == 0 and out.intercept_pos.shape == (0, 3)


@pytest.mark.parametrize("cls", ASSIGNERS)
@pytest.mark.parametrize(("control", "expected"), [("tight", [1]), ("free", [1, 2])])
def test_weapons_tight_needs_hostile_belief_free_does_not(cls, control, expected):
    p = np.array([[0.9, 0.05, 0.05, 0.0], [0.5, 0.2, 0.2, 0.1]])
    world_ = world(still((5000, 0, 300), (6000, 0, 300)), 60.0, p=p)
    out = assign(*world_, [missile()], Doctrine(weapons_control=control), cls=cls)
    assert sorted(out.track_id.tolist()) == expected


@pytest.mark.parametrize("control", ["free", "tight"])
@pytest.mark.parametrize("friendly", [(0.3, 0.7, 0.0, 0.0), (0.35, 0.0, 0.65, 0.0)])
def test_bird_or_aircraft_believed_track_is_never_engaged(control, friendly):
    doctrine = Doctrine(weapons_control=control, p_hostile_to_engage=0.2)
    out = assign(*world(still((5000, 0, 300)), 60.0, p=friendly), [missile()], doctrine)
    assert len(out) == 0


@pytest.mark.parametrize("cls", ASSIGNERS)
def test_engaged_and_inbound_only(cls):
    x = still((5000, 0, 300), (6000, 0, 300), (7000, 0, 300))
    threats, tracks, belief = world(x, [60.0, 60.0, np.inf])
    out = assign(threats, tracks, belief, [missile()], engaged=frozenset({1}), cls=cls)
    assert out.track_id.tolist() == [2]


def test_an_effect_after_the_threat_arrives_is_not_an_option():
    # The missile needs 5 s + 8 km / 800 m/s = 15.0 s; the drone arrives in 14 s.
    x = still((8000, 0, 0))
    assert len(assign(*world(x, 14.0), [missile(min_altitude_m=0.0)])) == 0
    assert len(assign(*world(x, 16.0), [missile(min_altitude_m=0.0)])) == 1


@pytest.mark.parametrize("cls", ASSIGNERS)
def test_channel_limits_within_a_cycle_and_across_cycles(cls):
    x = still((1000, 0, 100), (1200, 0, 100), (1400, 0, 100))
    out = assign(*world(x, 60.0), [gun(channels=2)], cls=cls)
    assert sorted(pairs(out)) == [(1, "G1"), (2, "G1")]
    busy = gun(channels=2)
    busy.commit(0.0, 5.0, 50)
    assert pairs(assign(*world(x, 60.0), [busy], cls=cls)) == [(1, "G1")]


@pytest.mark.parametrize("cls", ASSIGNERS)
def test_ties_on_kill_probability_go_to_the_cheaper_effector(cls):
    effectors = [missile("dear", cost_usd=90_000.0), missile("cheap", cost_usd=30_000.0)]
    out = assign(*world(still((5000, 0, 300)), 60.0), effectors, cls=cls)
    assert out.effector_id.tolist() == ["cheap"]


@pytest.mark.parametrize("cls", ASSIGNERS)
def test_soft_kill_preferred_while_there_is_time(cls):
    x = still((5000, 0, 300))
    effectors = [missile(), jammer()]
    early = assign(*world(x, 200.0), effectors, cls=cls)
    assert early.effector_id.tolist() == ["J1"] and early.p_kill.tolist() == [0.5]
    assert early.reason[0].startswith("gnss_jammer J1: p_takeover 0.50, time to go 200 s")
    assert "missile M1 held for a soft kill above the 90 s reserve" in early.reason[0]
    late = assign(*world(x, 60.0), effectors, cls=cls)
    assert late.effector_id.tolist() == ["M1"]
    no_missile_left = assign(*world(x, 60.0), [missile(magazine=0), jammer()], cls=cls)
    assert no_missile_left.effector_id.tolist() == ["J1"]  # the fallback


def test_electronic_attack_known_to_be_useless_on_a_track_is_not_repeated():
    x = still((3000, 0, 300))
    rf = RfJammerEffector(RfJammerConfig(id="RF1", position=HERE), ORIGIN)
    out = assign(*world(x, 200.0), [missile(), rf])
    assert out.effector_id.tolist() == ["RF1"]
    out = assign(*world(x, 200.0), [missile(), rf], ineffective=frozenset({(1, "rf_jammer")}))
    assert out.effector_id.tolist() == ["M1"]  # no soft kill left: the missile may fire


# Debris: a drone flies west at 30 m/s, 300 m up, at the asset on the origin; a town lies under
# its path from 4 km to 2 km east. The missile (origin) would drop the wreckage on the town.
TOWN = ("Jableh", (2000.0, 4000.0, -1000.0, 1000.0))


def inbound(e, score=100.0):
    return world(np.array([[e, 0.0, 300.0, -30.0, 0.0, 0.0]]), (e - 300.0) / 30.0, score=score)


@pytest.mark.parametrize("cls", ASSIGNERS)
def test_engagement_over_a_town_waits_until_the_track_has_passed_it(cls):
    site = make_site([TOWN])
    first = assign(*inbound(5200.0), [missile()], site=site, cls=cls)
    assert len(first) == 1 and first.p_debris_in_zone[0] <= PLANNING.max_p_in_zone
    for e in (4000.0, 3500.0, 3000.0, 2500.0):
        assert len(assign(*inbound(e), [missile()], site=site, cls=cls)) == 0, e
    out = assign(*inbound(1800.0), [missile()], site=site, cls=cls)
    assert out.effector_id.tolist() == ["M1"]
    assert out.reason[0].startswith("missile M1: p_kill 0.80, time to go 50 s")
    assert out.p_debris_in_zone[0] == 0.0


def test_the_hold_is_remembered_and_explained_when_the_shot_comes():
    site = make_site([TOWN])
    footprint = FootprintModel(site, np.zeros(3), PLANNING, WRECKAGE, np.random.default_rng(5))
    assigner = GreedyAssigner(Doctrine(), site, footprint)

    def cycle(e, t):
        threats, tracks, belief = inbound(e)
        tracks = TrackTable(**{**{f: getattr(tracks, f) for f in tracks.__dataclass_fields__}})
        object.__setattr__(tracks, "t", t)
        return assigner.assign(threats, tracks, belief, [missile()], frozenset())

    assert len(cycle(3500.0, 10.0)) == 0
    out = cycle(1800.0, 60.0)
    assert "held since t=10 s: debris would land in Jableh" in out.reason[0]


def test_a_held_engagement_says_where_the_debris_would_land_and_when_it_is_safe():
    site = make_site([TOWN])
    footprint = FootprintModel(site, np.zeros(3), PLANNING, WRECKAGE, np.random.default_rng(5))
    assigner = GreedyAssigner(Doctrine(), site, footprint)
    threats, tracks, _ = inbound(3000.0)
    options = assigner.options(
        [missile()], tracks.x, tracks.P, threats, np.array([0]), 0.0, frozenset()
    )
    assert not options.allowed[0, 0] and options.considered[0, 0]
    assert options.p_zone[0, 0] > 0.9 and options.zone[0, 0] == 0
    (note,) = options.notes[0]
    assert note.startswith(
        "missile M1 held: debris would land in Jableh (P 1.00); safer point (P 0.00) in"
    )


def test_debris_is_ignored_when_doctrine_says_so():
    doctrine = Doctrine(avoid_debris_in_no_debris_zones=False)
    out = assign(*inbound(3000.0), [missile()], doctrine, make_site([TOWN]))
    assert len(out) == 1 and np.isnan(out.p_debris_in_zone[0])
    assert "debris" not in out.reason[0]


@pytest.mark.parametrize("cls", ASSIGNERS)
def test_no_safe_point_left_engages_now_with_the_harm_as_a_cost(cls):
    # The town covers the whole approach: no later point is safer, so a valuable threat is
    # engaged now, and its reason says so; a threat worth less than the expected harm is not.
    site = make_site([("Jableh", (-1000.0, 4000.0, -1000.0, 1000.0))])
    out = assign(*inbound(2000.0, score=100.0), [missile()], site=site, cls=cls)
    assert out.effector_id.tolist() == ["M1"]
    assert (
        "debris would land in Jableh (P 1.00), no safer point before the last chance"
        in (out.reason[0])
    )
    assert out.expected_harm[0] == pytest.approx(0.8 * PLANNING.zone_harm * 1.0)
    assert len(assign(*inbound(2000.0, score=20.0), [missile()], site=site, cls=cls)) == 0


@pytest.mark.parametrize("cls", ASSIGNERS)
def test_a_held_effector_is_named_in_the_reason_of_the_one_that_fires(cls):
    # A gun 2 km east of the drone kills it earlier (farther east), dropping the wreckage 130 m
    # clear of the town, while the better missile's wreckage would land in it.
    site = make_site([("Jableh", (2000.0, 3650.0, -1000.0, 1000.0))])
    effectors = [missile(), gun(pos=np.array([6000.0, 0.0, 0.0]))]
    out = assign(*inbound(4000.0), effectors, site=site, cls=cls)
    assert out.effector_id.tolist() == ["G1"]
    assert out.reason[0].startswith("gun G1: p_kill ")
    assert "missile M1 held: debris would land in Jableh" in out.reason[0]


def test_nothing_to_engage_gives_an_empty_assignment():
    threats, tracks, belief = world(np.empty((0, 6)), 60.0)
    out = assign(threats, tracks, belief, [missile(), gun()])
    assert len(out) == 0 and out.reason.shape == (0,)


def test_an_uncertain_track_widens_the_footprint_of_a_slow_interceptor():
    # A net interceptor meets a drone 6 km east ~78 s later, 3.65 km out; the captured drone
    # comes down under its parachute ~250 m east of a town. With the track's velocity known
    # to 1 m/s the town is barely at risk; uncertain by 3 m/s, the predicted point is
    # uncertain by ~230 m and the town clearly is (the samples are fixed: deterministic).
    site = make_site([("Jableh", (2500.0, 3400.0, -1000.0, 1000.0))])
    footprint = FootprintModel(site, np.zeros(3), PLANNING, WRECKAGE, np.random.default_rng(5))
    assigner = GreedyAssigner(Doctrine(), site, footprint)
    net = InterceptorEffector(
        InterceptorConfig(id="I1", position=HERE, speed_mps=50, launch_time_s=5), ORIGIN
    )
    threats, tracks, _ = inbound(6000.0)
    sure = assigner.options([net], tracks.x, tracks.P, threats, np.array([0]), 0.0, frozenset())
    loose = np.tile(np.diag([100.0, 100.0, 100.0, 9.0, 9.0, 1.0]), (1, 1, 1))
    unsure = assigner.options([net], tracks.x, loose, threats, np.array([0]), 0.0, frozenset())
    assert sure.p_zone[0, 0] <= PLANNING.max_p_in_zone
    assert unsure.p_zone[0, 0] > 0.1
