"""Event log: records round-trip through Parquet; bad folders are rejected with a clear message."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bastion.errors import EventLogError
from bastion.record.eventlog import FORMAT_VERSION, EventLog, EventLogWriter
from bastion.types import DetectionBatch, EngagementEvent, EventRow


def _batch(t: float, n: int) -> DetectionBatch:
    rng = np.random.default_rng(int(t))
    return DetectionBatch(
        t=t,
        sensor_id="R1",
        sensor_pos=np.array([1.0, 2.0, 3.0]),
        z=rng.random((n, 3)),
        R=np.tile(np.eye(3), (n, 1, 1)),
        rcs_dbsm=rng.random(n),
        truth_id=np.arange(n) - 1,
        az_start_rad=0.5,
        az_extent_rad=1.0,
        max_range_m=40_000.0,
    )


def test_records_round_trip(tmp_path: Path) -> None:
    writer = EventLogWriter(tmp_path, {"seed": 3})
    batches = [_batch(float(t), n) for t, n in [(1, 4), (2, 0), (3, 3)]]
    for b in batches:
        writer.append("detections", b)
    writer.append(
        "events",
        EngagementEvent.from_rows(
            5.0,
            [
                EventRow(
                    kind="kill",
                    pos=(1.0, 2.0, 3.0),
                    effector_id="M1",
                    track_id=7,
                    object_id=2,
                    munitions=1,
                    detail="destroyed by missile",
                ),
            ],
        ),
    )
    writer.close({"wall_s": 1.5})
    log = EventLog(tmp_path)
    assert log.meta["seed"] == 3 and log.meta["format_version"] == FORMAT_VERSION
    det = log.table("detections")
    assert det.num_rows == 7
    assert det.column("t").to_pylist() == [1.0] * 4 + [3.0] * 3
    z = np.stack(det.column("z").to_numpy(zero_copy_only=False))
    np.testing.assert_array_equal(z, np.concatenate([batches[0].z, batches[2].z]))
    R = np.stack(det.column("R").to_numpy(zero_copy_only=False)).reshape(-1, 4, 4)
    np.testing.assert_array_equal(R, np.concatenate([batches[0].R, batches[2].R]))
    np.testing.assert_array_equal(R[:, :3, :3], np.tile(np.eye(3), (7, 1, 1)))
    assert det.column("measured").to_pylist()[0] == [True, True, True, False]
    assert det.column("sensor_pos").to_pylist()[0] == [1.0, 2.0, 3.0]
    ev = log.table("events").to_pylist()[0]
    assert ev["kind"] == "kill" and ev["track_id"] == 7 and ev["munitions"] == 1
    assert log.table("tracks").num_rows == 0  # never written: empty, not an error


def test_version_and_corruption_are_reported(tmp_path: Path) -> None:
    with pytest.raises(EventLogError, match="not a Bastion run folder"):
        EventLog(tmp_path)
    (tmp_path / "meta.json").write_text(json.dumps({"format_version": 0}))
    with pytest.raises(EventLogError, match="format version 0 is not supported"):
        EventLog(tmp_path)
    (tmp_path / "meta.json").write_text("{not json")
    with pytest.raises(EventLogError, match=r"corrupt meta\.json"):
        EventLog(tmp_path)
    (tmp_path / "meta.json").write_text(json.dumps({"format_version": FORMAT_VERSION}))
    (tmp_path / "truth.parquet").write_bytes(b"PAR1 garbage")
    with pytest.raises(EventLogError, match="corrupt Parquet"):
        EventLog(tmp_path).table("truth")
    with pytest.raises(EventLogError, match="unknown event log table"):
        EventLog(tmp_path).table("nope")
