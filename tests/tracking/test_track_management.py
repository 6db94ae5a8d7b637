"""The tracker's track life cycle: confirmation, deletion, ids, time order, truth labels."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pytest

from bastion.scenario.schema import Tracker
from bastion.tracking import management
from bastion.tracking.motion import ConstantVelocity
from bastion.tracking.tracker import MultiTargetTracker
from bastion.tracking.tracks import TrackArrays
from bastion.types import DetectionBatch, TrackStatus, TrackTable

if TYPE_CHECKING:
    from conftest import SimRadar

START = np.array([3000.0, 2000.0, 300.0])
VELOCITY = np.array([-20.0, 15.0, 0.0])


def target_batch(radar: SimRadar, t: float, seen: bool = True) -> DetectionBatch:
    """One target flying straight from START, detected or not."""
    pos = (START + VELOCITY * t)[None] if seen else np.empty((0, 3))
    return radar.batch(t, pos, np.zeros(len(pos)))


def run(tracker: MultiTargetTracker, pattern: str, radar: SimRadar) -> list[TrackTable]:
    """Feed one 2 s scan per character ('x' = detected, '.' = missed); tables after each scan."""
    tables = []
    for k, c in enumerate(pattern):
        tracker.update(target_batch(radar, 2.0 * k, seen=c == "x"))
        tables.append(tracker.table(2.0 * k))
    return tables


def test_target_seen_every_scan_is_confirmed_after_m_hits(make_radar) -> None:
    tables = run(MultiTargetTracker(Tracker()), "xxxxx", make_radar(0))
    assert [len(tab) for tab in tables] == [1] * 5
    assert [int(tab.status[0]) for tab in tables] == [TrackStatus.TENTATIVE] * 2 + [
        TrackStatus.CONFIRMED
    ] * 3
    assert [int(tab.hits[0]) for tab in tables] == [1, 2, 3, 4, 5]
    assert all(tab.track_id[0] == 1 for tab in tables)
    assert tables[-1].truth_id[0] == 0


def test_confirmation_needs_m_hits_within_the_last_n_scans(make_radar) -> None:
    # 3 of 3: the miss at scan 2 stays in the window until scan 5.
    config = Tracker(confirm_m=3, confirm_n=3, delete_after_misses=4)
    tables = run(MultiTargetTracker(config), "xx.xxx", make_radar(1))
    status = [int(tab.status[0]) for tab in tables]
    assert status == [TrackStatus.TENTATIVE] * 5 + [TrackStatus.CONFIRMED]
    # Default 3 of 5 with gaps: hits at scans 0, 2, 4 confirm at scan 4.
    tables = run(MultiTargetTracker(Tracker()), "x.x.x", make_radar(2))
    assert [int(tab.status[0]) for tab in tables] == [TrackStatus.TENTATIVE] * 4 + [
        TrackStatus.CONFIRMED
    ]


def test_track_seen_at_the_nominal_pd_is_deleted_after_delete_after_misses_misses(
    make_radar,
) -> None:
    # Seen every scan: 17 hits since confirmation give P̂_D = 9.33 / 10.33 = 0.903 ≥ P_D = 0.9.
    pattern = "x" * 20 + "...."
    tables = run(MultiTargetTracker(Tracker(delete_after_misses=4)), pattern, make_radar(4))
    assert [len(tab) for tab in tables[-5:]] == [1, 1, 1, 1, 0]
    assert [int(tab.misses[0]) for tab in tables[-4:-1]] == [1, 2, 3]
    assert tables[-2].status[0] == TrackStatus.CONFIRMED
    assert tables[-2].last_update_t[0] == 38.0


def test_track_seen_one_scan_in_three_coasts_until_that_many_misses_are_unlikely(
    make_radar,
) -> None:
    # After confirmation, hits one scan in three: each hit after two misses multiplies the
    # discounted counts by κ³ = 0.729 (κ = 0.9) and adds 1 hit and 1 + κ + κ² = 2.71 looks.
    # After 12 such hits: h = (1 − 0.729¹²) / 0.271 = 3.58, n = 2.71 h = 9.70, P̂_D =
    # (h + 1) / (n + 2) = 0.391, and (1 − P̂_D)^k ≤ 0.1⁴ first at k = ⌈9.21 / 0.496⌉ = 19.
    pattern = "xxx" + "..x" * 12 + "." * 19
    tables = run(MultiTargetTracker(Tracker(delete_after_misses=4)), pattern, make_radar(13))
    assert all(tab.track_id.tolist() == [1] for tab in tables[:-1])
    assert [int(tab.misses[0]) for tab in tables[-19:-1]] == list(range(1, 19))
    assert len(tables[-1]) == 0  # the 19th miss in a row


def test_miss_limit_known_answers() -> None:
    # (1 − P̂_D)^k ≤ 0.1⁴: k = 4 · ln 0.1 / ln(1 − P̂_D), rounded up, never below 4.
    limit = management.miss_limit(np.array([0.99, 0.9, 0.8, 0.5, 0.3]), 0.9, 4)
    assert limit.tolist() == [4, 4, 6, 14, 26]


def test_detection_counts_discount_older_looks_and_start_at_confirmation() -> None:
    tracks = _confirmed_tracks(1, score_peak=20.0)
    for hit in (True, False, False, True):  # hit, miss, miss, hit
        management.log_scan(tracks, np.array([hit]), np.array([True]), np.zeros(1))
    # First hit: h = n = 1. Second, after 2 misses: h = 0.9³ · 1 + 1, n = 0.9³ · 1 + 2.71.
    np.testing.assert_allclose(tracks.pd_hits, [1.729])
    np.testing.assert_allclose(tracks.pd_looks, [3.439])
    np.testing.assert_allclose(management.detection_probability(tracks), [2.729 / 5.439])
    tracks.status[0] = TrackStatus.TENTATIVE
    management.confirm(tracks, np.array([True]), 10.0)
    assert (tracks.pd_hits[0], tracks.pd_looks[0]) == (0.0, 0.0)
    assert management.detection_probability(tracks)[0] == 0.5


def test_only_a_track_the_score_calls_a_target_coasts_past_delete_after_misses() -> None:
    # Both seen half the time since confirmation (P̂_D = 0.5: 14 misses); the second one's score
    # never passed the score rule's threshold (6.9): confirmed on clutter, it goes after 4.
    rule = management.MofNRule(3, 5, 4, nominal_pd=0.9, established_score=6.9)
    tracks = _confirmed_tracks(2, score_peak=np.array([20.0, 2.0]))
    for misses, alive in ((3, [True, True]), (4, [True, False]), (13, [True, False])):
        tracks.misses[:] = misses
        assert rule.alive(tracks).tolist() == alive
    tracks.misses[:] = 14
    assert rule.alive(tracks).tolist() == [False, False]


def _confirmed_tracks(n: int, score_peak: float | np.ndarray) -> TrackArrays:
    """n confirmed tracks with no detections counted since confirmation (P̂_D = 1/2)."""
    base = TrackArrays.empty(5, 1, 6)
    return replace(
        base,
        id=np.arange(1, n + 1),
        status=np.full(n, TrackStatus.CONFIRMED, np.int8),
        hits=np.full(n, 3, np.int32),
        misses=np.zeros(n, np.int32),
        history=np.zeros((n, 5), bool),
        score=np.broadcast_to(score_peak, (n,)).astype(float),
        score_peak=np.broadcast_to(score_peak, (n,)).astype(float),
        pd_hits=np.zeros(n),
        pd_looks=np.zeros(n),
    )


def test_tentative_track_is_deleted_after_two_misses(make_radar) -> None:
    tables = run(MultiTargetTracker(Tracker()), "xx..", make_radar(4))
    assert [len(tab) for tab in tables] == [1, 1, 1, 0]


def test_ids_increase_and_are_never_reused(make_radar) -> None:
    radar = make_radar(5)
    tracker = MultiTargetTracker(Tracker())
    run(tracker, "x..", radar)  # track 1 is born and deleted
    far = np.array([[-5000.0, -5000.0, 500.0], [6000.0, -1000.0, 200.0]])
    tracker.update(radar.batch(6.0, far, np.array([7, 8])))
    assert tracker.table(6.0).track_id.tolist() == [2, 3]


def test_table_predicts_without_changing_the_tracker(make_radar) -> None:
    radar = make_radar(6)
    tracker = MultiTargetTracker(Tracker())
    run(tracker, "xxxx", radar)
    now = tracker.table(6.0)
    later = tracker.table(10.0)
    cv = ConstantVelocity(Tracker().process_noise_mps2 ** 2)
    x, P = cv.predict(now.x, now.P, np.array([4.0]))
    np.testing.assert_allclose(later.x, x)
    np.testing.assert_allclose(later.P, P)
    np.testing.assert_array_equal(tracker.table(6.0).x, now.x)
    tracker.update(target_batch(radar, 8.0))  # the table did not move the tracker's clock
    assert tracker.table(8.0).hits[0] == 5


def test_same_time_batch_is_allowed_and_earlier_table_is_refused(make_radar) -> None:
    radar = make_radar(7)
    tracker = MultiTargetTracker(Tracker())
    run(tracker, "xxx", radar)
    tracker.update(target_batch(radar, 4.0))  # a second batch at the same time: dt = 0
    assert tracker.table(4.0).hits[0] == 4
    with pytest.raises(ValueError, match=r"t=1\.0"):
        tracker.table(1.0)


def test_truth_label_is_the_most_frequent_truth_id(make_radar) -> None:
    radar = make_radar(8)
    tracker = MultiTargetTracker(Tracker())
    labels = [5, 5, 9, 5, 9]
    for k, label in enumerate(labels):
        pos = (START + VELOCITY * 2.0 * k)[None]
        tracker.update(radar.batch(2.0 * k, pos, np.array([label])))
    tab = tracker.table(8.0)
    assert tab.track_id.tolist() == [1]
    assert tab.truth_id.tolist() == [5]


def test_isolated_false_alarms_are_not_confirmed(make_radar) -> None:
    # 5 false alarms per scan, uniform over 20 km × 20 km × 1 km, 50 scans (250 false alarms).
    # Over 200 seeds of this run the tracker confirmed one false track in total, so more than one
    # in this seeded run would mean a broken rule, not bad luck.
    radar = make_radar(9)
    tracker = MultiTargetTracker(Tracker())
    confirmed: set[int] = set()
    largest = 0
    for k in range(50):
        tracker.update(radar.batch(2.0 * k, radar.clutter(5), np.full(5, -1)))
        tab = tracker.table(2.0 * k)
        confirmed |= set(tab.track_id[tab.status == TrackStatus.CONFIRMED].tolist())
        largest = max(largest, len(tab))
    assert len(confirmed) <= 1
    assert largest <= 15  # each false alarm lives for at most three scans


def test_only_batches_that_looked_at_a_track_count_for_it(make_radar) -> None:
    # Radar A (origin) reports each half of its 2 s sweep in its own 1 s batch; the target near
    # azimuth 45° is in the half (0, π]. Radar B, 60 km east with 40 km range, cannot see it.
    # One hit in every four batches: it confirms only if the other three are not counted as
    # scans (the contrast run claims every batch looked everywhere).
    radar = make_radar(12)
    looked, everywhere = MultiTargetTracker(Tracker()), MultiTargetTracker(Tracker())
    for k in range(1, 21):
        t = float(k)
        pos = np.array([[3000.0 + 5.0 * t, 3000.0, 200.0]])
        a = radar.batch(t, pos if k % 2 else pos[:0], np.zeros(k % 2))
        a = replace(a, az_start_rad=0.0 if k % 2 else np.pi, az_extent_rad=np.pi, max_range_m=4e4)
        b = replace(radar.batch(t, pos[:0], []), sensor_id="B", max_range_m=4e4)
        b = replace(b, sensor_pos=np.array([60_000.0, 0.0, 0.0]))
        for batch in (a, b):
            looked.update(batch)
            everywhere.update(replace(batch, az_extent_rad=2.0 * np.pi, max_range_m=np.inf))
    tab = looked.table(20.0)
    assert tab.track_id.tolist() == [1]
    assert tab.status[0] == TrackStatus.CONFIRMED
    assert (tab.hits[0], tab.misses[0]) == (10, 0)
    assert not np.any(everywhere.table(20.0).status == TrackStatus.CONFIRMED)
