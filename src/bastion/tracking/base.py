"""The tracking stage's verbs: fold detections into tracks, and report tracks at a time.

A tracker keeps its tracks between calls (tracks are state by nature). ``update`` takes one
sensor's batch at ``batch.t`` (radar plots or bearings, any sensor; a batch older than the
tracker's latest is handled, not refused: see docs/tracking.md); ``table`` reports every live
track predicted to time t (not before the latest batch) without changing the tracker.
"""

from __future__ import annotations

from typing import Protocol

from bastion.types import DetectionBatch, TrackTable


class Tracker(Protocol):
    def update(self, batch: DetectionBatch) -> None: ...

    def table(self, t: float) -> TrackTable:
        """Live tracks (tentative and confirmed), states x (N, 6) and P (N, 6, 6) at time t."""
        ...
