"""The results table: one row per run, streamed to Parquet files in the campaign folder.

Columns, the same in every file (the schema is fixed before the first run):

- ``combination``, ``replication``, ``seed``: which run, and the seed that reproduces it;
- ``vary.<path>``: the value of each varied field, e.g. ``vary.raids[0].count``;
- every scalar summary figure, nested ones flattened: ``leakers``, ``munitions.M1-hmeimim``,
  ``first_detection_range_m.mean``, ``wall_s`` ...; null in a failed run;
- ``error``: what went wrong, null when the run succeeded; ``log_dir``: kept event log, or null.

Rows are buffered and written as ``results-NNNNNN.parquet``, each file written under a temporary
name and renamed when complete, so an interrupted campaign leaves only whole files behind and
``read_parquet('DIR/*.parquet')`` (DuckDB) always reads a consistent table.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from bastion.campaign.plan import CampaignPlan, RunTask
from bastion.campaign.replication import Scalar, summary_columns

RESULTS_GLOB = "results-*.parquet"
_FILE_NUMBER = re.compile(r"results-(\d+)\.parquet$")
IDENTITY = ("combination", "replication", "seed")


def _arrow_type(example: Scalar) -> pa.DataType:
    """Column type of a summary figure from one example value; a missing value is a float."""
    if isinstance(example, bool):
        return pa.bool_()
    if isinstance(example, int):
        return pa.int64()
    if isinstance(example, str):
        return pa.string()
    return pa.float64()


def results_schema(plan: CampaignPlan, figures: Iterable[dict[str, Scalar]]) -> pa.Schema:
    """Identity, varied values, the union of the figures' columns, then error and log_dir."""
    fields = [pa.field(name, pa.int64(), nullable=False) for name in IDENTITY]
    for i, variation in enumerate(plan.variations):
        values = pa.array([c.values[i] for c in plan.combinations])
        fields.append(pa.field(variation.column, values.type))
    seen = set(IDENTITY)
    for example in figures:
        for name, value in example.items():
            if name not in seen:
                seen.add(name)
                fields.append(pa.field(name, _arrow_type(value)))
    fields += [pa.field("error", pa.string()), pa.field("log_dir", pa.string())]
    return pa.schema(fields)


def campaign_schema(plan: CampaignPlan) -> pa.Schema:
    """The results schema of a campaign, probing one scenario per distinct set of equipment ids.

    Besides the code, only the equipment changes a summary's keys (munitions and kills per
    effector), so combinations that share their effector and sensor ids share their columns.
    """
    probes = {}
    for combo in plan.combinations:
        scenario = combo.scenario
        equipment = (tuple(e.id for e in scenario.effectors), tuple(s.id for s in scenario.sensors))
        probes.setdefault(equipment, combo.scenario)
    return results_schema(plan, [summary_columns(s) for s in probes.values()])


def make_row(plan: CampaignPlan, task: RunTask, result: dict[str, Scalar]) -> dict[str, Any]:
    """A run's result with the columns that say which run it was."""
    values = plan.combinations[task.combination].values
    row: dict[str, Any] = dict(result)
    row.update(combination=task.combination, replication=task.replication, seed=task.seed)
    row.update({v.column: value for v, value in zip(plan.variations, values, strict=True)})
    return row


def results_files(out_dir: Path) -> list[Path]:
    return sorted(Path(out_dir).glob(RESULTS_GLOB))


class ResultsWriter:
    """Buffers rows and writes a file every ``chunk_rows`` rows or ``flush_after_s`` seconds."""

    def __init__(
        self,
        out_dir: Path,
        schema: pa.Schema,
        chunk_rows: int = 256,
        flush_after_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.out_dir = Path(out_dir)
        self.schema = schema
        self.chunk_rows = chunk_rows
        self.flush_after_s = flush_after_s
        self._clock = clock
        self._rows: list[dict[str, Any]] = []
        self._last_flush = clock()
        numbers = [
            int(m.group(1)) for p in results_files(out_dir) if (m := _FILE_NUMBER.search(p.name))
        ]
        self._next = max(numbers, default=-1) + 1

    def add(self, row: dict[str, Any]) -> None:
        self._rows.append(row)
        due = self._clock() - self._last_flush >= self.flush_after_s
        if len(self._rows) >= self.chunk_rows or due:
            self.flush()

    def flush(self) -> None:
        self._last_flush = self._clock()
        if not self._rows:
            return
        table = pa.Table.from_pylist(self._rows, schema=self.schema)
        final = self.out_dir / f"results-{self._next:06d}.parquet"
        partial = final.with_suffix(".partial")
        pq.write_table(table, partial)
        os.replace(partial, final)
        self._next += 1
        self._rows = []


def finished_runs(out_dir: Path) -> frozenset[tuple[int, int]]:
    """(combination, replication) pairs already in the folder's results, failed runs included."""
    done: set[tuple[int, int]] = set()
    for path in results_files(out_dir):
        table = pq.read_table(path, columns=["combination", "replication"])
        done.update(zip(*(table.column(n).to_pylist() for n in table.column_names), strict=True))
    return frozenset(done)


def stored_schema(out_dir: Path) -> pa.Schema | None:
    """Schema of the folder's results files (the first one's: all are written with one)."""
    files = results_files(out_dir)
    return pq.read_schema(files[0]) if files else None


def read_results(out_dir: Path) -> pa.Table:
    """Every row of a campaign folder, in (combination, replication) order, through DuckDB."""
    pattern = str(Path(out_dir) / RESULTS_GLOB).replace("'", "''")
    with duckdb.connect() as con:
        query = f"SELECT * FROM read_parquet('{pattern}') ORDER BY combination, replication"
        return con.sql(query).to_arrow_table()
