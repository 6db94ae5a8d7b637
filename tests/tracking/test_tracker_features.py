"""The multi-target tracker's options end to end: JPDA, IMM, fusion of bearings, out-of-order
batches, score-based confirmation and deletion on covariance."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest
from scipy.stats import chi2

from bastion.scenario.schema import Tracker
from bastion.tracking.tracker import MultiTargetTracker
from bastion.types import TrackStatus

if TYPE_CHECKING:
    from conftest import SimRadar

DEG = np.pi / 180.0
RADAR_SIGMA = np.array([15.0, 0.3 * DEG, 0.5 * DEG, 1.0])
PLOTS = np.array([True, True, True, False])


def nearest_confirmed(tab, pos: np.ndarray, within_m: float = 200.0) -> tuple[int, float]:
    """Id of the confirmed track nearest ``pos`` (-1 if none within ``within_m``), and distance."""
    confirmed = tab.status == TrackStatus.CONFIRMED
    d = np.linalg.norm(tab.x[confirmed, :3] - pos, axis=1)
    if d.size == 0 or d.min() > within_m:
        return -1, np.inf
    return int(tab.track_id[confirmed][np.argmin(d)]), float(d.min())


# -- JPDA ------------------------------------------------------------------------------------


def crossing_swapped(method: str, seed: int, radar: SimRadar) -> bool:
    """Two targets at 25 m/s crossing at 20° over (0, 6 km, 300 m), 1 s scans, Pd 0.9: did the
    track on target 0 before the crossing end up on target 1?"""
    half = 10.0 * DEG
    vel = 25.0 * np.array([[np.cos(half), np.sin(half), 0.0], [np.cos(half), -np.sin(half), 0.0]])
    cross = np.array([0.0, 6000.0, 300.0])
    tracker = MultiTargetTracker(Tracker(method=method))
    before = after = -1
    for k in range(81):
        t = float(k)
        pos = cross + vel * (t - 40.0)
        tracker.update(radar.scan(t, pos, 0.9, 0))
        tab = tracker.table(t)
        if k == 30:
            before = nearest_confirmed(tab, pos[0])[0]
        if k == 80:
            after = nearest_confirmed(tab, pos[1])[0]
    assert before > 0, f"seed {seed}: no track on target 0 before the crossing"
    return before == after


def test_jpda_keeps_identities_where_gnn_swaps(make_radar) -> None:
    # JPDA's marginals share the ambiguous detections near the crossing instead of committing
    # to a wrong one. On these 20 seeds GNN swapped 7 times and JPDA once (over another 40
    # seeds: 4 and 0); JPDA never swapped where GNN did not.
    swaps = [
        (
            crossing_swapped("gnn", s, make_radar(100 + s)),
            crossing_swapped("jpda", s, make_radar(100 + s)),
        )
        for s in range(20)
    ]
    gnn_only = sum(g and not j for g, j in swaps)
    assert gnn_only >= 5, swaps
    assert sum(j for _, j in swaps) <= 1, swaps
    assert not any(j and not g for g, j in swaps), swaps


def test_jpda_tracks_five_targets_through_clutter(make_radar) -> None:
    radar = make_radar(21)
    start = np.array([[-3000.0, 6000.0, 300.0], [5000.0, -2000.0, 150.0], [0.0, 5800.0, 350.0]])
    vel = 30.0 * np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, -1.0, 0.0]])
    tracker = MultiTargetTracker(Tracker(method="jpda", clutter_per_km3=5 / 400.0))
    counts, errors = [], []
    for k in range(40):
        t = 2.0 * k
        truth = start + vel * t
        tracker.update(radar.scan(t, truth, 0.9, 5))
        tab = tracker.table(t)
        confirmed = tab.status == TrackStatus.CONFIRMED
        if k >= 6:
            counts.append(np.count_nonzero(confirmed))
            errors += [nearest_confirmed(tab, p, 500.0)[1] for p in truth]
    assert np.mean(np.array(counts) == 3) >= 0.9, counts
    assert np.sqrt(np.mean(np.square(errors))) < 60.0


# -- IMM -------------------------------------------------------------------------------------


def turning_target(t: float) -> np.ndarray:
    """North at 30 m/s for 40 s, a 180° left turn at 6°/s (30 s), then south: position (3,)."""
    v, w = 30.0, 6.0 * DEG
    base = np.array([2000.0, 3000.0, 300.0])
    if t <= 40.0:
        return base + np.array([0.0, v * t, 0.0])
    r = v / w
    centre = base + np.array([-r, v * 40.0, 0.0])
    if t <= 70.0:
        a = w * (t - 40.0)
        return centre + np.array([r * np.cos(a), r * np.sin(a), 0.0])
    return centre + np.array([-r, -v * (t - 70.0), 0.0])


def run_turn(config: Tracker, radar: SimRadar) -> tuple[np.ndarray, np.ndarray]:
    """Per second: position error of the target's confirmed track, and its CT probability."""
    tracker = MultiTargetTracker(config)
    err, p_turn = np.full(111, np.inf), np.zeros(111)
    for k in range(111):
        t = float(k)
        pos = turning_target(t)
        tracker.update(radar.scan(t, pos[None], 0.95, 0))
        tid, err[k] = nearest_confirmed(tracker.table(t), pos, 1000.0)
        ids, mu = tracker.model_probabilities()
        if tid in ids and mu.shape[1] == 3:
            p_turn[k] = mu[ids == tid][0, 1]
    return err, p_turn


