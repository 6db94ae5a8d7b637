"""Column helpers: list columns become 2-D arrays, absent tables come back empty with the
right shapes, and row matching on (t, id) agrees with a brute-force search."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bastion.record.columns import match_rows, read_columns, tick_bounds
from bastion.record.eventlog import EventLog, EventLogWriter
from bastion.types import ClassBelief


def test_list_columns_and_absent_tables(tmp_path: Path) -> None:
    writer = EventLogWriter(tmp_path, {"seed": 1})
    p = np.array([[0.7, 0.1, 0.1, 0.1], [0.1, 0.8, 0.05, 0.05]])
    writer.append("beliefs", ClassBelief(t=2.0, track_id=np.array([4, 9]), p=p))
    writer.close()
    log = EventLog(tmp_path)
    cols = read_columns(log, "beliefs", ["t", "track_id", "p"])
    np.testing.assert_array_equal(cols["p"], p)
    assert cols["track_id"].tolist() == [4, 9]
    empty = read_columns(log, "events", ["t", "kind", "pos", "detail"])
    assert empty["pos"].shape == (0, 3) and empty["t"].shape == (0,)
    assert empty["kind"].dtype == object
    tracks = read_columns(log, "tracks", ["x", "P", "status"])
    assert tracks["x"].shape == (0, 6) and tracks["P"].shape == (0, 36)


def test_match_rows_against_brute_force() -> None:
    rng = np.random.default_rng(4)
    t = np.repeat(np.arange(30.0), 5)
    key = rng.integers(-1, 12, t.size)
    other_t = np.repeat(np.arange(5.0, 40.0), 4)
    other_key = rng.integers(0, 12, other_t.size)
    got = match_rows(t, key, other_t, other_key)
    for i in range(t.size):
        candidates = np.flatnonzero((other_t == t[i]) & (other_key == key[i]))
        if key[i] < 0 or candidates.size == 0:
            assert got[i] == -1
        else:
            assert got[i] in candidates


def test_tick_bounds_slice_each_tick() -> None:
    t = np.array([1.0, 1.0, 2.0, 4.0, 4.0, 4.0])
    start, stop = tick_bounds(t, np.array([1.0, 2.0, 3.0, 4.0]))
    assert start.tolist() == [0, 2, 3, 3] and stop.tolist() == [2, 3, 3, 6]
