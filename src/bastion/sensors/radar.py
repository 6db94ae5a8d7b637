"""Rotating surveillance radar: beam sweep, radar equation, Swerling I fluctuation, false alarms."""

from __future__ import annotations

import numpy as np

from bastion.frames import enu_to_polar, radar_horizon_m
from bastion.scenario.schema import RadarConfig
from bastion.types import DetectionBatch, ObjectStatus, TruthBatch

TWO_PI = 2.0 * np.pi

#: Floor on an RCS before it is put in dB (-100 dBsm).
_MIN_RCS_M2 = 1e-10


def swerling1_pd(snr: np.ndarray | float, pfa: float) -> np.ndarray:
    """Detection probability of a Swerling I target at mean SNR ``snr`` (linear): Pfa^(1/(1+SNR)).

    Square-law detection of a slowly fluctuating (exponential-RCS) target against a threshold set
    for false-alarm probability ``pfa``; SNR 0 gives Pfa, SNR -> inf gives 1.
    """
    snr = np.asarray(snr, dtype=float)
    return np.exp(np.log(pfa) / (1.0 + snr))


def swerling1_snr(pd: float, pfa: float) -> float:
    """Mean SNR (linear) at which a Swerling I target is detected with probability ``pd``.

    The inverse of :func:`swerling1_pd`: ln(Pfa) / ln(Pd) - 1. Needs Pfa < Pd < 1.
    """
    return float(np.log(pfa) / np.log(pd) - 1.0)


