"""Per-track classification features, kept up to date as detections and track states arrive.

Two inputs feed a :class:`TrackFeatures`:

- ``observe(batch, attribution)``, for every sensor batch: what the detections attributed to a
  track measured (radar RCS and micro-Doppler, RF emitter type, EO/IR class and type cues,
  acoustic level), and for the bearing sensors whether they looked at the track at all, so that
  silence is evidence too (a bird is never heard, an autonomous drone emits nothing);
- ``update(tracks)``, once per tick: kinematics from the track states, advanced only when a
  track has a new detection since the last call (``last_update_t`` moved on), since a
  prediction adds no information.

Kinematic averages are exponentially weighted in time (time constant ``TAU_S``, and
``TAU_LONG_S`` for the ``_long`` twins of speed, straightness and turn rate): with Δt the time
between a track's updates, ``m <- α m + (1 - α) x``, ``α = exp(-Δt / τ)``, seeded with the
first value. Per update, with v the filtered velocity::

    airspeed   |v_h - w_h|                                 (w: the site's met wind)
    turn rate  ω = atan2(v_prev × v, v_prev · v) / Δt     (horizontal, both speeds > MIN_SPEED)
    accel      a = (v - v_prev) / Δt                       (3-D)
    straightness = |m(v_h)| / m(|v_h|)                     (mean resultant length: 1 straight)
    accel_corr   = m(a · a_prev) / m(|a|²)                 (lag-one autocorrelation)

A constant turn at ω gives turn rate ω and straightness 1 / sqrt(1 + (ω τ)²) once the start is
forgotten; a straight track gives 0 and 1. The spreads of airspeed and of ground speed (over
both time constants) say in which frame an object holds its speed as its heading changes in a
wind: a bird flies in the air mass, steady through the air and faster downwind over the ground;
a drone on GNSS holds its ground speed, and its airspeed swings instead. ``accel_corr`` sums up
the acceleration spectrum: near 1 when the power is at low frequency (smooth, deliberate
manoeuvres), near 0 or below for jittery flight. Missing evidence is NaN (no radar plot yet: no
RCS; never in an acoustic array's coverage: no acoustic fraction). State is held per track id
and forgotten when the track leaves the table.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from bastion.scenario.schema import AcousticConfig
from bastion.threat.rows import sorted_rows
from bastion.tracking.base import Attribution
from bastion.types import CLASSES, IDENTITIES, DetectionBatch, TrackTable

TAU_S = 30.0  # time constant of the kinematic averages
#: ... and of their long-memory twins: over minutes a bird's heading wanders and its speed
#: changes, where a drone's legs and holds stay as they were; a 30 s window sees too little of
#: either, and a long ambiguous track's belief then drifts with each window.
TAU_LONG_S = 120.0
#: Evidence counts saturate: past a few minutes more of the same tells the model nothing about
#: how sure to be, and a track's longevity must not become a class cue of its own.
MAX_AGE_S, MAX_COUNT = 180.0, 90.0
MIN_SPEED_MPS = 2.0  # slower than this a heading is noise: no turn rate
#: Absorption assumed to turn an acoustic level into a source level (the array's default).
ABSORPTION_DB_PER_M = AcousticConfig.model_fields["absorption_db_per_km"].default / 1_000.0

#: EO/IR cues counted: recognised class (the first three CLASSES) and identified type.
_EO_CLASSES = CLASSES[:3]
_EO_TYPES = ("rotary_drone", "fixed_wing_drone", "propeller_aircraft", "jet_aircraft")
_BEARING_KINDS = ("rf_detector", "eo_ir", "acoustic")

#: Feature columns, in the order of :meth:`TrackFeatures.update`'s matrix.
FEATURES: tuple[str, ...] = (
    # kinematics
    "speed_mps",
    "speed_mean_mps",
    "speed_std_mps",
    "airspeed_mean_mps",
    "airspeed_std_mps",
    "speed_mean_long_mps",
    "speed_std_long_mps",
    "airspeed_std_long_mps",
    "climb_mps",
    "climb_mean_mps",
    "climb_std_mps",
    "turn_rate_abs_mean_dps",
    "turn_rate_std_dps",
    "height_m",
    "straightness",
    "straightness_long",
    "turn_rate_abs_mean_long_dps",
    "accel_rms_mps2",
    "accel_corr",
    "speed_sigma_mps",
    # how much evidence
    "age_s",
    "hits",
    "radar_plots",
    # radar signature
    "rcs_mean_dbsm",
    "rcs_std_db",
    "micro_doppler_log10_hz",
    "micro_doppler_fraction",
    # RF
    "rf_fraction",
    "rf_emitter",
    # EO/IR
    "eo_detections",
    "eo_fraction",
    *(f"eo_{name}_fraction" for name in _EO_CLASSES),
    *(f"eo_{name}_fraction" for name in _EO_TYPES),
    # acoustic
    "acoustic_fraction",
    "source_level_db",
)

#: Accumulators per track: name -> initial value.
_STATE: dict[str, float] = {
    "fresh": 1.0,  # new evidence since the last update() (a new track is all new)
    "first_t": np.nan,
    "last_t": -np.inf,
    "e": np.nan,
    "n": np.nan,
    "u": np.nan,
    "ve": np.nan,
    "vn": np.nan,
    "vu": np.nan,
    "ax": np.nan,
    "ay": np.nan,
    "az": np.nan,
    "m_speed": np.nan,
    "m_speed2": np.nan,
    "m_air": np.nan,
    "m_air2": np.nan,
    "l_air": np.nan,
    "l_air2": np.nan,
    "m_climb": np.nan,
    "m_climb2": np.nan,
    "m_turn_abs": np.nan,
    "m_turn2": np.nan,
    "m_ve": np.nan,
    "m_vn": np.nan,
    "m_acc2": np.nan,
    "m_acc_lag": np.nan,
    "l_speed": np.nan,
    "l_speed2": np.nan,
    "l_ve": np.nan,
    "l_vn": np.nan,
    "l_turn_abs": np.nan,
    "radar_n": 0.0,
    "rcs_sum": 0.0,
    "rcs_sum2": 0.0,
    "md_n": 0.0,
    "md_sum": 0.0,
    "rf_n": 0.0,
    "rf_looks": 0.0,
    "rf_code": np.nan,
    "eo_n": 0.0,
    "eo_looks": 0.0,
    **{f"eo_{name}": 0.0 for name in (*_EO_CLASSES, *_EO_TYPES)},
    "ac_n": 0.0,
    "ac_looks": 0.0,
    "ac_src_n": 0.0,
    "ac_src_sum": 0.0,
}

_INITIAL = np.array(list(_STATE.values()))


def _ew(mean: np.ndarray, x: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Exponentially weighted mean, seeded with x where the mean is still NaN."""
    return np.where(np.isnan(mean), x, alpha * mean + (1.0 - alpha) * x)


