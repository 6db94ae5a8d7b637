"""The classification stage's verb: update each track's class belief from its latest state.

A classifier keeps a belief per track id between calls and forgets ids no longer present.
"""

from __future__ import annotations

from typing import Protocol

from bastion.types import ClassBelief, TrackTable


class Classifier(Protocol):
    def update(self, tracks: TrackTable) -> ClassBelief:
        """Belief p (N, 4) over CLASSES for each row of ``tracks``, in the same order."""
        ...
