"""Threat by horizontal closest approach: which asset each track heads for, how close, how soon.

Each confirmed track is extrapolated on its current straight line and compared with every defended
asset in the horizontal plane (height is left out: a one-way attack drone dives at the end). With
r = track − asset and v the track's velocity, both horizontal:

    t_cpa = max(0, −r·v / |v|²)          cpa = |r + v t_cpa|
    time_to_go = first t ≥ 0 with |r + v t| = R (the asset's attack radius): 0 inside, inf if never
    closing speed = −r·v / |r|           heading offset θ = angle between v and −r, in [0, π]

The score of a (track, asset) pair is a weighted product whose factors are all kept, so a display
can show why a track ranks where it does (each factor lies in [0, 1]; the weights w are the
scenario's ``threat`` exponents, 0 leaving a factor out):

    score     = value · p_hostile^w_h · proximity^w_p · urgency^w_u · heading^w_d · altitude^w_a
    proximity = exp(−max(0, cpa − R) / R)     1 for a track that will pass within the radius
    urgency   = H / (H + t)                   t = time_to_go, or t_cpa for a track that will miss
    heading   = (1 + cos θ) / 2               1 flying straight at the asset, 0 straight away
    altitude  = exp(−max(0, u − h) / h)       1 up to the highest altitude h a drone attacks from

In log form the score is a weighted sum, log score = log value + Σ w_k log f_k, which is what makes
it a transparent weighted score. H is the doctrine's soft-kill reserve (at least 1 s): the time
scale on which the defence must act, so urgency is one half for a track that is that far away in
time. Each track is reported against the asset it threatens most.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.scenario.schema import Doctrine, ThreatWeights
from bastion.scenario.site import Site
from bastion.threat.rows import rows_of
from bastion.types import CLASSES, ClassBelief, ThreatTable, TrackStatus, TrackTable

#: Tracks slower than this (m/s) count as hovering: they are at their closest approach now.
HOVER_SPEED_MPS = 1e-6
#: Shortest urgency time scale, s, so that a zero soft-kill reserve still ranks by time to go.
MIN_HORIZON_S = 1.0


def horizontal_cpa(r: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Time (>= 0) and distance of closest approach for relative positions/velocities (..., 2)."""
    vv = np.sum(v * v, axis=-1)
    rv = np.sum(r * v, axis=-1)
    moving = vv > HOVER_SPEED_MPS**2
    t_cpa = np.where(moving, np.maximum(0.0, -rv / np.where(moving, vv, 1.0)), 0.0)
    cpa = np.linalg.norm(r + v * t_cpa[..., None], axis=-1)
    return t_cpa, cpa


def time_to_radius(r: np.ndarray, v: np.ndarray, radius: np.ndarray) -> np.ndarray:
    """First t >= 0 with |r + v t| = radius, on (..., 2) arrays: 0 if inside now, inf if never.

    Smaller root of |v|² t² + 2 r·v t + |r|² − R² = 0; outside the circle both roots share a sign
    (their product is positive), so a negative root means the line leads away.
    """
    vv = np.sum(v * v, axis=-1)
    rv = np.sum(r * v, axis=-1)
    c = np.sum(r * r, axis=-1) - radius**2
    vv, rv, c = np.broadcast_arrays(vv, rv, c)
    disc = rv**2 - vv * c
    hits = (vv > HOVER_SPEED_MPS**2) & (disc >= 0.0) & (rv < 0.0)
    t = np.full(c.shape, np.inf)
    t[hits] = (-rv[hits] - np.sqrt(disc[hits])) / vv[hits]
    t[c <= 0.0] = 0.0
    return t


