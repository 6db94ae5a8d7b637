"""End to end: five straight-flying targets seen by one radar through clutter, 60 scans."""

from __future__ import annotations

import numpy as np

from bastion.frames import enu_to_polar
from bastion.scenario.schema import Tracker
from bastion.tracking.base import Tracker as TrackerProtocol
from bastion.tracking.measurement import converted_position
from bastion.tracking.tracker import MultiTargetTracker
from bastion.types import TrackStatus

SCANS, DT, P_DETECT, FALSE_PER_SCAN = 60, 2.0, 0.9, 5
# 30 m/s each. Targets 2 and 3 cross over (0, 4000) 150 m apart in height at t = 60 s.
START = np.array(
    [
        [-3000.0, 6000.0, 300.0],
        [5000.0, -2000.0, 150.0],
        [-1800.0, 4000.0, 200.0],
        [0.0, 5800.0, 350.0],
        [-6000.0, -4000.0, 500.0],
    ]
)
VELOCITY = 30.0 * np.array(
    [
        [1.0, 0.0, 0.0],
        [0.0, 1.0, 0.0],
        [1.0, 0.0, 0.0],
        [0.0, -1.0, 0.0],
        [0.6, 0.8, 0.0],
    ]
)


def simulate(radar) -> dict[str, np.ndarray]:
    """Run the tracker; per scan and target: the confirmed tracks labelled with the target, the
    nearest confirmed track and its position error, and the raw measurement error at the truth."""
    tracker: TrackerProtocol = MultiTargetTracker(Tracker())
    n = len(START)
    R = np.broadcast_to(np.diag(np.square(radar.sigma)), (n, 3, 3))
    out = {k: np.zeros((SCANS, n)) for k in ("count", "nearest", "error", "raw")}
    for k in range(SCANS):
        t = k * DT
        truth = START + VELOCITY * t
        tracker.update(radar.scan(t, truth, P_DETECT, FALSE_PER_SCAN))
        tab = tracker.table(t)
        confirmed = tab.status == TrackStatus.CONFIRMED
        out["count"][k] = [np.count_nonzero(confirmed & (tab.truth_id == i)) for i in range(n)]
        # A sentinel row at infinity stands for "no confirmed track" (id -1, error inf).
        pos = np.concatenate([tab.x[confirmed, :3], np.full((1, 3), np.inf)])
        dist = np.linalg.norm(pos[:, None] - truth[None], axis=-1)  # (tracks + 1, n)
        nearest = np.argmin(dist, axis=0)
        out["nearest"][k] = np.append(tab.track_id[confirmed], -1)[nearest]
        out["error"][k] = dist[nearest, np.arange(n)]
        _, cov = converted_position(enu_to_polar(truth), R, np.zeros(3))
        out["raw"][k] = np.sqrt(np.trace(cov, axis1=1, axis2=2))
    return out


def test_five_targets_one_track_each_accurate_and_no_swaps(make_radar) -> None:
    result = simulate(make_radar(11))
    # Exactly one confirmed track per target for most of the run (M-of-N needs 3 scans first).
    exactly_one = np.mean(result["count"][5:] == 1, axis=0)
    assert np.all(exactly_one >= 0.9), exactly_one
    # No swaps: once settled, the confirmed track near a target is always the same one, and each
    # target has its own.
    near = result["error"][10:] < 300.0
    ids = [np.unique(result["nearest"][10:][near[:, i], i]) for i in range(len(START))]
    assert all(len(i) == 1 for i in ids), ids
    assert len({int(i[0]) for i in ids}) == len(START)
    # Position RMS error well below the raw measurement error at that range. With the default
    # process noise (2 m/s²) the steady-state filter reaches 0.58–0.72 of the raw error at 3–9 km;
    # over 60 seeds the pooled ratio averaged 0.63 (max 0.74), one target's ratio at most 0.88.
    after = slice(15, None)
    rms = np.sqrt(np.mean(result["error"][after] ** 2, axis=0))
    raw = np.sqrt(np.mean(result["raw"][after] ** 2, axis=0))
    assert np.all(rms < 0.9 * raw), rms / raw
    pooled = np.sqrt(np.mean(rms**2) / np.mean(raw**2))
    assert pooled < 0.8, pooled
