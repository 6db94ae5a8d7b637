"""In the engine, a camera slews to the tracks the radar built on earlier ticks."""

from __future__ import annotations

from typing import Any

import numpy as np

from bastion.engine import Simulation
from bastion.scenario.schema import Scenario
from bastion.types import DetectionBatch, TrackStatus

ORIGIN = {"lat_deg": 35.0, "lon_deg": 36.0}


class Collect:
    def __init__(self) -> None:
        self.records: dict[str, list[Any]] = {}

    def append(self, table: str, record: Any) -> None:
        self.records.setdefault(table, []).append(record)


def test_camera_detects_only_after_a_confirmed_track_cues_it() -> None:
    scn = Scenario.model_validate(
        {
            "id": "cue",
            "name": "radar cues camera",
            "origin": ORIGIN,
            "duration_s": 240,
            "assets": [{"name": "base", "position": ORIGIN, "radius_m": 300}],
            "sensors": [
                {
                    "type": "radar",
                    "id": "radar",
                    "position": ORIGIN,
                    "reference_range_m": 30_000,
                    "scan_period_s": 1.0,
                    "false_alarms_per_scan": 0,
                },
                {
                    "type": "eo_ir",
                    "id": "cam",
                    "position": ORIGIN,
                    "rest_azimuth_deg": 180.0,
                    "slew_rate_deg_s": 20.0,
                    "fov_azimuth_deg": 2.0,
                },
            ],
            "drone_types": [{"name": "d", "rcs_m2": 0.1}],
            "raids": [
                {
                    "name": "r",
                    "drone_type": "d",
                    "count": 1,
                    "launch_radius_m": 0,
                    "launch_area": {"lat_deg": 35.06, "lon_deg": 36.0},
                    "launch_window_s": [0, 0],
                    "target": "base",
                    "cruise_altitude_m": 200,
                    "cruise_speed_mps": 30,
                }
            ],
        }
    )
    sink = Collect()
    Simulation(scn, seed=3).run(sink)
    tracks = sink.records["tracks"]
    confirmed_t = min(t.t for t in tracks if np.any(t.status == TrackStatus.CONFIRMED))
    cam: list[DetectionBatch] = [b for b in sink.records["detections"] if b.sensor_id == "cam"]
    seen = [b.t for b in cam if len(b)]
    assert seen, "the camera never saw the drone"
    # Cue after the tick that confirmed the track, 180° of slew at 20°/s, 0.5 s to settle.
    slew_s = 180.0 / 20.0
    assert confirmed_t + slew_s <= min(seen) <= confirmed_t + slew_s + 3.0, (confirmed_t, seen)
    assert all(b.truth_id.tolist() == [0] for b in cam if len(b))
    assert all(not b.measured[0] and b.measured[1] and b.measured[2] for b in cam)
