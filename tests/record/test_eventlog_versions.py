"""Versions of the event log format: an older or newer log is rejected with a message that says
which and what to do; a file that lacks a column its version requires is named; columns added
beside the documented ones are ignored by every reader."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from bastion.cli import app
from bastion.errors import EventLogError
from bastion.record.eventlog import FORMAT_VERSION, EventLog
from bastion.record.replay import frames
from bastion.summary import summarize


def _copy(run: Path, to: Path) -> Path:
    shutil.copytree(run, to)
    return to


def _set_version(run: Path, version: object) -> None:
    meta = json.loads((run / "meta.json").read_text())
    meta["format_version"] = version
    (run / "meta.json").write_text(json.dumps(meta))


def test_an_older_format_is_rejected_with_a_clear_message(mid_run, tmp_path: Path) -> None:
    run = _copy(mid_run[0], tmp_path / "old")
    for old in (0, FORMAT_VERSION - 1):
        _set_version(run, old)
        with pytest.raises(EventLogError, match=rf"format version {old} is not supported") as err:
            EventLog(run)
        assert "older Bastion" in str(err.value) and "run the scenario again" in str(err.value)
    result = CliRunner().invoke(app, ["report", str(run)])
    assert result.exit_code == 2 and "older Bastion" in result.output


def test_a_newer_format_is_rejected_with_a_clear_message(mid_run, tmp_path: Path) -> None:
    run = _copy(mid_run[0], tmp_path / "new")
    _set_version(run, FORMAT_VERSION + 1)
    with pytest.raises(EventLogError, match="newer Bastion: upgrade Bastion"):
        EventLog(run)


def test_a_missing_column_is_named(mid_run, tmp_path: Path) -> None:
    run = _copy(mid_run[0], tmp_path / "holed")
    events = pq.read_table(run / "events.parquet").drop_columns(["detail"])
    pq.write_table(events, run / "events.parquet")
    with pytest.raises(EventLogError, match=r"events\.parquet: no column 'detail'"):
        summarize(EventLog(run))
    result = CliRunner().invoke(app, ["report", str(run)])
    assert result.exit_code == 2 and "no column 'detail'" in result.output
    assert "Traceback" not in result.output


def test_added_columns_are_ignored(mid_run, tmp_path: Path) -> None:
    out, summary = mid_run
    run = _copy(out, tmp_path / "wider")
    for table in ("truth", "events", "tracks"):
        data = pq.read_table(run / f"{table}.parquet")
        extra = pa.array([1.5] * data.num_rows)
        pq.write_table(data.append_column("added_later", extra), run / f"{table}.parquet")
    again = summarize(EventLog(run))
    for key in ("launched", "destroyed", "ew_defeated", "false_tracks", "munitions"):
        assert again[key] == summary[key], key
    *_, last = frames(EventLog(run))
    assert last.figures["destroyed"] == summary["destroyed"]
