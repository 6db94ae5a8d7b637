"""The sensing stage's one verb: turn truth into detections.

A sensor is called once per engine tick with the truth at ``truth.t`` and the previous tick's
time; it returns the detections it made in (t_prev, t] (a rotating radar reports what its beam
swept in that interval), stamped at ``truth.t``.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from bastion.types import DetectionBatch, TruthBatch


class Sensor(Protocol):
    sensor_id: str
    position: np.ndarray  # (3,) m ENU

    def observe(self, truth: TruthBatch, t_prev: float, rng: np.random.Generator) -> DetectionBatch:
        """Detections (N, 3) in (range, azimuth, elevation) with covariances (N, 3, 3)."""
        ...
