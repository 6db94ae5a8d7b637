"""Warning time along a raid's route: when the search sensors first detect a drone on it.

The nominal route runs from the centre of the launch area through the waypoints to the target
asset, flown at one altitude and the raid's cruise speed (straight legs; the climb after launch
and the turns are left out). Each search sensor looks every ``revisit_s`` (from t = 0); a look
at time t_k detects with the sensor's look Pd at the drone's position then. The chance of no
detection by time t is ``S(t) = Π_i Π_{t_k ≤ t} (1 - Pd_i(t_k))``; the first detection is
reported at 50 % (the median: S ≤ 0.5) and 90 % (S ≤ 0.1). Warning time is the time from then
until the drone reaches its target's attack radius. Cued sensors (EO/IR cameras) search only
where a track sends them, so they cannot give the first detection and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.coverage.classes import TargetClass
from bastion.sensors.base import Sensor

#: Cumulative detection probabilities reported.
FIRST_DETECTION_P = (0.5, 0.9)


@dataclass(frozen=True, slots=True)
class Route:
    raid: str
    asset: str
    points: np.ndarray  # (K, 2) m EN, launch centre .. asset centre
    altitude_m: float
    speed_mps: float
    attack_radius_m: float

    @property
    def leg_lengths(self) -> np.ndarray:
        return np.linalg.norm(np.diff(self.points, axis=0), axis=1)

    @property
    def arrival_s(self) -> float:
        """Time to first come within the attack radius r of the asset C (the last point): on
        the first leg A→B that does, the least s ≥ 0 with |A + u s - C| = r (u along the leg)."""
        centre, flown = self.points[-1], 0.0
        for a, b, length in zip(self.points[:-1], self.points[1:], self.leg_lengths, strict=True):
            rel = a - centre
            if rel @ rel <= self.attack_radius_m**2:
                return flown / self.speed_mps
            u = (b - a) / length
            half_b = float(u @ rel)
            disc = half_b**2 - (rel @ rel - self.attack_radius_m**2)
            if disc >= 0.0 and 0.0 <= -half_b - np.sqrt(disc) <= length:
                return (flown - half_b - float(np.sqrt(disc))) / self.speed_mps
            flown += float(length)
        return flown / self.speed_mps

    def at_distance(self, s: np.ndarray) -> np.ndarray:
        """EN positions (N, 2) at distances ``s`` flown along the route."""
        cum = np.concatenate([[0.0], np.cumsum(self.leg_lengths)])
        s = np.clip(s, 0.0, cum[-1])
        return np.column_stack(
            [np.interp(s, cum, self.points[:, 0]), np.interp(s, cum, self.points[:, 1])]
        )

    def distance_to_target(self, t: np.ndarray) -> np.ndarray:
        """Horizontal distance (N,) from the drone at times t to the asset's centre."""
        return np.linalg.norm(self.at_distance(self.speed_mps * t) - self.points[-1], axis=1)

    def state(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions and velocities (N, 3) at times t (s from launch)."""
        s = self.speed_mps * t
        en = self.at_distance(s)
        ahead = self.at_distance(s + 1.0) - en
        norm = np.linalg.norm(ahead, axis=1, keepdims=True)
        heading = np.divide(ahead, norm, out=np.zeros_like(ahead), where=norm > 0)
        pos = np.column_stack([en, np.full(len(t), self.altitude_m)])
        vel = np.column_stack([heading * self.speed_mps, np.zeros(len(t))])
        return pos, vel


@dataclass(frozen=True, slots=True)
class FirstDetection:
    p: float  # cumulative probability of detection reached
    time_s: float | None  # from launch; None: not reached before arrival
    distance_m: float | None  # horizontal distance to the asset then
    warning_s: float | None  # time left until the attack radius


def look_times(sensor: Sensor, until_s: float) -> np.ndarray:
    """A sensor's looks from launch (t = 0) to ``until_s``: every ``revisit_s``."""
    return np.arange(0.0, until_s + 1e-9, sensor.revisit_s)


def survival(sensors: list[Sensor], cls: TargetClass, route: Route, t: np.ndarray) -> np.ndarray:
    """S(t): chance that no sensor has detected the drone by each time in ``t`` (sorted)."""
    log_miss = np.zeros(t.size)
    for sensor in sensors:
        looks = look_times(sensor, float(t[-1]))
        pos, vel = route.state(looks)
        pd = np.minimum(sensor.look_pd(cls.targets(pos, vel)), 1.0)
        with np.errstate(divide="ignore"):
            cum = np.cumsum(np.log1p(-pd))
        k = np.searchsorted(looks, t, side="right")
        log_miss += np.where(k > 0, cum[np.maximum(k - 1, 0)], 0.0)
    return np.exp(log_miss)


def detection_curve(
    sensors: list[Sensor], cls: TargetClass, route: Route
) -> tuple[np.ndarray, np.ndarray]:
    """Look times from launch to arrival (T,) and the chance of detection by each, 1 - S(t)."""
    arrival = route.arrival_s
    t = np.unique(np.concatenate([[0.0], *[look_times(s, arrival) for s in sensors]]))
    s = survival(sensors, cls, route, t) if sensors else np.ones(t.size)
    return t, 1.0 - s


def first_detections(route: Route, t: np.ndarray, p_detected: np.ndarray) -> list[FirstDetection]:
    """Time, distance to the asset and warning at each probability in FIRST_DETECTION_P, from
    a detection curve (resolved to the sensors' look times)."""
    arrival = route.arrival_s
    out = []
    for p in FIRST_DETECTION_P:
        reached = np.flatnonzero(p_detected >= p - 1e-12)
        if reached.size == 0:
            out.append(FirstDetection(p, None, None, None))
            continue
        when = float(t[reached[0]])
        distance = float(route.distance_to_target(np.array([when]))[0])
        out.append(FirstDetection(p, when, distance, arrival - when))
    return out
