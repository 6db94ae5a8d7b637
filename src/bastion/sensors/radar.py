"""Surveillance radar: scan, radar equation, Swerling fluctuation, aspect RCS, masking, clutter.

Detection of a FLYING object on one look (:meth:`SurveillanceRadar.look_pd`), at slant range R,
elevation el and radial speed v_r, with aspect-dependent RCS σ = σ̄ · g(aspect)
(:mod:`bastion.sensors.rcs`)::

    SNR_ref = Swerling-case SNR giving reference_pd at reference_pfa   (at R_ref, σ_ref)
    SNR     = SNR_ref · (σ / σ_ref) · (R_ref / R)^4                     (radar equation)
    Pd      = Pd_swerling(SNR, Pfa)                                     (bastion.sensors.swerling)

and Pd = 0 outside [min_range, max_range], above ``max_elevation_deg``, out of line of sight
(4/3 Earth and terrain, :mod:`bastion.sensors.terrain`), or when |v_r| is below the minimum
detectable velocity (lost in the clutter filter's notch). Over an interval (t_prev, t] the scan
(:mod:`bastion.sensors.scan`) gives each object n looks; it is detected at most once, with
probability 1 - (1 - Pd)^n (independent looks: Swerling I/III fluctuate scan to scan).

Measurement: (R, az, el[, v_r]) plus Gaussian noise whose σ grows as the SNR falls when the
resolutions are given (:func:`bastion.sensors.batch.snr_sigma`): σ_R = σ_floor ⊕ ΔR/√(2 SNR),
σ_angle = σ_floor ⊕ θ_3dB / (1.6 √(2 SNR)), σ_v = σ_floor ⊕ Δv/√(2 SNR). Features: RCS estimate
``10 log10 σ̂ + N(0, σ_rcs_db²)``, with ``rcs_estimate: aspect`` σ̂ = σ (a false alarm: its
threshold RCS), and with ``fluctuating`` σ̂ = σ (P − 1) / SNR from the detection's received
power P (noise power 1; :func:`bastion.sensors.swerling.detected_power`: the target's
fluctuation and the noise, given that it crossed the threshold), so that a Swerling I target's
estimates spread by several dB scan to scan and a weak one's read high (a false alarm: its
threshold RCS times (P − 1) / T, P = T + E); micro-Doppler modulation (blade flash or wing
beat) when the mean SNR reaches ``micro_doppler_min_snr_db``, log-normal with spread
``sigma_micro_doppler``.
False alarms: :mod:`bastion.sensors.clutter`.
"""

from __future__ import annotations

import numpy as np

from bastion.frames import enu_to_polar
from bastion.scenario.schema import RadarConfig
from bastion.sensors.base import PlacedSensor
from bastion.sensors.batch import MONOPULSE_SLOPE, TWO_PI, make_batch, noisy, snr_sigma
from bastion.sensors.clutter import ClutterCellEnu, RadarClutter
from bastion.sensors.rcs import aspect_angle, pattern_gain
from bastion.sensors.scan import ElectronicScan, RotatingScan
from bastion.sensors.signature import SignatureTable, Targets
from bastion.sensors.swerling import detected_power, swerling_pd, swerling_snr
from bastion.sensors.terrain import Terrain, line_of_sight
from bastion.types import DetectionBatch, ObjectStatus, TrackTable, TruthBatch

#: Floor on an RCS before it is put in dB (-100 dBsm).
_MIN_RCS_M2 = 1e-10

#: ``_detect_targets`` of a look that found nothing (read-only: only ever copied from).
_NO_TARGETS = (np.zeros((0, 4)), np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0))
for _empty in _NO_TARGETS:
    _empty.flags.writeable = False


def radial_speed(rel_pos: np.ndarray, vel: np.ndarray) -> np.ndarray:
    """Range rate (m/s, positive receding) of targets at ``rel_pos`` from a still sensor."""
    rng = np.linalg.norm(rel_pos, axis=-1)
    dot = np.einsum("...i,...i->...", rel_pos, vel)
    return np.divide(dot, rng, out=np.zeros_like(dot), where=rng > 0.0)


