"""Measurement models: how a sensor's (range, azimuth, elevation) detections enter the filter.

A model maps detections into its measurement space (z (M, m), R (M, m, m)) and tracks into the
same space (ẑ (N, m), H (N, m, 6)), so the tracker gates and updates with ν = z − ẑ without
knowing the space. Swapping in a polar EKF later means a new model, not a new tracker.

Converted measurements: each polar detection ζ = (r, az, el) from a sensor at s becomes an ENU
position with a linearised covariance,

    z = s + p(ζ),   R_enu = J R Jᵀ,   J = ∂p/∂ζ at ζ,   H = [I₃ 0]

where p is :func:`bastion.frames.polar_to_enu`. Good while the cross-range error r·σ_angle is
small against the range; the small conversion bias at long range is not corrected.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from bastion.frames import polar_jacobian, polar_to_enu
from bastion.types import DetectionBatch

#: Position part of the state: z = H x for converted measurements.
H_POSITION = np.hstack([np.eye(3), np.zeros((3, 3))])


class MeasurementModel(Protocol):
    def measure(self, batch: DetectionBatch) -> tuple[np.ndarray, np.ndarray]:
        """Detections in the model's space: z (M, m), R (M, m, m)."""
        ...

    def predict(self, x: np.ndarray, sensor_pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Tracks x (N, 6) seen from ``sensor_pos`` (3,): ẑ (N, m) and H = ∂ẑ/∂x (N, m, 6)."""
        ...


def converted_position(
    z: np.ndarray, R: np.ndarray, sensor_pos: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Polar detections z (M, 3), R (M, 3, 3) to ENU positions (M, 3) and covariances (M, 3, 3)."""
    J = polar_jacobian(z)
    return sensor_pos + polar_to_enu(z), J @ R @ np.swapaxes(J, -1, -2)


class ConvertedPositionModel:
    """Converted-measurement model: detections become ENU positions, H = [I₃ 0]."""

    def measure(self, batch: DetectionBatch) -> tuple[np.ndarray, np.ndarray]:
        return converted_position(batch.z, batch.R, batch.sensor_pos)

    def predict(self, x: np.ndarray, sensor_pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return x[:, :3], np.broadcast_to(H_POSITION, (x.shape[0], 3, 6))
