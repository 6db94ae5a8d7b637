"""The engagement stage's building block: an effector that can say what it could do to tracks.

Every effector answers ``solve`` for a batch of track states: whether each is feasible now
(envelope, time, ammunition, a free fire channel), where and when the effect would happen, and
with what probability. The assigner chooses among feasible pairs; the engagement manager then
``commit``s the chosen shots (spending munitions, occupying a channel until the effect).

Each effector also says what its success brings down (:class:`DebrisSpec`), so the assigner can
predict where it lands before choosing, and, in simulation, which true object an engagement aimed
at a point acts on (``target_at``, :mod:`bastion.engage.aim`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

from bastion.types import TruthBatch

EffectorKind = Literal["missile", "gun", "gnss_jammer", "rf_jammer", "interceptor"]


@dataclass(frozen=True, slots=True)
class InterceptSolution:
    """Per track row: feasibility, predicted effect time and point, and probability of effect."""

    feasible: np.ndarray  # (N,) bool
    t_effect: np.ndarray  # (N,) absolute time of the effect, s (nan where infeasible)
    pos: np.ndarray  # (N, 3) predicted point of effect, m ENU (nan where infeasible)
    p_effect: np.ndarray  # (N,) probability of kill (or of takeover for a jammer)
    munitions: np.ndarray  # (N,) int, rounds or missiles one engagement spends


@dataclass(frozen=True, slots=True)
class DebrisSpec:
    """What a successful engagement brings down at the point of effect, for footprint planning.

    ``falls``: something comes down there (False: a takeover flies the drone to a landing area).
    ``ballistic``: the wreckage falls freely with the target's velocity plus a random kick of
    ``fragment_spread_mps`` (1 sigma per axis) and ``forward_throw_mps`` along the line from the
    effector to the target, with ``ballistic_coefficient_kg_m2`` (None: the target's own).
    Otherwise the drone descends under control and lands within ``landing_spread_m`` (1 sigma)
    of the point below.
    """

    falls: bool
    ballistic: bool = True
    fragment_spread_mps: float = 0.0
    forward_throw_mps: float = 0.0
    ballistic_coefficient_kg_m2: float | None = None
    landing_spread_m: float = 0.0


#: A takeover flies the drone to a landing area: nothing comes down where the effect happens.
NOTHING_FALLS = DebrisSpec(falls=False)


class Effector(Protocol):
    effector_id: str
    kind: EffectorKind
    hard_kill: bool  # True: destroys (wreckage falls); False: electronic (drone steered down)
    cost_usd: float  # per engagement
    position: np.ndarray  # (3,) m ENU
    debris: DebrisSpec

    def solve(self, x: np.ndarray, t: float) -> InterceptSolution:
        """Track states x (N, 6) = (e, n, u, ve, vn, vu) at time t, assumed constant velocity."""
        ...

    def free_channels(self, t: float) -> int:
        """Engagements this effector can start at time t (channels free and munitions left)."""
        ...

    def commit(self, t: float, t_effect: float, munitions: int) -> None:
        """Start one engagement: occupy a channel until t_effect and spend munitions."""
        ...

    def rounds_left(self) -> int:
        """Munitions left, reserve included (a jammer, which spends none, reports a large
        number)."""
        ...

    def target_at(self, aim: np.ndarray, aim_cov: np.ndarray, truth: TruthBatch) -> int:
        """The row of ``truth`` (its object) an engagement aimed at ``aim`` (3,), with the aim's
        uncertainty ``aim_cov`` (3, 3), acts on; -1: nothing there (:mod:`bastion.engage.aim`).
        Simulation only: the decision stages never call it."""
        ...
