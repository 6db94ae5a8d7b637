"""Bastion's command line: run a scenario, list built-in scenarios, validate a scenario file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

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
) -> None:
    """Simulate a scenario end to end and print its summary."""
    try:
        scn = load_scenario(scenario)
        out_dir = out if out is not None else Path("runs") / f"{scn.id}-s{seed}"
        console = None if as_json else err_console
        summary = run_scenario(scn, seed, out_dir, progress_console=console)
    except BastionError as err:
        raise _fail(err) from None
    if as_json:
        typer.echo(json.dumps(summary, sort_keys=True))
    else:
        print_summary(summary)


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


if __name__ == "__main__":
    app()
