"""What an engagement acts on: the true object at the point its effector is aimed at.

The fire control aims an engagement at its track's latest estimate, predicted to the time of
effect (:class:`Aim`). When the effect comes, the simulation asks which true object is there, and
nothing else links a shot to the truth. A track's ``truth_id`` is a scoring label, the most
frequent object among all its detections: a track that followed a flock for minutes and then a
passing drone is labelled a bird, while its estimate, and every weapon it aims, is on the drone.

- Kinetic effectors (missile, gun, interceptor) act on the live object nearest the aimed point
  in the metric of the aim's uncertainty, among those the weapon's fire control can acquire
  there: inside the χ² gate of probability :data:`GATE_PROBABILITY` (3 degrees of freedom), or
  within :data:`ACQUISITION_RADIUS_M` of the point. The uncertainty is the track's position
  covariance predicted to the time of effect, widened by the effector's own reach (a missile's
  proximity fuse, a gun burst's dispersion at that range, an interceptor's net) as an isotropic
  variance. The radius is what a fire-control radar, a seeker or an interceptor's camera searches
  around a designated point whatever the designating track claims: a tracker's covariance is at
  times optimistic (a manoeuvre, a track sliding between two drones), and on town-approach-v1 one
  missile in ten then found "nothing" 60-170 m from a drone. A probability of kill is quoted for a
  weapon sent at the object its track holds; with nothing to acquire, the shot finds nothing.
- Jammers act on a drone (the only objects with a GNSS receiver or a control link to attack)
  inside their beam: within half the beamwidth of the line to the aimed point and within range,
  the one nearest the aimed point. One drone per engagement: a beam over two drones would deny
  GNSS to both, which the model leaves out (in the defence's disfavour).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.tracking.gating import gate_threshold, mahalanobis
from bastion.types import ObjectKind, ObjectStatus, TruthBatch

#: A kinetic effector acts on an object inside this probability gate of its aim ...
GATE_PROBABILITY = 0.999
#: ... or this close to the aimed point, m: a fire-control radar's or seeker's search around a
#: designated point (about a degree of beam and a range gate at a few km).
ACQUISITION_RADIUS_M = 200.0
#: What an effector finds at its aimed point when nothing is there.
NOTHING = -1


def predicted_point_covariance(cov: np.ndarray, horizon: np.ndarray) -> np.ndarray:
    """Position covariance (N, 3, 3) of constant-velocity tracks with state covariances
    cov (N, 6, 6) predicted ``horizon`` (N,) seconds ahead: P_pp + τ (P_pv + P_vp) + τ² P_vv."""
    tau = np.asarray(horizon, dtype=float)[:, None, None]
    pp, pv, vv = cov[:, :3, :3], cov[:, :3, 3:], cov[:, 3:, 3:]
    return pp + tau * (pv + np.swapaxes(pv, 1, 2)) + tau**2 * vv


@dataclass(frozen=True, slots=True)
class Aim:
    """A track's estimate that an engagement is aimed by: state x (6,) and covariance P (6, 6)
    at time t."""

    t: float
    x: np.ndarray
    P: np.ndarray

    def at(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        """The aimed point (3,) at time t, on constant velocity, and its covariance (3, 3)."""
        tau = t - self.t
        point = self.x[:3] + self.x[3:] * tau
        return point, predicted_point_covariance(self.P[None], np.array([tau]))[0]

    def state_at(self, t: float) -> np.ndarray:
        """The aimed state (6,) at time t, on constant velocity."""
        return np.concatenate([self.at(t)[0], self.x[3:]])


def nearest_in_gate(aim: np.ndarray, aim_cov: np.ndarray, reach_m: float, truth: TruthBatch) -> int:
    """Row of ``truth`` a kinetic effector aimed at ``aim`` (3,) with uncertainty ``aim_cov``
    (3, 3) and its own ``reach_m`` acts on: of the flying objects inside the gate or within
    ACQUISITION_RADIUS_M, the one of least Mahalanobis distance; or :data:`NOTHING`."""
    live = np.flatnonzero(truth.status == ObjectStatus.FLYING)
    if live.size == 0:
        return NOTHING
    off = truth.pos[live] - aim
    S = np.asarray(aim_cov, dtype=float) + reach_m**2 * np.eye(3)
    d2, _ = mahalanobis(off, np.broadcast_to(S, (live.size, 3, 3)))
    inside = d2 <= gate_threshold(GATE_PROBABILITY, 3)
    inside |= np.linalg.norm(off, axis=1) <= ACQUISITION_RADIUS_M
    if not inside.any():
        return NOTHING
    return int(live[inside][np.argmin(d2[inside])])


def nearest_in_beam(
    aim: np.ndarray,
    origin: np.ndarray,
    beamwidth_rad: float,
    max_range_m: float,
    truth: TruthBatch,
) -> int:
    """Row of ``truth`` a jammer at ``origin`` (3,) pointing its beam at ``aim`` (3,) acts on:
    the flying drone nearest the aimed point among those within half the beamwidth of the beam's
    line and within range, or :data:`NOTHING`."""
    line = np.asarray(aim, dtype=float) - origin
    rel = truth.pos - origin
    dist = np.linalg.norm(rel, axis=1)
    cos_off = rel @ line / np.maximum(dist * np.linalg.norm(line), 1e-9)
    inside = np.flatnonzero(
        (truth.status == ObjectStatus.FLYING)
        & (truth.kind == ObjectKind.DRONE)
        & (dist <= max_range_m)
        & (cos_off >= np.cos(0.5 * beamwidth_rad))
    )
    if inside.size == 0:
        return NOTHING
    return int(inside[np.argmin(np.linalg.norm(truth.pos[inside] - aim, axis=1))])
