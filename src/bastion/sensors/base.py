"""The sensing stage's verbs: turn truth into detections, and take cues from the track table.

A sensor is called once per engine tick with the truth at ``truth.t`` and the previous tick's
time; it returns the detections it made in (t_prev, t] (a rotating radar reports what its beam
swept in that interval), stamped at ``truth.t``, as one :class:`~bastion.types.DetectionBatch`
whose ``measured`` mask says which of (range, azimuth, elevation, range rate) it measures.

After the tracker has run, every sensor is handed the tick's track table (``cue``): a slewing
camera points itself at a track with it; sensors that search on their own ignore it. Cues
only act on the next tick's detections, so a tick stays a pure function of the previous state.

``look_pd`` is the detection model on its own: the probability of detecting each target on
one look, with masking but without scan timing or faults; ``revisit_s`` is the time between
looks. Coverage analysis (:mod:`bastion.coverage`) uses both.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from bastion.sensors.signature import SignatureTable, Targets
from bastion.sensors.terrain import Terrain
from bastion.types import DetectionBatch, TrackTable, TruthBatch


class Sensor(Protocol):
    sensor_id: str
    position: np.ndarray  # (3,) m ENU
    revisit_s: float  # time between two looks at the same point

    def observe(self, truth: TruthBatch, t_prev: float, rng: np.random.Generator) -> DetectionBatch:
        """Detections in (t_prev, truth.t]: z (N, 4), R (N, 4, 4), features per row."""
        ...

    def cue(self, tracks: TrackTable) -> None:
        """Take the latest track table (a camera slews to one of its tracks)."""
        ...

    def look_pd(self, targets: Targets) -> np.ndarray:
        """Probability of detecting each target (N,) on one look, masking included."""
        ...


class PlacedSensor:
    """What every sensor model holds: its config and id, where it stands (ENU (3,), antenna
    height included, read-only: sensors do not move), the run's signature table, and the
    terrain that may mask it (None: a smooth Earth)."""

    def __init__(
        self,
        config: Any,
        position: np.ndarray,
        signatures: SignatureTable | None,
        terrain: Terrain | None,
    ) -> None:
        position = np.array(position, dtype=float)
        if position.shape != (3,):
            raise ValueError(
                f"sensor {config.id}: position must have shape (3,), got {position.shape}"
            )
        position.flags.writeable = False
        self.sensor_id: str = config.id
        self.position = position
        self.config = config
        self.signatures = signatures or SignatureTable.empty()
        self.terrain = terrain
