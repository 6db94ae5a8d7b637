"""The threat stage's verb: score and rank tracks against the defended assets."""

from __future__ import annotations

from typing import Protocol

from bastion.types import ClassBelief, ThreatTable, TrackTable


class ThreatEvaluator(Protocol):
    def evaluate(self, tracks: TrackTable, belief: ClassBelief) -> ThreatTable:
        """One row per confirmed track, sorted by descending score."""
        ...
