"""Tracking performance metrics: GOSPA and OSPA at one instant, continuity over a run.

GOSPA (Rahmathullah, García-Fernández and Svensson, 2017) between true positions X = {x_i} (N)
and track positions Y = {y_j} (M), with cut-off c, order p and 0 < α ≤ 2, N ≤ M (else swap):

    d = ( min_π Σ_{i≤N} d_c(x_i, y_π(i))^p + c^p/α · (M − N) )^(1/p),   d_c = min(‖x − y‖, c)

For α = 2 the same value is a minimum over partial assignments γ,

    d^p = Σ_{(i,j)∈γ} ‖x_i − y_j‖^p + c^p/2 · (N − |γ|) + c^p/2 · (M − |γ|)

so it splits into localisation (assigned pairs closer than c), missed truths and false tracks,
each c^p/2; a pair at or past the cut-off costs c^p either way and is counted as one missed
and one false. For α < 2 exactly min(N, M) pairs are assigned and the decomposition keeps the
cut-off pairs in localisation at c^p. The components are in the p-th power (they add up to
``total**p``), as Stone Soup reports them.

OSPA (Schuhmacher et al., 2008) is d_c with the cardinality term c^p·|M − N| and the sum
divided by max(N, M) before the root: a per-object average that cannot tell misses from
false tracks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist


@dataclass(frozen=True, slots=True)
class GospaResult:
    """GOSPA distance and its decomposition (p-th power terms: localisation + missed + false
    = total**p); counts of missed truths, false tracks and assigned pairs."""

    total: float
    localisation: float
    missed: float
    false: float
    n_missed: int
    n_false: int
    n_assigned: int


def _check(name: str, pos: np.ndarray) -> np.ndarray:
    a = np.asarray(pos, dtype=float)
    if a.size == 0:
        return a.reshape(0, a.shape[-1] if a.ndim == 2 else 0)
    if a.ndim != 2:
        raise ValueError(f"{name} must be a (count, dim) array, got shape {a.shape}")
    if not np.isfinite(a).all():
        raise ValueError(f"{name} holds a non-finite coordinate")
    return a


def _capped_assignment(
    truth: np.ndarray, track: np.ndarray, c: float, p: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Optimal assignment of min(N, M) pairs on costs min(d, c)^p -> (rows, cols, d of pairs).

    Rows and columns with no partner closer than c gain nothing from any pair, so the
    assignment is solved only among those that have one; the rest pair off at cost c^p.
    """
    if truth.shape[0] == 0 or track.shape[0] == 0:
        empty = np.empty(0, dtype=np.intp)
        return empty, empty, np.empty(0)
    d = cdist(truth, track)
    near = d < c
    rows_in = np.flatnonzero(near.any(axis=1))
    cols_in = np.flatnonzero(near.any(axis=0))
    sub = np.minimum(d[np.ix_(rows_in, cols_in)], c) ** p
    r, k = linear_sum_assignment(sub)
    return rows_in[r], cols_in[k], d[rows_in[r], cols_in[k]]


def gospa(
    truth_pos: np.ndarray,
    track_pos: np.ndarray,
    c: float = 100.0,
    p: float = 2.0,
    alpha: float = 2.0,
) -> GospaResult:
    """GOSPA between true positions (N, d) and track positions (M, d) (see the module doc)."""
    truth = _check("truth_pos", truth_pos)
    track = _check("track_pos", track_pos)
    if truth.shape[0] and track.shape[0] and truth.shape[1] != track.shape[1]:
        raise ValueError(
            f"truth_pos has {truth.shape[1]} coordinates per row, track_pos {track.shape[1]}"
        )
    if not c > 0.0:
        raise ValueError(f"c must be positive, got {c}")
    if not p >= 1.0:
        raise ValueError(f"p must be at least 1, got {p}")
    if not 0.0 < alpha <= 2.0:
        raise ValueError(f"alpha must be in (0, 2], got {alpha}")
    n, m = truth.shape[0], track.shape[0]
    _, _, d = _capped_assignment(truth, track, c, p)
    close = d < c
    n_close = int(np.count_nonzero(close))
    localisation = float(np.sum(d[close] ** p))
    if alpha == 2.0:
        n_assigned, n_missed, n_false = n_close, n - n_close, m - n_close
    else:  # min(N, M) pairs, those at the cut-off (or beyond every partner) at c^p each
        n_assigned, n_missed, n_false = min(n, m), max(n - m, 0), max(m - n, 0)
        localisation += (n_assigned - n_close) * c**p
    missed, false = c**p / alpha * n_missed, c**p / alpha * n_false
    total = (localisation + missed + false) ** (1.0 / p)
    return GospaResult(
        total=float(total),
        localisation=localisation,
        missed=float(missed),
        false=float(false),
        n_missed=int(n_missed),
        n_false=int(n_false),
        n_assigned=n_assigned,
    )