def test_imm_switches_to_the_turn_model_and_tracks_the_turn_better(make_radar) -> None:
    err_imm, p_turn = run_turn(Tracker(motion="imm"), make_radar(31))
    err_cv, _ = run_turn(Tracker(motion="cv", process_noise_mps2=0.5), make_radar(31))
    straight, turning = slice(15, 40), slice(48, 70)
    assert p_turn[turning].mean() > p_turn[straight].mean() + 0.3, p_turn
    assert p_turn[turning].mean() > 0.5
    rms = lambda e: float(np.sqrt(np.mean(e[turning] ** 2)))  # noqa: E731
    assert rms(err_imm) < 0.7 * rms(err_cv), (rms(err_imm), rms(err_cv))


# -- fusion ----------------------------------------------------------------------------------


def fusion_rms(make_sensor, with_eo: bool, with_rf: bool = False) -> tuple[float, int]:
    """Position RMS of three targets tracked by a radar (plus an EO sensor 4 km east, plus an
    RF direction finder 4 km west), and the number of tracks ever created."""
    radar = make_sensor(41, [0, 0, 10], RADAR_SIGMA, PLOTS, "radar")
    eo = make_sensor(42, [4000, 0, 10], [1, 0.05 * DEG, 0.05 * DEG, 1], [0, 1, 1, 0], "eo")
    rf = make_sensor(43, [-4000, 0, 10], [1, 1.0 * DEG, 1, 1], [0, 1, 0, 0], "rf")
    start = np.array([[-2000.0, 7000.0, 300.0], [3000.0, 6000.0, 200.0], [0.0, 8000.0, 500.0]])
    vel = np.array([[20.0, 0.0, 0.0], [0.0, -15.0, 0.0], [10.0, 10.0, 0.0]])
    tracker = MultiTargetTracker(Tracker(filter="ekf"))
    errors, ids = [], set()
    for k in range(60):
        t = float(k)
        truth = start + vel * t
        batches = [radar.batch(t, truth, np.arange(3))]
        if with_eo:
            batches.append(eo.batch(t + 0.3, truth + vel * 0.3, np.arange(3)))
        if with_rf:
            batches.append(rf.batch(t + 0.6, truth + vel * 0.6, np.arange(3)))
        for b in batches:
            tracker.update(b)
        tab = tracker.table(t + 0.6)
        ids |= set(tab.track_id.tolist())
        if k >= 10:
            errors += [
                nearest_confirmed(tab, p + vel[i] * 0.6, 500.0)[1] for i, p in enumerate(truth)
            ]
    return float(np.sqrt(np.mean(np.square(errors)))), len(ids)


def test_fusing_eo_bearings_improves_on_radar_alone(make_sensor) -> None:
    radar_only, n_radar = fusion_rms(make_sensor, with_eo=False)
    fused, n_fused = fusion_rms(make_sensor, with_eo=True)
    assert fused < 0.6 * radar_only, (fused, radar_only)
    assert n_radar == n_fused == 3  # bearings refine tracks, they never start one


def test_azimuth_only_bearings_fuse_without_harm(make_sensor) -> None:
    radar_only, _ = fusion_rms(make_sensor, with_eo=False)
    with_rf, n = fusion_rms(make_sensor, with_eo=False, with_rf=True)
    assert with_rf < 1.05 * radar_only and n == 3


