"""Measurement models: how a sensor's polar detections enter the filter.

A detection row is ζ = (range r, azimuth a, elevation e, range rate ṙ) seen from the sensor at
s, with only the batch's ``measured`` components present (:class:`bastion.types.DetectionBatch`).
A model maps a batch into its measurement space (z (M, m), R (M, m, m), which components are
angles to wrap) and predicts, from track states x (N, n) with covariances P, the measurement
moments ẑ (N, m), P_zz (N, m, m), P_xz (N, n, m); the tracker gates and updates with
ν = z − ẑ (angles wrapped into (−π, π]) and S = P_zz + R without knowing the space.

- Converted measurements (linear): a radar plot becomes an ENU position with a linearised
  covariance, z = s + p(ζ), R_enu = J R Jᵀ with J = ∂p/∂ζ (p is
  :func:`bastion.frames.polar_to_enu`), and H = [I₃ 0]. Good while the cross-range error
  r·σ_angle is small against the range; needs range, azimuth and elevation. A measured range
  rate stays a fourth component, z = (s + p(ζ), ṙ), R = diag(J R_pos Jᵀ, σ²_ṙ) (its noise is
  independent of the plot's), predicted as in the polar EKF below: ṙ = d·v / r with its
  Jacobian row.
- Polar EKF: the measured components of h(x) with d = (e, n, u) − s, ρ = |d_en|, r = |d|,

      h = (r, atan2(d_e, d_n), atan2(d_u, ρ), d·v / r),
      ∂r/∂d = d/r,  ∂a/∂d = (d_n, −d_e, 0)/ρ²,  ∂e/∂d = (−d_e d_u, −d_n d_u, ρ²)/(r² ρ),
      ∂ṙ/∂d = (v − ṙ d/r)/r,  ∂ṙ/∂v = d/r

  P_zz = H P Hᵀ, P_xz = P Hᵀ. Handles every sensor, bearing-only (azimuth, or azimuth and
  elevation) included.
- Polar UKF: the same h through the 2n symmetric sigma points x ± √n·Lᵢ (L Lᵀ = P, weights
  1/(2n); :func:`bastion.tracking.kalman.sigma_offsets`), which keeps P_zz positive
  semi-definite; angles are averaged as wrapped offsets from the first point's angle.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

import numpy as np

from bastion.frames import polar_jacobian, polar_to_enu
from bastion.tracking.kalman import sigma_offsets
from bastion.types import DetectionBatch

#: Index of the azimuth in a detection's z row: the one component that wraps around.
AZIMUTH = 1


def _t(a: np.ndarray) -> np.ndarray:
    return np.swapaxes(a, -1, -2)


def wrap_angle(a: np.ndarray) -> np.ndarray:
    """Angles into [−π, π)."""
    return np.mod(a + np.pi, 2.0 * np.pi) - np.pi


class Measured(NamedTuple):
    """A batch in a model's measurement space: z (M, m), R (M, m, m), angle (m,) bool."""

    z: np.ndarray
    R: np.ndarray
    angle: np.ndarray


class Moments(NamedTuple):
    """Predicted measurement of N states: ẑ (N, m), P_zz (N, m, m), P_xz (N, n, m)."""

    zhat: np.ndarray
    Pzz: np.ndarray
    Pxz: np.ndarray


class MeasurementModel(Protocol):
    def measure(self, batch: DetectionBatch) -> Measured: ...

    def moments(self, x: np.ndarray, P: np.ndarray, batch: DetectionBatch) -> Moments:
        """Predicted measurement moments of states x (N, n), P (N, n, n) for this batch."""
        ...


