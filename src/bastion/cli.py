"""Bastion's command line: run a scenario, list built-in scenarios, validate a scenario file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from bastion.classify.scoring import counted
from bastion.errors import BastionError
from bastion.run import run_scenario
from bastion.scenario.loader import builtin_ids, load_builtin, load_scenario, load_scenario_file

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Bastion: counter-drone air defence for a fixed site.",
)
out_console = Console()
err_console = Console(stderr=True)

DEFAULT_SCENARIO = "hmeimim-2018"


def _fail(err: BastionError) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {err}", highlight=False)
    return typer.Exit(code=2)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def print_summary(summary: dict[str, Any]) -> None:
    reported = summary.get("reported_outcome", {})
    table = Table(title=f"{summary['scenario']} (seed {summary['seed']})", title_justify="left")
    table.add_column("figure")
    table.add_column("simulated", justify="right")
    if reported:
        table.add_column("reported", justify="right")
    fdr = summary["first_detection_range_m"]
    cls = summary["classification"]
    rows: list[tuple[str, Any, Any]] = [
        ("drones launched", summary["launched"], reported.get("launched")),
        ("detected", summary["detected"], None),
        (
            "first-detection range, mean (min-max) km",
            None
            if fdr["mean"] is None
            else f"{fdr['mean'] / 1e3:.1f} ({fdr['min'] / 1e3:.1f}-{fdr['max'] / 1e3:.1f})",
            None,
        ),
        ("tracked (confirmed track)", summary["tracked"], None),
        ("engaged", summary["engaged"], None),
        ("destroyed (missile, gun)", summary["destroyed"], reported.get("destroyed")),
        ("taken down by electronic warfare", summary["ew_defeated"], reported.get("ew_defeated")),
        ("  landed intact", summary["ew_landed"], reported.get("ew_landed")),
        ("  crashed / payload went off", summary["ew_crashed"], reported.get("ew_crashed")),
        ("leakers (reached their target)", summary["leakers"], reported.get("leakers")),
        ("still flying at the end", summary["still_flying"], None),
        (
            "damage to defended assets (events)",
            summary["asset_damage"],
            reported.get("asset_damage"),
        ),
        ("debris impacts in no-debris zones", summary["debris_in_no_debris_zones"], None),
        ("false tracks (confirmed)", summary["false_tracks"], None),
        ("drones declared drone (of those tracked)", counted(cls, "drone_object_recall"), None),
        ("bird tracks ever declared drone", counted(cls, "bird_as_drone_rate"), None),
    ]
    rows += [(f"munitions spent: {k}", v, None) for k, v in summary["munitions"].items()]
    rows += [
        ("cost of engagements, USD", summary["cost_usd"], None),
        ("wall time, s", summary["wall_s"], None),
    ]
    for name, sim_value, rep_value in rows:
        cells = [name, _fmt(sim_value)] + ([_fmt(rep_value)] if reported else [])
        table.add_row(*cells)
    out_console.print(table)
    if reported:
        out_console.print(f"reported: {reported.get('source')}", highlight=False)
    out_console.print(f"event log: {summary['out_dir']}", highlight=False)


@app.command()
def run(
    scenario: Annotated[
        str, typer.Argument(help="Built-in scenario id or path to a scenario YAML file.")
    ] = DEFAULT_SCENARIO,
    seed: Annotated[int, typer.Option(help="Seed of the run's random generators.")] = 1,
    out: Annotated[
        Path | None, typer.Option(help="Output folder for the event log [runs/SCENARIO-sSEED].")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    report: Annotated[
        bool, typer.Option("--report/--no-report", help="Write OUT/report.html (after-action).")
    ] = True,
) -> None:
    """Simulate a scenario end to end, print its summary and write its after-action report."""
    try:
        scn = load_scenario(scenario)
        out_dir = out if out is not None else Path("runs") / f"{scn.id}-s{seed}"
        console = None if as_json else err_console
        summary = run_scenario(scn, seed, out_dir, progress_console=console)
        if report:
            from bastion.report import write_report

            summary["report"] = str(write_report(out_dir, summary=summary))
    except BastionError as err:
        raise _fail(err) from None
    if as_json:
        typer.echo(json.dumps(summary, sort_keys=True))
    else:
        print_summary(summary)
        if report:
            out_console.print(f"report: {summary['report']}", highlight=False)


@app.command()
def scenarios() -> None:
    """List the built-in scenarios."""
    table = Table("id", "version", "name", "drones", "duration")
    for sid in builtin_ids():
        s = load_builtin(sid)
        drones = sum(r.count for r in s.raids)
        table.add_row(sid, str(s.version), s.name, str(drones), f"{s.duration_s / 60:.0f} min")
    out_console.print(table)


@app.command()
def validate(file: Annotated[Path, typer.Argument(help="Scenario YAML file to check.")]) -> None:
    """Check a scenario file; every invalid field is named by its path."""
    try:
        scn = load_scenario_file(file)
    except BastionError as err:
        raise _fail(err) from None
    drones = sum(r.count for r in scn.raids)
    out_console.print(
        f"[green]valid[/]: {scn.id} v{scn.version}: {len(scn.assets)} assets, "
        f"{len(scn.sensors)} sensors, {len(scn.effectors)} effectors, {drones} drones",
        highlight=False,
    )


@app.command()
def campaign(
    scenario: Annotated[
        str, typer.Argument(help="Built-in scenario id or path to a scenario YAML file.")
    ] = DEFAULT_SCENARIO,
    runs: Annotated[
        int, typer.Option(min=1, help="Seeded replications of every combination.")
    ] = 100,
    vary: Annotated[
        list[str] | None,
        typer.Option(help="PATH=V1,V2,... e.g. raids[0].count=13,26; repeat for a grid."),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address, e.g. tcp://host:8786 [embedded LocalCluster]."),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Campaign folder [campaigns/SCENARIO].")] = None,
    seed: Annotated[int, typer.Option(help="Campaign seed, root of every run's seed.")] = 1,
    workers: Annotated[
        int | None, typer.Option(min=1, help="LocalCluster worker processes [CPU count].")
    ] = None,
    keep_logs: Annotated[
        bool, typer.Option("--keep-logs", help="Keep each run's event log under OUT/logs.")
    ] = False,
) -> None:
    """Run seeded replications of a scenario over a grid of parameters, on Dask."""
    from bastion.campaign import connect, parse_vary, plan_campaign, run_campaign

    try:
        scn = load_scenario(scenario)
        plan = plan_campaign(scn, [parse_vary(v) for v in vary or []], runs, seed)
        out_dir = out if out is not None else Path("campaigns") / scn.id
        with connect(cluster, workers) as client:
            done = run_campaign(
                client, plan, out_dir, keep_logs=keep_logs, progress_console=err_console
            )
    except BastionError as err:
        raise _fail(err) from None
    out_console.print(
        f"{done.completed} runs done, {done.failed} failed, {done.skipped} already there "
        f"({done.total} in the campaign) in {done.wall_s:.1f} s; results: {done.out_dir}",
        highlight=False,
    )


@app.command("campaign-report")
def campaign_report(
    directory: Annotated[Path, typer.Argument(help="Campaign folder (bastion campaign --out).")],
    html: Annotated[Path | None, typer.Option(help="HTML report file [DIR/report.html].")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the statistics as JSON.")] = False,
) -> None:
    """Means and 95% intervals per combination, leakers, sensitivity; HTML with plots."""
    from bastion.campaign.analysis import analyse
    from bastion.campaign.report import print_report, write_html

    try:
        analysis = analyse(directory)
    except BastionError as err:
        raise _fail(err) from None
    html_path = html if html is not None else directory / "report.html"
    write_html(analysis, html_path)
    if as_json:
        typer.echo(json.dumps(analysis.to_json(), sort_keys=True))
        return
    print_report(analysis, out_console)
    out_console.print(f"report: {html_path}", highlight=False)


@app.command()
def report(
    run_dir: Annotated[Path, typer.Argument(help="Run folder (bastion run --out).")],
    out: Annotated[Path | None, typer.Option(help="HTML file [RUN_DIR/report.html].")] = None,
) -> None:
    """Write a run's after-action report: one self-contained HTML file, from its event log."""
    from bastion.report import write_report

    try:
        path = write_report(run_dir, out)
    except BastionError as err:
        raise _fail(err) from None
    out_console.print(f"report: {path}", highlight=False)


