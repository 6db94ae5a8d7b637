"""Event log tables as numpy columns, read by name (so columns added later are simply ignored).

Fixed-size list columns (``pos``, ``x``, ``p`` ...) come back as 2-D arrays (rows, width),
strings as object arrays of ``str``, everything else as 1-D arrays. A table with no rows has
no file; its columns come back empty with the documented widths, so callers need no special
case for a quiet run.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from bastion.record.eventlog import EventLog

#: Widths of the list columns, used only to shape the columns of a table that has no file.
LIST_WIDTHS = {
    "pos": 3,
    "vel": 3,
    "sensor_pos": 3,
    "measured": 4,
    "z": 4,
    "R": 16,
    "x": 6,
    "P": 36,
    "p": 4,
    "intercept_pos": 3,
}
_STRING_COLUMNS = frozenset({"sensor_id", "effector_id", "reason", "kind", "detail"})

Columns = dict[str, np.ndarray]

#: The events columns the replay and the report read: what happened, to what, where, at what cost.
OUTCOME_EVENT_COLUMNS = (
    "t",
    "kind",
    "effector_id",
    "track_id",
    "object_id",
    "pos",
    "munitions",
    "in_no_debris_zone",
    "asset_damage",
    "detail",
)


def to_numpy(column: pa.ChunkedArray) -> np.ndarray:
    """One Arrow column as numpy: lists to (rows, width), strings to an object array."""
    if pa.types.is_fixed_size_list(column.type):
        flat = column.combine_chunks().flatten().to_numpy(zero_copy_only=False)
        return flat.reshape(len(column), column.type.list_size)
    if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
        rows = column.to_pylist()
        return np.array(rows, dtype=float).reshape(len(rows), -1)
    return column.to_numpy(zero_copy_only=False)


def _empty(name: str, table: str) -> np.ndarray:
    if name in LIST_WIDTHS:
        return np.zeros((0, LIST_WIDTHS[name]))
    # ``kind`` is a string in events and an integer code in truth.
    if name in _STRING_COLUMNS and not (name == "kind" and table == "truth"):
        return np.zeros(0, dtype=object)
    return np.zeros(0)


def read_columns(log: EventLog, table: str, names: Sequence[str]) -> Columns:
    """The named columns of one table (an EventLogError names any that the file lacks)."""
    data = log.table(table, list(names))
    if data.num_columns == 0:
        return {name: _empty(name, table) for name in names}
    return {name: to_numpy(data.column(name)) for name in names}


def tick_bounds(t: np.ndarray, ticks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row range [start, stop) of each tick in a table whose rows are in time order."""
    return np.searchsorted(t, ticks, side="left"), np.searchsorted(t, ticks, side="right")


def match_rows(
    t: np.ndarray, key: np.ndarray, other_t: np.ndarray, other_key: np.ndarray
) -> np.ndarray:
    """Row of the other table with the same (t, key) as each row here, -1 where none -> (N,).

    Keys are non-negative integers (track or object ids); times are matched exactly, as every
    table stamps a tick's rows with the same t.
    """
    out = np.full(t.shape[0], -1, dtype=np.int64)
    if t.size == 0 or other_t.size == 0:
        return out
    ticks = np.unique(other_t)
    width = int(max(key.max(), other_key.max())) + 1
    other = np.searchsorted(ticks, other_t) * width + other_key.astype(np.int64)
    tick = np.minimum(np.searchsorted(ticks, t), ticks.size - 1)
    mine = tick * width + key.astype(np.int64)
    order = np.argsort(other, kind="stable")
    at = np.minimum(np.searchsorted(other, mine, sorter=order), order.size - 1)
    found = (ticks[tick] == t) & (key >= 0) & (other[order[at]] == mine)
    out[found] = order[at[found]]
    return out


def belief_rows(tracks: Columns, beliefs: Columns, column: str = "p") -> np.ndarray:
    """Each track row's class belief, or another ``column`` of ``beliefs`` (rows of ``tracks``
    -> (M, ...)); nan where none was logged (False for a bool column)."""
    match = match_rows(tracks["t"], tracks["track_id"], beliefs["t"], beliefs["track_id"])
    values = beliefs[column]
    fill = False if values.dtype == bool else np.nan
    out = np.full((match.size, *values.shape[1:]), fill, dtype=values.dtype)
    out[match >= 0] = values[match[match >= 0]]
    return out
