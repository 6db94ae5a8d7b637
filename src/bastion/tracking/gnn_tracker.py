"""The walking-skeleton tracker: constant-velocity Kalman filter, chi-square gates, GNN association,
M-of-N confirmation, all vectorised over tracks.

Each ``update(batch)``:

1. predicts every track to batch.t (:mod:`bastion.tracking.kalman`);
2. gates track-detection pairs, d² ≤ χ²_3⁻¹(gate_probability) (:mod:`bastion.tracking.gating`);
3. assigns by global nearest neighbour on cost d² + ln|S| (:mod:`bastion.tracking.gnn`);
4. updates assigned tracks, logs a hit or a miss for every track in the region the batch
   covered (a track the sensor did not look at is not missed), confirms and deletes
   (:mod:`bastion.tracking.management`);
5. starts a tentative track from each unassigned detection: position from the converted
   measurement, velocity 0 ± initial_speed_sigma_mps per axis.

Track ids are increasing integers from 1, never reused. Batches must come in time order.
"""

from __future__ import annotations

import numpy as np

from bastion.scenario.schema import Tracker as TrackerConfig
from bastion.tracking import kalman
from bastion.tracking.gating import gate, gate_threshold
from bastion.tracking.gnn import gnn_assign
from bastion.tracking.management import MofNRule
from bastion.tracking.measurement import (
    ConvertedPositionModel,
    MeasurementModel,
    converted_position,
)
from bastion.tracking.tracks import TrackArrays
from bastion.tracking.truth import TruthTally
from bastion.types import DetectionBatch, TrackTable


class GnnTracker:
    """Global-nearest-neighbour tracker over a constant-velocity Kalman filter (see module doc).

    ``measurement`` maps detections and tracks into one space for gating and update; the default
    converts each detection to an ENU position.
    """

    def __init__(self, config: TrackerConfig, measurement: MeasurementModel | None = None) -> None:
        self._q = config.process_noise_mps2**2
        self._speed_sigma = config.initial_speed_sigma_mps
        self._gamma = gate_threshold(config.gate_probability, 3)
        self._rule = MofNRule(config.confirm_m, config.confirm_n, config.delete_after_misses)
        self._model = measurement if measurement is not None else ConvertedPositionModel()
        self._tracks = TrackArrays.empty(config.confirm_n)
        self._truth = TruthTally()
        self._next_id = 1
        self._t = -np.inf

    def update(self, batch: DetectionBatch) -> None:
        self._check_time(batch.t, "batch")
        self._t = batch.t
        tracks = self._tracks
        tracks.x, tracks.P = kalman.predict(tracks.x, tracks.P, batch.t - tracks.t, self._q)
        tracks.t = np.full(len(tracks), batch.t)

        z, R = self._model.measure(batch)
        zhat, H = self._model.predict(tracks.x, batch.sensor_pos)
        HPHt = H @ tracks.P @ np.swapaxes(H, -1, -2)
        pairs = gate(zhat, HPHt, z, R, self._gamma)
        ti, dj = gnn_assign(
            pairs.track, pairs.det, pairs.d2 + pairs.log_det_s, len(tracks), len(batch)
        )

        tracks.x[ti], tracks.P[ti] = kalman.update(
            tracks.x[ti], tracks.P[ti], z[dj] - zhat[ti], H[ti], R[dj]
        )
        tracks.last_update_t[ti] = batch.t
        hit = np.zeros(len(tracks), dtype=bool)
        hit[ti] = True
        self._rule.record(tracks, hit, seen=batch.covers(tracks.x[:, :3]) | hit)
        self._truth.add(tracks.id[ti], batch.truth_id[dj])

        unused = np.ones(len(batch), dtype=bool)
        unused[dj] = False
        born = self._initiate(batch, unused)
        self._truth.add(born.id, batch.truth_id[unused])
        self._tracks = tracks.select(self._rule.alive(tracks)).concat(born)
        self._truth.keep(self._tracks.id)

    def table(self, t: float) -> TrackTable:
        self._check_time(t, "table")
        tracks = self._tracks
        x, P = kalman.predict(tracks.x, tracks.P, t - tracks.t, self._q)
        return TrackTable(
            t=t,
            track_id=tracks.id.copy(),
            x=x,
            P=P,
            status=tracks.status.copy(),
            hits=tracks.hits.copy(),
            misses=tracks.misses.copy(),
            last_update_t=tracks.last_update_t.copy(),
            truth_id=self._truth.majority(tracks.id),
        )

    def _check_time(self, t: float, what: str) -> None:
        if t < self._t:
            raise ValueError(
                f"{what} time t={t} s is earlier than the tracker's time {self._t} s; "
                "out-of-order batches are not supported"
            )

    def _initiate(self, batch: DetectionBatch, rows: np.ndarray) -> TrackArrays:
        """Tentative tracks from the detections selected by ``rows`` (M,) bool."""
        pos, cov = converted_position(batch.z[rows], batch.R[rows], batch.sensor_pos)
        x, P = kalman.cv_initiate(pos, cov, self._speed_sigma)
        count = x.shape[0]
        history, status = self._rule.born(count)
        ids = np.arange(self._next_id, self._next_id + count, dtype=np.int64)
        self._next_id += count
        return TrackArrays(
            id=ids,
            t=np.full(count, batch.t),
            x=x,
            P=P,
            status=status,
            hits=np.ones(count, dtype=np.int32),
            misses=np.zeros(count, dtype=np.int32),
            last_update_t=np.full(count, batch.t),
            history=history,
        )
