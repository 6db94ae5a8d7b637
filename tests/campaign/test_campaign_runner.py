"""A real 2-worker LocalCluster: same rows as serial runs, failures recorded, resume."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from bastion.campaign import make_row, parse_vary, plan_campaign, run_campaign, run_replication
from bastion.campaign.results import read_results, results_files

pytestmark = pytest.mark.slow

FAILING_COUNT, FAILING_REPLICATION = 12, 1


def _failure_injector(client, count: int, seed: int) -> None:
    """Make the workers' run of raids[0].count == count with ``seed`` raise, and no other.

    The patch is a local function, so Dask ships it by value; the core has no test hook.
    """

    def install(count: int, seed: int) -> None:
        import bastion.campaign.replication as replication
        from bastion.run import run_scenario

        def failing(scenario, run_seed, out_dir, progress_console=None):
            if scenario.raids[0].count == count and run_seed == seed:
                raise RuntimeError(f"injected failure at seed {run_seed}")
            return run_scenario(scenario, run_seed, out_dir, progress_console)

        replication.run_scenario = failing

    client.run(install, count, seed)


def _restore(client) -> None:
    def restore() -> None:
        import bastion.campaign.replication as replication
        from bastion.run import run_scenario

        replication.run_scenario = run_scenario

    client.run(restore)


def _figures(row: dict) -> dict:
    """A row without its wall time (the one figure that is not a function of the seed)."""
    return {k: v for k, v in row.items() if k != "wall_s"}


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory, short_raid, cluster_client):
    plan = plan_campaign(short_raid, [parse_vary("raids[0].count=6,12")], 2, 2026)
    out = tmp_path_factory.mktemp("campaign")
    _failure_injector(cluster_client, FAILING_COUNT, plan.seeds[FAILING_REPLICATION])
    try:
        outcome = run_campaign(cluster_client, plan, out, chunk_rows=1)
    finally:
        _restore(cluster_client)
    return plan, out, outcome


def test_cluster_rows_equal_the_same_seeds_run_serially(campaign) -> None:
    plan, out, _ = campaign
    rows = read_results(out).to_pylist()
    assert len(rows) == plan.total == 4
    compared = 0
    for row in rows:
        if row["error"] is not None:
            continue
        task = next(
            t
            for t in plan.tasks()
            if (t.combination, t.replication) == (row["combination"], row["replication"])
        )
        scenario = plan.combinations[task.combination].scenario
        serial = make_row(plan, task, run_replication(scenario, task, None))
        assert _figures(serial) == {k: row[k] for k in _figures(serial)}
        compared += 1
    assert compared == 3
    # Common random numbers: both combinations of a replication ran on the same seed, and the
    # seeds are those of the plan.
    assert {(r["replication"], r["seed"]) for r in rows} == {(0, plan.seeds[0]), (1, plan.seeds[1])}


def test_a_failing_run_is_recorded_and_the_campaign_carries_on(campaign) -> None:
    plan, out, outcome = campaign
    assert (outcome.completed, outcome.failed, outcome.skipped) == (3, 1, 0)
    rows = read_results(out).to_pylist()
    failed = [r for r in rows if r["error"] is not None]
    assert len(failed) == 1
    bad = failed[0]
    assert (bad["combination"], bad["replication"]) == (1, FAILING_REPLICATION)
    assert bad["seed"] == plan.seeds[FAILING_REPLICATION]
    assert bad["vary.raids[0].count"] == FAILING_COUNT
    assert bad["error"].startswith(f"RuntimeError: injected failure at seed {bad['seed']}")
    assert bad["leakers"] is None
    # The other combination on the same seed finished.
    same_seed = [r for r in rows if r["seed"] == bad["seed"] and r is not bad]
    assert same_seed and all(r["error"] is None and r["launched"] == 13 for r in same_seed)


def test_resume_runs_only_what_is_missing(campaign, tmp_path: Path, cluster_client) -> None:
    plan, out, _ = campaign
    folder = tmp_path / "interrupted"
    shutil.copytree(out, folder)
    files = results_files(folder)
    assert len(files) == 4  # chunk_rows=1: one file per run
    before = {p.name: p.read_bytes() for p in files}
    lost = files[-1]  # as if interrupted before the last run's row was written
    lost.unlink()
    more = plan_campaign(
        plan.base, list(plan.variations), 3, plan.campaign_seed
    )  # one more replication
    outcome = run_campaign(cluster_client, more, folder)
    assert (outcome.skipped, outcome.completed + outcome.failed) == (3, 3)
    for name, data in before.items():
        if name != lost.name:
            assert (folder / name).read_bytes() == data  # finished runs untouched
    rows = read_results(folder).to_pylist()
    assert sorted((r["combination"], r["replication"]) for r in rows) == [
        (c, r) for c in range(2) for r in range(3)
    ]
    original = {(r["combination"], r["replication"]): r for r in read_results(out).to_pylist()}
    for row in rows:
        key = (row["combination"], row["replication"])
        if key in original and original[key]["error"] is None:
            assert _figures(row) == _figures(original[key])
    again = run_campaign(cluster_client, more, folder)
    assert (again.skipped, again.completed, again.failed) == (6, 0, 0)


def _scheduler_tasks(dask_scheduler) -> int:
    return len(dask_scheduler.tasks)


def test_nothing_stays_on_the_cluster_after_a_campaign(campaign, cluster_client) -> None:
    """Flat memory: every result and scattered scenario is released once written to disk."""
    deadline = time.monotonic() + 10.0
    while time.monotonic() < deadline:
        held = len(cluster_client.futures), cluster_client.run_on_scheduler(_scheduler_tasks)
        if held == (0, 0):
            break
        time.sleep(0.05)
    assert held == (0, 0)
