"""The tracking stage's verbs: fold detections into tracks, and report tracks at a time.

A tracker keeps its tracks between calls (tracks are state by nature). ``update`` takes one
sensor's batch at ``batch.t`` (radar plots or bearings, any sensor; a batch older than the
tracker's latest is handled, not refused: see docs/tracking.md); ``table`` reports every live
track predicted to time t (not before the latest batch) without changing the tracker.

``update`` returns which track each detection of the batch went to (:class:`Attribution`), so
that later stages can read a track's measured features (RCS, micro-Doppler, emitter type, EO
class cue) without knowing how the tracker associates.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

import numpy as np

from bastion.types import DetectionBatch, TrackTable


class Attribution(NamedTuple):
    """Detections of one batch attributed to tracks: ``det`` (K,) rows of the batch, each
    the measurement that updated (GNN), most probably updated (JPDA) or started track
    ``track_id`` (K,). A track appears at most once; unattributed detections are absent."""

    track_id: np.ndarray
    det: np.ndarray


def _frozen_empty() -> np.ndarray:
    empty = np.zeros(0, dtype=np.int64)
    empty.flags.writeable = False
    return empty


#: A batch that attributed nothing: an empty batch of bearings, or one too late to replay.
NO_ATTRIBUTION = Attribution(_frozen_empty(), _frozen_empty())


class Tracker(Protocol):
    def update(self, batch: DetectionBatch) -> Attribution: ...

    def table(self, t: float) -> TrackTable:
        """Live tracks (tentative and confirmed), states x (N, 6) and P (N, 6, 6) at time t."""
        ...
