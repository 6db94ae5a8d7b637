"""The assignment stage's verb: choose which effector engages which threat this cycle."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bastion.engage.base import Effector
from bastion.types import Assignment, ClassBelief, ThreatTable, TrackTable


class Assigner(Protocol):
    def assign(
        self,
        threats: ThreatTable,
        tracks: TrackTable,
        belief: ClassBelief,
        effectors: Sequence[Effector],
        engaged_track_ids: frozenset[int],
        ineffective: frozenset[tuple[int, str]] = frozenset(),
        controlled_track_ids: frozenset[int] = frozenset(),
    ) -> Assignment:
        """Engagements to start now; never a track in ``engaged_track_ids`` (shoot-look-shoot)
        or ``controlled_track_ids`` (a drone held under the defence's electronic-warfare
        control), nor an effector kind paired with a track in ``ineffective`` (track id, kind)."""
        ...
