import numpy as np
import pytest

from bastion.scenario.schema import Doctrine, ThreatWeights
from bastion.scenario.site import Site
from bastion.threat.cpa import (
    CpaThreatEvaluator,
    closing_geometry,
    horizontal_cpa,
    time_to_radius,
)
from bastion.types import ClassBelief, TrackStatus, TrackTable

DRONE = np.array([1.0, 0.0, 0.0, 0.0])


def make_site(pos=((0.0, 0.0, 0.0),), radius=(300.0,), value=None) -> Site:
    value = (1.0,) * len(pos) if value is None else value
    return Site(
        origin=(0.0, 0.0, 0.0),
        asset_names=tuple(f"A{i}" for i in range(len(pos))),
        asset_pos=np.array(pos, dtype=float),
        asset_radius_m=np.array(radius, dtype=float),
        asset_value=np.array(value, dtype=float),
        no_debris_names=(),
        no_debris_polygons=(),
        landing_names=(),
        landing_polygons=(),
    )


def make_tracks(x, status=None, ids=None, t=0.0) -> TrackTable:
    x = np.array(x, dtype=float).reshape(-1, 6)
    n = x.shape[0]
    return TrackTable(
        t=t,
        track_id=np.arange(1, n + 1) if ids is None else np.array(ids),
        x=x,
        P=np.tile(np.eye(6), (n, 1, 1)),
        status=np.full(n, TrackStatus.CONFIRMED, dtype=np.int8) if status is None else status,
        hits=np.full(n, 5, dtype=np.int32),
        misses=np.zeros(n, dtype=np.int32),
        last_update_t=np.full(n, t),
        truth_id=np.full(n, -1),
    )


def make_belief(track_id, p=DRONE) -> ClassBelief:
    track_id = np.asarray(track_id)
    return ClassBelief(t=0.0, track_id=track_id, p=np.broadcast_to(p, (len(track_id), 4)).copy())


def evaluate(x, site=None, doctrine=None, p=DRONE, status=None, weights=None):
    tracks = make_tracks(x, status=status)
    evaluator = CpaThreatEvaluator(site or make_site(), doctrine or Doctrine(), weights)
    return evaluator.evaluate(tracks, make_belief(tracks.track_id, p))


def test_straight_in_track_has_zero_cpa_and_time_to_go_to_the_radius():
    out = evaluate([5000.0, 0.0, 300.0, -30.0, 0.0, 0.0])
    assert out.cpa_m[0] == pytest.approx(0.0, abs=1e-9)
    assert out.t_cpa_s[0] == pytest.approx(5000.0 / 30.0)
    assert out.time_to_go_s[0] == pytest.approx((5000.0 - 300.0) / 30.0)


def test_diagonal_straight_in_track_ignores_height():
    out = evaluate([3000.0, 4000.0, 900.0, -6.0, -8.0, -5.0])
    assert out.cpa_m[0] == pytest.approx(0.0, abs=1e-9)
    assert out.time_to_go_s[0] == pytest.approx((5000.0 - 300.0) / 10.0)


def test_passing_track_enters_the_radius_on_its_chord():
    out = evaluate([5000.0, 200.0, 300.0, -30.0, 0.0, 0.0])
    assert out.cpa_m[0] == pytest.approx(200.0)
    assert out.time_to_go_s[0] == pytest.approx((5000.0 - np.sqrt(300.0**2 - 200.0**2)) / 30.0)


def test_track_missing_the_radius_never_arrives():
    out = evaluate([5000.0, 1000.0, 300.0, -30.0, 0.0, 0.0])
    assert out.cpa_m[0] == pytest.approx(1000.0)
    assert out.t_cpa_s[0] == pytest.approx(5000.0 / 30.0)
    assert out.time_to_go_s[0] == np.inf


def test_receding_track_is_at_its_closest_approach_now():
    out = evaluate([2000.0, 0.0, 300.0, 30.0, 5.0, 0.0])
    assert out.t_cpa_s[0] == 0.0
    assert out.cpa_m[0] == pytest.approx(2000.0)
    assert out.time_to_go_s[0] == np.inf


