"""The event log: every record that crosses a stage boundary, as Parquet tables in one folder.

Layout of a run folder (format version 3, documented in docs/event-log.md):

    meta.json          format version, Bastion version, scenario id, seed, scenario as run
    truth.parquet      TruthBatch rows       detections.parquet   DetectionBatch rows
    tracks.parquet     TrackTable rows       beliefs.parquet      ClassBelief rows
    threats.parquet    ThreatTable rows      assignments.parquet  Assignment rows
    events.parquet     EngagementEvent rows

Each record becomes rows with its time ``t`` repeated; (N, k) arrays become fixed-size lists,
(N, k, k) arrays are flattened row-major to fixed-size lists of k*k. Records are buffered and
written in row groups, so memory stays flat however long the run.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from bastion.errors import EventLogError
from bastion.types import (
    Assignment,
    ClassBelief,
    DetectionBatch,
    EngagementEvent,
    ThreatTable,
    TrackTable,
    TruthBatch,
)

FORMAT_VERSION = 5
TABLES = ("truth", "detections", "tracks", "beliefs", "threats", "assignments", "events")
#: The record behind each table: its fields are the columns this format version writes.
RECORDS: dict[str, type] = {
    "truth": TruthBatch,
    "detections": DetectionBatch,
    "tracks": TrackTable,
    "beliefs": ClassBelief,
    "threats": ThreatTable,
    "assignments": Assignment,
    "events": EngagementEvent,
}
_FLUSH_ROWS = 50_000


def _column(value: np.ndarray) -> pa.Array:
    if value.dtype == object:
        return pa.array(value.tolist(), type=pa.string())
    if value.ndim == 1:
        return pa.array(value)
    flat = value.reshape(value.shape[0], -1)
    width = flat.shape[1]
    return pa.FixedSizeListArray.from_arrays(pa.array(flat.reshape(-1)), width)


#: Array fields that describe the whole record rather than one row of it.
_PER_RECORD_ARRAYS = frozenset({"sensor_pos", "measured"})


def record_columns(record: Any) -> dict[str, np.ndarray]:
    """A frozen record of arrays to named numpy columns, per-record fields repeated per row."""
    n = len(record)
    cols: dict[str, np.ndarray] = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if f.name in _PER_RECORD_ARRAYS:
            cols[f.name] = np.repeat(np.asarray(value)[None, :], n, axis=0)
        elif isinstance(value, np.ndarray):
            cols[f.name] = value
        else:
            cols[f.name] = np.full(n, value, dtype=object if isinstance(value, str) else None)
    return cols


def columns_to_table(chunks: list[dict[str, np.ndarray]]) -> pa.Table:
    """Concatenate buffered records' columns and convert them to Arrow once, per flush."""
    names = list(chunks[0])
    return pa.table({k: _column(np.concatenate([c[k] for c in chunks])) for k in names})


class EventLogWriter:
    """Appends records to the run folder's Parquet tables; ``close`` writes meta.json last."""

    def __init__(self, out_dir: Path, meta: dict[str, Any]) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for stale in [self.out_dir / f"{t}.parquet" for t in TABLES] + [self.out_dir / "meta.json"]:
            stale.unlink(missing_ok=True)
        self.meta = {"format_version": FORMAT_VERSION, **meta}
        self._buffers: dict[str, list[dict[str, np.ndarray]]] = {t: [] for t in TABLES}
        self._rows: dict[str, int] = dict.fromkeys(TABLES, 0)
        self._writers: dict[str, pq.ParquetWriter] = {}

    def append(self, table: str, record: Any) -> None:
        if len(record) == 0:
            return
        self._buffers[table].append(record_columns(record))
        self._rows[table] += len(record)
        if self._rows[table] >= _FLUSH_ROWS:
            self._flush(table)

    def _flush(self, table: str) -> None:
        if not self._buffers[table]:
            return
        data = columns_to_table(self._buffers[table])
        if table not in self._writers:
            self._writers[table] = pq.ParquetWriter(self.out_dir / f"{table}.parquet", data.schema)
        self._writers[table].write_table(data)
        self._buffers[table] = []
        self._rows[table] = 0

    def close(self, extra_meta: dict[str, Any] | None = None) -> None:
        for table in TABLES:
            self._flush(table)
        for writer in self._writers.values():
            writer.close()
        meta = {**self.meta, **(extra_meta or {})}
        (self.out_dir / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True))


class EventLog:
    """Read access to a run folder; checks the format version before anything else."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = Path(run_dir)
        meta_path = self.run_dir / "meta.json"
        if not meta_path.is_file():
            raise EventLogError(f"{self.run_dir}: no meta.json, not a Bastion run folder")
        try:
            self.meta = json.loads(meta_path.read_text())
        except json.JSONDecodeError as err:
            raise EventLogError(f"{meta_path}: corrupt meta.json ({err})") from None
        version = self.meta.get("format_version")
        if version != FORMAT_VERSION:
            if isinstance(version, int) and version > FORMAT_VERSION:
                hint = "written by a newer Bastion: upgrade Bastion to read it"
            else:
                hint = "written by an older Bastion: run the scenario again to rewrite it"
            raise EventLogError(
                f"{meta_path}: event log format version {version!r} is not supported "
                f"(this Bastion reads version {FORMAT_VERSION}; {hint})"
            )

    def table(self, name: str, columns: list[str] | None = None) -> pa.Table:
        """A table (or some of its columns); empty when no rows were ever written."""
        if name not in TABLES:
            raise EventLogError(f"unknown event log table {name!r} (tables: {', '.join(TABLES)})")
        path = self.run_dir / f"{name}.parquet"
        if not path.exists():
            return pa.table({})
        try:
            names = pq.read_schema(path).names
            wanted = columns or [f.name for f in dataclasses.fields(RECORDS[name])]
            missing = [c for c in wanted if c not in names]
            if missing:
                raise EventLogError(
                    f"{path}: no column {', '.join(map(repr, missing))} (the file has "
                    f"{', '.join(names)}): not the format version {FORMAT_VERSION} that "
                    "its meta.json states"
                )
            return pq.read_table(path, columns=columns)
        except pa.ArrowInvalid as err:
            raise EventLogError(f"{path}: corrupt Parquet file ({err})") from None