def closing_geometry(r: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Closing speed −r·v/|r| and heading offset θ = angle(v, −r) in [0, π], on (..., 2) arrays.

    Over the asset (r = 0) the track is closing at its full speed and θ = 0; a hovering track
    closes at 0 with θ = π/2 (it heads nowhere).
    """
    dist = np.linalg.norm(r, axis=-1)
    speed = np.linalg.norm(v, axis=-1)
    towards = -np.sum(r * v, axis=-1)
    over = dist <= 0.0
    closing = np.where(over, speed, towards / np.where(over, 1.0, dist))
    moving = speed > HOVER_SPEED_MPS
    cos_theta = np.where(moving, closing / np.where(moving, speed, 1.0), 0.0)
    return closing, np.arccos(np.minimum(np.maximum(cos_theta, -1.0), 1.0))


def proximity(cpa_m: np.ndarray, radius_m: np.ndarray) -> np.ndarray:
    """exp(−max(0, cpa − R)/R): 1 within the attack radius, falling off over one radius beyond."""
    return np.exp(-np.maximum(0.0, cpa_m - radius_m) / radius_m)


def urgency(t_s: np.ndarray, horizon_s: float) -> np.ndarray:
    """H / (H + t): 1 now, 1/2 at the horizon, → 0 for threats far off in time."""
    return horizon_s / (horizon_s + t_s)


def heading_factor(theta_rad: np.ndarray) -> np.ndarray:
    """(1 + cos θ)/2: 1 heading straight at the asset, 1/2 crossing, 0 flying straight away."""
    return 0.5 * (1.0 + np.cos(theta_rad))


def altitude_factor(height_m: np.ndarray, ceiling_m: float) -> np.ndarray:
    """exp(−max(0, u − h)/h): 1 up to the attack ceiling h, falling off over one ceiling above."""
    return np.exp(-np.maximum(0.0, height_m - ceiling_m) / ceiling_m)


@dataclass(frozen=True, slots=True)
class ThreatTerms:
    """Every factor of the score, per confirmed track (N) and asset (A)."""

    track_id: np.ndarray  # (N,)
    p_hostile: np.ndarray  # (N,)
    value: np.ndarray  # (A,)
    altitude_m: np.ndarray  # (N,)
    cpa_m: np.ndarray  # (N, A)
    t_cpa_s: np.ndarray  # (N, A)
    time_to_go_s: np.ndarray  # (N, A)
    closing_speed_mps: np.ndarray  # (N, A)
    heading_offset_rad: np.ndarray  # (N, A)
    proximity: np.ndarray  # (N, A)
    urgency: np.ndarray  # (N, A)
    heading: np.ndarray  # (N, A)
    altitude: np.ndarray  # (N,)
    score: np.ndarray  # (N, A)


class CpaThreatEvaluator:
    """Rank confirmed tracks by the weighted product of their threat factors (module docstring)."""

    def __init__(
        self, site: Site, doctrine: Doctrine, weights: ThreatWeights | None = None
    ) -> None:
        self.site = site
        self.horizon_s = max(doctrine.soft_kill_reserve_s, MIN_HORIZON_S)
        self.weights = weights or ThreatWeights()

    def terms(self, tracks: TrackTable, belief: ClassBelief) -> ThreatTerms:
        """The score's factors for every confirmed track against every asset."""
        w = self.weights
        confirmed = tracks.status == TrackStatus.CONFIRMED
        track_id = tracks.track_id[confirmed]
        x = tracks.x[confirmed]
        p_hostile = belief.p[rows_of(belief.track_id, track_id), CLASSES.index("drone")]
        r = x[:, None, :2] - self.site.asset_pos[None, :, :2]
        v = np.broadcast_to(x[:, None, 3:5], r.shape)
        radius = self.site.asset_radius_m[None, :]
        t_cpa, cpa = horizontal_cpa(r, v)
        time_to_go = time_to_radius(r, v, radius)
        closing, theta = closing_geometry(r, v)
        near = proximity(cpa, radius)
        soon = urgency(np.where(np.isfinite(time_to_go), time_to_go, t_cpa), self.horizon_s)
        toward = heading_factor(theta)
        height = altitude_factor(x[:, 2], w.max_attack_altitude_m)
        value = self.site.asset_value
        per_track = p_hostile**w.p_hostile * height**w.altitude
        score = (
            value[None, :]
            * per_track[:, None]
            * near**w.proximity
            * soon**w.urgency
            * toward**w.heading
        )
        return ThreatTerms(
            track_id=track_id,
            p_hostile=p_hostile,
            value=value,
            altitude_m=x[:, 2],
            cpa_m=cpa,
            t_cpa_s=t_cpa,
            time_to_go_s=time_to_go,
            closing_speed_mps=closing,
            heading_offset_rad=theta,
            proximity=near,
            urgency=soon,
            heading=toward,
            altitude=height,
            score=score,
        )

    def evaluate(self, tracks: TrackTable, belief: ClassBelief) -> ThreatTable:
        """One row per confirmed track, its most threatened asset, by descending score."""
        terms = self.terms(tracks, belief)
        asset = np.argmax(terms.score, axis=1)
        rows = np.arange(asset.shape[0])
        score = terms.score[rows, asset]
        order = np.lexsort((terms.track_id, -score))  # ties: lower track id first (deterministic)
        pick = (rows[order], asset[order])
        return ThreatTable(
            t=tracks.t,
            track_id=terms.track_id[order],
            asset_index=asset[order].astype(np.int32),
            score=score[order],
            cpa_m=terms.cpa_m[pick],
            t_cpa_s=terms.t_cpa_s[pick],
            time_to_go_s=terms.time_to_go_s[pick],
            p_hostile=terms.p_hostile[order],
            closing_speed_mps=terms.closing_speed_mps[pick],
            heading_offset_rad=terms.heading_offset_rad[pick],
            altitude_m=terms.altitude_m[order],
            asset_value=terms.value[asset[order]],
            proximity=terms.proximity[pick],
            urgency=terms.urgency[pick],
            heading_factor=terms.heading[pick],
            altitude_factor=terms.altitude[order],
        )
