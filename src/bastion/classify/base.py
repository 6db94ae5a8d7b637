"""The classification stage's verbs: take in what detections measured, and update each track's
class belief.

``observe(batch, attribution)`` is called with every sensor batch and the tracker's attribution
of its detections to tracks (empty when it attributed nothing), so that a
classifier can use measured features (RCS, micro-Doppler, RF emitter, EO/IR cues, sound level)
and silence (a sensor looked and heard nothing). ``update(tracks)`` is called once per tick
with the track table. A classifier keeps its state per track id between calls and forgets ids
no longer present.
"""

from __future__ import annotations

from typing import Protocol

from bastion.tracking.base import Attribution
from bastion.types import ClassBelief, DetectionBatch, TrackTable


class Classifier(Protocol):
    def observe(self, batch: DetectionBatch, attribution: Attribution) -> None: ...

    def update(self, tracks: TrackTable) -> ClassBelief:
        """Belief p (N, 4) over CLASSES for each row of ``tracks``, in the same order, with
        ``p_rotary`` (N,) the rotary-wing part of the drone column (NaN if not told apart)."""
        ...
