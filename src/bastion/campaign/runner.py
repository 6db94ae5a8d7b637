"""Running a campaign's replications on a Dask cluster, streaming each result to disk.

The Dask client is handed in (a LocalCluster's, or one connected to a remote scheduler); this
module never creates one. At most ``window`` runs are in flight at a time, twice the cluster's
worker threads: enough to keep every worker busy, and the scheduler, this process and the
results buffer hold O(window + chunk) rows whatever the number of runs. Each combination's
scenario is scattered to the workers once; a task carries only its (combination, replication,
seed) and returns one flat row of a few hundred bytes.

A run that raises, or whose worker dies, is recorded with its seed and error and the campaign
carries on. On interruption the rows received so far are written before returning, and a later
call with the same folder does only the runs that are missing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from distributed import Client, Future, as_completed
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from bastion.campaign.folder import prepare_folder
from bastion.campaign.plan import CampaignPlan, RunTask
from bastion.campaign.replication import describe_error, run_replication
from bastion.campaign.results import ResultsWriter, campaign_schema, make_row


@dataclass(frozen=True)
class CampaignOutcome:
    out_dir: Path
    total: int  # runs in the plan
    skipped: int  # already in the folder before this call
    completed: int  # run now and succeeded
    failed: int  # run now and recorded with an error
    wall_s: float


def _progress(console: Console | None) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs, {task.fields[failed]} failed"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=console is None,
    )


def run_campaign(
    client: Client,
    plan: CampaignPlan,
    out_dir: Path,
    *,
    keep_logs: bool = False,
    progress_console: Console | None = None,
    chunk_rows: int = 256,
    flush_after_s: float = 60.0,
) -> CampaignOutcome:
    """Run every replication of every combination not yet in ``out_dir``; rows go to Parquet.

    ``keep_logs`` keeps each run's event log under ``out_dir/logs`` (on the worker's disk: use a
    shared file system with a remote cluster). A progress bar goes to ``progress_console``.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    schema = campaign_schema(plan)
    done = prepare_folder(out_dir, plan, schema)
    skipped = sum(1 for c, r in done if c < len(plan.combinations) and r < plan.runs)
    log_root = (out_dir / "logs").resolve() if keep_logs else None
    writer = ResultsWriter(out_dir, schema, chunk_rows, flush_after_s)
    scenarios = client.scatter([c.scenario for c in plan.combinations], broadcast=True, hash=False)
    window = max(2 * sum(client.nthreads().values()), 2)
    pending = plan.tasks(done)
    in_flight: dict[Future, RunTask] = {}
    arrivals = as_completed()

    def submit_next() -> None:
        task = next(pending, None)
        if task is not None:
            future = client.submit(
                run_replication, scenarios[task.combination], task, log_root, pure=False
            )
            in_flight[future] = task
            arrivals.add(future)

    counts = {"completed": 0, "failed": 0}
    try:
        with _progress(progress_console) as progress:
            bar = progress.add_task(plan.base.id, total=plan.total, completed=skipped, failed=0)
            for _ in range(window):
                submit_next()
            for future in arrivals:
                task = in_flight.pop(future)
                result = _result(future)
                writer.add(make_row(plan, task, result))
                counts["failed" if "error" in result else "completed"] += 1
                progress.update(bar, advance=1, failed=counts["failed"])
                submit_next()
    finally:
        writer.flush()
        client.cancel(list(in_flight))
    return CampaignOutcome(
        out_dir,
        plan.total,
        skipped,
        counts["completed"],
        counts["failed"],
        round(time.perf_counter() - started, 3),
    )


def _result(future: Future) -> dict[str, Any]:
    """The run's row, or an error row when the task itself failed (e.g. its worker died)."""
    try:
        result: dict[str, Any] = future.result()
    except Exception as err:
        result = {"error": describe_error(err)}
    future.release()
    return result