def radial_velocity_rms(make_sensor, measured: np.ndarray, filt: str) -> float:
    """RMS error (m/s) of the tracks' velocity along the line of sight, on 3 targets 5-8 km
    out, 1 s scans of a radar at the origin measuring ``measured`` (with or without range
    rate), from scan 5 on."""
    radar = make_sensor(61, [0, 0, 10], RADAR_SIGMA, measured, "radar")
    start = np.array([[-2000.0, 7000.0, 300.0], [3000.0, 4000.0, 200.0], [0.0, 8000.0, 500.0]])
    vel = np.array([[20.0, -5.0, 0.0], [-12.0, -15.0, 0.0], [10.0, 25.0, 0.0]])
    tracker = MultiTargetTracker(Tracker(filter=filt))
    errors = []
    for k in range(30):
        t = float(k)
        truth = start + vel * t
        tracker.update(radar.batch(t, truth, np.arange(3), vel))
        tab = tracker.table(t)
        if k >= 5:
            for i, p in enumerate(truth):
                j = np.argmin(np.linalg.norm(tab.x[:, :3] - p, axis=1))
                errors.append((tab.x[j, 3:6] - vel[i]) @ p / np.linalg.norm(p))
    return float(np.sqrt(np.mean(np.square(errors))))


@pytest.mark.parametrize("filt", ["converted", "ekf"])
def test_a_doppler_radars_range_rate_sharpens_the_velocity(make_sensor, filt: str) -> None:
    plots_only = radial_velocity_rms(make_sensor, PLOTS, filt)
    doppler = radial_velocity_rms(make_sensor, np.array([True, True, True, True]), filt)
    assert doppler < 0.6 * plots_only, (doppler, plots_only)


# -- asynchronous and out-of-order batches ---------------------------------------------------


def two_radar_batches(make_sensor) -> list:
    a = make_sensor(51, [0, 0, 10], RADAR_SIGMA, PLOTS, "A")
    b = make_sensor(52, [6000, 1000, 10], RADAR_SIGMA, PLOTS, "B")
    start = np.array([[1000.0, 5000.0, 300.0], [4000.0, 7000.0, 200.0]])
    vel = np.array([[15.0, 5.0, 0.0], [-10.0, -10.0, 0.0]])
    out = []
    for k in range(30):
        t = float(k)
        out.append(a.batch(t, start + vel * t, np.arange(2)))
        out.append(b.batch(t + 0.5, start + vel * (t + 0.5), np.arange(2)))
    return out


def test_late_batches_are_replayed_to_the_in_order_result(make_sensor) -> None:
    batches = two_radar_batches(make_sensor)
    in_order = MultiTargetTracker(Tracker())
    for b in batches:
        in_order.update(b)
    # Radar B's batches arrive 1.5 s late: after A's next batch.
    late = MultiTargetTracker(Tracker())
    shuffled = list(batches)
    for k in range(1, len(shuffled) - 1, 2):
        shuffled[k], shuffled[k + 1] = shuffled[k + 1], shuffled[k]
    assert [b.t for b in shuffled] != sorted(b.t for b in shuffled)
    for b in shuffled:
        late.update(b)
    want, got = in_order.table(30.0), late.table(30.0)
    np.testing.assert_array_equal(got.track_id, want.track_id)
    np.testing.assert_allclose(got.x, want.x, rtol=1e-12)
    np.testing.assert_allclose(got.P, want.P, rtol=1e-12)
    np.testing.assert_array_equal(got.hits, want.hits)
    assert late.late_batches_dropped == 0


def test_too_late_batches_are_dropped_and_counted(make_sensor) -> None:
    batches = two_radar_batches(make_sensor)
    tracker = MultiTargetTracker(Tracker(out_of_order_window_s=5.0))
    for b in batches[2:]:
        tracker.update(b)
    before = tracker.table(30.0)
    tracker.update(batches[0])  # 29.5 s older than the tracker's time: outside the window
    assert tracker.late_batches_dropped == 1
    np.testing.assert_array_equal(tracker.table(30.0).x, before.x)


# -- score logic, covariance deletion, quality ----------------------------------------------


