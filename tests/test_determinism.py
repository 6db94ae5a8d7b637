"""Same scenario + same seed = identical event log, for every built-in scenario."""

from __future__ import annotations

from pathlib import Path

import pytest

from bastion.engine import Simulation
from bastion.record.eventlog import TABLES, EventLog, EventLogWriter
from bastion.scenario.loader import builtin_ids, load_builtin


def _run(scenario_id: str, seed: int, out: Path, duration_s: float) -> EventLog:
    scn = load_builtin(scenario_id).model_copy(update={"duration_s": duration_s})
    writer = EventLogWriter(out, {"seed": seed})
    Simulation(scn, seed).run(writer)
    writer.close()
    return EventLog(out)


def _same_file(a: EventLog, b: EventLog, table: str) -> bool:
    """Byte-identical Parquet files (so NaN, which never equals itself, compares too)."""
    fa, fb = a.run_dir / f"{table}.parquet", b.run_dir / f"{table}.parquet"
    return fa.exists() == fb.exists() and (not fa.exists() or fa.read_bytes() == fb.read_bytes())


@pytest.mark.parametrize("scenario_id", builtin_ids())
def test_same_seed_same_log(tmp_path: Path, scenario_id: str) -> None:
    a = _run(scenario_id, 11, tmp_path / "a", 900.0)
    b = _run(scenario_id, 11, tmp_path / "b", 900.0)
    c = _run(scenario_id, 12, tmp_path / "c", 900.0)
    for table in TABLES:
        assert _same_file(a, b, table), table
    assert not _same_file(a, c, "detections")