def ospa(truth_pos: np.ndarray, track_pos: np.ndarray, c: float = 100.0, p: float = 2.0) -> float:
    """OSPA distance between (N, d) and (M, d) position sets; 0 when both are empty."""
    truth = _check("truth_pos", truth_pos)
    track = _check("track_pos", track_pos)
    n, m = truth.shape[0], track.shape[0]
    if max(n, m) == 0:
        return 0.0
    _, _, d = _capped_assignment(truth, track, c, p)
    paired = np.sum(np.minimum(d, c) ** p) + (min(n, m) - d.size) * c**p
    return float(((paired + c**p * abs(m - n)) / max(n, m)) ** (1.0 / p))


def assign_tracks(
    truth_pos: np.ndarray, track_pos: np.ndarray, c: float = 100.0, p: float = 2.0
) -> tuple[np.ndarray, np.ndarray]:
    """The GOSPA (alpha = 2) assignment: truth and track indices (K,) of the pairs closer than c."""
    truth = _check("truth_pos", truth_pos)
    track = _check("track_pos", track_pos)
    rows, cols, d = _capped_assignment(truth, track, c, p)
    close = d < c
    return rows[close], cols[close]


@dataclass(frozen=True, slots=True)
class ContinuityResult:
    """Track continuity over a run, per true object and in total.

    ``breaks``: times a true object lost its track and was later tracked again (a gap).
    ``id_switches``: times the track following an object changed to another track id.
    ``time_to_confirm_s``: per object, from its first appearance to its first tick with a track
    (NaN if never tracked), with ``truth_id`` giving the objects in that order.
    """

    breaks: int
    id_switches: int
    truth_id: np.ndarray
    time_to_confirm_s: np.ndarray

    @property
    def mean_time_to_confirm_s(self) -> float:
        tracked = self.time_to_confirm_s[np.isfinite(self.time_to_confirm_s)]
        return float(tracked.mean()) if tracked.size else float("nan")


def continuity(t: np.ndarray, truth_id: np.ndarray, track_id: np.ndarray) -> ContinuityResult:
    """Breaks, identity switches and time to confirm from one row per (tick, true object present):
    its time t (K,), its truth id (K,) and the id of the track assigned to it then (K,), -1 for
    none (e.g. from :func:`assign_tracks` over confirmed tracks at each tick)."""
    t = np.asarray(t, dtype=float)
    truth_id = np.asarray(truth_id, dtype=np.int64)
    track_id = np.asarray(track_id, dtype=np.int64)
    if not t.shape == truth_id.shape == track_id.shape:
        raise ValueError(
            f"t, truth_id and track_id must have one shape, got {t.shape}, "
            f"{truth_id.shape} and {track_id.shape}"
        )
    order = np.lexsort((t, truth_id))
    t, truth_id, track_id = t[order], truth_id[order], track_id[order]
    ids, first, counts = np.unique(truth_id, return_index=True, return_counts=True)
    breaks = switches = 0
    ttc = np.full(ids.size, np.nan)
    for k, (start, n) in enumerate(zip(first, counts, strict=True)):
        tracks = track_id[start : start + n]
        on = np.flatnonzero(tracks >= 0)
        if on.size == 0:
            continue
        ttc[k] = t[start + on[0]] - t[start]
        breaks += int(np.count_nonzero(np.diff(on) > 1))  # untracked rows between tracked ones
        switches += int(np.count_nonzero(np.diff(tracks[on]) != 0))
    return ContinuityResult(breaks, switches, ids, ttc)
