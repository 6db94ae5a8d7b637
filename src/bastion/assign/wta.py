"""The static weapon-target assignment (WTA) problem that every assignment cycle solves.

W weapon types, type i with n_i identical units (an effector's free fire channels), and T targets
of threat value V_j. A unit of type i engaging target j kills it with probability p_ij, at a cost
c_ij (munitions, and the expected collateral harm of its debris). Targets survive independently:

    minimise  F(x) = Σ_j V_j Π_i (1 − p_ij)^x_ij + Σ_ij c_ij x_ij
    subject to  Σ_j x_ij ≤ n_i,   Σ_i x_ij ≤ m_j,   x_ij ∈ {0, 1, ...},   x_ij = 0 where not allowed

The first sum is the expected threat value that survives the engagements; m_j caps the shots at
one target in one cycle (1 under shoot-look-shoot). The solvers are :mod:`bastion.assign.greedy`
(fast) and :mod:`bastion.assign.milp` (exact, the reference).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Kill probabilities are capped just below 1 so that log(1 − p) and 1/(1 − p) stay finite.
P_MAX = 1.0 - 1e-12


@dataclass(frozen=True)
class WtaProblem:
    """One cycle's WTA instance; see the module docstring for the model."""

    value: np.ndarray  # (T,) threat value V_j >= 0
    p: np.ndarray  # (W, T) kill probability of one unit
    units: np.ndarray  # (W,) int units of each weapon type
    allowed: np.ndarray | None = None  # (W, T) bool; default p > 0
    cost: np.ndarray | None = None  # (W, T) >= 0 per unit; default 0
    max_per_target: np.ndarray | None = None  # (T,) int; default: no cap

    def __post_init__(self) -> None:
        value = np.asarray(self.value, dtype=float).reshape(-1)
        p = np.asarray(self.p, dtype=float).reshape(-1, value.shape[0])
        units = np.asarray(self.units, dtype=np.int64).reshape(p.shape[0])
        allowed = p > 0.0 if self.allowed is None else np.asarray(self.allowed, dtype=bool)
        cost = np.zeros(p.shape) if self.cost is None else np.asarray(self.cost, dtype=float)
        cap = (
            np.full(value.shape, np.iinfo(np.int64).max // 4)
            if self.max_per_target is None
            else np.asarray(self.max_per_target, dtype=np.int64).reshape(value.shape)
        )
        if allowed.shape != p.shape or cost.shape != p.shape:
            raise ValueError(f"allowed {allowed.shape} and cost {cost.shape} must be {p.shape}")
        if (value < 0).any() or (units < 0).any() or (cap < 0).any() or (cost < 0).any():
            raise ValueError("values, units, caps and costs must be non-negative")
        if ((p < 0) | (p > 1)).any():
            raise ValueError("kill probabilities must lie in [0, 1]")
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "p", np.minimum(p, P_MAX) * allowed)
        object.__setattr__(self, "units", units)
        object.__setattr__(self, "allowed", allowed & (p > 0.0))
        object.__setattr__(self, "cost", cost)
        object.__setattr__(self, "max_per_target", cap)

    @property
    def shape(self) -> tuple[int, int]:
        """(W, T)."""
        return self.p.shape  # type: ignore[return-value]

    def survival(self, x: np.ndarray) -> np.ndarray:
        """Π_i (1 − p_ij)^x_ij per target (T,)."""
        return np.exp(np.sum(x * np.log1p(-self.p), axis=0))

    def objective(self, x: np.ndarray) -> float:
        """F(x): expected surviving threat value plus the cost of the units used."""
        return float(self.value @ self.survival(x) + np.sum(self.cost * x))

    def surviving_value(self, x: np.ndarray) -> float:
        """Σ_j V_j q_j: the expected threat value left after the engagements."""
        return float(self.value @ self.survival(x))

    def check(self, x: np.ndarray) -> None:
        """Raise ValueError naming the first constraint x violates."""
        x = np.asarray(x)
        if x.shape != self.shape or (x < 0).any():
            raise ValueError(f"x must be a non-negative {self.shape} array")
        if (x[~self.allowed] > 0).any():
            raise ValueError("x assigns a weapon to a target it may not engage")
        if (x.sum(axis=1) > self.units).any():
            raise ValueError("x uses more units of a weapon type than it has")
        if (x.sum(axis=0) > self.max_per_target).any():
            raise ValueError("x engages a target more often than its cap")
