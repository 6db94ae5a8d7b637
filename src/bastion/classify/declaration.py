"""Declaring a track a drone: the belief must hold, not flicker across the bar once.

A class belief is recomputed as evidence arrives, and a track whose evidence is borderline
(a slow bird, seen by a radar without micro-Doppler) sees its drone probability wander about
the doctrine's bar ``p_hostile_to_engage``. Over a bird's minutes of life the bar is then
crossed on some tick by chance, and under weapons tight one tick is enough to draw fire. So a
track is *declared* a drone only once its p_drone has stayed at or above the bar for
``declare_dwell_s`` without a break, as an identification officer waits for a declaration to
stand; a break restarts the clock, and a declared track whose belief falls below the bar is
declared no longer. A track once held to be a bird or an aircraft (that belief reached the
doctrine's ``p_friendly_to_hold``) must hold its drone belief for the longer
``declare_dwell_after_friendly_s`` to be declared: an identity is not overturned by a passing
excursion of the belief (a light aircraft's measured RCS dipping to a large drone's for a few
scans). A drone whose belief is firmly above the bar is declared after the dwell; a closing
unknown or undeclared drone is still engaged by its behaviour meanwhile
(:mod:`bastion.assign.roe`).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from bastion.scenario.schema import Doctrine
from bastion.threat.rows import sorted_rows
from bastion.types import CLASSES, ClassBelief

_DRONE, _BIRD, _AIRCRAFT = (CLASSES.index(c) for c in ("drone", "bird", "aircraft"))


class DroneDeclaration:
    """Which tracks are declared drones, tick by tick (module docstring)."""

    def __init__(
        self,
        threshold: float,
        dwell_s: float,
        friendly_bar: float = 1.0,
        dwell_after_friendly_s: float | None = None,
    ) -> None:
        self.threshold = float(threshold)
        self.dwell_s = float(dwell_s)
        self.friendly_bar = float(friendly_bar)
        self.dwell_after_friendly_s = float(
            dwell_s if dwell_after_friendly_s is None else dwell_after_friendly_s
        )
        self._ids = np.zeros(0, dtype=np.int64)  # sorted
        self._since = np.zeros(0)  # when p_drone last rose to the bar; NaN while below it
        self._was_friendly = np.zeros(0, dtype=bool)  # bird or aircraft belief reached the bar

    @classmethod
    def from_doctrine(cls, doctrine: Doctrine) -> DroneDeclaration:
        return cls(
            doctrine.p_hostile_to_engage,
            doctrine.declare_dwell_s,
            doctrine.p_friendly_to_hold,
            doctrine.declare_dwell_after_friendly_s,
        )

    def apply(self, belief: ClassBelief) -> ClassBelief:
        """``belief`` with ``declared_drone`` filled in; tracks not in it are forgotten."""
        ids = np.asarray(belief.track_id, dtype=np.int64)
        pos, known = sorted_rows(self._ids, ids)
        since = np.full(ids.size, np.nan)
        since[known] = self._since[pos[known]]
        was_friendly = np.zeros(ids.size, dtype=bool)
        was_friendly[known] = self._was_friendly[pos[known]]
        friendly = np.maximum(belief.p[:, _BIRD], belief.p[:, _AIRCRAFT]) >= self.friendly_bar
        was_friendly |= friendly
        above = belief.p[:, _DRONE] >= self.threshold
        since = np.where(above, np.where(np.isnan(since), belief.t, since), np.nan)
        order = np.argsort(ids, kind="stable")
        self._ids, self._since = ids[order], since[order]
        self._was_friendly = was_friendly[order]
        dwell = np.where(was_friendly, self.dwell_after_friendly_s, self.dwell_s)
        declared = above & (belief.t - since >= dwell)
        return dataclasses.replace(belief, declared_drone=declared)


def declared_rows(
    t: np.ndarray,
    track_id: np.ndarray,
    p: np.ndarray,
    doctrine: Doctrine,
) -> np.ndarray:
    """``declared_drone`` (M,) for belief rows (t, track_id, p (M, 4)) of one run, replayed
    tick by tick through the doctrine's :class:`DroneDeclaration` (for beliefs that were never
    logged with it, such as the held-out training runs)."""
    declaration = DroneDeclaration.from_doctrine(doctrine)
    out = np.zeros(t.size, dtype=bool)
    order = np.argsort(t, kind="stable")
    ticks, starts = np.unique(t[order], return_index=True)
    for tick, rows in zip(ticks, np.split(order, starts[1:]), strict=True):
        belief = ClassBelief(t=float(tick), track_id=track_id[rows], p=p[rows])
        out[rows] = np.asarray(declaration.apply(belief).declared_drone)
    return out


def declaration_rule(doctrine: Doctrine) -> dict[str, float]:
    """The doctrine's declaration rule, as the scores report it."""
    return {
        "declare_p": doctrine.p_hostile_to_engage,
        "declare_dwell_s": doctrine.declare_dwell_s,
        "declare_dwell_after_friendly_s": doctrine.declare_dwell_after_friendly_s,
    }
