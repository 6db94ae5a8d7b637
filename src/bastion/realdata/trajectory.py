"""A real flight, read from a file nobody here wrote, in one neutral form.

Positions stay geodetic (latitude, longitude, height above the ground) so that each user picks
its own local frame: :meth:`Trajectory.enu` gives the core's flat East-North-Up frame about any
origin (east and north from WGS-84, up = height above the ground, as ``scenario.site`` does).
Between fixes the motion is linear: :meth:`Trajectory.sample` interpolates positions and takes
the velocity of the straight leg a time falls on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.frames import geodetic_to_enu
from bastion.types import CLASSES

#: Classes a real trajectory can have (clutter is never a real object).
REAL_CLASSES: tuple[str, ...] = CLASSES[:3]


@dataclass(frozen=True, slots=True)
class Trajectory:
    """Fixes (n >= 2) of one real object, in time order."""

    name: str  # unique within its file: "flight 0", "3c4591", "5515867 flight 3"
    individual: str  # the flight, aircraft (ICAO 24-bit address) or animal it comes from
    true_class: str  # drone, bird or aircraft
    source: str  # the file it was read from
    t: np.ndarray  # (n,) s since the file's first time stamp, strictly increasing
    lat_deg: np.ndarray  # (n,)
    lon_deg: np.ndarray  # (n,)
    height_m: np.ndarray  # (n,) above the ground (see each loader for the ground it assumes)
    airframe: str | None = None  # drones: "rotary" or "fixed_wing"

    def __post_init__(self) -> None:
        if self.true_class not in REAL_CLASSES:
            raise ValueError(
                f"trajectory {self.name!r}: true_class must be one of {REAL_CLASSES}, "
                f"got {self.true_class!r}"
            )
        n = self.t.shape[0]
        for field in ("t", "lat_deg", "lon_deg", "height_m"):
            value = np.asarray(getattr(self, field), dtype=float)
            if value.shape != (n,) or not np.isfinite(value).all():
                raise ValueError(
                    f"trajectory {self.name!r}: {field} must be {n} finite numbers, "
                    f"got shape {value.shape}"
                )
            value.flags.writeable = False
            object.__setattr__(self, field, value)
        if n < 2 or np.any(np.diff(self.t) <= 0.0):
            raise ValueError(
                f"trajectory {self.name!r}: t needs at least 2 strictly increasing times"
            )

    def __len__(self) -> int:
        return int(self.t.shape[0])

    @property
    def duration_s(self) -> float:
        return float(self.t[-1] - self.t[0])

    def enu(self, origin: tuple[float, float]) -> np.ndarray:
        """Fixes (n, 3) in the flat ENU frame about ``origin`` (lat_deg, lon_deg) on the ground."""
        lat0, lon0 = origin
        pos = geodetic_to_enu(self.lat_deg, self.lon_deg, 0.0, (lat0, lon0, 0.0))
        pos[:, 2] = self.height_m
        return pos

    def sample(
        self, times: np.ndarray, origin: tuple[float, float]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Positions and velocities (M, 3) at ``times`` (M,) within [t[0], t[-1]], moving in a
        straight line at constant speed between fixes."""
        times = np.asarray(times, dtype=float)
        if times.size and (times.min() < self.t[0] or times.max() > self.t[-1]):
            raise ValueError(
                f"trajectory {self.name!r}: can only sample within "
                f"[{self.t[0]:.1f}, {self.t[-1]:.1f}] s"
            )
        fixes = self.enu(origin)
        leg = np.clip(np.searchsorted(self.t, times, side="right") - 1, 0, len(self) - 2)
        dt = self.t[leg + 1] - self.t[leg]
        vel = (fixes[leg + 1] - fixes[leg]) / dt[:, None]
        return fixes[leg] + vel * (times - self.t[leg])[:, None], vel


def kinematics(trajectory: Trajectory) -> dict[str, float]:
    """What a tracker sees of a trajectory, leg by leg: duration, horizontal speed, height and
    climb rate (5th, 50th and 95th percentiles, weighted by time), for the report."""
    fixes = trajectory.enu((float(trajectory.lat_deg[0]), float(trajectory.lon_deg[0])))
    dt = np.diff(trajectory.t)
    step = np.diff(fixes, axis=0)
    speed = np.hypot(step[:, 0], step[:, 1]) / dt
    climb = step[:, 2] / dt
    out = {"duration_s": trajectory.duration_s, "fixes": float(len(trajectory))}
    for name, values in (("speed_mps", speed), ("climb_mps", climb)):
        for q, v in zip((5, 50, 95), _weighted_percentiles(values, dt, (5, 50, 95)), strict=True):
            out[f"{name}_p{q}"] = v
    for q, v in zip((5, 50, 95), np.percentile(trajectory.height_m, (5, 50, 95)), strict=True):
        out[f"height_m_p{q}"] = float(v)
    return out


def _weighted_percentiles(
    values: np.ndarray, weights: np.ndarray, qs: tuple[int, ...]
) -> list[float]:
    """Lower weighted percentiles: the smallest value with at least q % of the weight below."""
    order = np.argsort(values)
    cum = np.cumsum(weights[order])
    at = np.minimum(np.searchsorted(cum, np.asarray(qs) / 100.0 * cum[-1]), values.size - 1)
    return [float(v) for v in values[order][at]]
