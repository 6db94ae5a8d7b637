"""Passive RF detector and direction finder: hears drones' radio links, and nothing else.

Only a drone whose radio is on is heard (:func:`bastion.sensors.signature.is_emitting`): one
flown by remote control. An autonomous GNSS drone with no control link is silent, however
close. Link budget, on each look (every ``revisit_s``) at an emitter in line of sight::

    FSPL(d, f) = 20 log10(d / 1 m) + 20 log10(f / 1 Hz) - 147.55          (free space, dB)
    P_r        = EIRP + G_rx - FSPL                                        (dBm)
    Pd         = Φ((P_r - sensitivity) / σ_shadow)                         (log-normal fading)

so the detection range at Pd 0.5 is where P_r equals the sensitivity. The detector reports the
bearing and the emitter type (protocol recognition). Bearing error: σ_floor ⊕ θ_DF / (1.6
√(2 SNR)), with the SNR ``SENSITIVITY_SNR_DB`` above the margin P_r - sensitivity.

Emitters (carrier, EIRP): ``control_2g4`` 2.44 GHz, 20 dBm (ETSI EN 300 328 limit for the
2.4 GHz band); ``video_5g8`` 5.8 GHz, 23 dBm (analogue FPV video transmitters, 200 mW:
assumption); ``ocusync`` 2.44 GHz, 26 dBm (DJI OcuSync, FCC mode, per DJI specification
sheets); ``lora_868`` 868 MHz, 27 dBm (long-range hobby control links at 500 mW: assumption);
``lte_modem`` 1.8 GHz, 23 dBm (LTE user equipment power class 3, 3GPP TS 36.101).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from bastion.frames import enu_to_polar
from bastion.scenario.schema import RfDetectorConfig
from bastion.sensors.base import PlacedSensor
from bastion.sensors.batch import MONOPULSE_SLOPE, TWO_PI, snr_sigma
from bastion.sensors.bearing import (
    AZIMUTH_ONLY,
    bearing_batch,
    false_bearings,
    no_bearings,
    periodic_looks,
)
from bastion.sensors.signature import SignatureTable, Targets
from bastion.sensors.terrain import Terrain, line_of_sight
from bastion.types import EMITTER_TYPES, DetectionBatch, ObjectStatus, TrackTable, TruthBatch

#: Emitter carrier (Hz) and EIRP (dBm), by name (sources in the module docstring).
EMITTERS: dict[str, tuple[float, float]] = {
    "control_2g4": (2.44e9, 20.0),
    "video_5g8": (5.8e9, 23.0),
    "ocusync": (2.44e9, 26.0),
    "lora_868": (868e6, 27.0),
    "lte_modem": (1.8e9, 23.0),
}

#: SNR (dB) at the sensitivity level: the received power a detector's threshold is set at.
SENSITIVITY_SNR_DB = 10.0


def free_space_loss_db(distance_m: np.ndarray, frequency_hz: np.ndarray) -> np.ndarray:
    """Free-space path loss, dB: 20 log10(d) + 20 log10(f) - 147.55 (d in m, f in Hz)."""
    d = np.maximum(np.asarray(distance_m, dtype=float), 1.0)
    return 20.0 * np.log10(d) + 20.0 * np.log10(frequency_hz) - 147.55


class RfDetector(PlacedSensor):
    """A direction-finding RF detector at ``position`` (ENU, antenna height included)."""

    config: RfDetectorConfig

    def __init__(
        self,
        config: RfDetectorConfig,
        position: np.ndarray,
        signatures: SignatureTable | None = None,
        terrain: Terrain | None = None,
    ) -> None:
        super().__init__(config, position, signatures, terrain)
        self.revisit_s = config.revisit_s
        self._freq = np.array([EMITTERS[name][0] for name in EMITTER_TYPES])
        self._eirp = np.array([EMITTERS[name][1] for name in EMITTER_TYPES])
        self._hears = np.array([name in config.hears for name in EMITTER_TYPES])
        self._hears_codes = np.flatnonzero(self._hears)
        # Bearing error model (floor, DF beamwidth) and a false bearing's error, at threshold.
        self._df = np.radians(config.sigma_azimuth_deg), np.radians(config.df_beamwidth_deg)
        at_threshold = np.array(10.0 ** (SENSITIVITY_SNR_DB / 10.0))
        self._false_sigma_az = float(snr_sigma(*self._df, at_threshold, MONOPULSE_SLOPE))

    def cue(self, tracks: TrackTable) -> None:
        """An RF detector listens all round: cues change nothing."""

    def margin_db(self, targets: Targets) -> np.ndarray:
        """Received power above the sensitivity (dB) of each target's radio; -inf if silent."""
        c = self.config
        code = np.maximum(targets.sig.emitter, 0)
        distance = np.linalg.norm(targets.pos - self.position, axis=-1)
        received = (
            self._eirp[code] + c.antenna_gain_dbi - free_space_loss_db(distance, self._freq[code])
        )
        audible = targets.emitting & self._hears[code] & (distance <= c.max_range_m)
        if audible.any():
            idx = np.flatnonzero(audible)
            audible[idx] = line_of_sight(self.position, targets.pos[idx], self.terrain)
        return np.where(audible, received - c.sensitivity_dbm, -np.inf)

    def look_pd(self, targets: Targets) -> np.ndarray:
        """Probability of hearing each target on one look: Φ(margin / σ_shadow)."""
        return ndtr(self.margin_db(targets) / self.config.shadowing_sigma_db)

    def observe(self, truth: TruthBatch, t_prev: float, rng: np.random.Generator) -> DetectionBatch:
        c = self.config
        looks = periodic_looks(c.revisit_s, t_prev, truth.t)
        flying = np.flatnonzero((truth.status == ObjectStatus.FLYING) & (looks > 0))
        rows = flying[self.signatures.emitting(truth, flying)]
        extent = TWO_PI if looks > 0 else 0.0
        if rows.size == 0 and c.false_alarms_per_hour == 0.0:
            return no_bearings(self, truth.t, AZIMUTH_ONLY, 0.0, extent)
        targets = self.signatures.targets(truth, rows)
        margin = self.margin_db(targets)
        pd = 1.0 - (1.0 - ndtr(margin / c.shadowing_sigma_db)) ** looks
        hit = rng.random(pd.size) < pd
        snr = 10.0 ** ((margin[hit] + SENSITIVITY_SNR_DB) / 10.0)
        false_polar = false_bearings(
            c.false_alarms_per_hour, truth.t - t_prev, 0.0, extent, (0.0, 0.0), rng
        )
        emitter = targets.sig.emitter[hit]
        return bearing_batch(
            t=truth.t,
            sensor_id=self.sensor_id,
            sensor_pos=self.position,
            measured=AZIMUTH_ONLY,
            polar=enu_to_polar(targets.pos[hit] - self.position),
            sigma_az=snr_sigma(*self._df, snr, MONOPULSE_SLOPE),
            sigma_el=np.zeros(emitter.size),
            truth_id=targets.truth_id[hit],
            false_polar=false_polar,
            false_sigma_az=self._false_sigma_az,
            false_sigma_el=0.0,
            az_start_rad=0.0,
            az_extent_rad=extent,
            max_range_m=c.max_range_m,
            rng=rng,
            emitter_type=np.concatenate(
                [emitter, rng.choice(self._hears_codes, false_polar.shape[0])]
            ),
        )