@app.command()
def replay(
    run_dir: Annotated[Path, typer.Argument(help="Run folder (bastion run --out).")],
    speed: Annotated[
        float, typer.Option(min=1e-3, help="Simulated seconds per wall-clock second.")
    ] = 10.0,
    start: Annotated[
        float, typer.Option("--from", help="Start at this time, s since the scenario epoch.")
    ] = 0.0,
) -> None:
    """Step through a run's event log in the terminal: time, tracks, threats, engagements."""
    from bastion.record.eventlog import EventLog
    from bastion.record.replay_view import play

    try:
        last = play(EventLog(run_dir), out_console, speed=speed, start_t=start)
    except BastionError as err:
        raise _fail(err) from None
    if last is None:
        raise _fail(BastionError(f"{run_dir}: no tick at or after --from {start:g} s"))


@app.command()
def query(
    run_dir: Annotated[Path, typer.Argument(help="Run folder (bastion run --out).")],
    sql: Annotated[str, typer.Argument(help="DuckDB SQL; tables are views: truth, events, ...")],
    as_json: Annotated[bool, typer.Option("--json", help="All rows as a JSON array.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="All rows as CSV.")] = False,
    max_rows: Annotated[int, typer.Option(min=1, help="Rows shown in the table.")] = 200,
) -> None:
    """Run a DuckDB SQL query over a run's event log (each table a view of its name)."""
    import sys

    from bastion.record.eventlog import EventLog
    from bastion.record.query import print_table, run_query, write_csv, write_json

    try:
        result = run_query(EventLog(run_dir), sql)
    except BastionError as err:
        raise _fail(err) from None
    if as_json:
        write_json(result, sys.stdout)
    elif as_csv:
        write_csv(result, sys.stdout)
    else:
        print_table(result, out_console, max_rows)


@app.command("train-classifier")
def train_classifier(
    runs: Annotated[
        int, typer.Option(min=20, help="Simulated training runs (600 s each; 20 % held out).")
    ] = 200,
    seed: Annotated[int, typer.Option(help="Seed of the training runs and the model.")] = 1,
    out: Annotated[
        Path | None, typer.Option(help="Model file [the one shipped with Bastion].")
    ] = None,
    jobs: Annotated[int, typer.Option(min=1, help="Worker processes simulating runs.")] = 2,
    snapshot_every: Annotated[
        int, typer.Option(min=1, help="Ticks between two feature snapshots of a track.")
    ] = 3,
) -> None:
    """Train the classifier on simulated runs and write the model and its metadata."""
    from rich.progress import Progress

    from bastion.classify.model import DEFAULT_MODEL
    from bastion.classify.training import train

    path = out if out is not None else DEFAULT_MODEL
    with Progress(console=err_console, transient=True) as progress:
        task = progress.add_task("simulating training runs", total=runs)
        meta = train(
            runs,
            seed,
            path,
            jobs=jobs,
            snapshot_every=snapshot_every,
            progress=lambda done, _total: progress.update(task, completed=done),
        )
    held = meta["held_out"]
    out_console.print(
        f"model: {path} ({path.stat().st_size / 1e6:.2f} MB); {sum(meta['rows'].values()):,} "
        f"snapshots; held out: accuracy {held['accuracy']:.3f}, calibration error "
        f"{held['calibration_error']:.3f}; {meta['simulate_s'] + meta['train_s']:.0f} s",
        highlight=False,
    )


@app.command()
def coverage(
    scenario: Annotated[
        str, typer.Argument(help="Built-in scenario id or path to a scenario YAML file.")
    ] = DEFAULT_SCENARIO,
    out: Annotated[Path | None, typer.Option(help="Output folder [coverage/SCENARIO].")] = None,
    min_warning_s: Annotated[
        float, typer.Option(help="Warning time (s) below which a raid route is a gap.")
    ] = 120.0,
) -> None:
    """Sensor coverage: Pd maps per sensor and fused, warning time on each raid route, gaps."""
    from bastion.coverage import analyse, print_coverage, write_coverage

    try:
        scn = load_scenario(scenario)
    except BastionError as err:
        raise _fail(err) from None
    result = analyse(scn, min_warning_s)
    out_dir = out if out is not None else Path("coverage") / scn.id
    paths = write_coverage(result, out_dir)
    print_coverage(result, out_console)
    out_console.print(f"written to {out_dir}: {', '.join(p.name for p in paths)}", highlight=False)


if __name__ == "__main__":
    app()