def converted_position(
    z: np.ndarray, R: np.ndarray, sensor_pos: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Polar (range, az, el) z (M, ≥3), R (M, ≥3, ≥3) to ENU positions (M, 3), covs (M, 3, 3)."""
    z, R = z[:, :3], R[:, :3, :3]
    J = polar_jacobian(z)
    return sensor_pos + polar_to_enu(z), J @ R @ _t(J)


def has_position(batch: DetectionBatch) -> bool:
    """Whether the batch's detections are 3-D plots (range, azimuth and elevation measured)."""
    return bool(batch.measured[:3].all())


class ConvertedPositionModel:
    """Converted-measurement model: radar plots become ENU positions, H = [I₃ 0], and a
    measured range rate its own (extended) component."""

    def measure(self, batch: DetectionBatch) -> Measured:
        z, R = converted_position(batch.z, batch.R, batch.sensor_pos)
        if not batch.measured[3]:
            return Measured(z, R, np.zeros(3, dtype=bool))
        z4 = np.concatenate([z, batch.z[:, 3:4]], axis=1)
        R4 = np.zeros((z.shape[0], 4, 4))
        R4[:, :3, :3], R4[:, 3, 3] = R, batch.R[:, 3, 3]
        return Measured(z4, R4, np.zeros(4, dtype=bool))

    def moments(self, x: np.ndarray, P: np.ndarray, batch: DetectionBatch) -> Moments:
        if not batch.measured[3]:
            return Moments(x[:, :3], P[:, :3, :3], P[:, :, :3])
        H = np.zeros((x.shape[0], 4, x.shape[-1]))
        H[:, :3, :3] = np.eye(3)
        H[:, 3] = polar_jacobian_full(x, batch.sensor_pos, x.shape[-1])[:, 3]
        zhat = np.concatenate([x[:, :3], polar_h(x, batch.sensor_pos, np.array([3]))], axis=1)
        PHt = P @ _t(H)
        return Moments(zhat, H @ PHt, PHt)


def polar_h(x: np.ndarray, sensor_pos: np.ndarray, comps: np.ndarray) -> np.ndarray:
    """The measured components ``comps`` of (r, az, el, ṙ) for states x (..., ≥6)."""
    d = x[..., :3] - sensor_pos
    rho = np.hypot(d[..., 0], d[..., 1])
    r = np.sqrt(rho**2 + d[..., 2] ** 2)
    full = (
        r,
        np.mod(np.arctan2(d[..., 0], d[..., 1]), 2.0 * np.pi),
        np.arctan2(d[..., 2], rho),
        np.einsum("...i,...i->...", d, x[..., 3:6]) / r,
    )
    return np.stack([full[c] for c in comps], axis=-1)


def polar_jacobian_full(x: np.ndarray, sensor_pos: np.ndarray, n: int) -> np.ndarray:
    """∂(r, az, el, ṙ)/∂x for states x (N, n) -> (N, 4, n) (zero past the first 6 columns)."""
    d = x[:, :3] - sensor_pos
    v = x[:, 3:6]
    rho2 = d[:, 0] ** 2 + d[:, 1] ** 2
    rho = np.sqrt(rho2)
    r2 = rho2 + d[:, 2] ** 2
    r = np.sqrt(r2)
    u = d / r[:, None]
    rdot = np.einsum("ni,ni->n", u, v)
    H = np.zeros((x.shape[0], 4, n))
    H[:, 0, :3] = u
    H[:, 1, 0], H[:, 1, 1] = d[:, 1] / rho2, -d[:, 0] / rho2
    H[:, 2, 0] = -d[:, 0] * d[:, 2] / (r2 * rho)
    H[:, 2, 1] = -d[:, 1] * d[:, 2] / (r2 * rho)
    H[:, 2, 2] = rho / r2
    H[:, 3, :3] = (v - rdot[:, None] * u) / r[:, None]
    H[:, 3, 3:6] = u
    return H


class PolarEkfModel:
    """Extended Kalman filter in the sensor's polar frame (see module doc)."""

    def measure(self, batch: DetectionBatch) -> Measured:
        return _polar_measured(batch)

    def moments(self, x: np.ndarray, P: np.ndarray, batch: DetectionBatch) -> Moments:
        comps = np.flatnonzero(batch.measured)
        H = polar_jacobian_full(x, batch.sensor_pos, x.shape[-1])[:, comps]
        PHt = P @ _t(H)
        return Moments(polar_h(x, batch.sensor_pos, comps), H @ PHt, PHt)


class PolarUkfModel:
    """Unscented transform of the polar measurement function (see module doc)."""

    def measure(self, batch: DetectionBatch) -> Measured:
        return _polar_measured(batch)

    def moments(self, x: np.ndarray, P: np.ndarray, batch: DetectionBatch) -> Moments:
        comps = np.flatnonzero(batch.measured)
        n = x.shape[-1]
        dx = sigma_offsets(P)  # (N, 2n, n)
        Z = polar_h(x[:, None, :] + dx, batch.sensor_pos, comps)  # (N, 2n, m)
        angle = comps == AZIMUTH
        ref = Z[:, :1, :]
        dZ = np.where(angle, wrap_angle(Z - ref), Z - ref)
        zhat = ref[:, 0] + dZ.mean(axis=1)
        zhat = np.where(angle, np.mod(zhat, 2.0 * np.pi), zhat)
        dz = np.where(angle, wrap_angle(Z - zhat[:, None]), Z - zhat[:, None])
        w = 1.0 / (2 * n)
        return Moments(zhat, w * _t(dz) @ dz, w * _t(dx) @ dz)


def _polar_measured(batch: DetectionBatch) -> Measured:
    comps = np.flatnonzero(batch.measured)
    return Measured(batch.z[:, comps], batch.R[:, comps][:, :, comps], comps == AZIMUTH)


def innovation(z: np.ndarray, zhat: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """ν = z − ẑ (K, m) with the angle components wrapped into [−π, π)."""
    nu = z - zhat
    return np.where(angle, wrap_angle(nu), nu)
