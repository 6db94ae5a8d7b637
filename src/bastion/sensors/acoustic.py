"""Acoustic array: a short-range bearing sensor that hears engines, piston far more than electric.

On each look (every ``revisit_s``) at a FLYING object with source level SL (dB re 20 µPa at
1 m, :mod:`bastion.sensors.signature`), the passive sonar equation in air::

    TL  = 20 log10(R / 1 m) + α R                     (spherical spreading + absorption)
    SNR = SL - TL - NL + AG                           (dB; NL ambient noise, AG array gain)
    Pd  = Φ((SNR - DT) / σ_fluct)                     (DT: detection threshold)

Sound is slow: the array hears where the object *was*, R / c earlier. The bearing is that of
the retarded position ``p - v R / c`` (first order in v / c), so a bearing lags a crossing
target by up to ``v R / c`` metres. Bearing error: σ_floor ⊕ θ_array / (1.6 √(2 SNR)). No
line of sight is needed: sound bends around terrain and buildings.

Each detection also carries the received sound level ``SL - TL`` (dB re 20 µPa, with the
fluctuation's N(0, σ_fluct²)): with a track's range it gives the source level, the loudness
that tells a piston engine from an electric motor or a jet (``level_db``; a false bearing
carries the level at the detection threshold).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from bastion.frames import enu_to_polar
from bastion.scenario.schema import AcousticConfig
from bastion.sensors.batch import MONOPULSE_SLOPE, TWO_PI, snr_sigma
from bastion.sensors.bearing import (
    AZIMUTH_ONLY,
    bearing_batch,
    false_bearings,
    no_bearings,
    periodic_looks,
)
from bastion.sensors.signature import SignatureTable, Targets
from bastion.types import DetectionBatch, ObjectStatus, TrackTable, TruthBatch


class AcousticArray:
    """A microphone array at ``position`` (ENU, its height included)."""

    def __init__(
        self, config: AcousticConfig, position: np.ndarray, signatures: SignatureTable | None = None
    ) -> None:
        self.sensor_id = config.id
        self.position = np.array(position, dtype=float)
        self.position.flags.writeable = False
        self.config = config
        self.signatures = signatures or SignatureTable.empty()
        self.revisit_s = config.revisit_s

    def cue(self, tracks: TrackTable) -> None:
        """An acoustic array listens all round: cues change nothing."""

    def heard_from(self, targets: Targets) -> np.ndarray:
        """Retarded positions (N, 3): where each target was when the sound now arriving left it."""
        delay = (
            np.linalg.norm(targets.pos - self.position, axis=-1) / self.config.speed_of_sound_mps
        )
        return targets.pos - targets.vel * delay[:, None]

    def snr_db(self, targets: Targets) -> np.ndarray:
        """SNR (dB) of each target at the array output; -inf beyond range or if silent."""
        c = self.config
        r = np.maximum(np.linalg.norm(self.heard_from(targets) - self.position, axis=-1), 1.0)
        loss = 20.0 * np.log10(r) + c.absorption_db_per_km * r / 1_000.0
        snr = targets.sig.source_level_db - loss - c.ambient_noise_db + c.array_gain_db
        return np.where(r <= c.max_range_m, snr, -np.inf)

    def look_pd(self, targets: Targets) -> np.ndarray:
        """Probability of hearing each target on one look: Φ((SNR - DT) / σ)."""
        c = self.config
        return ndtr((self.snr_db(targets) - c.detection_threshold_db) / c.fluctuation_sigma_db)

    def observe(self, truth: TruthBatch, t_prev: float, rng: np.random.Generator) -> DetectionBatch:
        c = self.config
        looks = periodic_looks(c.revisit_s, t_prev, truth.t)
        # Heard from at most (1 + v/c) times its present range: a cheap bound to cut by first.
        slowness = 1.0 - np.minimum(np.linalg.norm(truth.vel, axis=1) / c.speed_of_sound_mps, 0.99)
        near = np.linalg.norm(truth.pos - self.position, axis=1) * slowness <= c.max_range_m
        candidates = np.flatnonzero((truth.status == ObjectStatus.FLYING) & near & (looks > 0))
        loud = self.signatures.lookup("source_level_db", truth.object_id[candidates])
        candidates = candidates[np.isfinite(loud)]
        extent = TWO_PI if looks > 0 else 0.0
        if candidates.size == 0 and c.false_alarms_per_hour == 0.0:
            return no_bearings(self, truth.t, AZIMUTH_ONLY, 0.0, extent)
        targets = self.signatures.targets(truth, candidates)
        snr_db = self.snr_db(targets)
        pd = (
            1.0
            - (1.0 - ndtr((snr_db - c.detection_threshold_db) / c.fluctuation_sigma_db)) ** looks
        )
        hit = rng.random(pd.size) < pd
        false_polar = false_bearings(
            c.false_alarms_per_hour, truth.t - t_prev, 0.0, extent, (0.0, 0.0), rng
        )
        floor, width = np.radians(c.sigma_azimuth_deg), np.radians(c.array_beamwidth_deg)
        at_threshold = 10.0 ** (c.detection_threshold_db / 10.0)
        received = np.concatenate(
            [snr_db[hit], np.full(false_polar.shape[0], c.detection_threshold_db)]
        )
        received += c.ambient_noise_db - c.array_gain_db
        received += rng.normal(0.0, c.fluctuation_sigma_db, received.size)
        return bearing_batch(
            t=truth.t,
            sensor_id=self.sensor_id,
            sensor_pos=self.position,
            measured=AZIMUTH_ONLY,
            polar=enu_to_polar(self.heard_from(targets)[hit] - self.position),
            sigma_az=snr_sigma(floor, width, 10.0 ** (snr_db[hit] / 10.0), MONOPULSE_SLOPE),
            sigma_el=np.zeros(int(hit.sum())),
            truth_id=targets.truth_id[hit],
            false_polar=false_polar,
            false_sigma_az=float(snr_sigma(floor, width, np.array(at_threshold), MONOPULSE_SLOPE)),
            false_sigma_el=0.0,
            az_start_rad=0.0,
            az_extent_rad=extent,
            max_range_m=c.max_range_m,
            rng=rng,
            level_db=received,
        )
