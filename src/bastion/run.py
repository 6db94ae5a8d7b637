"""Running one scenario to a run folder: the edge that wires the pure engine to the event log.

Used by the CLI and by campaigns; it is the one place that reads the clock for ``wall_s``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from bastion import __version__
from bastion.engine import Simulation
from bastion.record.eventlog import EventLog, EventLogWriter
from bastion.scenario.schema import Scenario
from bastion.summary import summarize


def run_meta(scenario: Scenario, sim: Simulation, seed: int) -> dict[str, Any]:
    """What meta.json records about a run before it starts."""
    return {
        "bastion_version": __version__,
        "scenario": scenario.id,
        "scenario_version": scenario.version,
        "seed": seed,
        "duration_s": scenario.duration_s,
        "origin": list(sim.site.origin),
        "effectors": {e.id: {"kind": e.type, "cost_usd": e.cost_usd} for e in scenario.effectors},
        "scenario_definition": scenario.model_dump(mode="json"),
    }


def run_scenario(
    scenario: Scenario, seed: int, out_dir: Path, progress_console: Console | None = None
) -> dict[str, Any]:
    """Simulate, write the event log to ``out_dir``, and return the summary read back from it.

    A progress bar goes to ``progress_console`` when one is given.
    """
    started = time.perf_counter()
    sim = Simulation(scenario, seed)
    writer = EventLogWriter(out_dir, run_meta(scenario, sim, seed))
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f} s simulated"),
        TimeElapsedColumn(),
        console=progress_console,
        disable=progress_console is None,
        transient=True,
    ) as progress:
        task = progress.add_task(scenario.id, total=sim.steps * scenario.dt_s)
        sim.run(writer, lambda done, _total: progress.update(task, completed=done * scenario.dt_s))
    writer.close({"wall_s": round(time.perf_counter() - started, 3)})
    summary = summarize(EventLog(out_dir))
    summary["wall_s"] = round(time.perf_counter() - started, 3)
    summary["out_dir"] = str(out_dir)
    if scenario.reported_outcome is not None:
        summary["reported_outcome"] = scenario.reported_outcome.model_dump(exclude_none=True)
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True))
    return summary