def test_stationary_track_outside_and_inside_the_radius():
    out = evaluate([[1000.0, 0.0, 100.0, 0.0, 0.0, 0.0], [0.0, 100.0, 100.0, 0.0, 0.0, 0.0]])
    by_id = dict(zip(out.track_id.tolist(), range(2), strict=True))
    outside, inside = by_id[1], by_id[2]
    assert out.t_cpa_s[outside] == 0.0 and out.cpa_m[outside] == pytest.approx(1000.0)
    assert out.time_to_go_s[outside] == np.inf
    assert out.time_to_go_s[inside] == 0.0 and out.cpa_m[inside] == pytest.approx(100.0)


def test_score_is_the_documented_product():
    site = make_site(value=(2.0,))
    p = np.array([0.9, 0.1, 0.0, 0.0])
    out = evaluate([3300.0, 0.0, 300.0, -30.0, 0.0, 0.0], site=site, p=p)
    time_to_go = 3000.0 / 30.0
    assert out.p_hostile[0] == pytest.approx(0.9)
    assert out.score[0] == pytest.approx(2.0 * 0.9 * 1.0 * 90.0 / (90.0 + time_to_go))
    miss = evaluate([3300.0, 900.0, 300.0, -30.0, 0.0, 0.0], site=site, p=p)
    t_cpa = 3300.0 / 30.0
    expected = 2.0 * 0.9 * np.exp(-(900.0 - 300.0) / 300.0) * 90.0 / (90.0 + t_cpa)
    assert miss.score[0] == pytest.approx(expected)


def test_near_fast_closer_outranks_far_slow_one():
    out = evaluate([[8000.0, 0.0, 300.0, -20.0, 0.0, 0.0], [0.0, 2000.0, 300.0, 0.0, -50.0, 0.0]])
    assert out.track_id.tolist() == [2, 1]
    assert out.score[0] > out.score[1] > 0.0


def test_hostile_belief_is_matched_by_track_id():
    tracks = make_tracks([[5000.0, 0.0, 300.0, -30.0, 0.0, 0.0]] * 2)
    belief = ClassBelief(
        t=0.0, track_id=np.array([2, 1]), p=np.array([[0.2, 0.8, 0, 0], [0.9, 0.1, 0, 0]])
    )
    out = CpaThreatEvaluator(make_site(), Doctrine()).evaluate(tracks, belief)
    assert out.track_id.tolist() == [1, 2]
    assert out.p_hostile.tolist() == pytest.approx([0.9, 0.2])


def test_each_track_is_scored_against_its_most_threatened_asset():
    site = make_site(pos=((0.0, 0.0, 0.0), (10000.0, 0.0, 0.0)), radius=(300.0, 300.0))
    out = evaluate(
        [[7000.0, 0.0, 300.0, 30.0, 0.0, 0.0], [3000.0, 0.0, 300.0, -30.0, 0.0, 0.0]], site
    )
    assert dict(zip(out.track_id.tolist(), out.asset_index.tolist(), strict=True)) == {1: 1, 2: 0}
    assert out.time_to_go_s.tolist() == pytest.approx([2700.0 / 30.0] * 2)


def test_valuable_asset_outranks_a_nearer_cheap_one():
    site = make_site(pos=((0.0, 0.0, 0.0), (0.0, 10000.0, 0.0)), value=(1.0, 10.0))
    out = evaluate(
        [[3000.0, 0.0, 300.0, -30.0, 0.0, 0.0], [0.0, 6000.0, 300.0, 0.0, 30.0, 0.0]], site
    )
    assert out.track_id.tolist() == [2, 1]


def test_only_confirmed_tracks_are_reported():
    status = np.array([TrackStatus.TENTATIVE, TrackStatus.CONFIRMED, TrackStatus.DELETED])
    out = evaluate([[5000.0, 0.0, 300.0, -30.0, 0.0, 0.0]] * 3, status=status.astype(np.int8))
    assert out.track_id.tolist() == [2]


def test_no_tracks_gives_an_empty_table():
    out = evaluate(np.empty((0, 6)))
    assert len(out) == 0 and out.score.shape == (0,)


def brute_time_to_radius(r, v, radius, dt=2e-3, t_max=300.0):
    """Reference: step along the line and return the first sampled time inside the circle."""
    t = np.arange(0.0, t_max, dt)
    inside = np.flatnonzero(np.linalg.norm(r + np.outer(t, v), axis=1) <= radius)
    return t[inside[0]] if inside.size else np.inf


def brute_cpa(r, v, dt=2e-3, t_max=300.0):
    t = np.arange(0.0, t_max, dt)
    d = np.linalg.norm(r + np.outer(t, v), axis=1)
    return t[np.argmin(d)], d.min()


