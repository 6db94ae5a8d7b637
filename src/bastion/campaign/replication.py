"""One replication, as a worker runs it: a run in a scratch folder, reduced to one flat row.

The event log is written to a temporary folder, summarised, and removed (unless logs are kept),
so a worker's disk and memory stay flat however many runs it does. Any exception becomes an
``error`` entry in the row instead of propagating: one bad run must not stop a campaign.
"""

from __future__ import annotations

import tempfile
import traceback
from pathlib import Path
from typing import Any

from bastion.campaign.plan import RunTask
from bastion.errors import CampaignError
from bastion.run import run_scenario
from bastion.scenario.schema import Scenario

#: Summary entries that describe the run's inputs or location rather than its outcome.
_NOT_FIGURES = frozenset({"out_dir", "reported_outcome"})

Scalar = bool | int | float | str | None


def flatten_summary(summary: dict[str, Any]) -> dict[str, Scalar]:
    """Nested summary to scalar columns: munitions -> 'munitions.M1-hmeimim', etc."""
    flat: dict[str, Scalar] = {}

    def visit(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                visit(f"{prefix}.{key}" if prefix else str(key), item)
        elif value is None or isinstance(value, bool | int | float | str):
            flat[prefix] = value

    for key, value in summary.items():
        if key not in _NOT_FIGURES:
            visit(key, value)
    return flat


def describe_error(err: BaseException) -> str:
    """'ValueError: message (at engage/effectors.py:51 in commit)': what failed and where."""
    frames = traceback.extract_tb(err.__traceback__)
    where = ""
    if frames:
        last = frames[-1]
        where = f" (at {Path(last.filename).parent.name}/{Path(last.filename).name}:{last.lineno}"
        where += f" in {last.name})"
    return f"{type(err).__name__}: {err}{where}"


def run_replication(scenario: Scenario, task: RunTask, log_root: Path | None) -> dict[str, Scalar]:
    """The flattened summary of one run, or ``{'error': ...}``; logs kept under ``log_root``."""
    try:
        if log_root is None:
            with tempfile.TemporaryDirectory(prefix="bastion-run-") as scratch:
                return flatten_summary(run_scenario(scenario, task.seed, Path(scratch)))
        log_dir = log_root / f"c{task.combination:04d}-r{task.replication:05d}"
        return {
            **flatten_summary(run_scenario(scenario, task.seed, log_dir)),
            "log_dir": str(log_dir),
        }
    except Exception as err:
        return {"error": describe_error(err)}


def summary_columns(scenario: Scenario) -> dict[str, Scalar]:
    """Every figure a run of ``scenario`` reports, with example values, from a one-tick run.

    The summary's keys depend on the code (summary.py) and on the scenario (one munitions entry
    per effector), not on the seed; a one-tick run learns them in milliseconds, so the results'
    columns are fixed before the first real run.
    """
    one_tick = scenario.model_copy(update={"duration_s": scenario.dt_s})
    try:
        with tempfile.TemporaryDirectory(prefix="bastion-probe-") as scratch:
            return flatten_summary(run_scenario(one_tick, 0, Path(scratch)))
    except Exception as err:
        raise CampaignError(
            f"scenario {scenario.id!r} cannot run a single tick: {describe_error(err)}"
        ) from err