class RotatingRadar:
    """A scanning surveillance radar whose beam turns clockwise at a constant rate.

    ``position`` is the antenna's ENU position (antenna height included); ``antenna_height_m``
    from the config sets the horizon, and a target's height is its ENU up (flat ground at 0).

    Beam azimuth: ``a(t) = 2π t / T mod 2π`` with T = ``scan_period_s``. A call covering
    (t_prev, t] sweeps the sector of width ``w = 2π (t - t_prev) / T`` clockwise from a(t_prev);
    an object whose azimuth φ (taken at ``truth.t``) the beam passed in that interval, i.e.
    ``⌊(2π t/T - φ) / 2π⌋ > ⌊(2π t_prev/T - φ) / 2π⌋``, is illuminated; when w ≥ 2π everything
    is, once.

    Detection, for an illuminated FLYING object at slant range R with mean RCS σ, inside
    [min_range, max_range] and within the 4/3-Earth horizon
    ``R ≤ √(2 k a h_antenna) + √(2 k a h_target)``::

        SNR_ref = ln(Pfa) / ln(Pd_ref) - 1                  (Swerling I, at R_ref and σ_ref)
        SNR(R, σ) = SNR_ref · (σ / σ_ref) · (R_ref / R)^4    (radar equation)
        Pd = Pfa^(1 / (1 + SNR))                             (Swerling I)

    Measurement: ``z = (R, az, el) + v``, ``v ~ N(0, diag(σ_R², σ_az², σ_el²))``, azimuth wrapped
    into [0, 2π); RCS feature ``10 log10 σ + N(0, σ_rcs_db²)``.

    False alarms: Poisson with mean ``false_alarms_per_scan · min(w, 2π) / 2π``, azimuth uniform
    in the swept sector, range uniform in [min_range, max_range] (a CFAR threshold keeps the rate
    flat in range), elevation uniform in [0, false_alarm_max_elevation] (clutter sits low). Their
    positions are drawn directly, without further noise, and carry the same covariance R. Their
    RCS feature is the threshold level seen through the radar equation: the RCS whose mean SNR
    equals the detection threshold ``-ln(Pfa)`` (noise power units) at that range, plus the same
    feature noise: small close in, larger far out, as a real threshold crossing would look.
    """

    def __init__(self, config: RadarConfig, position: np.ndarray) -> None:
        position = np.array(position, dtype=float)
        if position.shape != (3,):
            raise ValueError(
                f"radar {config.id}: position must have shape (3,), got {position.shape}"
            )
        position.flags.writeable = False
        self.sensor_id = config.id
        self.position = position
        self.config = config
        self.snr_ref = swerling1_snr(config.reference_pd, config.pfa)
        sigmas = np.array(
            [
                config.sigma_range_m,
                np.radians(config.sigma_azimuth_deg),
                np.radians(config.sigma_elevation_deg),
            ]
        )
        self._sigma = sigmas
        self._R = np.diag(sigmas**2)

    def snr(self, range_m: np.ndarray | float, rcs_m2: np.ndarray | float) -> np.ndarray:
        """Mean SNR (linear) from the radar equation scaled to the reference point; inf at R = 0."""
        c = self.config
        range_m = np.asarray(range_m, dtype=float)
        with np.errstate(divide="ignore"):
            return (
                self.snr_ref
                * (np.asarray(rcs_m2, dtype=float) / c.reference_rcs_m2)
                * (c.reference_range_m / range_m) ** 4
            )

    def pd(self, range_m: np.ndarray | float, rcs_m2: np.ndarray | float) -> np.ndarray:
        """Single-look detection probability of a Swerling I target (no masking applied)."""
        return swerling1_pd(self.snr(range_m, rcs_m2), self.config.pfa)

    def _threshold_rcs_m2(self, range_m: np.ndarray) -> np.ndarray:
        """RCS whose mean SNR at ``range_m`` equals the detection threshold, -ln(Pfa)."""
        c = self.config
        return (
            c.reference_rcs_m2
            * (-np.log(c.pfa) / self.snr_ref)
            * (range_m / c.reference_range_m) ** 4
        )

    def observe(self, truth: TruthBatch, t_prev: float, rng: np.random.Generator) -> DetectionBatch:
        """Detections made while the beam swept (t_prev, truth.t], rows in random order."""
        c = self.config
        a0 = TWO_PI * t_prev / c.scan_period_s
        a1 = TWO_PI * truth.t / c.scan_period_s
        swept = min(max(a1 - a0, 0.0), TWO_PI)

        polar = enu_to_polar(truth.pos - self.position)
        slant_m, az = polar[:, 0], polar[:, 1]
        visible = (
            _beam_crossed(az, a0, a1)
            & (truth.status == ObjectStatus.FLYING)
            & (slant_m >= c.min_range_m)
            & (slant_m <= c.max_range_m)
            & (slant_m <= radar_horizon_m(c.antenna_height_m, truth.pos[:, 2]))
        )
        idx = np.flatnonzero(visible)
        hit = idx[rng.random(idx.size) < self.pd(slant_m[idx], truth.rcs_m2[idx])]

        z_det = polar[hit] + rng.normal(size=(hit.size, 3)) * self._sigma
        rcs_det = _dbsm(truth.rcs_m2[hit]) + rng.normal(0.0, c.sigma_rcs_db, size=hit.size)

        n_fa = rng.poisson(c.false_alarms_per_scan * swept / TWO_PI)
        z_fa = np.column_stack(
            [
                rng.uniform(c.min_range_m, c.max_range_m, size=n_fa),
                a0 + rng.uniform(0.0, swept, size=n_fa),
                rng.uniform(0.0, np.radians(c.false_alarm_max_elevation_deg), size=n_fa),
            ]
        )
        rcs_fa = _dbsm(self._threshold_rcs_m2(z_fa[:, 0])) + rng.normal(
            0.0, c.sigma_rcs_db, size=n_fa
        )

        z = np.concatenate([z_det, z_fa])
        z[:, 1] = np.mod(z[:, 1], TWO_PI)
        order = rng.permutation(z.shape[0])
        return DetectionBatch(
            t=truth.t,
            sensor_id=self.sensor_id,
            sensor_pos=self.position,
            z=z[order],
            R=np.repeat(self._R[np.newaxis], z.shape[0], axis=0),
            rcs_dbsm=np.concatenate([rcs_det, rcs_fa])[order],
            truth_id=np.concatenate(
                [truth.object_id[hit].astype(np.int64), np.full(n_fa, -1, dtype=np.int64)]
            )[order],
            az_start_rad=float(np.mod(a0, TWO_PI)),
            az_extent_rad=float(max(a1 - a0, 0.0)),
            max_range_m=c.max_range_m,
        )


def _beam_crossed(az: np.ndarray, a0: float, a1: float) -> np.ndarray:
    """Whether the beam, turning from unwrapped angle a0 to a1, passed each azimuth in (a0, a1].

    Counting whole turns past each azimuth, instead of testing a wrapped sector, handles north and
    sweeps of a full turn or more, and lets back-to-back calls share their boundary exactly: an
    object on it is illuminated by one call, never by both or neither.
    """
    return np.floor((a1 - az) / TWO_PI) > np.floor((a0 - az) / TWO_PI)


def _dbsm(rcs_m2: np.ndarray) -> np.ndarray:
    """RCS in dBsm, floored so that a zero RCS still gives a finite feature."""
    return 10.0 * np.log10(np.maximum(rcs_m2, _MIN_RCS_M2))