def _spread(mean: np.ndarray, mean_square: np.ndarray) -> np.ndarray:
    """Standard deviation from a mean and a mean square (rounding never makes it NaN)."""
    return np.sqrt(np.maximum(mean_square - mean**2, 0.0))


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


class TrackFeatures:
    """Feature state of every live track, as arrays sorted by track id.

    ``sensor_kinds`` maps sensor ids to their config ``type`` (radar, rf_detector, eo_ir,
    acoustic); a sensor missing from it counts as a radar when it measures range and is
    ignored otherwise. ``wind`` (3,) ENU m/s is the site's meteorological wind, from which a
    track's airspeed is reckoned (calm if not given).
    """

    def __init__(
        self, sensor_kinds: Mapping[str, str] | None = None, wind: np.ndarray | None = None
    ) -> None:
        self.sensor_kinds = dict(sensor_kinds or {})
        self.wind = np.zeros(3) if wind is None else np.asarray(wind, dtype=float)
        self._ids = np.zeros(0, dtype=np.int64)
        self._set_state(np.zeros((0, len(_STATE))))

    def __len__(self) -> int:
        return int(self._ids.size)

    def _set_state(self, table: np.ndarray) -> None:
        """State as one (tracks, accumulators) table, with a named column view of each."""
        self._table = table
        self._s = {name: table[:, j] for j, name in enumerate(_STATE)}

    def _rows(self, ids: np.ndarray) -> np.ndarray:
        """Rows of ``ids`` in the state, adding fresh rows for ids not seen before."""
        pos, known = sorted_rows(self._ids, ids)
        new = np.unique(ids[~known])
        if new.size:
            ids_all = np.concatenate([self._ids, new])
            order = np.argsort(ids_all, kind="stable")
            self._ids = ids_all[order]
            fresh_rows = np.tile(_INITIAL, (new.size, 1))
            self._set_state(np.concatenate([self._table, fresh_rows])[order])
            pos = np.searchsorted(self._ids, ids)
        return pos

    def _kind(self, batch: DetectionBatch) -> str | None:
        kind = self.sensor_kinds.get(batch.sensor_id)
        if kind is None and batch.measured[0]:
            return "radar"
        return kind

    def observe(self, batch: DetectionBatch, attribution: Attribution) -> None:
        """Fold in what ``batch``'s detections measured of the tracks they were attributed to
        (an attribution names each track at most once)."""
        kind = self._kind(batch)
        if kind is None:
            return
        if kind in _BEARING_KINDS:
            self._count_looks(batch, kind)
        if attribution.track_id.size == 0:
            return
        rows = self._rows(np.asarray(attribution.track_id, dtype=np.int64))
        det = np.asarray(attribution.det, dtype=np.int64)
        s = self._s
        s["fresh"][rows] = 1.0
        if kind == "radar":
            s["radar_n"][rows] += 1.0
            rcs = batch.rcs_dbsm[det]
            ok = np.isfinite(rcs)
            s["rcs_sum"][rows[ok]] += rcs[ok]
            s["rcs_sum2"][rows[ok]] += rcs[ok] ** 2
            md = batch.micro_doppler_hz[det]
            ok = np.isfinite(md) & (md > 0)
            s["md_n"][rows[ok]] += 1.0
            s["md_sum"][rows[ok]] += np.log10(md[ok])
        elif kind == "rf_detector":
            code = batch.emitter_type[det]
            ok = code >= 0
            s["rf_n"][rows[ok]] += 1.0
            s["rf_code"][rows[ok]] = code[ok]
        elif kind == "eo_ir":
            s["eo_n"][rows] += 1.0
            for name in _EO_CLASSES:
                hit = batch.class_cue[det] == CLASSES.index(name)
                s[f"eo_{name}"][rows[hit]] += 1.0
            for name in _EO_TYPES:
                hit = batch.type_cue[det] == IDENTITIES.index(name)
                s[f"eo_{name}"][rows[hit]] += 1.0
        elif kind == "acoustic":
            s["ac_n"][rows] += 1.0
            pos = np.column_stack([s["e"][rows], s["n"][rows], s["u"][rows]])
            r = np.maximum(np.linalg.norm(pos - batch.sensor_pos, axis=1), 1.0)
            src = batch.level_db[det] + 20.0 * np.log10(r) + ABSORPTION_DB_PER_M * r
            ok = np.isfinite(src)
            s["ac_src_n"][rows[ok]] += 1.0
            s["ac_src_sum"][rows[ok]] += src[ok]

    def _count_looks(self, batch: DetectionBatch, kind: str) -> None:
        """A bearing sensor looked at every track whose last position its batch covers."""
        pos = np.column_stack([self._s["e"], self._s["n"], self._s["u"]])
        known = np.isfinite(pos[:, 0])
        if not known.any():
            return
        rows = np.flatnonzero(known)
        seen = rows[batch.covers(pos[rows])]
        key = {"rf_detector": "rf_looks", "eo_ir": "eo_looks", "acoustic": "ac_looks"}[kind]
        self._s[key][seen] += 1.0
        self._s["fresh"][seen] = 1.0

    def update(self, tracks: TrackTable) -> tuple[np.ndarray, np.ndarray]:
        """Advance the kinematic features of updated tracks; forget tracks no longer in the
        table; return the features (N, len(FEATURES)) of ``tracks``' rows, in their order, and
        which rows have new evidence since the last call (N,) bool."""
        ids = np.asarray(tracks.track_id, dtype=np.int64)
        rows = self._rows(ids)
        keep = np.zeros(self._ids.size, dtype=bool)
        keep[rows] = True
        if not keep.all():
            self._ids = self._ids[keep]
            self._set_state(self._table[keep])
            rows = np.searchsorted(self._ids, ids)
        s = self._s
        last = tracks.last_update_t
        fresh = last > s["last_t"][rows]
        if fresh.any():
            self._advance(rows[fresh], tracks.x[fresh], last[fresh])
        s["first_t"][rows] = np.fmin(s["first_t"][rows], np.where(tracks.hits > 0, last, np.nan))
        changed = (s["fresh"][rows] > 0) | fresh
        s["fresh"][rows] = 0.0
        return self._matrix(rows, tracks), changed

    def _advance(self, rows: np.ndarray, x: np.ndarray, t: np.ndarray) -> None:
        """One kinematic step for tracks last updated at times t, with the velocities the
        table reports for them (x (M, 6))."""
        s = self._s
        v = x[:, 3:6]
        had = np.isfinite(s["ve"][rows])
        dt = np.where(had, t - s["last_t"][rows], np.inf)
        alpha = np.exp(-dt / TAU_S)
        alpha_long = np.exp(-dt / TAU_LONG_S)
        v_prev = np.column_stack([s["ve"][rows], s["vn"][rows], s["vu"][rows]])
        speed = np.hypot(v[:, 0], v[:, 1])
        prev_speed = np.hypot(v_prev[:, 0], v_prev[:, 1])
        turning = had & (speed > MIN_SPEED_MPS) & (prev_speed > MIN_SPEED_MPS)
        with np.errstate(invalid="ignore", divide="ignore"):
            cross = v_prev[:, 0] * v[:, 1] - v_prev[:, 1] * v[:, 0]
            dot = v_prev[:, 0] * v[:, 0] + v_prev[:, 1] * v[:, 1]
            # ENU: east x north turns anticlockwise; a positive turn rate is clockwise.
            turn = np.where(turning, -np.arctan2(cross, dot) / dt, np.nan)
            acc = np.where(had[:, None], (v - v_prev) / dt[:, None], np.nan)
        a_prev = np.column_stack([s["ax"][rows], s["ay"][rows], s["az"][rows]])
        lag = np.einsum("ij,ij->i", acc, a_prev)

        s["m_speed"][rows] = _ew(s["m_speed"][rows], speed, alpha)
        s["m_speed2"][rows] = _ew(s["m_speed2"][rows], speed**2, alpha)
        air = np.hypot(v[:, 0] - self.wind[0], v[:, 1] - self.wind[1])
        s["m_air"][rows] = _ew(s["m_air"][rows], air, alpha)
        s["m_air2"][rows] = _ew(s["m_air2"][rows], air**2, alpha)
        s["l_air"][rows] = _ew(s["l_air"][rows], air, alpha_long)
        s["l_air2"][rows] = _ew(s["l_air2"][rows], air**2, alpha_long)
        s["m_climb"][rows] = _ew(s["m_climb"][rows], v[:, 2], alpha)
        s["m_climb2"][rows] = _ew(s["m_climb2"][rows], v[:, 2] ** 2, alpha)
        for prefix, a in (("m", alpha), ("l", alpha_long)):
            s[f"{prefix}_ve"][rows] = _ew(s[f"{prefix}_ve"][rows], v[:, 0], a)
            s[f"{prefix}_vn"][rows] = _ew(s[f"{prefix}_vn"][rows], v[:, 1], a)
        s["l_speed"][rows] = _ew(s["l_speed"][rows], speed, alpha_long)
        s["l_speed2"][rows] = _ew(s["l_speed2"][rows], speed**2, alpha_long)
        for name, value, a in (
            ("m_turn_abs", np.abs(turn), alpha),
            ("m_turn2", turn**2, alpha),
            ("m_acc2", np.einsum("ij,ij->i", acc, acc), alpha),
            ("m_acc_lag", lag, alpha),
            ("l_turn_abs", np.abs(turn), alpha_long),
        ):
            ok = np.isfinite(value)
            s[name][rows[ok]] = _ew(s[name][rows[ok]], value[ok], a[ok])
        s["ve"][rows], s["vn"][rows], s["vu"][rows] = v.T
        s["ax"][rows], s["ay"][rows], s["az"][rows] = acc.T
        s["last_t"][rows] = t

    def _matrix(self, rows: np.ndarray, tracks: TrackTable) -> np.ndarray:
        s = self._s
        x = tracks.x
        s["e"][rows], s["n"][rows], s["u"][rows] = x[:, 0], x[:, 1], x[:, 2]
        picked = self._table[rows]
        g = {name: picked[:, j] for j, name in enumerate(_STATE)}
        rcs_mean = _ratio(g["rcs_sum"], g["radar_n"])
        eo = {
            f"eo_{name}_fraction": _ratio(g[f"eo_{name}"], g["eo_n"])
            for name in (*_EO_CLASSES, *_EO_TYPES)
        }
        cols = {
            "speed_mps": np.hypot(x[:, 3], x[:, 4]),
            "speed_mean_mps": g["m_speed"],
            "speed_std_mps": _spread(g["m_speed"], g["m_speed2"]),
            "airspeed_mean_mps": g["m_air"],
            "airspeed_std_mps": _spread(g["m_air"], g["m_air2"]),
            "speed_mean_long_mps": g["l_speed"],
            "speed_std_long_mps": _spread(g["l_speed"], g["l_speed2"]),
            "airspeed_std_long_mps": _spread(g["l_air"], g["l_air2"]),
            "climb_mps": x[:, 5],
            "climb_mean_mps": g["m_climb"],
            "climb_std_mps": _spread(g["m_climb"], g["m_climb2"]),
            "turn_rate_abs_mean_dps": np.degrees(g["m_turn_abs"]),
            "turn_rate_std_dps": np.degrees(_spread(g["m_turn_abs"], g["m_turn2"])),
            "height_m": x[:, 2],
            "straightness": _ratio(np.hypot(g["m_ve"], g["m_vn"]), g["m_speed"]),
            "straightness_long": _ratio(np.hypot(g["l_ve"], g["l_vn"]), g["l_speed"]),
            "turn_rate_abs_mean_long_dps": np.degrees(g["l_turn_abs"]),
            "accel_rms_mps2": np.sqrt(g["m_acc2"]),
            "accel_corr": _ratio(g["m_acc_lag"], g["m_acc2"]),
            "speed_sigma_mps": np.sqrt(tracks.P[:, 3, 3] + tracks.P[:, 4, 4]),
            "age_s": np.minimum(tracks.t - g["first_t"], MAX_AGE_S),
            "hits": np.minimum(tracks.hits, MAX_COUNT),
            "radar_plots": np.minimum(g["radar_n"], MAX_COUNT),
            "rcs_mean_dbsm": rcs_mean,
            "rcs_std_db": _spread(rcs_mean, _ratio(g["rcs_sum2"], g["radar_n"])),
            "micro_doppler_log10_hz": _ratio(g["md_sum"], g["md_n"]),
            "micro_doppler_fraction": _ratio(g["md_n"], g["radar_n"]),
            "rf_fraction": _ratio(g["rf_n"], g["rf_looks"]),
            "rf_emitter": g["rf_code"],
            "eo_detections": np.minimum(g["eo_n"], MAX_COUNT),
            "eo_fraction": _ratio(g["eo_n"], g["eo_looks"]),
            **eo,
            "acoustic_fraction": _ratio(g["ac_n"], g["ac_looks"]),
            "source_level_db": _ratio(g["ac_src_sum"], g["ac_src_n"]),
        }
        return np.column_stack([cols[name] for name in FEATURES])
