"""SQL over a run folder: DuckDB with each event log table as a view named after it.

``truth``, ``detections``, ``tracks``, ``beliefs``, ``threats``, ``assignments`` and ``events``
are views over the folder's Parquet files, so a query reads only the columns and row groups it
needs. A table with no rows in the run has no file and so no view; a query naming it fails with
a message that says so.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO

import duckdb
from rich.console import Console
from rich.table import Table

from bastion.errors import QueryError
from bastion.record.eventlog import TABLES, EventLog

_FETCH_ROWS = 10_000


@dataclass(frozen=True, slots=True)
class QueryCursor:
    """A query that ran: its column names and a cursor to fetch its rows from."""

    columns: list[str]
    cursor: duckdb.DuckDBPyConnection

    def batches(self) -> Iterator[list[tuple[Any, ...]]]:
        while batch := self.cursor.fetchmany(_FETCH_ROWS):
            yield batch


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect(log: EventLog) -> tuple[duckdb.DuckDBPyConnection, list[str]]:
    """An in-memory DuckDB connection with a view per table that has a file -> (con, views)."""
    con = duckdb.connect()
    views = []
    for name in TABLES:
        path = log.run_dir / f"{name}.parquet"
        if path.exists():
            source = _sql_string(str(path))
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet({source})")
            views.append(name)
    return con, views


def run_query(log: EventLog, sql: str) -> QueryCursor:
    """Run ``sql`` over the run's views; a QueryError says what DuckDB did not accept."""
    con, views = connect(log)
    try:
        cursor = con.execute(sql)
    except duckdb.Error as err:
        message = str(err).strip()
        absent = [t for t in TABLES if t not in views and t in sql]
        hint = f"; no rows were written to {', '.join(absent)} in this run" if absent else ""
        raise QueryError(
            f"{log.run_dir}: query failed: {message}\n(views: {', '.join(views)}{hint})"
        ) from None
    if cursor.description is None:
        raise QueryError(f"{log.run_dir}: the statement returned no result set")
    return QueryCursor([d[0] for d in cursor.description], cursor)


def _cell(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return "[" + ", ".join(_cell(v) for v in value) + "]"
    return str(value)


def print_table(result: QueryCursor, console: Console, max_rows: int) -> int:
    """Show up to ``max_rows`` rows as a rich table; returns the number of rows shown."""
    rows = result.cursor.fetchmany(max_rows + 1)
    table = Table(*result.columns)
    for row in rows[:max_rows]:
        table.add_row(*(_cell(v) for v in row))
    console.print(table)
    if len(rows) > max_rows:
        console.print(
            f"only the first {max_rows} rows are shown: raise --max-rows, add LIMIT, "
            "or write them all with --csv or --json",
            highlight=False,
        )
    return min(len(rows), max_rows)


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def write_json(result: QueryCursor, out: TextIO) -> None:
    """All rows as one JSON array of objects; non-finite numbers become null."""
    out.write("[")
    first = True
    for batch in result.batches():
        for row in batch:
            record = {c: _json_value(v) for c, v in zip(result.columns, row, strict=True)}
            out.write(("\n" if first else ",\n") + json.dumps(record, default=str))
            first = False
    out.write("\n]\n")


def write_csv(result: QueryCursor, out: TextIO) -> None:
    """All rows as CSV with a header; list cells as JSON arrays."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(result.columns)
    for batch in result.batches():
        writer.writerows(
            [json.dumps(v) if isinstance(v, list) else v for v in row] for row in batch
        )
