import numpy as np
import pytest

from bastion.assign.greedy import GreedyAssigner
from bastion.engage.effectors import GnssJammerEffector, GunEffector, MissileEffector
from bastion.scenario.schema import (
    Doctrine,
    GeoPoint,
    GnssJammerConfig,
    GunConfig,
    MissileConfig,
)
from bastion.scenario.site import Site
from bastion.types import ClassBelief, ThreatTable, TrackStatus, TrackTable

HERE = GeoPoint(lat_deg=0.0, lon_deg=0.0)
ORIGIN = np.zeros(3)
DRONE = (1.0, 0.0, 0.0, 0.0)


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


def world(x, time_to_go, p=DRONE, hits=10):
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
        score=np.linspace(1.0, 0.5, n),
        cpa_m=np.zeros(n),
        t_cpa_s=np.zeros(n),
        time_to_go_s=np.broadcast_to(np.asarray(time_to_go, dtype=float), (n,)).copy(),
        p_hostile=p[:, 0].copy(),
    )
    return threats, tracks, ClassBelief(t=0.0, track_id=ids, p=p)


def still(*points):
    p = np.array(points, dtype=float).reshape(-1, 3)
    return np.hstack([p, np.zeros_like(p)])


def missile(id="M1", pos=ORIGIN, **kw):
    return MissileEffector(MissileConfig(id=id, position=HERE, **kw), pos)


def gun(id="G1", pos=ORIGIN, **kw):
    return GunEffector(GunConfig(id=id, position=HERE, **kw), pos)


def jammer(id="J1", **kw):
    cfg = GnssJammerConfig(id=id, position=HERE, landing_areas=["field"], **kw)
    return GnssJammerEffector(cfg, ORIGIN, {"field": np.array([0.0, 3000.0, 0.0])})


def assign(threats, tracks, belief, effectors, doctrine=None, site=None, engaged=frozenset()):
    assigner = GreedyAssigner(doctrine or Doctrine(), site or make_site(), np.zeros(3), 40.0)
    return assigner.assign(threats, tracks, belief, effectors, engaged)


def pairs(out):
    return list(zip(out.track_id.tolist(), out.effector_id.tolist(), strict=True))


def test_young_tracks_are_not_engaged():
    x = still((8000, 0, 300))
    assert len(assign(*world(x, 60.0, hits=7), [missile()])) == 0
    assert len(assign(*world(x, 60.0, hits=8), [missile()])) == 1


def test_two_effectors_three_threats_hand_case():
    # Track 1 is beyond gun range; 2 and 3 are within both envelopes. One channel each.
    x = still((8000, 0, 300), (0, 2000, 100), (-1500, 0, 100))
    effectors = [missile(channels=1), gun(channels=1)]
    out = assign(*world(x, 60.0), effectors)
    assert pairs(out) == [(1, "M1"), (2, "G1")]
    p_gun = 1.0 - (1.0 - 0.02 * (1000.0 / np.hypot(2000.0, 100.0)) ** 2) ** 50
    assert out.p_kill.tolist() == pytest.approx([0.8, p_gun])
    np.testing.assert_allclose(out.intercept_pos, [[8000, 0, 300], [0, 2000, 100]])
    assert out.t_intercept[0] == pytest.approx(5.0 + np.hypot(8000.0, 300.0) / 800.0)
    assert out.reason[1] == f"gun G1: p_kill {p_gun:.2f}, time to go 60 s"


def test_greedy_gives_the_top_threat_its_best_effector_first():
    # Ranked the other way, track 2 takes the missile (0.8 > gun) and track 1 is out of gun range.
    x = still((0, 2000, 100), (8000, 0, 300), (-1500, 0, 100))
    out = assign(*world(x, 60.0), [missile(channels=1), gun(channels=1)])
    assert pairs(out) == [(1, "M1"), (3, "G1")]


def test_weapons_hold_engages_nothing():
    out = assign(*world(still((5000, 0, 300)), 60.0), [missile()], Doctrine(weapons_control="hold"))
    assert len(out) == 0 and out.intercept_pos.shape == (0, 3)


@pytest.mark.parametrize(("control", "expected"), [("tight", [1]), ("free", [1, 2])])
def test_weapons_tight_needs_hostile_belief_free_does_not(control, expected):
    p = np.array([[0.9, 0.05, 0.05, 0.0], [0.5, 0.2, 0.2, 0.1]])
    world_ = world(still((5000, 0, 300), (6000, 0, 300)), 60.0, p=p)
    out = assign(*world_, [missile()], Doctrine(weapons_control=control))
    assert out.track_id.tolist() == expected


@pytest.mark.parametrize("control", ["free", "tight"])
@pytest.mark.parametrize("friendly", [(0.3, 0.7, 0.0, 0.0), (0.35, 0.0, 0.65, 0.0)])
def test_bird_or_aircraft_believed_track_is_never_engaged(control, friendly):
    doctrine = Doctrine(weapons_control=control, p_hostile_to_engage=0.2)
    out = assign(*world(still((5000, 0, 300)), 60.0, p=friendly), [missile()], doctrine)
    assert len(out) == 0


