"""How good a run's class beliefs were, per confirmed track (the summary, report and bench).

Input: rows of (t, track_id, confirmed, truth, p, declared), one per track per tick, in time
order; ``truth`` is the kind of the track's object (TRUTH_LABELS index: drone, bird, aircraft,
or "no object" for a track on false alarms); ``declared`` is the belief's ``declared_drone``.
Only confirmed rows count. Definitions:

- confusion: each confirmed track once, at its last confirmed tick: truth label against the
  believed class (:func:`bastion.classify.belief.believed_class`: the top class, or unknown
  below ``unknown_below``); per-class precision and recall read off it, "no object" matching
  clutter;
- declared drone: declared at a confirmed tick (:mod:`bastion.classify.declaration`: p_drone
  held at the doctrine's ``p_hostile_to_engage`` for ``declare_dwell_s``; what makes a track
  engageable under weapons tight); ``drone_recall``: share of drone tracks declared drone at
  some confirmed tick;
  ``drone_object_recall``: share of drones (objects with a confirmed track) declared drone on
  one of their tracks at some confirmed tick (a drone lost and found again makes several
  tracks, the last ones short);
  ``bird_as_drone_rate``: share of bird tracks declared drone at some confirmed tick;
  each share comes with its counts (``..._counts``: hits, of) and a 95 % Wilson interval
  (``..._ci95``: low, high): a run has a dozen drones, and a share of a few dozen tracks is
  known to a few per cent at best (over many runs, :func:`run_bootstrap_ci` gives the
  interval that allows for tracks of one run going together);
- ``time_to_confident_s``: per truth class, the time from a track's confirmation to its first
  confirmed tick with p(true class) > ``confident_p`` (median and mean over the tracks that got
  there; ``confident_fraction``: how many did).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.stats import binomtest

from bastion.classify.belief import BELIEVED, believed_class
from bastion.types import CLASSES, ObjectKind

#: Truth rows: the object kinds, then tracks with no object behind them.
TRUTH_LABELS: tuple[str, ...] = (*(k.name.lower() for k in ObjectKind), "no object")
NO_OBJECT = len(ObjectKind)
#: The belief column that is right for each truth label.
RIGHT_CLASS = np.array(
    [CLASSES.index(k.name.lower()) for k in ObjectKind] + [CLASSES.index("clutter")]
)


def _per_track(track_id: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique track ids and, per row, the index of its track."""
    return np.unique(track_id, return_inverse=True)


def confusion(
    track_id: np.ndarray, truth: np.ndarray, p: np.ndarray, unknown_below: float
) -> np.ndarray:
    """(len(TRUTH_LABELS), len(BELIEVED)) counts of confirmed rows' tracks at their last row."""
    counts = np.zeros((len(TRUTH_LABELS), len(BELIEVED)), dtype=np.int64)
    if track_id.size == 0:
        return counts
    _, last_rev = np.unique(track_id[::-1], return_index=True)
    last = track_id.size - 1 - last_rev
    np.add.at(counts, (truth[last], believed_class(p[last], unknown_below)), 1)
    return counts


def precision_recall(counts: np.ndarray) -> dict[str, dict[str, float | None]]:
    """Per truth label: recall (right / its tracks) and precision (right / tracks believed
    its class); None where there is nothing to divide."""
    out: dict[str, dict[str, float | None]] = {}
    for i, label in enumerate(TRUTH_LABELS):
        right = counts[i, RIGHT_CLASS[i]]
        total, believed = counts[i].sum(), counts[:, RIGHT_CLASS[i]].sum()
        out[label] = {
            "tracks": int(total),
            "recall": float(right / total) if total else None,
            "precision": float(right / believed) if believed else None,
        }
    return out


def share(hits: int, total: int) -> dict[str, Any]:
    """hits / total with its counts and 95 % Wilson interval, the same keys whatever the
    counts (a campaign's columns are fixed before its first run); None where total is 0."""
    low = high = None
    if total:
        ci = binomtest(hits, total).proportion_ci(confidence_level=0.95, method="wilson")
        low, high = round(float(ci.low), 4), round(float(ci.high), 4)
    return {
        "share": hits / total if total else None,
        "counts": {"hits": hits, "of": total},
        "ci95": {"low": low, "high": high},
    }


