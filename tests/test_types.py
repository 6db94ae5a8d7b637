"""Records between stages: read-only arrays, and the region a detection batch looked at."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.types import DetectionBatch, EngagementEvent, EventRow


def _batch(start_deg: float, extent_deg: float) -> DetectionBatch:
    return DetectionBatch(
        t=1.0,
        sensor_id="R",
        sensor_pos=np.array([100.0, 0.0, 10.0]),
        z=np.zeros((0, 3)),
        R=np.zeros((0, 3, 3)),
        rcs_dbsm=np.zeros(0),
        truth_id=np.zeros(0, np.int64),
        az_start_rad=np.radians(start_deg),
        az_extent_rad=np.radians(extent_deg),
        max_range_m=10_000.0,
    )


def test_covers_the_swept_sector_out_to_max_range() -> None:
    # Points due north, east, south and west of the sensor at 5 km, and one east at 20 km.
    d = np.array([[0, 5000, 0], [5000, 0, 0], [0, -5000, 0], [-5000, 0, 0], [20000, 0, 0]], float)
    pts = d + np.array([100.0, 0.0, 10.0])
    np.testing.assert_array_equal(_batch(45, 90).covers(pts), [False, True, False, False, False])
    # A sector across north (350 deg through 20 deg).
    np.testing.assert_array_equal(_batch(350, 30).covers(pts), [True, False, False, False, False])
    np.testing.assert_array_equal(_batch(0, 360).covers(pts), [True, True, True, True, False])


def test_records_are_read_only() -> None:
    batch = _batch(0, 90)
    with pytest.raises(ValueError):
        batch.sensor_pos[0] = 1.0
    ev = EngagementEvent.from_rows(2.0, [EventRow(kind="miss", pos=(1.0, 2.0, 3.0))])
    assert len(ev) == 1 and ev.pos.shape == (1, 3) and ev.track_id[0] == -1
