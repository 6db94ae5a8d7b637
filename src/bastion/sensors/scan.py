"""When a radar looks where: a rotating antenna or an electronically scanned array.

``looks(az, t_prev, t)`` counts the looks at each azimuth in the interval (t_prev, t];
``sector(t_prev, t)`` is the azimuth region the interval covered (start, extent) and
``scans(t_prev, t)`` how many full coverages of that region it held (false alarms scale with
it). ``revisit_s`` is the time between two looks at the same point.
"""

from __future__ import annotations

import numpy as np

from bastion.sensors.batch import TWO_PI, in_sector


class RotatingScan:
    """A beam turning clockwise once per ``period_s``: ``a(t) = 2π t / T``.

    The beam passes azimuth φ in (t_prev, t] as many times as ``⌊(a(t) - φ) / 2π⌋`` grows from
    t_prev to t. Counting whole turns, instead of testing a wrapped sector, handles north and
    sweeps of a turn or more, and lets back-to-back calls share their boundary exactly: an
    object on it is looked at by one call, never by both or neither.
    """

    def __init__(self, period_s: float) -> None:
        self.revisit_s = float(period_s)

    def _angles(self, t_prev: float, t: float) -> tuple[float, float]:
        return TWO_PI * t_prev / self.revisit_s, TWO_PI * t / self.revisit_s

    def looks(self, az: np.ndarray, t_prev: float, t: float) -> np.ndarray:
        a0, a1 = self._angles(t_prev, t)
        return np.maximum(np.floor((a1 - az) / TWO_PI) - np.floor((a0 - az) / TWO_PI), 0.0)

    def sector(self, t_prev: float, t: float) -> tuple[float, float]:
        a0, a1 = self._angles(t_prev, t)
        return float(np.mod(a0, TWO_PI)), float(max(a1 - a0, 0.0))

    def scans(self, t_prev: float, t: float) -> float:
        return max(t - t_prev, 0.0) / self.revisit_s


class ElectronicScan:
    """An array revisiting its whole sector at t = k · ``revisit_s``: the looks in (t_prev, t]
    are ``⌊t / T⌋ - ⌊t_prev / T⌋`` for azimuths inside the sector, none outside."""

    def __init__(self, revisit_s: float, center_rad: float, width_rad: float) -> None:
        self.revisit_s = float(revisit_s)
        self.start_rad = float(np.mod(center_rad - 0.5 * width_rad, TWO_PI))
        self.width_rad = float(width_rad)

    def scans(self, t_prev: float, t: float) -> float:
        return float(max(np.floor(t / self.revisit_s) - np.floor(t_prev / self.revisit_s), 0.0))

    def looks(self, az: np.ndarray, t_prev: float, t: float) -> np.ndarray:
        inside = in_sector(az, self.start_rad, self.width_rad)
        return np.where(inside, self.scans(t_prev, t), 0.0)

    def sector(self, t_prev: float, t: float) -> tuple[float, float]:
        return self.start_rad, self.width_rad if self.scans(t_prev, t) > 0 else 0.0
