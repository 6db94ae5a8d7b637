"""Slewing EO/IR camera: cued by the track table, Johnson-criteria detection and recognition.

**Task probability** (Johnson, "Analysis of image forming systems", 1958; the target transfer
probability function of the NVESD models): a target of critical dimension d at range R spans
``N = d / (R θ_c)`` resolvable cycles, θ_c the camera's angular size of one cycle. The chance
of a task needing N50 cycles for 50 % success is::

    P(N) = (N / N50)^E / (1 + (N / N50)^E),   E = 2.7 + 0.7 N / N50

with N50 = 1.0 to detect, 4.0 to recognise the class (drone, bird, aircraft) and 6.4 to
identify the type. A channel's θ_c follows from its configured 50 % detection range R_50 of the
reference size d_ref: ``θ_c = d_ref / (R_50 N50_detect)``, so ``N = N50_detect (d / d_ref)
(R_50 / R)``. The recognition and identification ranges are then 1/4 and 1/6.4 of the detection
range.

**Weather and light**: the apparent contrast of a target falls with range as ``C(R) = C0
exp(-β R)``, β = 3.912 / V for meteorological visibility V (Koschmieder, 2 % threshold
contrast); the camera needs C above ``threshold_contrast``: ``P_contrast = Φ(ln(C / ε) / 0.5)``.
The thermal channel's extinction is ``thermal_extinction_ratio · β``. The visible channel is
blind at night. A task's probability is the best channel's ``P(N) · P_contrast``.

**Pointing**: after each tick the engine hands the camera the track table (:meth:`cue`). It
picks a confirmed track in range (the one inspected longest ago, nearest first), keeps it for
``dwell_s`` once settled, then moves on. Each tick it slews its boresight (azimuth and
elevation axes each at ``slew_rate_deg_s``) toward the cued track's predicted position; it sees
nothing while slewing, and once there, after ``settle_s``, it detects every object inside its
field of view with the detection probability above, reporting azimuth and elevation, a class
cue when it recognised the object and a type cue when it identified it. It decides once per
``frame_interval_s`` (frames taken as independent), at most once per tick.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtr

from bastion.frames import enu_to_polar
from bastion.scenario.schema import Environment, EoIrConfig
from bastion.sensors.base import PlacedSensor
from bastion.sensors.batch import TWO_PI
from bastion.sensors.bearing import (
    AZIMUTH_ELEVATION,
    bearing_batch,
    false_bearings,
    no_bearings,
    periodic_looks,
)
from bastion.sensors.signature import SignatureTable, Targets
from bastion.sensors.terrain import Terrain, line_of_sight
from bastion.types import (
    CLASSES,
    DetectionBatch,
    ObjectKind,
    ObjectStatus,
    TrackStatus,
    TrackTable,
    TruthBatch,
)

#: Johnson's cycles across the critical dimension for 50 % success of each task.
N50 = {"detect": 1.0, "recognise": 4.0, "identify": 6.4}

#: The tasks a camera reports on, in order: a detection, its class cue, its type cue.
TASKS = ("detect", "recognise", "identify")

#: Koschmieder: extinction coefficient β = 3.912 / visibility (2 % contrast threshold).
KOSCHMIEDER = 3.912

#: N / N50 beyond which P(N) is 1 to double precision (50^37.7 ≈ 1e64).
_TTPF_SATURATED = 50.0

#: Spread of the contrast threshold, in natural-log units of contrast.
_CONTRAST_SPREAD = 0.5

#: Rows and polar coordinates of the objects in view when the camera is not looking.
_NOTHING_IN_VIEW = (np.zeros(0, dtype=np.intp), np.zeros((0, 3)))

#: Class codes of object kinds (ObjectKind -> CLASSES index).
_CLASS_OF_KIND = np.array([CLASSES.index(k.name.lower()) for k in ObjectKind], dtype=np.int8)


def ttpf(n_over_n50: np.ndarray) -> np.ndarray:
    """Target transfer probability function: x^E / (1 + x^E), E = 2.7 + 0.7 x, x = N / N50."""
    x = np.clip(np.asarray(n_over_n50, dtype=float), 0.0, _TTPF_SATURATED)
    xe = x ** (2.7 + 0.7 * x)
    return xe / (1.0 + xe)


def _over_frames(p: np.ndarray, frames: int) -> np.ndarray:
    """Success in at least one of ``frames`` independent frames: 1 - (1 - p)^frames."""
    return 1.0 - (1.0 - p) ** frames


def wrap_pi(angle: np.ndarray | float) -> np.ndarray:
    """Angles to [-π, π)."""
    return np.mod(np.asarray(angle) + np.pi, TWO_PI) - np.pi


class EoIrCamera(PlacedSensor):
    """A pan-tilt EO/IR camera at ``position`` (ENU, mast height included)."""

    config: EoIrConfig

    def __init__(
        self,
        config: EoIrConfig,
        position: np.ndarray,
        environment: Environment,
        signatures: SignatureTable | None = None,
        terrain: Terrain | None = None,
    ) -> None:
        super().__init__(config, position, signatures, terrain)
        self.revisit_s = config.frame_interval_s
        beta = KOSCHMIEDER / environment.visibility_m
        self._channels = []  # (R_50 m, extinction 1/m)
        if config.visible_detection_range_m is not None and environment.light == "day":
            self._channels.append((config.visible_detection_range_m, beta))
        if config.thermal_detection_range_m is not None:
            self._channels.append(
                (config.thermal_detection_range_m, config.thermal_extinction_ratio * beta)
            )
        # Per-call constants: half the field of view (az, el), the slew rate, the noise floors,
        # each task's N50 and the log of the inherent over the threshold contrast.
        self._half_fov = 0.5 * np.radians([config.fov_azimuth_deg, config.fov_elevation_deg])
        self._slew_rate = np.radians(config.slew_rate_deg_s)
        self._sigma_az = np.radians(config.sigma_azimuth_deg)
        self._sigma_el = np.radians(config.sigma_elevation_deg)
        self._n50 = np.array([N50[task] for task in TASKS])[:, None]
        self._log_contrast0 = np.log(config.inherent_contrast / config.threshold_contrast)
        rest = np.radians([config.rest_azimuth_deg, config.rest_elevation_deg])
        self.boresight = (float(rest[0]), float(rest[1]))  # azimuth, elevation (rad)
        self.settled_at = 0.0  # time the boresight came to rest on its current aim
        self.cue_id = -1  # track id it is looking at, -1 none
        self._cue_state = np.zeros(6)  # that track's (e, n, u, ve, vn, vu) at _cue_t
        self._cue_t = 0.0
        self._inspected: dict[int, float] = {}  # track id -> when the camera left it

    # -- detection model ---------------------------------------------------------------------

    def task_probabilities(self, targets: Targets, tasks: tuple[str, ...]) -> np.ndarray:
        """Probability (T, N) of each task (detect, recognise, identify) for a camera pointed
        at the targets: best channel of P(N / N50) · P_contrast; 0 out of range or sight."""
        n50 = np.array([N50[task] for task in tasks])[:, None]
        return self._task_probabilities(targets.pos, targets.sig.size_m, n50)

    def _task_probabilities(
        self, pos: np.ndarray, size_m: np.ndarray, n50: np.ndarray
    ) -> np.ndarray:
        """``task_probabilities`` of objects at ``pos`` (N, 3) of critical size ``size_m``
        (N,), for the tasks of N50 ``n50`` (T, 1)."""
        c = self.config
        slant = np.linalg.norm(pos - self.position, axis=-1)
        seen = np.flatnonzero(slant <= c.max_range_m)
        if seen.size:
            seen = seen[line_of_sight(self.position, pos[seen], self.terrain)]
        p = np.zeros((n50.shape[0], slant.size))
        if seen.size == 0:
            return p
        slant, size_ratio = slant[seen], size_m[seen] / c.reference_size_m
        best = np.zeros((n50.shape[0], seen.size))
        with np.errstate(divide="ignore"):
            for r50, beta in self._channels:
                cycles = N50["detect"] * size_ratio * (r50 / slant)
                contrast = ndtr((self._log_contrast0 - beta * slant) / _CONTRAST_SPREAD)
                best = np.maximum(best, ttpf(cycles[None, :] / n50) * contrast[None, :])
        p[:, seen] = best
        return p

    def look_pd(self, targets: Targets) -> np.ndarray:
        """Detection probability of one frame with the camera pointed at each target."""
        return self.task_probabilities(targets, ("detect",))[0]

    # -- pointing ----------------------------------------------------------------------------

    def cue(self, tracks: TrackTable) -> None:
        """Keep the current track for ``dwell_s`` once settled on it, else take the next one."""
        now = tracks.t
        confirmed = tracks.status == TrackStatus.CONFIRMED
        in_range = (
            np.linalg.norm(tracks.x[:, :3] - self.position, axis=1) <= self.config.max_range_m
        )
        ids = tracks.track_id[confirmed & in_range]
        keep = self.cue_id in ids and now < self.settled_at + self.config.dwell_s
        if not keep:
            if self.cue_id >= 0:
                self._inspected[self.cue_id] = now
            self.cue_id = self._next_track(tracks, ids)
        if self.cue_id >= 0:
            row = int(np.flatnonzero(tracks.track_id == self.cue_id)[0])
            self._cue_state = tracks.x[row, :6].copy()
            self._cue_t = now

    def _next_track(self, tracks: TrackTable, ids: np.ndarray) -> int:
        """The candidate inspected longest ago (never first), nearest first among equals."""
        if ids.size == 0:
            return -1
        rows = np.flatnonzero(np.isin(tracks.track_id, ids))
        last = np.array([self._inspected.get(int(i), -np.inf) for i in tracks.track_id[rows]])
        dist = np.linalg.norm(tracks.x[rows, :3] - self.position, axis=1)
        best = np.lexsort((dist, last))[0]
        return int(tracks.track_id[rows[best]])

    def _slew(self, t_prev: float, t: float) -> None:
        """Move the boresight toward the cued track's predicted direction at t."""
        if self.cue_id < 0:
            return
        aim_pos = self._cue_state[:3] + self._cue_state[3:] * (t - self._cue_t)
        _, aim_az, aim_el = enu_to_polar(aim_pos - self.position).tolist()
        # Scalar arithmetic in Python floats: the same IEEE operations as numpy's, and cheaper.
        az, el = self.boresight
        d_az, d_el = (aim_az - az + math.pi) % TWO_PI - math.pi, aim_el - el  # as wrap_pi
        rate = self._slew_rate
        need_s = max(abs(d_az), abs(d_el)) / rate
        on_target = abs(d_az) <= 0.5 * self._half_fov[0] and abs(d_el) <= 0.5 * self._half_fov[1]
        most = rate * (t - t_prev)
        step_az, step_el = min(max(d_az, -most), most), min(max(d_el, -most), most)
        self.boresight = ((az + step_az) % TWO_PI, el + step_el)
        # A real slew (or one that only just ended) restarts the settling clock; small
        # corrections while following a target do not.
        if not on_target or math.isinf(self.settled_at):
            reached = need_s <= (t - t_prev) * (1.0 + 1e-9)
            self.settled_at = t_prev + need_s + self.config.settle_s if reached else np.inf

    def _in_view(self, polar: np.ndarray) -> np.ndarray:
        d_az = wrap_pi(polar[:, 1] - self.boresight[0]) * np.cos(polar[:, 2])
        d_el = polar[:, 2] - self.boresight[1]
        return (np.abs(d_az) <= self._half_fov[0]) & (np.abs(d_el) <= self._half_fov[1])

    # -- one tick ----------------------------------------------------------------------------

    def observe(self, truth: TruthBatch, t_prev: float, rng: np.random.Generator) -> DetectionBatch:
        c = self.config
        self._slew(t_prev, truth.t)
        frames = periodic_looks(c.frame_interval_s, t_prev, truth.t)
        looking = truth.t >= self.settled_at and frames > 0
        (half_az, half_el), (az, el) = self._half_fov, self.boresight
        rows, polar = _NOTHING_IN_VIEW
        if looking:  # only a settled camera on a frame sees anything: skip the geometry else
            flying = np.flatnonzero(truth.status == ObjectStatus.FLYING)
            polar = enu_to_polar(truth.pos[flying] - self.position)
            in_view = self._in_view(polar)
            rows, polar = flying[in_view], polar[in_view]
        extent = 2.0 * half_az if looking else 0.0
        az_start = float(np.mod(az - half_az, TWO_PI))
        if rows.size == 0 and c.false_alarms_per_hour == 0.0:
            return no_bearings(self, truth.t, AZIMUTH_ELEVATION, az_start, extent)
        ids = truth.object_id[rows]
        size_m, identity = self.signatures.columns(ids, "size_m", "identity")
        u = rng.random(rows.size)
        tasks = self._task_probabilities(truth.pos[rows], size_m, self._n50)
        hit, recognised, identified = u < _over_frames(tasks, frames)
        false_polar = false_bearings(
            c.false_alarms_per_hour,
            truth.t - t_prev,
            float(az - half_az),
            extent,
            (float(el - half_el), float(el + half_el)),
            rng,
        )
        n_false = false_polar.shape[0]
        no_cue = np.full(n_false, -1, dtype=np.int8)
        n_hit = int(hit.sum())
        return bearing_batch(
            t=truth.t,
            sensor_id=self.sensor_id,
            sensor_pos=self.position,
            measured=AZIMUTH_ELEVATION,
            polar=polar[hit],
            sigma_az=np.full(n_hit, self._sigma_az),
            sigma_el=np.full(n_hit, self._sigma_el),
            truth_id=ids[hit],
            false_polar=false_polar,
            false_sigma_az=float(self._sigma_az),
            false_sigma_el=float(self._sigma_el),
            az_start_rad=az_start,
            az_extent_rad=extent,
            max_range_m=c.max_range_m,
            rng=rng,
            class_cue=np.concatenate(
                [np.where(recognised, _CLASS_OF_KIND[truth.kind[rows]], -1)[hit], no_cue]
            ),
            type_cue=np.concatenate([np.where(identified, identity, -1)[hit], no_cue]),
        )