def test_engaged_and_inbound_only():
    x = still((5000, 0, 300), (6000, 0, 300), (7000, 0, 300))
    threats, tracks, belief = world(x, [60.0, 60.0, np.inf])
    out = assign(threats, tracks, belief, [missile()], engaged=frozenset({1}))
    assert out.track_id.tolist() == [2]


def test_channel_limits_within_a_cycle_and_across_cycles():
    x = still((1000, 0, 100), (1200, 0, 100), (1400, 0, 100))
    assert pairs(assign(*world(x, 60.0), [gun(channels=2)])) == [(1, "G1"), (2, "G1")]
    busy = gun(channels=2)
    busy.commit(0.0, 5.0, 50)
    assert pairs(assign(*world(x, 60.0), [busy])) == [(1, "G1")]


def test_ties_on_kill_probability_go_to_the_cheaper_effector():
    effectors = [missile("dear", cost_usd=90_000.0), missile("cheap", cost_usd=30_000.0)]
    out = assign(*world(still((5000, 0, 300)), 60.0), effectors)
    assert out.effector_id.tolist() == ["cheap"]


def test_soft_kill_preferred_while_there_is_time():
    x = still((5000, 0, 300))
    effectors = [missile(), jammer()]
    early = assign(*world(x, 200.0), effectors)
    assert early.effector_id.tolist() == ["J1"] and early.p_kill.tolist() == [0.5]
    assert early.reason[0].startswith("gnss_jammer J1: p_takeover 0.50, time to go 200 s")
    assert "90 s reserve" in early.reason[0]
    late = assign(*world(x, 60.0), effectors)
    assert late.effector_id.tolist() == ["M1"]
    no_missile_left = assign(*world(x, 60.0), [missile(magazine=0), jammer()])
    assert no_missile_left.effector_id.tolist() == ["J1"]  # the fallback


# Debris: a drone flies west at 30 m/s, 300 m up, at the asset on the origin; a town lies under
# its path from 4 km to 2 km east. The missile (origin) would drop the wreckage on the town.
TOWN = ("Jableh", (2000.0, 4000.0, -1000.0, 1000.0))


def inbound(e):
    return world(np.array([[e, 0.0, 300.0, -30.0, 0.0, 0.0]]), (e - 300.0) / 30.0)


def test_engagement_over_a_town_waits_until_the_track_has_passed_it():
    site = make_site([TOWN])
    assert len(assign(*inbound(5000.0), [missile()], site=site)) == 1  # wreckage short of town
    for e in (4000.0, 3500.0, 3000.0, 2500.0):
        assert len(assign(*inbound(e), [missile()], site=site)) == 0, e
    out = assign(*inbound(1800.0), [missile()], site=site)
    assert out.effector_id.tolist() == ["M1"]
    assert out.reason[0] == "missile M1: p_kill 0.80, time to go 50 s"


def test_debris_is_ignored_when_doctrine_says_so():
    doctrine = Doctrine(avoid_debris_in_no_debris_zones=False)
    out = assign(*inbound(3000.0), [missile()], doctrine, make_site([TOWN]))
    assert len(out) == 1


def test_last_chance_engagement_over_a_town():
    # The town covers the approach to the asset: the missile needs ~6.5 s, plus 30 s margin.
    site = make_site([("Jableh", (-1000.0, 4000.0, -1000.0, 1000.0))])
    assert len(assign(*inbound(2000.0), [missile()], site=site)) == 0  # 57 s to go: wait
    out = assign(*inbound(1200.0), [missile()], site=site)  # 30 s to go: now or never
    assert out.reason[0] == (
        "missile M1: p_kill 0.80, time to go 30 s; last chance: wreckage may land in Jableh"
    )


def test_a_deferred_effector_is_named_in_the_reason():
    # A gun 2 km east of the town edge kills earlier (farther east), dropping wreckage clear of
    # the town, while the better missile's wreckage would land in it.
    site = make_site([("Jableh", (2000.0, 3700.0, -1000.0, 1000.0))])
    effectors = [missile(), gun(pos=np.array([6000.0, 0.0, 0.0]))]
    out = assign(*inbound(4000.0), effectors, site=site)
    assert out.effector_id.tolist() == ["G1"]
    assert out.reason[0].startswith("gun G1: p_kill ")
    assert out.reason[0].endswith("; missile M1 deferred: wreckage would land in Jableh")


def test_nothing_to_engage_gives_an_empty_assignment():
    threats, tracks, belief = world(np.empty((0, 6)), 60.0)
    out = assign(threats, tracks, belief, [missile(), gun()])
    assert len(out) == 0 and out.reason.shape == (0,)
