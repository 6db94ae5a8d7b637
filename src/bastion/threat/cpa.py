"""Threat by horizontal closest approach: which asset each track heads for, how close, how soon.

Each confirmed track is extrapolated on its current straight line and compared with every defended
asset in the horizontal plane (height is left out: a one-way attack drone dives at the end). With
r = track − asset and v the track's velocity, both horizontal:

    t_cpa = max(0, −r·v / |v|²)          cpa = |r + v t_cpa|
    time_to_go = first t ≥ 0 with |r + v t| = R (the asset's attack radius): 0 inside, inf if never

The score of a (track, asset) pair is a product whose factors are kept in :class:`ThreatTerms`, so a
display can show why a track ranks where it does:

    score     = value · p_hostile · proximity · urgency
    proximity = exp(−max(0, cpa − R) / R)     1 for a track that will pass within the radius
    urgency   = H / (H + t)                   t = time_to_go, or t_cpa for a track that will miss

H is the doctrine's soft-kill reserve (at least 1 s): the time scale on which the defence must act,
so urgency is one half for a track that is that far away in time. Each track is reported against
the asset it threatens most.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.scenario.schema import Doctrine
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


def proximity(cpa_m: np.ndarray, radius_m: np.ndarray) -> np.ndarray:
    """exp(−max(0, cpa − R)/R): 1 within the attack radius, falling off over one radius beyond."""
    return np.exp(-np.maximum(0.0, cpa_m - radius_m) / radius_m)


def urgency(t_s: np.ndarray, horizon_s: float) -> np.ndarray:
    """H / (H + t): 1 now, 1/2 at the horizon, → 0 for threats far off in time."""
    return horizon_s / (horizon_s + t_s)


@dataclass(frozen=True, slots=True)
class ThreatTerms:
    """Every factor of the score, per confirmed track (N) and asset (A)."""

    track_id: np.ndarray  # (N,)
    p_hostile: np.ndarray  # (N,)
    value: np.ndarray  # (A,)
    cpa_m: np.ndarray  # (N, A)
    t_cpa_s: np.ndarray  # (N, A)
    time_to_go_s: np.ndarray  # (N, A)
    proximity: np.ndarray  # (N, A)
    urgency: np.ndarray  # (N, A)
    score: np.ndarray  # (N, A)


class CpaThreatEvaluator:
    """Rank confirmed tracks by value · p_hostile · proximity · urgency against the assets."""

    def __init__(self, site: Site, doctrine: Doctrine) -> None:
        self.site = site
        self.horizon_s = max(doctrine.soft_kill_reserve_s, MIN_HORIZON_S)

    def terms(self, tracks: TrackTable, belief: ClassBelief) -> ThreatTerms:
        """The score's factors for every confirmed track against every asset."""
        confirmed = tracks.status == TrackStatus.CONFIRMED
        track_id = tracks.track_id[confirmed]
        x = tracks.x[confirmed]
        p_hostile = belief.p[rows_of(belief.track_id, track_id), CLASSES.index("drone")]
        r = x[:, None, :2] - self.site.asset_pos[None, :, :2]
        v = np.broadcast_to(x[:, None, 3:5], r.shape)
        radius = self.site.asset_radius_m[None, :]
        t_cpa, cpa = horizontal_cpa(r, v)
        time_to_go = time_to_radius(r, v, radius)
        near = proximity(cpa, radius)
        soon = urgency(np.where(np.isfinite(time_to_go), time_to_go, t_cpa), self.horizon_s)
        value = self.site.asset_value
        return ThreatTerms(
            track_id=track_id,
            p_hostile=p_hostile,
            value=value,
            cpa_m=cpa,
            t_cpa_s=t_cpa,
            time_to_go_s=time_to_go,
            proximity=near,
            urgency=soon,
            score=value[None, :] * p_hostile[:, None] * near * soon,
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
        )
