"""A small drone far out stays one track: through gaps in its detections, and round the turns of
a spoofed drone's holding pattern (docs/tracking.md, "Detection gaps and manoeuvres").

Scenes as hmeimim-2018 sees them: its radar's noise (20 m, 0.3°, 0.5°, range rate 0.5 m/s),
one 2 s scan, a 30 m/s drone 300 m up; its tracker. The contrast runs give the rule and the
tuning of before: no track counts as established (``score_confirm`` out of reach), so every
confirmed track goes after ``delete_after_misses`` misses; the default process noise, 2 m/s².
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

from bastion.scenario.loader import load_builtin
from bastion.scenario.schema import RadarConfig, Tracker
from bastion.tracking.tracker import MultiTargetTracker
from bastion.types import TrackStatus

if TYPE_CHECKING:
    from conftest import SimSensor

SCAN_S = 2.0
HMEIMIM = load_builtin("hmeimim-2018")
RADAR = next(s for s in HMEIMIM.sensors if isinstance(s, RadarConfig))
SIGMA = np.array(
    [
        RADAR.sigma_range_m,
        np.radians(RADAR.sigma_azimuth_deg),
        np.radians(RADAR.sigma_elevation_deg),
        RADAR.sigma_range_rate_mps,
    ]
)
FIXED_RULE = HMEIMIM.tracker.model_copy(update={"score_confirm": 1e9})


def _radar(make_sensor, seed: int) -> SimSensor:
    return make_sensor(seed, [0.0, 0.0, RADAR.antenna_height_m], SIGMA, [True] * 4)


def _owner_across_gap(config: Tracker, radar: SimSensor, gap: int) -> tuple[int, int, bool]:
    """A drone inbound from 15 km, seen one scan in three, then ``gap`` scans unseen after scan
    59 (seen on scans 59 and 60 + gap). Track ids of its plots before and after the gap, and
    whether the one before was confirmed."""
    before, scans = 59, 60 + gap + 10
    t = SCAN_S * np.arange(scans)
    vel = np.array([-21.2, -21.2, 0.0])
    pos = np.array([10_600.0, 10_600.0, 300.0]) + t[:, None] * vel
    seen = radar.rng.random(scans) < 0.3
    seen[before], seen[before + 1 : before + 1 + gap], seen[before + 1 + gap] = True, False, True
    tracker = MultiTargetTracker(config)
    owners = []
    for k in range(scans):
        n = int(seen[k])
        batch = radar.batch(t[k], pos[k : k + n], np.zeros(n, np.int64), vel[None].repeat(n, 0))
        owner = tracker.update(batch).track_id
        if k in (before, before + 1 + gap):
            table = tracker.table(t[k])
            owners.append((int(owner[0]), table.status[table.track_id == owner[0]][0]))
    (first, status), (after, _) = owners
    return first, after, bool(status == TrackStatus.CONFIRMED)


@pytest.mark.parametrize("gap", [5, 10])
def test_a_seldom_seen_drone_keeps_its_track_through_a_detection_gap(make_sensor, gap) -> None:
    # 10 or 20 s without a plot, at P_D 0.3 before it. Of 10 seeds, 9 have a confirmed track
    # on the drone before the gap, and every one takes the plot after it; with the fixed rule
    # (deleted after 4 misses) every confirmed track is lost and a new one started.
    for config, holds in ((HMEIMIM.tracker, True), (FIXED_RULE, False)):
        runs = [_owner_across_gap(config, _radar(make_sensor, seed), gap) for seed in range(10)]
        confirmed = [(first, after) for first, after, was_confirmed in runs if was_confirmed]
        assert len(confirmed) >= 4, runs
        assert all((first == after) == holds for first, after in confirmed), runs


def _tracks_round_a_holding_pattern(config: Tracker, radar: SimSensor, p_detect: float) -> int:
    """Confirmed tracks on a drone circling at 12°/s (its turn rate limit, 6.3 m/s² at 30 m/s)
    9.3 km out for 3 minutes, as a spoofed drone circles its landing area."""
    t = SCAN_S * np.arange(90)
    w = np.radians(12.0)
    r = 30.0 / w
    a = w * t
    pos = np.array([6_400.0, 6_800.0, 100.0]) + r * np.column_stack(
        [np.cos(a), np.sin(a), np.zeros_like(a)]
    )
    vel = r * w * np.column_stack([-np.sin(a), np.cos(a), np.zeros_like(a)])
    seen = radar.rng.random(t.size) < p_detect
    tracker = MultiTargetTracker(config)
    ids: set[int] = set()
    for k in range(t.size):
        n = int(seen[k])
        tracker.update(radar.batch(t[k], pos[k : k + n], np.zeros(n, np.int64), vel[k : k + n]))
        table = tracker.table(t[k])
        ids |= set(table.track_id[table.status == TrackStatus.CONFIRMED].tolist())
    return len(ids)


def test_a_circling_drone_keeps_one_track(make_sensor) -> None:
    # Over 10 seeds at P_D 0.7: 13 tracks in all with hmeimim-2018's 5 m/s² (3 seeds break
    # once); 103 with 2 m/s², a new track every 15-20 s, as the range rate leaves the gate.
    tuned = [
        _tracks_round_a_holding_pattern(HMEIMIM.tracker, _radar(make_sensor, s), 0.7)
        for s in range(10)
    ]
    default = [
        _tracks_round_a_holding_pattern(Tracker(), _radar(make_sensor, s), 0.7) for s in range(10)
    ]
    assert sum(tuned) <= 15, tuned
    assert sum(default) >= 80, default


def test_clutter_alone_confirms_no_more_false_tracks_than_the_fixed_rule(make_radar) -> None:
    # 30 false alarms a scan in 20 km x 20 km x 1 km, the tracker told that density. A track
    # confirmed on clutter has a score that never passes the threshold, so it goes after 4
    # misses as before: the same 39 false tracks over 3 seeds, confirmed for 169 track-scans
    # against 162 (one track, whose score did pass it, coasted 7 scans longer).
    density = {"clutter_per_km3": 30 / 400.0}
    counts = {}
    for name, config in (("pd", HMEIMIM.tracker), ("fixed", FIXED_RULE)):
        config = config.model_copy(update=density)
        tracks: set[tuple[int, int]] = set()
        track_scans = 0
        for seed in range(3):
            radar = make_radar(100 + seed)
            tracker = MultiTargetTracker(config)
            for k in range(200):
                tracker.update(radar.batch(SCAN_S * k, radar.clutter(30), np.full(30, -1)))
                table = tracker.table(SCAN_S * k)
                confirmed = table.track_id[table.status == TrackStatus.CONFIRMED]
                tracks |= {(seed, int(tid)) for tid in confirmed}
                track_scans += confirmed.size
        counts[name] = (len(tracks), track_scans)
    assert counts["pd"][0] == counts["fixed"][0], counts
    assert counts["pd"][1] <= 1.1 * counts["fixed"][1], counts
