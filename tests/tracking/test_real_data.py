"""Real trajectories (tests/data, see SOURCES.md there, read by bastion.realdata) turned into
simulated radar plots."""

from __future__ import annotations

import collections
from dataclasses import replace
from pathlib import Path

import numpy as np

from bastion.realdata.loaders import load_trajectories
from bastion.scenario.schema import Tracker
from bastion.tracking.metrics import assign_tracks, continuity
from bastion.tracking.tracker import MultiTargetTracker
from bastion.types import TrackStatus

DATA = Path(__file__).resolve().parents[1] / "data"


def test_instrumented_uav_flight_gives_one_unbroken_track(make_radar) -> None:
    # 965 s of 1 Hz GPS from a UAV, seen by a radar about 3 km away (2-3 km range), Pd 0.9,
    # 5 false alarms per scan within 5 km.
    (flight,) = load_trajectories(DATA / "stonesoup_UAV_Rot.csv")
    t = flight.t
    truth = flight.enu((flight.lat_deg[0] - 0.02, flight.lon_deg[0] - 0.03))
    radar = replace(make_radar(3), sigma=(10.0, np.radians(0.3), np.radians(0.5)))
    rng = radar.rng
    tracker = MultiTargetTracker(Tracker())
    track_on_uav = np.full(t.size, -1)
    for k in range(t.size):
        seen = rng.random() < 0.9
        n_false = rng.poisson(5)
        clutter = np.column_stack(
            [rng.uniform(-5e3, 5e3, (n_false, 2)), rng.uniform(0, 300, n_false)]
        )
        pos = np.concatenate([truth[k : k + int(seen)], clutter])
        tracker.update(radar.batch(t[k], pos, np.r_[np.zeros(int(seen)), -np.ones(n_false)]))
        tab = tracker.table(t[k])
        confirmed = tab.status == TrackStatus.CONFIRMED
        _, which = assign_tracks(truth[k : k + 1], tab.x[confirmed, :3], c=100.0)
        if which.size:
            track_on_uav[k] = tab.track_id[confirmed][which[0]]
    result = continuity(t, np.zeros(t.size, int), track_on_uav)
    assert (result.breaks, result.id_switches) == (0, 0)
    assert result.time_to_confirm_s[0] <= 5.0
    assert np.mean(track_on_uav >= 0) > 0.99


def test_opensky_aircraft_give_about_one_track_each(make_radar) -> None:
    # 84 aircraft over the UK, ADS-B positions at their own times, seen every 10 s by a radar
    # at 52.25 N 1.7 W out to about 350 km (σ 50 m, 0.1°, 0.1°), Pd 0.95, moving straight
    # between position reports. An aircraft silent for more than 40 s (a track seen at Pd 0.9 or
    # better is deleted after 4 missed scans) starts a new trajectory (bastion.realdata): each
    # deserves a track.
    flights = load_trajectories(DATA / "stonesoup_OpenSky_Plane_States.csv.gz")
    scans = np.arange(0.0, 1_201.0, 10.0)
    covering = [(f.t[0] <= scans) & (scans <= f.t[-1]) for f in flights]
    at = [f.sample(scans[c], (52.25, -1.7))[0] for f, c in zip(flights, covering, strict=True)]
    radar = replace(make_radar(4), sigma=(50.0, np.radians(0.1), np.radians(0.1)))
    config = Tracker(motion="imm", process_noise_mps2=5.0, turn_noise_deg_s2=0.2)
    tracker = MultiTargetTracker(config)
    tracks_of = collections.defaultdict(set)
    false_tracks = set()
    for k, now in enumerate(scans):
        here = [j for j, c in enumerate(covering) if c[k]]
        pos = np.array([at[j][np.count_nonzero(covering[j][:k])] for j in here]).reshape(-1, 3)
        seen = radar.rng.random(len(here)) < 0.95
        tracker.update(radar.batch(now, pos[seen], np.array(here)[seen]))
        tab = tracker.table(now)
        confirmed = tab.status == TrackStatus.CONFIRMED
        for tid, who in zip(tab.track_id[confirmed], tab.truth_id[confirmed], strict=True):
            (false_tracks.add(tid) if who < 0 else tracks_of[flights[who].individual].add(tid))
    segments = collections.Counter(
        f.individual for f, c in zip(flights, covering, strict=True) if c.sum() >= 3
    )
    n_tracks = sum(len(tracks_of[a]) for a in segments)
    exact = np.mean([len(tracks_of[a]) == n for a, n in segments.items()])
    assert len(segments) >= 80 and not false_tracks
    assert all(tracks_of[a] for a in segments)  # every aircraft tracked
    # With this seed: 79 of the 83 aircraft (95%) get exactly one track per segment, 94 tracks
    # for 94 segments. Two aircraft break into two tracks; two others keep one track across
    # their silence (their tracks, seen at an estimated P_D of 0.74-0.87, may coast 5-7 scans),
    # which the fixed 4-miss rule used to end (then: 81 of 83, 96 tracks).
    assert exact >= 0.85, exact
    assert n_tracks <= 1.1 * sum(segments.values()), (n_tracks, sum(segments.values()))