def test_kernels_agree_with_a_brute_force_search():
    rng = np.random.default_rng(1)
    r = rng.uniform(-2000.0, 2000.0, (40, 2))
    heading = rng.uniform(0.0, 2.0 * np.pi, 40)
    v = rng.uniform(10.0, 60.0, (40, 1)) * np.column_stack([np.cos(heading), np.sin(heading)])
    ttg = time_to_radius(r, v, np.array(900.0))
    t_cpa, cpa = horizontal_cpa(r, v)
    assert np.isfinite(ttg).sum() >= 8 and np.isinf(ttg).sum() >= 8 and (ttg == 0).sum() >= 2
    for i in range(40):
        ref = brute_time_to_radius(r[i], v[i], 900.0)
        assert ttg[i] == pytest.approx(ref, abs=3e-3) if np.isfinite(ref) else ttg[i] == np.inf
        ref_t, ref_d = brute_cpa(r[i], v[i])
        assert t_cpa[i] == pytest.approx(ref_t, abs=3e-3)
        assert cpa[i] == pytest.approx(ref_d, abs=1e-3)


def test_closing_speed_and_heading_offset_by_hand():
    # From (3000, 4000): straight in at 50 m/s, crossing at 50 m/s, straight out at 50 m/s.
    r = np.array([[3000.0, 4000.0]] * 3)
    v = np.array([[-30.0, -40.0], [40.0, -30.0], [30.0, 40.0]])
    closing, theta = closing_geometry(r, v)
    assert closing.tolist() == pytest.approx([50.0, 0.0, -50.0], abs=1e-9)
    assert theta.tolist() == pytest.approx([0.0, np.pi / 2, np.pi])
    r, v = np.array([[0.0, 0.0], [10.0, 0.0]]), np.array([[5.0, 0.0], [0.0, 0.0]])
    over, hover = closing_geometry(r, v)
    assert over.tolist() == [5.0, 0.0] and hover.tolist() == pytest.approx([0.0, np.pi / 2])


def test_every_part_is_reported_and_their_weighted_product_is_the_score():
    weights = ThreatWeights(p_hostile=2.0, proximity=0.5, urgency=1.5, heading=1.0, altitude=3.0)
    site = make_site(value=(5.0,))
    x = [4000.0, 600.0, 3500.0, -30.0, 10.0, 0.0]  # crossing slightly, above the 3 km ceiling
    out = evaluate(x, site=site, p=np.array([0.8, 0.2, 0.0, 0.0]), weights=weights)
    theta = np.arccos((4000.0 * 30.0 - 600.0 * 10.0) / (np.hypot(4000.0, 600.0) * np.hypot(30, 10)))
    assert out.heading_offset_rad[0] == pytest.approx(theta)
    assert out.heading_factor[0] == pytest.approx((1.0 + np.cos(theta)) / 2.0)
    assert out.altitude_m[0] == 3500.0
    assert out.altitude_factor[0] == pytest.approx(np.exp(-500.0 / 3000.0))
    assert out.closing_speed_mps[0] == pytest.approx((4000.0 * 30.0 - 600.0 * 10.0) / 4044.75, 1e-4)
    assert out.asset_value[0] == 5.0
    expected = (
        5.0
        * 0.8**2.0
        * out.proximity[0] ** 0.5
        * out.urgency[0] ** 1.5
        * out.heading_factor[0]
        * out.altitude_factor[0] ** 3.0
    )
    assert out.score[0] == pytest.approx(expected)
    assert 0.0 < out.proximity[0] < 1.0 and 0.0 < out.urgency[0] < 1.0


def test_zero_weights_leave_factors_out():
    weights = ThreatWeights(p_hostile=0.0, proximity=0.0, urgency=0.0, heading=0.0, altitude=0.0)
    out = evaluate([9000.0, 5000.0, 8000.0, 30.0, 0.0, 0.0], weights=weights, site=make_site())
    assert out.score[0] == pytest.approx(1.0)


def test_a_drone_heading_away_ranks_below_one_heading_in_when_heading_counts():
    weights = ThreatWeights(heading=1.0)
    x = [[2000.0, 0.0, 300.0, -30.0, 0.0, 0.0], [2000.0, 0.0, 300.0, 0.0, 30.0, 0.0]]
    out = evaluate(x, weights=weights)
    assert out.track_id.tolist() == [1, 2]
    assert out.heading_factor.tolist() == pytest.approx([1.0, 0.5])