def run_bootstrap_ci(
    hits: np.ndarray, total: np.ndarray, draws: int = 2_000, seed: int = 0
) -> dict[str, float | None]:
    """95 % percentile interval of Σ hits / Σ total over runs (``hits``, ``total`` (R,) per
    run) drawn with replacement. The tracks of one run are not independent (a flock's birds
    fly alike and are declared alike; a drone lost and found again makes several tracks),
    and Wilson's interval, which takes them to be, is too narrow when a few runs hold most of
    the hits. None where no draw has a total."""
    hits, total = np.asarray(hits, dtype=float), np.asarray(total, dtype=float)
    if total.sum() == 0:
        return {"low": None, "high": None}
    pick = np.random.default_rng(seed).integers(0, hits.size, (draws, hits.size))
    num, den = hits[pick].sum(axis=1), total[pick].sum(axis=1)
    ratio = num[den > 0] / den[den > 0]
    low, high = np.percentile(ratio, [2.5, 97.5])
    return {"low": round(float(low), 4), "high": round(float(high), 4)}


def counted(scores: dict[str, Any], name: str) -> str | None:
    """'92% (12 of 13)' for the share ``name`` of :func:`class_scores`' output (None: none)."""
    value = scores[name]
    if value is None:
        return None
    counts = scores[f"{name}_counts"]
    return f"{100.0 * value:.0f}% ({counts['hits']} of {counts['of']})"


def class_scores(
    t: np.ndarray,
    track_id: np.ndarray,
    confirmed: np.ndarray,
    truth: np.ndarray,
    p: np.ndarray,
    object_id: np.ndarray,
    declared: np.ndarray,
    unknown_below: float,
    confident_p: float = 0.9,
) -> dict[str, Any]:
    """Every figure of the module docstring, JSON-able (``object_id``: each row's truth id,
    -1 for a false alarm)."""
    rows = np.flatnonzero(confirmed & np.isfinite(p[:, 0]))
    t, track_id, truth, p = t[rows], track_id[rows], truth[rows].astype(np.int64), p[rows]
    object_id, declared_row = object_id[rows], np.asarray(declared, dtype=bool)[rows]
    counts = confusion(track_id, truth, p, unknown_below)
    ids, inv = _per_track(track_id)
    track_truth = np.zeros(ids.size, dtype=np.int64)
    track_truth[inv] = truth  # a track's truth label may change: the last row's wins
    declared = np.zeros(ids.size, dtype=bool)
    np.logical_or.at(declared, inv, declared_row)
    first_t = np.full(ids.size, np.inf)
    np.minimum.at(first_t, inv, t)
    right = p[np.arange(t.size), RIGHT_CLASS[truth]] > confident_p
    confident_t = np.full(ids.size, np.inf)
    np.minimum.at(confident_t, inv[right], t[right])
    times: dict[str, dict[str, float | int | None]] = {}
    for k, label in enumerate(TRUTH_LABELS):
        mine = track_truth == k
        got = mine & np.isfinite(confident_t)
        wait = confident_t[got] - first_t[got]
        times[label] = {
            "tracks": int(mine.sum()),
            "confident_fraction": float(got.sum() / mine.sum()) if mine.any() else None,
            "median": float(np.median(wait)) if wait.size else None,
            "mean": float(np.mean(wait)) if wait.size else None,
        }
    drones = track_truth == ObjectKind.DRONE
    birds = track_truth == ObjectKind.BIRD
    drone_rows = truth == ObjectKind.DRONE
    drone_objects = np.unique(object_id[drone_rows])
    recognised = np.unique(object_id[drone_rows & declared_row])
    shares = {
        "drone_recall": share(int(declared[drones].sum()), int(drones.sum())),
        "drone_object_recall": share(int(recognised.size), int(drone_objects.size)),
        "bird_as_drone_rate": share(int(declared[birds].sum()), int(birds.sum())),
    }
    return {
        "truth_labels": list(TRUTH_LABELS),
        "believed_labels": list(BELIEVED),
        "confusion": counts.tolist(),
        "per_class": precision_recall(counts),
        **{name: s["share"] for name, s in shares.items()},
        **{f"{name}_counts": s["counts"] for name, s in shares.items()},
        **{f"{name}_ci95": s["ci95"] for name, s in shares.items()},
        "time_to_confident_s": times,
        "unknown_below": unknown_below,
    }