def test_score_logic_confirms_targets_and_not_clutter(make_radar) -> None:
    radar = make_radar(61)
    config = Tracker(logic="score", clutter_per_km3=10 / 400.0)
    tracker = MultiTargetTracker(config)
    target = np.array([[3000.0, 4000.0, 300.0]])
    confirmed_false, first_confirm = set(), None
    for k in range(40):
        t = 2.0 * k
        pos = target + np.array([20.0 * t, 0.0, 0.0])
        tracker.update(radar.scan(t, pos, 0.9, 10))
        tab = tracker.table(t)
        conf = tab.status == TrackStatus.CONFIRMED
        confirmed_false |= set(tab.track_id[conf & (tab.truth_id < 0)].tolist())
        if first_confirm is None and np.any(conf & (tab.truth_id == 0)):
            first_confirm = k
        if k > 5:
            mine = tab.truth_id == 0
            assert np.count_nonzero(mine & conf) == 1
            assert tab.quality[mine & conf][0] > 0.99
    assert first_confirm is not None and first_confirm <= 3
    assert len(confirmed_false) <= 1
    q = tracker.table(78.0).quality
    assert np.all((q >= 0) & (q <= 1))


def test_tracks_are_deleted_when_too_uncertain(make_radar) -> None:
    radar = make_radar(62)
    config = Tracker(delete_after_misses=50, max_position_sigma_m=300.0, process_noise_mps2=10.0)
    tracker = MultiTargetTracker(config)
    pos = np.array([[3000.0, 4000.0, 300.0]])
    alive = []
    for k in range(30):
        seen = k < 8
        tracker.update(radar.batch(2.0 * k, pos if seen else pos[:0], np.zeros(int(seen))))
        tab = tracker.table(2.0 * k)
        alive.append(len(tab))
        if len(tab):
            sigma = np.sqrt(np.linalg.eigvalsh(tab.P[0, :2, :2])[-1])
            assert sigma <= 300.0
    assert alive[7] == 1 and alive[-1] == 0
    assert 8 < alive.index(0) < 8 + 20  # long before 50 misses


@pytest.mark.parametrize("method", ["gnn", "jpda"])
@pytest.mark.parametrize("motion", ["nca", "ct", "imm"])
def test_every_option_tracks_a_straight_target(make_radar, method, motion) -> None:
    radar = make_radar(71)
    tracker = MultiTargetTracker(Tracker(method=method, motion=motion, filter="ukf"))
    pos0, vel = np.array([-2000.0, 5000.0, 250.0]), np.array([15.0, 20.0, 0.0])
    for k in range(30):
        t = 2.0 * k
        tracker.update(radar.scan(t, (pos0 + vel * t)[None], 0.9, 3))
    tab = tracker.table(58.0)
    tid, _ = nearest_confirmed(tab, pos0 + vel * 58.0)
    assert tid > 0
    # The estimate is consistent with its covariance: NEES within the 99.9% χ²₆ bound.
    e = np.concatenate([pos0 + vel * 58.0, vel]) - tab.x[tab.track_id == tid][0]
    nees = e @ np.linalg.solve(tab.P[tab.track_id == tid][0], e)
    assert nees < chi2.ppf(0.999, 6), nees


@pytest.mark.parametrize("method", ["gnn", "jpda"])
def test_update_attributes_each_target_detection_to_its_own_track(make_radar, method) -> None:
    # Two well separated targets and clutter: after confirmation, every scan's detection of
    # target k is attributed to the one track that follows k, and no track twice.
    radar = make_radar(seed=11)
    tracker = MultiTargetTracker(Tracker(method=method))
    start = np.array([[5_000.0, 0.0, 300.0], [-4_000.0, 3_000.0, 200.0]])
    vel = np.array([[-30.0, 10.0, 0.0], [20.0, -25.0, 0.0]])
    owner: dict[int, set[int]] = {0: set(), 1: set()}
    for k in range(30):
        t = float(k)
        batch = radar.scan(t, start + vel * t, p_detect=1.0, n_false=5)
        got = tracker.update(batch)
        assert np.unique(got.track_id).size == got.track_id.size
        assert got.det.max(initial=-1) < len(batch)
        if k >= 10:
            for tid, det in zip(got.track_id, got.det, strict=True):
                if batch.truth_id[det] >= 0:
                    owner[int(batch.truth_id[det])].add(int(tid))
    assert len(owner[0]) == 1 and len(owner[1]) == 1 and owner[0] != owner[1]


