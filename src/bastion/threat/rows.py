"""Find the rows of a record that belong to given track ids.

Stages hand over separate records keyed by ``track_id`` (tracks, class belief, threats), not
necessarily in the same row order, so a consumer must match rows by id, never by position.
Stages that carry state per track from tick to tick keep it sorted by id and look each tick's
tracks up in it (:func:`sorted_rows`); tracks not found there are new.
"""

from __future__ import annotations

import numpy as np


def rows_of(track_id: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Row index in ``track_id`` (N,) of each id in ``wanted`` (M,) -> (M,) int.

    Raises KeyError naming the ids that are missing: a stage that lost a track is a bug upstream,
    and guessing a row would silently mix up tracks.
    """
    track_id = np.asarray(track_id)
    wanted = np.asarray(wanted)
    order = np.argsort(track_id, kind="stable")
    pos = np.clip(np.searchsorted(track_id[order], wanted), 0, max(track_id.size - 1, 0))
    found = np.zeros(wanted.shape, dtype=bool)
    if track_id.size:
        found = track_id[order][pos] == wanted
    if not found.all():
        raise KeyError(f"no row for track ids {wanted[~found].tolist()}")
    return order[pos]


def sorted_rows(sorted_ids: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of ``ids`` (M,) sits in ``sorted_ids`` (N,, ascending), and whether it is
    there: (positions (M,) int, only meaningful where found; found (M,) bool)."""
    pos = np.searchsorted(sorted_ids, ids)
    found = pos < sorted_ids.size
    found[found] = sorted_ids[pos[found]] == ids[found]
    return pos, found
