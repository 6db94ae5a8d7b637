"""Prediction over a set of motion models: the interacting multiple model (IMM) estimator.

Each track holds r model-conditioned Gaussians (x_j, P_j) and model probabilities μ_j
(Blom and Bar-Shalom, 1988). Over a step dt the model is a Markov chain that stays in its
model with probability e^(−dt/τ) (τ the mean sojourn time) and otherwise moves to one of the
others with equal probability:

    π_ij(dt) = e^(−dt/τ) if i = j, else (1 − e^(−dt/τ)) / (r − 1)

Prediction: mix, then predict each model with its own motion,

    c_j = Σ_i π_ij μ_i,   μ_i|j = π_ij μ_i / c_j
    x0_j = Σ_i μ_i|j x_i,   P0_j = Σ_i μ_i|j (P_i + (x_i − x0_j)(x_i − x0_j)ᵀ)
    (x_j, P_j) <- model_j.predict(x0_j, P0_j, dt),   μ_j <- c_j

and a measurement update multiplies μ_j by the model's likelihood Λ_j and renormalises
(:meth:`bastion.tracking.tracker.MultiTargetTracker`). With one model this is plain Kalman
prediction. The combined output estimate is the moment-matched mixture
(:func:`bastion.tracking.kalman.moment_match`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.tracking.motion import MotionModel


@dataclass(frozen=True, slots=True)
class ImmPredictor:
    models: tuple[MotionModel, ...]
    sojourn_s: float = 30.0

    def __post_init__(self) -> None:
        dims = {m.dim for m in self.models}
        if len(dims) != 1:
            raise ValueError(f"IMM models must share one state dimension, got {sorted(dims)}")

    @property
    def dim(self) -> int:
        return self.models[0].dim

    def transition(self, dt: np.ndarray) -> np.ndarray:
        """π(dt) (N, r, r), rows summing to 1."""
        r = len(self.models)
        stay = np.exp(-np.asarray(dt, dtype=float) / self.sojourn_s)[:, None, None]
        eye = np.eye(r)
        return stay * eye + (1.0 - stay) * (1.0 - eye) / (r - 1)

    def predict(
        self, x: np.ndarray, P: np.ndarray, mu: np.ndarray, dt: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """x (N, r, n), P (N, r, n, n), μ (N, r) advanced by dt (N,) -> (x, P, μ)."""
        if len(self.models) == 1:
            xp, Pp = self.models[0].predict(x[:, 0], P[:, 0], dt)
            return xp[:, None], Pp[:, None], mu
        pi = self.transition(dt)
        c = np.einsum("nij,ni->nj", pi, mu)
        w = pi * mu[:, :, None] / np.maximum(c[:, None, :], 1e-300)  # μ_i|j (N, i, j)
        x0 = np.einsum("nij,nik->njk", w, x)
        d = x[:, :, None, :] - x0[:, None, :, :]  # (N, i, j, n)
        P0 = np.einsum("nij,nijkl->njkl", w, P[:, :, None] + d[..., :, None] * d[..., None, :])
        out = [m.predict(x0[:, j], P0[:, j], dt) for j, m in enumerate(self.models)]
        return (
            np.stack([o[0] for o in out], axis=1),
            np.stack([o[1] for o in out], axis=1),
            c,
        )
