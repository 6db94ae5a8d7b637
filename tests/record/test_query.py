"""`bastion query`: DuckDB SQL over a run folder, each table a view named after it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console
from typer.testing import CliRunner

from bastion.cli import app
from bastion.errors import QueryError
from bastion.record.eventlog import TABLES, EventLog, EventLogWriter
from bastion.record.query import print_table, run_query
from bastion.types import EngagementEvent, EventRow


def _rows(log: EventLog, sql: str) -> list[tuple]:
    return [row for batch in run_query(log, sql).batches() for row in batch]


def test_every_table_is_a_view_with_the_rows_of_its_file(mid_run) -> None:
    out, _ = mid_run
    log = EventLog(out)
    for table in TABLES:
        if (out / f"{table}.parquet").exists():
            assert _rows(log, f"SELECT count(*) FROM {table}") == [(log.table(table).num_rows,)]


def test_a_query_gives_the_same_answer_as_reading_the_file(mid_run) -> None:
    out, _ = mid_run
    log = EventLog(out)
    events = log.table("events").to_pydict()
    expected: dict[str, int] = {}
    for kind in events["kind"]:
        expected[kind] = expected.get(kind, 0) + 1
    got = _rows(log, "SELECT kind, count(*) FROM events GROUP BY kind")
    assert dict(got) == expected
    # A join across views: each launch's target track was confirmed at that tick.
    joined = _rows(
        log,
        "SELECT count(*) FROM events e JOIN tracks k ON e.t = k.t AND e.track_id = k.track_id "
        "WHERE e.kind = 'launch' AND k.status = 1",
    )
    assert joined[0][0] >= 1


def test_bad_sql_is_a_clear_error(mid_run) -> None:
    out, _ = mid_run
    with pytest.raises(QueryError, match="query failed: Parser Error"):
        run_query(EventLog(out), "SELEC 1")
    with pytest.raises(QueryError, match="views: truth, detections"):
        run_query(EventLog(out), "SELECT nope FROM truth")


def test_a_table_without_rows_is_named_in_the_error(tmp_path: Path) -> None:
    writer = EventLogWriter(tmp_path, {"seed": 1})
    writer.append("events", EngagementEvent.from_rows(1.0, [EventRow(kind="miss", pos=(0, 0, 0))]))
    writer.close()
    log = EventLog(tmp_path)
    assert _rows(log, "SELECT kind FROM events") == [("miss",)]
    with pytest.raises(QueryError, match="no rows were written to assignments"):
        run_query(log, "SELECT * FROM assignments")


def test_the_table_view_stops_at_max_rows(mid_run) -> None:
    out, _ = mid_run
    console = Console(file=io.StringIO(), width=120)
    shown = print_table(run_query(EventLog(out), "SELECT t FROM truth"), console, max_rows=5)
    assert shown == 5
    assert "only the first 5 rows are shown" in console.file.getvalue()


def test_query_command_outputs(mid_run) -> None:
    out, _ = mid_run
    runner = CliRunner()
    sql = "SELECT t, kind, pos FROM events ORDER BY t LIMIT 3"
    table = runner.invoke(app, ["query", str(out), sql])
    assert table.exit_code == 0 and "kind" in table.output
    as_json = runner.invoke(app, ["query", str(out), sql, "--json"])
    assert as_json.exit_code == 0, as_json.output
    records = json.loads(as_json.stdout)
    assert len(records) == 3 and set(records[0]) == {"t", "kind", "pos"}
    assert len(records[0]["pos"]) == 3
    as_csv = runner.invoke(app, ["query", str(out), sql, "--csv"])
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0] == ["t", "kind", "pos"] and len(rows) == 4
    np.testing.assert_allclose(json.loads(rows[1][2]), records[0]["pos"])
    bad = runner.invoke(app, ["query", str(out), "SELEC 1"])
    assert bad.exit_code == 2 and "query failed" in bad.output
    assert "Traceback" not in bad.output
