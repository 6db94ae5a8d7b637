"""One replication as a worker runs it: a flat row, no files left behind, errors as rows."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

import bastion.campaign.replication as replication
from bastion.campaign import RunTask, flatten_summary, run_replication
from bastion.record.eventlog import EventLog
from bastion.summary import summarize


@pytest.fixture(scope="module")
def one_minute(short_raid):
    return short_raid.model_copy(update={"duration_s": 60.0})


def test_the_scratch_log_is_removed_and_a_kept_log_reproduces_the_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_minute
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    task = RunTask(combination=2, replication=7, seed=123)
    row = run_replication(one_minute, task, None)
    assert list(scratch.iterdir()) == []  # disk stays flat however many runs
    assert row["seed"] == 123 and row["launched"] > 0 and "error" not in row

    kept = run_replication(one_minute, task, tmp_path / "logs")
    assert kept["log_dir"] == str(tmp_path / "logs" / "c0002-r00007")
    again = flatten_summary(summarize(EventLog(Path(kept["log_dir"]))))
    for key in set(row) - {"wall_s", "log_dir"}:
        assert row[key] == kept[key] == again[key], key


def test_a_run_that_raises_becomes_an_error_row(
    monkeypatch: pytest.MonkeyPatch, one_minute
) -> None:
    def broken(scenario, seed, out_dir, progress_console=None):
        raise ValueError(f"no free fire channel at seed {seed}")

    monkeypatch.setattr(replication, "run_scenario", broken)
    row = run_replication(one_minute, RunTask(0, 0, 5), None)
    assert set(row) == {"error"}
    assert row["error"].startswith("ValueError: no free fire channel at seed 5 (at campaign/")
