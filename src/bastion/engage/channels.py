"""Fire channels and magazines: the one piece of state every effector keeps.

A channel is busy from the moment an engagement is committed until its effect time. Munitions
come from a ready magazine; once it is empty, a reserve of further magazines (``reloads``) refills
it ``reload_time_s`` after the last round was spent. ``commit`` refuses (ValueError) rather than
overdraw a channel or the magazine.

:class:`ChannelledEffector` is what every effector model shares: identity, place, cost per
engagement, its channels, and the blanking of infeasible rows in a solution.
"""

from __future__ import annotations

import numpy as np

from bastion.engage.base import DebrisSpec, EffectorKind, InterceptSolution


class FireChannels:
    """Channels busy from commit until their effect time, fed by one magazine and its reloads."""

    def __init__(
        self,
        channels: int,
        magazine: int,
        per_engagement: int,
        reloads: int = 0,
        reload_time_s: float = 0.0,
    ) -> None:
        self.channels = channels
        self.capacity = magazine
        self.magazine = magazine
        self.per_engagement = per_engagement
        self.reloads = reloads
        self.reload_time_s = reload_time_s
        self._busy_until: list[float] = []
        self._emptied_at: float | None = None

    def _reload(self, t: float) -> None:
        """Refill an empty magazine from the reserve once the reload time has passed."""
        if (
            self._emptied_at is not None
            and self.reloads > 0
            and t >= self._emptied_at + self.reload_time_s
        ):
            self.magazine = self.capacity
            self.reloads -= 1
            self._emptied_at = None

    def idle(self, t: float) -> int:
        """Channels not busy at t (a channel is busy from its commit until its effect time)."""
        return self.channels - sum(until > t for until in self._busy_until)

    def free(self, t: float) -> int:
        """Engagements that can start at t: idle channels, capped by what the magazine funds."""
        self._reload(t)
        free = self.idle(t)
        if self.per_engagement > 0:
            free = min(free, self.magazine // self.per_engagement)
        return max(free, 0)

    def commit(self, t: float, t_effect: float, munitions: int) -> None:
        """Occupy a channel until t_effect and spend munitions; ValueError rather than overdraw."""
        self._reload(t)
        if not t <= t_effect:
            raise ValueError(f"effect time {t_effect} is before the commit time {t}")
        if self.idle(t) < 1:
            raise ValueError(f"no free fire channel at t={t}")
        if not 0 <= munitions <= self.magazine:
            raise ValueError(f"cannot spend {munitions} munitions with {self.magazine} left")
        self._busy_until = [u for u in self._busy_until if u > t] + [t_effect]
        self.magazine -= munitions
        if munitions > 0 and self.magazine < max(self.per_engagement, 1):
            self._emptied_at = t


class ChannelledEffector:
    """What every effector shares: identity, place, cost per engagement and its fire channels."""

    kind: EffectorKind
    hard_kill: bool
    debris: DebrisSpec

    def __init__(
        self, effector_id: str, position: np.ndarray, cost_usd: float, fire: FireChannels
    ) -> None:
        self.effector_id = effector_id
        self.position = np.array(position, dtype=float).reshape(3)
        self.cost_usd = cost_usd
        self._fire = fire

    def free_channels(self, t: float) -> int:
        return self._fire.free(t)

    def commit(self, t: float, t_effect: float, munitions: int) -> None:
        self._fire.commit(t, t_effect, munitions)

    def rounds_left(self) -> int:
        return self._fire.magazine + self._fire.reloads * self._fire.capacity

    def _solution(
        self,
        feasible: np.ndarray,
        t_effect: np.ndarray,
        pos: np.ndarray,
        p_effect: np.ndarray,
        t: float,
    ) -> InterceptSolution:
        """Blank out infeasible rows (nan time and point, zero probability)."""
        feasible = feasible & np.isfinite(t_effect) & (self.free_channels(t) > 0)
        return InterceptSolution(
            feasible=feasible,
            t_effect=np.where(feasible, t_effect, np.nan),
            pos=np.where(feasible[:, None], pos, np.nan),
            p_effect=np.where(feasible, p_effect, 0.0),
            munitions=np.full(feasible.shape, self._fire.per_engagement, dtype=np.int64),
        )