def test_an_empty_batch_of_bearings_leaves_the_tracker_as_it_was(make_radar, make_sensor) -> None:
    # Bearings start no tracks and an empty one counts no misses: the tracker must neither move
    # its clock nor touch its tracks, and attributes nothing.
    radar = make_radar(seed=5)
    tracker = MultiTargetTracker(Tracker())
    for k in range(6):
        tracker.update(radar.scan(float(k), np.array([[4_000.0, 1_000.0, 300.0]]), 1.0, 0))
    before = tracker.table(5.0)
    eo = make_sensor(6, np.zeros(3), np.array([1.0, 1e-3, 1e-3, 1.0]), [False, True, True, False])
    got = tracker.update(eo.batch(9.0, np.zeros((0, 3)), np.zeros(0)))
    assert got.track_id.size == 0 and got.det.size == 0
    after = tracker.table(5.0)  # would raise had the tracker's clock moved to 9 s
    np.testing.assert_array_equal(after.x, before.x)
    np.testing.assert_array_equal(after.misses, before.misses)


def rf_bearings_on_a_ray(make_sensor, targets: np.ndarray, share: float):
    """Radar plots of ``targets`` (N, 3), all on one azimuth from the origin, then an RF
    direction finder's bearings (2°) of a silent-to-radar drone (truth 9) on the same ray:
    the tracker and each RF batch's attribution."""
    radar = make_sensor(51, [0, 0, 10], RADAR_SIGMA, PLOTS, "radar")
    rf = make_sensor(52, [0, 0, 5], [1, 2.0 * DEG, 1, 1], [0, 1, 0, 0], "rf")
    drone = targets[0] * 0.5
    tracker = MultiTargetTracker(Tracker(bearing_clear_share=share))
    attributed = []
    for k in range(12):
        tracker.update(radar.batch(float(k), targets, np.arange(len(targets))))
        for dt in (0.25, 0.5, 0.75) if k >= 4 else ():  # confirmed by now; 24 bearings
            got = tracker.update(rf.batch(k + dt, drone, np.array([9])))
            attributed.append(got.track_id.size)
    return tracker, attributed


def test_a_bearing_does_not_make_a_track_another_objects(make_sensor) -> None:
    # 24 bearings of the drone land on the one radar track along their ray (12 plots of
    # object 0): by count the track would be the drone's; by its plots it follows object 0.
    target = np.array([[3_000.0, 5_196.0, 300.0]])
    tracker, attributed = rf_bearings_on_a_ray(make_sensor, target, share=0.9)
    assert sum(attributed) == 24  # the only track in the gate: a clear association
    tab = tracker.table(12.0)
    assert tab.truth_id.tolist() == [0]


def test_an_ambiguous_bearing_updates_no_track(make_sensor) -> None:
    # Two tracks 0.1° apart along the bearing's ray (σ 2°): neither is clearly its source, so
    # the bearing is left out; with the rule off each bearing goes to one of them.
    targets = np.array([[3_000.0, 5_196.0, 300.0], [6_010.0, 10_392.0, 500.0]])
    _, attributed = rf_bearings_on_a_ray(make_sensor, targets, share=0.9)
    assert sum(attributed) == 0
    _, attributed = rf_bearings_on_a_ray(make_sensor, targets, share=0.0)
    assert attributed == [1] * 24


def test_a_track_born_as_another_is_deleted_keeps_its_first_plots_truth(make_radar) -> None:
    # Object 0 is seen on scans 0-5 and deleted at its fourth miss (scan 9, the fixed rule);
    # object 1 is first seen on scan 9, 5 km away. Its new track's truth is object 1 at once
    # (the tally of a track born in a scan that deleted another used to be dropped: -1).
    radar = make_radar(2)
    tracker = MultiTargetTracker(Tracker(score_confirm=1e9))
    for k in range(10):
        pos, truth = [], []
        if k <= 5:
            pos.append([6_000.0 + 20.0 * k, 0.0, 300.0])
            truth.append(0)
        if k == 9:
            pos.append([0.0, 6_000.0, 300.0])
            truth.append(1)
        tracker.update(radar.batch(2.0 * k, np.array(pos).reshape(-1, 3), np.array(truth)))
        table = tracker.table(2.0 * k)
        if k == 8:
            assert table.truth_id.tolist() == [0]  # object 0's track, coasting
    assert table.truth_id.tolist() == [1] and table.hits.tolist() == [1]
