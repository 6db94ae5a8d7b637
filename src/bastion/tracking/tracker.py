"""The multi-target tracker: one fused track table from every sensor's batches.

Each ``update(batch)`` (see docs/tracking.md):

1. predicts every track to batch.t through its motion models (:mod:`bastion.tracking.imm`);
2. maps the batch into the measurement space of the filter (:mod:`bastion.tracking.measurement`):
   radar plots as converted ENU positions (a measured range rate a fourth component) or in
   the polar frame (EKF/UKF), bearings (EO, RF, acoustic) always in the polar frame, so one
   track table fuses every sensor centrally;
3. gates track-detection pairs, d² ≤ χ²_m⁻¹(gate_probability), pre-gated per component or by
   a kd-tree (:mod:`bastion.tracking.gating`);
4. associates confirmed tracks by global nearest neighbour, the most probable assignment
   (pair cost ln(1 − P_D) − ln(P_D N(ν; 0, S) / λ), :mod:`bastion.tracking.gnn`), or by JPDA
   marginals (:mod:`bastion.tracking.jpda`), then tentative tracks by GNN over the detections
   left (a young track never takes an established track's detection);
5. updates every model of every associated track and collapses the hypotheses: a track with
   weights β_0 (no detection) and β_j (detection j) becomes the moment-matched mixture of its
   prediction and its per-detection updates (GNN: a single β_j = 1); model probabilities
   become μ_j ∝ μ_j (β_0 + Σ_j β_j N_j,model / N_j), N_j the pair's likelihood under the
   combined prediction used to associate;
6. for 3-D sensors, logs a hit or a miss for each track in the covered region, moves its
   score, confirms and deletes (:mod:`bastion.tracking.management`);
7. starts a tentative track from each 3-D detection left over (GNN: unassigned; JPDA: in no
   gate): position from the converted measurement, velocity 0 ± initial_speed_sigma_mps per axis
   (with a measured range rate, the radial component is known to its σ), turn rate
   0 ± initial_turn_sigma_deg_s, equal model probabilities. Bearings start no tracks: a
   bearing is a ray of unknown range, not a Gaussian in ENU, and triangulating two sensors'
   bearings makes ghosts (docs/tracking.md, "Track life cycle").

A batch at the time of the last one (another sensor in the same tick) predicts nothing, and a
batch with no detection, or no track to gate, skips gating and association; the result is
the same as the full path's.

Asynchronous sensors: each batch is processed at its own time. A batch older than the
tracker's time, but within ``out_of_order_window_s`` of it, is handled by rollback and replay:
the tracker keeps a copy of its state before each recent batch, returns to the state before
the first batch later than the late one, and processes the late batch and the later ones again
in time order (exact, and independent of the filter). Older batches are dropped and counted in
``late_batches_dropped``. Track ids are increasing integers from 1, never reused (a replay
reissues the ids it rolled back in the same order).

Clutter density in a measurement space, for JPDA and the track score: ``clutter_per_km3`` in
ENU space; in the polar frame it is scaled by the volume element r² cos(el) of the polar map,
and divided by ``RANGE_RATE_SPAN_MPS`` when the range rate is measured (clutter spread evenly
over that span). For bearings it is estimated from the batch: its detection count over the
solid angle (or azimuth extent) it covered.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from bastion.scenario.schema import Tracker as TrackerConfig
from bastion.tracking import kalman, management
from bastion.tracking.base import NO_ATTRIBUTION, Attribution
from bastion.tracking.gating import GatedPairs, clear_pairs, gate, gate_threshold, mahalanobis
from bastion.tracking.gnn import gnn_assign
from bastion.tracking.imm import ImmPredictor
from bastion.tracking.jpda import jpda_marginals
from bastion.tracking.measurement import (
    ConvertedPositionModel,
    Measured,
    MeasurementModel,
    Moments,
    PolarEkfModel,
    PolarUkfModel,
    converted_position,
    has_position,
    innovation,
)
from bastion.tracking.motion import ConstantVelocity, CoordinatedTurn, NearConstantAltitude
from bastion.tracking.tracks import TrackArrays
from bastion.tracking.truth import TruthTally
from bastion.types import DetectionBatch, TrackStatus, TrackTable

#: Span of range rates over which clutter is spread, m/s (±100 m/s).
RANGE_RATE_SPAN_MPS = 200.0


def build_predictor(config: TrackerConfig) -> ImmPredictor:
    """The motion model set the config names (one model, or the IMM's three)."""
    q = config.process_noise_mps2**2
    q_turn = np.radians(config.turn_noise_deg_s2) ** 2
    dim = 7 if config.motion in ("ct", "imm") else 6
    cv = ConstantVelocity(q, dim=dim, q_turn=q_turn)
    nca = NearConstantAltitude(
        q, config.vertical_process_noise_mps2**2, config.climb_time_constant_s, dim, q_turn
    )
    ct = CoordinatedTurn(q, q_turn, unscented=config.filter == "ukf")
    models = {"cv": (cv,), "nca": (nca,), "ct": (ct,), "imm": (cv, ct, nca)}[config.motion]
    return ImmPredictor(models, config.imm_sojourn_s)


def build_rule(config: TrackerConfig) -> management.ConfirmationRule:
    if config.logic == "score":
        return management.ScoreRule(
            config.score_confirm, config.score_delete_drop, config.score_tentative_drop
        )
    return management.MofNRule(
        config.confirm_m,
        config.confirm_n,
        config.delete_after_misses,
        config.p_detection,
        config.score_confirm,
    )


class _Association(NamedTuple):
    """What association decided, per gated pair ``pair`` (indices into the gated pairs) with
    ``weight`` (K,); per track: ``beta0`` (no detection), ``hit``, score step ``llr`` (N,);
    per detection: ``used`` (M,) (starts no track); ``label``: pairs that label tracks with
    the truth of their detection (scoring only)."""

    pair: np.ndarray
    weight: np.ndarray
    beta0: np.ndarray
    hit: np.ndarray
    llr: np.ndarray
    used: np.ndarray
    label: np.ndarray


@dataclass
class _State:
    """Everything a replay must restore."""

    tracks: TrackArrays
    truth: TruthTally
    next_id: int
    t: float


class MultiTargetTracker:
    """GNN or JPDA multi-sensor tracker over CV, NCA, CT or IMM motion (see module doc)."""

    def __init__(self, config: TrackerConfig) -> None:
        self.config = config
        self._predictor = build_predictor(config)
        self._rule = build_rule(config)
        self._radar_model: MeasurementModel = {
            "converted": ConvertedPositionModel(),
            "ekf": PolarEkfModel(),
            "ukf": PolarUkfModel(),
        }[config.filter]
        self._bearing_model: MeasurementModel = (
            PolarUkfModel() if config.filter == "ukf" else PolarEkfModel()
        )
        self._log_pd = float(np.log(config.p_detection))
        self._log_miss = float(np.log1p(-config.p_detection))
        self._log_miss_gate = float(np.log1p(-config.p_detection * config.gate_probability))
        self._log_clutter_m3 = float(np.log(config.clutter_per_km3 * 1e-9))
        models = len(self._predictor.models)
        self._state = _State(
            TrackArrays.empty(self._rule.window, models, self._predictor.dim),
            TruthTally(),
            1,
            -np.inf,
        )
        self._recent: list[tuple[_State, DetectionBatch]] = []
        self.late_batches_dropped = 0

    # -- public verbs ------------------------------------------------------------------------

    def update(self, batch: DetectionBatch) -> Attribution:
        """Fold one batch in; return which track each of its detections went to (a late
        batch's own attribution after the replay; a dropped batch attributes nothing). An empty
        batch of bearings tells nothing and leaves the tracker as it was; an empty radar batch
        still counts misses where it looked."""
        if not len(batch) and not batch.measured[0]:
            return NO_ATTRIBUTION
        if batch.t >= self._state.t:
            return self._remember_and_step(batch)
        later = [k for k, (_, b) in enumerate(self._recent) if b.t > batch.t]
        if not later or batch.t < self._state.t - self.config.out_of_order_window_s:
            self.late_batches_dropped += 1
            return NO_ATTRIBUTION
        first = later[0]
        replay = [b for _, b in self._recent[first:]]
        self._state = self._recent[first][0]
        del self._recent[first:]
        own = self._remember_and_step(batch)
        for b in replay:
            self._remember_and_step(b)
        return own

    def table(self, t: float) -> TrackTable:
        """Live tracks (tentative and confirmed) predicted to time t, without changing them."""
        s = self._state
        if t < s.t:
            raise ValueError(
                f"table time t={t} s is earlier than the tracker's time {s.t} s: "
                "a track table looks forward from the latest batch"
            )
        tr = s.tracks
        x, P, mu = self._predictor.predict(tr.x, tr.P, tr.mu, t - tr.t)
        xc, Pc = replace(tr, x=x, P=P, mu=mu).combined()
        return TrackTable(
            t=t,
            track_id=tr.id.copy(),
            x=xc[:, :6],
            P=Pc[:, :6, :6],
            status=tr.status.copy(),
            hits=tr.hits.copy(),
            misses=tr.misses.copy(),
            last_update_t=tr.last_update_t.copy(),
            truth_id=s.truth.majority(tr.id),
            quality=management.quality(tr.score),
        )

    def model_probabilities(self) -> tuple[np.ndarray, np.ndarray]:
        """Track ids (N,) and each track's motion-model probabilities (N, r) at the latest
        batch, models in the order of :func:`build_predictor` (imm: CV, CT, NCA)."""
        tr = self._state.tracks
        return tr.id.copy(), tr.mu.copy()

    # -- one batch ---------------------------------------------------------------------------

    def _remember_and_step(self, batch: DetectionBatch) -> Attribution:
        if self.config.out_of_order_window_s > 0.0:
            s = self._state
            # A shallow copy is enough: a step replaces the arrays it changes, and writes in
            # place only into arrays it made itself (the predicted or copied states).
            self._recent.append(
                (_State(s.tracks.shallow_copy(), s.truth.copy(), s.next_id, s.t), batch)
            )
            horizon = batch.t - self.config.out_of_order_window_s
            while self._recent[0][1].t < horizon:
                self._recent.pop(0)
        return self._step(batch)

    def _step(self, batch: DetectionBatch) -> Attribution:
        s = self._state
        s.t = batch.t
        tr = s.tracks
        dt = batch.t - tr.t
        if dt.any():
            tr.x, tr.P, tr.mu = self._predictor.predict(tr.x, tr.P, tr.mu, dt)
            tr.t = np.full(len(tr), batch.t)
        else:  # a second batch at the same time: no prediction, but fresh arrays to update
            tr.x, tr.P, tr.mu = tr.x.copy(), tr.P.copy(), tr.mu.copy()

        three_d = has_position(batch)
        model = self._radar_model if three_d else self._bearing_model
        meas = model.measure(batch) if len(batch) else None
        xc, Pc = tr.combined()
        if len(tr) and meas is not None:
            m = meas.z.shape[1]
            mom = model.moments(xc, Pc, batch)
            pairs = gate(
                mom.zhat,
                mom.Pzz,
                meas.z,
                meas.R,
                gate_threshold(self.config.gate_probability, m),
                meas.angle,
            )
            ll = kalman.log_likelihood(pairs.d2, pairs.log_det_s, m)
            if not three_d and self.config.bearing_clear_share > 0.0:
                clear = clear_pairs(pairs.det, ll, len(batch), self.config.bearing_clear_share)
                pairs, ll = pairs.take(clear), ll[clear]
            log_ratio = self._log_pd + ll - self._log_clutter(batch, model, pairs)
            a = self._associate(pairs, log_ratio, tr.status, len(batch))
            self._update_tracks(tr, batch, model, meas, pairs, a, ll, mom)
            tr.last_update_t = np.where(a.hit, batch.t, tr.last_update_t)
            tally_t, tally_d = tr.id[pairs.track[a.label]], pairs.det[a.label]
        else:  # nothing to associate
            a = self._no_association(tr.status, len(batch))
            tally_t, tally_d = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)

        if three_d:
            seen = batch.covers(xc[:, :3]) | a.hit
            management.log_scan(tr, a.hit, seen, a.llr)
            management.confirm(tr, self._rule.due(tr), batch.t)
            born = self._initiate(batch, ~a.used, meas)
            if len(born):
                tally_t = np.concatenate([tally_t, born.id])
                tally_d = np.concatenate([tally_d, np.flatnonzero(~a.used)])
            # Only position measurements say which object a track follows: a bearing is a
            # ray, and another object's bearing along it lands on the track by chance.
            s.truth.add(tally_t, batch.truth_id[tally_d])
        else:
            born = None
        attribution = Attribution(tally_t.astype(np.int64), tally_d.astype(np.int64))
        alive = self._rule.alive(tr) & management.position_sigma_ok(
            tr.combined()[1], self.config.max_position_sigma_m
        )
        deleted = not alive.all()
        if deleted:
            tr = tr.select(alive)
        s.tracks = tr.concat(born) if born is not None and len(born) else tr
        if deleted:  # after the births, so that they keep their first plot's truth
            s.truth.keep(s.tracks.id)
        return attribution

    def _no_association(self, status: np.ndarray, n_dets: int) -> _Association:
        """What :meth:`_associate` decides when no pair is in any gate: every track missed
        (score step ln(1 − P_D), JPDA's confirmed tracks ln(1 − P_D P_G)), no detection used."""
        llr = np.full(status.size, self._log_miss)
        if self.config.method == "jpda":
            llr[status == TrackStatus.CONFIRMED] = self._log_miss_gate
        empty = np.zeros(0, dtype=np.int64)
        return _Association(
            pair=empty,
            weight=np.zeros(0),
            beta0=np.ones(status.size),
            hit=np.zeros(status.size, dtype=bool),
            llr=llr,
            used=np.zeros(n_dets, dtype=bool),
            label=empty,
        )

    def _associate(
        self, pairs: GatedPairs, log_ratio: np.ndarray, status: np.ndarray, n_dets: int
    ) -> _Association:
        """Confirmed tracks first (GNN assignment or JPDA marginals), then tentative tracks by
        GNN over the detections the confirmed ones left, so that a young track born from
        clutter never takes an established track's detection (``log_ratio``: ln of
        P_D N(ν; 0, S) / λ per gated pair)."""
        n = status.size
        tentative = status != TrackStatus.CONFIRMED
        first = np.flatnonzero(~tentative[pairs.track])
        used = np.zeros(n_dets, dtype=bool)
        if self.config.method == "jpda":
            log_psi = log_ratio[first] - self._log_miss_gate
            track, det = pairs.track[first], pairs.det[first]
            w, beta0 = jpda_marginals(track, det, log_psi, n, n_dets)
            sum_psi = np.bincount(track, np.exp(np.minimum(log_psi, 700.0)), minlength=n)
            llr = self._log_miss_gate + np.log1p(sum_psi)
            keep = w > 1e-12
            pair1, w1 = first[keep], w[keep]
            best = _best_pair_per_track(track, w, n)
            label1 = first[best[(best >= 0) & (beta0 <= 0.5)]]
            used[det] = True  # a detection in a confirmed gate goes to no other track
        else:
            pair1 = self._gnn(pairs, log_ratio, first, n, n_dets)
            w1, label1 = np.ones(pair1.size), pair1
            beta0, llr = np.ones(n), np.full(n, self._log_miss)
            beta0[pairs.track[pair1]] = 0.0
            llr[pairs.track[pair1]] = log_ratio[pair1]
            used[pairs.det[pair1]] = True
        pair2 = self._gnn(
            pairs, log_ratio, np.flatnonzero(tentative[pairs.track] & ~used[pairs.det]), n, n_dets
        )
        beta0[tentative], llr[tentative] = 1.0, self._log_miss
        beta0[pairs.track[pair2]] = 0.0
        llr[pairs.track[pair2]] = log_ratio[pair2]
        used[pairs.det[pair2]] = True
        return _Association(
            pair=np.concatenate([pair1, pair2]),
            weight=np.concatenate([w1, np.ones(pair2.size)]),
            beta0=beta0,
            hit=beta0 <= 0.5,
            llr=llr,
            used=used,
            label=np.concatenate([label1, pair2]),
        )

    def _gnn(
        self, pairs: GatedPairs, log_ratio: np.ndarray, among: np.ndarray, n: int, n_dets: int
    ) -> np.ndarray:
        """GNN assignment over the gated pairs ``among`` -> the chosen pairs' indices; a pair
        costs the log-likelihood ratio of missed track and clutter against the pair."""
        if among.size == 0:
            return among
        cost = self._log_miss - log_ratio[among]
        return among[gnn_assign(pairs.track[among], pairs.det[among], cost, n, n_dets)]

    def _update_tracks(
        self,
        tr: TrackArrays,
        batch: DetectionBatch,
        model: MeasurementModel,
        meas: Measured,
        pairs: GatedPairs,
        a: _Association,
        ll: np.ndarray,
        mom: Moments,
    ) -> None:
        """Fold the association's weighted pairs into every model of their tracks (the
        mixture collapse and model-probability update of the module doc)."""
        idx, w, beta0 = a.pair, a.weight, a.beta0
        if idx.size == 0:
            return
        pt, pd = pairs.track[idx], pairs.det[idx]
        r = tr.x.shape[1]
        if r == 1 and (beta0[pt] == 0.0).all() and np.bincount(pt).max() == 1:
            # One detection per track, no miss hypothesis (GNN, or a certain JPDA pair): the
            # gate's moments are the model's own; a plain Kalman update.
            S = mom.Pzz[pt] + meas.R[pd]
            x, P = kalman.gain_update(tr.x[pt, 0], tr.P[pt, 0], pairs.nu[idx], mom.Pxz[pt], S)
            tr.x[pt, 0], tr.P[pt, 0] = x, P
            return
        n_dim = tr.x.shape[2]
        xs = tr.x[pt].reshape(-1, n_dim)
        Ps = tr.P[pt].reshape(-1, n_dim, n_dim)
        mo = model.moments(xs, Ps, batch)
        z = np.repeat(meas.z[pd], r, axis=0)
        Rk = np.repeat(meas.R[pd], r, axis=0)
        S = mo.Pzz + Rk
        nu = innovation(z, mo.zhat, meas.angle)
        xu, Pu = kalman.gain_update(xs, Ps, nu, mo.Pxz, S)
        d2, log_det = mahalanobis(nu, S)
        ll_model = kalman.log_likelihood(d2, log_det, z.shape[1]).reshape(-1, r)
        xu, Pu = xu.reshape(-1, r, n_dim), Pu.reshape(-1, r, n_dim, n_dim)

        touched = np.unique(pt)
        x_old, P_old = tr.x[touched], tr.P[touched]
        b0 = beta0[touched][:, None]
        where = np.searchsorted(touched, pt)
        x_new = b0[..., None] * x_old
        np.add.at(x_new, where, w[:, None, None] * xu)
        d_old = x_old - x_new
        P_new = b0[..., None, None] * (P_old + d_old[..., :, None] * d_old[..., None, :])
        d_up = xu - x_new[where]
        np.add.at(
            P_new, where, w[:, None, None, None] * (Pu + d_up[..., :, None] * d_up[..., None, :])
        )
        tr.x[touched], tr.P[touched] = x_new, 0.5 * (P_new + np.swapaxes(P_new, -1, -2))
        if r > 1:
            ratio = np.exp(np.clip(ll_model - ll[idx][:, None], -50.0, 50.0))
            lam = np.broadcast_to(b0, (touched.size, r)).copy()
            np.add.at(lam, where, w[:, None] * ratio)
            mu = tr.mu[touched] * lam
            tr.mu[touched] = mu / mu.sum(axis=1, keepdims=True)

    def _log_clutter(self, batch, model, pairs: GatedPairs) -> np.ndarray:
        """ln λ of each gated pair's detection in the model's measurement space."""
        measured = batch.measured
        if isinstance(model, ConvertedPositionModel):
            out = np.full(pairs.det.size, self._log_clutter_m3)
        elif measured[:3].all():
            r, el = batch.z[pairs.det, 0], batch.z[pairs.det, 2]
            out = self._log_clutter_m3 + np.log(r**2 * np.cos(el))
        else:
            solid = min(batch.az_extent_rad, 2.0 * np.pi) * (np.pi / 2.0 if measured[2] else 1.0)
            out = np.full(pairs.det.size, np.log(max(len(batch), 1) / max(solid, 1e-9)))
        if measured[3]:
            out = out - np.log(RANGE_RATE_SPAN_MPS)
        return out

    def _initiate(
        self, batch: DetectionBatch, rows: np.ndarray, meas: Measured | None
    ) -> TrackArrays:
        """Tentative tracks from the 3-D detections selected by ``rows`` (M,) bool (``meas``:
        the batch in the radar model's space, None for an empty batch)."""
        dim, r = self._predictor.dim, len(self._predictor.models)
        count = int(np.count_nonzero(rows))
        if count == 0 or meas is None:
            return TrackArrays.empty(self._rule.window, r, dim)
        if isinstance(self._radar_model, ConvertedPositionModel):
            pos, cov = meas.z[rows, :3], meas.R[rows, :3, :3]
        else:
            pos, cov = converted_position(batch.z[rows], batch.R[rows], batch.sensor_pos)
        x = np.zeros((count, dim))
        x[:, :3] = pos
        P = np.zeros((count, dim, dim))
        P[:, :3, :3] = cov
        sv2 = self.config.initial_speed_sigma_mps**2
        P[:, 3:6, 3:6] = sv2 * np.eye(3)
        if batch.measured[3]:  # radial velocity known: v = ṙ u, σ² = R_ṙṙ along u
            u = (pos - batch.sensor_pos) / batch.z[rows, :1]
            x[:, 3:6] = batch.z[rows, 3:4] * u
            uu = u[:, :, None] * u[:, None, :]
            P[:, 3:6, 3:6] += (batch.R[rows, 3, 3][:, None, None] - sv2) * uu
        if dim == 7:
            P[:, 6, 6] = np.radians(self.config.initial_turn_sigma_deg_s) ** 2
        s = self._state
        ids = np.arange(s.next_id, s.next_id + count, dtype=np.int64)
        s.next_id += count
        born = TrackArrays(
            id=ids,
            t=np.full(count, batch.t),
            x=np.repeat(x[:, None], r, axis=1),
            P=np.repeat(P[:, None], r, axis=1),
            mu=np.full((count, r), 1.0 / r),
            status=np.full(count, TrackStatus.TENTATIVE, dtype=np.int8),
            hits=np.ones(count, dtype=np.int32),
            misses=np.zeros(count, dtype=np.int32),
            last_update_t=np.full(count, batch.t),
            history=management.born_history(count, self._rule.window),
            score=np.zeros(count),
            score_peak=np.zeros(count),
            born_t=np.full(count, batch.t),
            confirmed_t=np.full(count, np.nan),
            pd_hits=np.zeros(count),
            pd_looks=np.zeros(count),
        )
        management.confirm(born, self._rule.due(born), batch.t)
        return born


def _best_pair_per_track(track: np.ndarray, w: np.ndarray, n: int) -> np.ndarray:
    """Index of each track's highest-weight pair (n,), -1 where it has none."""
    best = np.full(n, -1)
    order = np.lexsort((-w, track))
    first = np.ones(order.size, dtype=bool)
    first[1:] = track[order][1:] != track[order][:-1]
    best[track[order][first]] = order[first]
    return best
