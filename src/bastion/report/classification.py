"""Classification confusion: what each confirmed track really was against what the classifier
finally thought it was.

One count per confirmed track: its truth (the kind of its ``truth_id``, or "no object" for a
track on false alarms) and the most probable class of its belief at its last confirmed tick.
"""

from __future__ import annotations

import numpy as np

from bastion.report.data import RunData, belief_rows
from bastion.report.html import Cell, Section, num, paragraph, table
from bastion.types import CLASSES, ObjectKind, TrackStatus

#: Truth rows of the matrix: the object kinds, then tracks with no object behind them.
TRUTH_LABELS: tuple[str, ...] = (*(k.name.lower() for k in ObjectKind), "no object")


def confusion(run: RunData) -> np.ndarray:
    """Counts (truth label, believed class) over confirmed tracks -> (len(TRUTH_LABELS),
    len(CLASSES)) int; tracks with no logged belief are left out."""
    trk = run.tracks
    confirmed = np.flatnonzero(trk["status"] == TrackStatus.CONFIRMED)
    ids = trk["track_id"][confirmed].astype(np.int64)
    # Last confirmed row of each track: rows are in time order, so search the reversed ids.
    _, last_rev = np.unique(ids[::-1], return_index=True)
    last = confirmed[ids.size - 1 - last_rev]
    p = belief_rows({k: v[last] for k, v in trk.items()}, run.beliefs)
    has_belief = ~np.isnan(p[:, 0])
    truth_id = trk["truth_id"][last].astype(np.int64)
    truth = np.where(truth_id >= 0, run.objects.kind[np.maximum(truth_id, 0)], len(ObjectKind))
    believed = np.nan_to_num(p).argmax(axis=1)
    counts = np.zeros((len(TRUTH_LABELS), len(CLASSES)), dtype=np.int64)
    np.add.at(counts, (truth[has_belief], believed[has_belief]), 1)
    return counts


def _is_right(truth: str, believed: str) -> bool:
    return truth == believed or (truth == "no object" and believed == "clutter")


def classification_section(run: RunData) -> Section:
    counts = confusion(run)
    rows = []
    for i, truth in enumerate(TRUTH_LABELS):
        cells: list[str | Cell] = [truth]
        for j, believed in enumerate(CLASSES):
            css = "num diag" if _is_right(truth, believed) and counts[i, j] else "num"
            cells.append(Cell(f"{counts[i, j]:,}", css))
        cells.append(num(int(counts[i].sum())))
        rows.append(cells)
    right = sum(
        counts[i, j]
        for i, t in enumerate(TRUTH_LABELS)
        for j, b in enumerate(CLASSES)
        if _is_right(t, b)
    )
    total = int(counts.sum())
    body = paragraph(
        "Confirmed tracks by what they really were (rows) and the classifier's most probable "
        "class at each track's last confirmed update (columns)."
    )
    body += table(["truth \\ believed", *CLASSES, "tracks"], rows)
    if total:
        body += paragraph(
            f"{right} of {total} confirmed tracks ({100.0 * right / total:.0f}%) "
            "ended with the right class."
        )
    return Section("classification", "Classification confusion", body)