class SurveillanceRadar(PlacedSensor):
    """A rotating or electronically scanned surveillance radar at ``position`` (ENU, antenna
    height included)."""

    config: RadarConfig

    def __init__(
        self,
        config: RadarConfig,
        position: np.ndarray,
        signatures: SignatureTable | None = None,
        terrain: Terrain | None = None,
        clutter_cells: tuple[ClutterCellEnu, ...] = (),
    ) -> None:
        super().__init__(config, position, signatures, terrain)
        position = self.position
        self.snr_ref = swerling_snr(config.reference_pd, config.pfa, config.swerling)
        self.scan = (
            RotatingScan(config.scan_period_s)
            if config.scan == "rotating"
            else ElectronicScan(
                config.scan_period_s,
                np.radians(config.sector_center_deg),
                np.radians(config.sector_width_deg),
            )
        )
        self.revisit_s = self.scan.revisit_s
        coverage = TWO_PI if config.scan == "rotating" else np.radians(config.sector_width_deg)
        self.clutter = RadarClutter(config, position, coverage, clutter_cells)
        self.measured = np.array([True, True, True, config.measures_range_rate])
        # Per-call constants, worked out once: the threshold SNR (a false alarm's mean SNR),
        # the factor of the threshold RCS, the elevation limit and each component's noise model
        # (floor, resolution or None, slope).
        self._threshold_snr = -np.log(config.pfa)
        self._threshold_rcs_factor = config.reference_rcs_m2 * (self._threshold_snr / self.snr_ref)
        self._max_elevation_rad = np.radians(config.max_elevation_deg)
        c = config
        bw_az = None if c.beamwidth_azimuth_deg is None else np.radians(c.beamwidth_azimuth_deg)
        bw_el = None if c.beamwidth_elevation_deg is None else np.radians(c.beamwidth_elevation_deg)
        self._noise_model = (
            (c.sigma_range_m, c.range_resolution_m, 1.0),
            (np.radians(c.sigma_azimuth_deg), bw_az, MONOPULSE_SLOPE),
            (np.radians(c.sigma_elevation_deg), bw_el, MONOPULSE_SLOPE),
            (c.sigma_range_rate_mps, c.velocity_resolution_mps, 1.0),
        )

    def cue(self, tracks: TrackTable) -> None:
        """A surveillance radar searches on its own: cues change nothing."""

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
        """Single-look Pd from the radar equation alone (no masking, aspect or clutter notch)."""
        return swerling_pd(self.snr(range_m, rcs_m2), self.config.pfa, self.config.swerling)

    def threshold_rcs_m2(self, range_m: np.ndarray) -> np.ndarray:
        """RCS whose mean SNR at ``range_m`` equals the detection threshold, -ln(Pfa)."""
        return self._threshold_rcs_factor * (range_m / self.config.reference_range_m) ** 4

    def aspect_rcs_m2(self, targets: Targets) -> np.ndarray:
        """Each target's RCS toward this radar: the mean times its aspect pattern's gain."""
        sig = targets.sig
        return self._aspect_rcs(
            targets.pos, targets.vel, targets.rcs_m2, sig.patterns, sig.rcs_pattern
        )

    def _aspect_rcs(
        self,
        pos: np.ndarray,
        vel: np.ndarray,
        rcs_m2: np.ndarray,
        patterns: np.ndarray,
        pattern: np.ndarray,
    ) -> np.ndarray:
        aspect = aspect_angle(pos, vel, self.position)
        return rcs_m2 * pattern_gain(patterns, pattern, aspect)

    def _radar_equation(
        self,
        pos: np.ndarray,
        vel: np.ndarray,
        range_m: np.ndarray,
        rcs_m2: np.ndarray,
        patterns: np.ndarray,
        pattern: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Aspect RCS, mean SNR and single-look Pd of targets the radar can see."""
        rcs = self._aspect_rcs(pos, vel, rcs_m2, patterns, pattern)
        snr = self.snr(range_m, rcs)
        return rcs, snr, swerling_pd(snr, self.config.pfa, self.config.swerling)

    def _observable(self, pos: np.ndarray, polar: np.ndarray, v_r: np.ndarray) -> np.ndarray:
        """Which targets at ``pos`` (N, 3) the radar can see at all: range window, elevation
        limit, clutter notch, then (the costly test, on the survivors) line of sight."""
        c = self.config
        ok = (
            (polar[:, 0] >= c.min_range_m)
            & (polar[:, 0] <= c.max_range_m)
            & (polar[:, 2] <= self._max_elevation_rad)
            & (np.abs(v_r) >= c.min_detectable_velocity_mps)
        )
        if ok.any():
            idx = np.flatnonzero(ok)
            ok[idx] = line_of_sight(self.position, pos[idx], self.terrain)
        return ok

    def look_pd(self, targets: Targets) -> np.ndarray:
        """Probability of detecting each target (N,) on one look at it, masking included."""
        rel = targets.pos - self.position
        polar = enu_to_polar(rel)
        seen = np.flatnonzero(self._observable(targets.pos, polar, radial_speed(rel, targets.vel)))
        pd = np.zeros(len(targets))
        pd[seen] = self._radar_equation(
            targets.pos[seen],
            targets.vel[seen],
            polar[seen, 0],
            targets.rcs_m2[seen],
            targets.sig.patterns,
            targets.sig.rcs_pattern[seen],
        )[2]
        return pd

    def observe(self, truth: TruthBatch, t_prev: float, rng: np.random.Generator) -> DetectionBatch:
        """Detections made in (t_prev, truth.t]: targets the scan looked at, and false alarms."""
        c = self.config
        t = truth.t
        z_true, rcs, snr, truth_id, modulation = self._detect_targets(truth, t_prev, rng)

        sector = self.scan.sector(t_prev, t)
        fa = self.clutter.draw(
            sector,
            self.scan.scans(t_prev, t),
            lambda a: self.scan.looks(a, t_prev, t),
            rng,
        )
        fa_rcs = self.threshold_rcs_m2(fa.polar[:, 0])
        n_fa = fa.polar.shape[0]

        snr_all = np.concatenate([snr, np.full(n_fa, self._threshold_snr)])  # alarms: at T
        sigma = self._sigmas(snr_all)
        # False alarms are drawn at random positions already; noise on top would only blur
        # where they may lie (below the ground, beyond the range limits).
        z = np.concatenate(
            [
                noisy(z_true, sigma[: snr.size], rng),
                np.column_stack([fa.polar, fa.range_rate]),
            ]
        )
        rcs_est = np.concatenate([rcs, fa_rcs])
        if c.rcs_estimate == "fluctuating":
            power = np.concatenate(
                [
                    detected_power(snr, c.pfa, c.swerling, rng),
                    self._threshold_snr + rng.exponential(1.0, n_fa),
                ]
            )
            rcs_est = rcs_est * (power - 1.0) / snr_all
        rcs_dbsm = _dbsm(rcs_est) + rng.normal(0.0, c.sigma_rcs_db, z.shape[0])
        micro = np.concatenate([self._micro_doppler(modulation, snr, rng), np.full(n_fa, np.nan)])
        return make_batch(
            t=t,
            sensor_id=self.sensor_id,
            sensor_pos=self.position,
            measured=self.measured,
            z=z,
            sigma=sigma,
            truth_id=np.concatenate([truth_id, np.full(n_fa, -1)]),
            az_start_rad=sector[0],
            az_extent_rad=sector[1],
            max_range_m=c.max_range_m,
            rng=rng,
            rcs_dbsm=rcs_dbsm,
            micro_doppler_hz=micro,
        )

    def _detect_targets(
        self, truth: TruthBatch, t_prev: float, rng: np.random.Generator
    ) -> tuple[np.ndarray, ...]:
        """The objects detected in (t_prev, truth.t]: their true (R, az, el, v_r) (N, 4),
        aspect RCS, mean SNR, object ids and micro-Doppler modulation.

        Every object the scan looked at draws its chance of detection; the radar equation is
        only worked out for those the radar can see at all (the others' chance is 0).
        """
        flying = np.flatnonzero(truth.status == ObjectStatus.FLYING)
        rel = truth.pos[flying] - self.position
        polar = enu_to_polar(rel)
        looks = self.scan.looks(polar[:, 1], t_prev, truth.t)
        looked = looks > 0
        rows, looks, polar, rel = flying[looked], looks[looked], polar[looked], rel[looked]
        u = rng.random(rows.size)
        pos, vel = truth.pos[rows], truth.vel[rows]
        v_r = radial_speed(rel, vel)
        seen = np.flatnonzero(self._observable(pos, polar, v_r))
        if seen.size == 0:
            return _NO_TARGETS
        ids = truth.object_id[rows[seen]]
        pattern, modulation = self.signatures.columns(ids, "rcs_pattern", "modulation_hz")
        rcs, snr, pd = self._radar_equation(
            pos[seen],
            vel[seen],
            polar[seen, 0],
            truth.rcs_m2[rows[seen]],
            self.signatures.sig.patterns,
            pattern,
        )
        hit = u[seen] < 1.0 - (1.0 - pd) ** looks[seen]
        found = seen[hit]
        z_true = np.column_stack([polar[found], v_r[found]])
        return z_true, rcs[hit], snr[hit], ids[hit], modulation[hit]

    def _sigmas(self, snr: np.ndarray) -> np.ndarray:
        """Per-row measurement sigmas (N, 4) at mean SNR ``snr``."""
        sigma = np.empty((snr.size, 4))
        for k, (floor, resolution, slope) in enumerate(self._noise_model):
            sigma[:, k] = floor if resolution is None else snr_sigma(floor, resolution, snr, slope)
        return sigma

    def _micro_doppler(
        self, modulation_hz: np.ndarray, snr: np.ndarray, rng: np.random.Generator
    ) -> np.ndarray:
        """Measured modulation: log-normal about the truth where the SNR allows, else NaN."""
        c = self.config
        if c.micro_doppler_min_snr_db is None:
            return np.full(modulation_hz.size, np.nan)
        noise = rng.normal(0.0, c.sigma_micro_doppler, modulation_hz.size)
        with np.errstate(divide="ignore"):
            enough = 10.0 * np.log10(snr) >= c.micro_doppler_min_snr_db
        return np.where(enough, modulation_hz * np.exp(noise), np.nan)


def _dbsm(rcs_m2: np.ndarray) -> np.ndarray:
    """RCS in dBsm, floored so that a zero RCS still gives a finite feature."""
    return 10.0 * np.log10(np.maximum(rcs_m2, _MIN_RCS_M2))
