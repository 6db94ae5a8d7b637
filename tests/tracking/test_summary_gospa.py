"""The run summary's gospa_mean, computed from a hand-built event log."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bastion.record.eventlog import EventLog, EventLogWriter
from bastion.summary import summarize
from bastion.types import ObjectStatus, TrackStatus, TrackTable, TruthBatch


def truth(t: float, pos: list, status: list) -> TruthBatch:
    n = len(pos)
    return TruthBatch(
        t=t,
        object_id=np.arange(n),
        kind=np.zeros(n, np.int8),
        status=np.array(status, np.int8),
        nav_mode=np.zeros(n, np.int8),
        pos=np.array(pos, float),
        vel=np.zeros((n, 3)),
        rcs_m2=np.ones(n),
    )


def tracks(t: float, pos: list, status: list) -> TrackTable:
    n = len(pos)
    x = np.zeros((n, 6))
    x[:, :3] = pos
    return TrackTable(
        t=t,
        track_id=np.arange(1, n + 1),
        x=x,
        P=np.broadcast_to(np.eye(6), (n, 6, 6)).copy(),
        status=np.array(status, np.int8),
        hits=np.ones(n, np.int32),
        misses=np.zeros(n, np.int32),
        last_update_t=np.full(n, t),
        truth_id=np.zeros(n, np.int64),
    )


def test_gospa_mean_over_ticks(tmp_path: Path) -> None:
    F, P = ObjectStatus.FLYING, ObjectStatus.PENDING
    C, T = TrackStatus.CONFIRMED, TrackStatus.TENTATIVE
    writer = EventLogWriter(tmp_path, {"seed": 1})
    # Tick 1: two flying objects, one confirmed track 30 m from the first, a tentative one
    #   (ignored) on the second: d² = 30² + 100²/2 (missed) -> √5900.
    writer.append("truth", truth(1.0, [[0, 0, 0], [1000, 0, 0], [0, 0, 0]], [F, F, P]))
    writer.append("tracks", tracks(1.0, [[30, 0, 0], [1000, 0, 0]], [C, T]))
    # Tick 2: one flying object, no tracks at all: √(100²/2). Tick 3: nothing anywhere: 0.
    writer.append("truth", truth(2.0, [[0, 0, 0], [1000, 0, 0], [0, 0, 0]], [F, P, P]))
    writer.append("truth", truth(3.0, [[0, 0, 0]], [P]))
    writer.close()
    got = summarize(EventLog(tmp_path))["gospa_mean"]
    assert got == pytest.approx((np.sqrt(5900.0) + np.sqrt(5000.0) + 0.0) / 3)
