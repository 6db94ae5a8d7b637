"""Sensor faults from the scenario, applied around any sensor's detections.

- **Outage**: while the tick's time lies in an outage window [start, end), the sensor reports
  nothing and says it looked nowhere (azimuth extent 0), so a tracker counts no misses.
- **Degraded detection**: in a degradation window, each detection of a real object is kept
  with probability ``pd_factor``: the same as multiplying its Pd by it. False alarms stay.
  (The sensor model may read ``truth_id`` here: it is the simulated sensor, not a decision.)
- **Position bias**: the sensor reports its position off by ``position_bias_m`` and measures
  azimuths off by ``azimuth_bias_deg``, both constant: the fused picture sees a systematic
  offset that no noise model accounts for.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from bastion.scenario.schema import SensorFaults
from bastion.sensors.base import Sensor
from bastion.sensors.batch import TWO_PI, select_rows
from bastion.sensors.signature import Targets
from bastion.types import DetectionBatch, TrackTable, TruthBatch


class FaultySensor:
    """Wraps a sensor and applies its scenario faults to every batch it returns."""

    def __init__(self, sensor: Sensor, faults: SensorFaults) -> None:
        self.inner = sensor
        self.faults = faults
        self.sensor_id = sensor.sensor_id
        self.position = sensor.position
        self.revisit_s = sensor.revisit_s
        self._reported_pos = np.asarray(sensor.position) + np.asarray(faults.position_bias_m)
        self._reported_pos.flags.writeable = False
        self._az_bias = float(np.radians(faults.azimuth_bias_deg))

    def cue(self, tracks: TrackTable) -> None:
        self.inner.cue(tracks)

    def look_pd(self, targets: Targets) -> np.ndarray:
        """The healthy sensor's detection model (faults act on detections, by time)."""
        return self.inner.look_pd(targets)

    def pd_factor(self, t: float) -> float:
        """Product of the degradation factors in force at ``t``."""
        return float(
            np.prod(
                [d.pd_factor for d in self.faults.degraded if d.window_s[0] <= t < d.window_s[1]]
            )
        )

    def out(self, t: float) -> bool:
        return any(start <= t < end for start, end in self.faults.outages_s)

    def observe(self, truth: TruthBatch, t_prev: float, rng: np.random.Generator) -> DetectionBatch:
        batch = self.inner.observe(truth, t_prev, rng)
        t = truth.t
        if self.out(t):
            return replace(select_rows(batch, np.zeros(len(batch), dtype=bool)), az_extent_rad=0.0)
        factor = self.pd_factor(t)
        if factor < 1.0:
            keep = (batch.truth_id < 0) | (rng.random(len(batch)) < factor)
            batch = select_rows(batch, keep)
        if self._az_bias == 0.0 and not np.any(self.faults.position_bias_m):
            return batch
        z = batch.z.copy()
        z[:, 1] = np.mod(z[:, 1] + self._az_bias, TWO_PI)
        return replace(
            batch,
            z=z,
            sensor_pos=self._reported_pos,
            az_start_rad=float(np.mod(batch.az_start_rad + self._az_bias, TWO_PI)),
        )
