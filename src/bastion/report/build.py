"""Assembling the after-action report: every section from one read of the run folder, written
as one self-contained HTML file (``RUN_DIR/report.html`` unless told otherwise)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bastion.record.eventlog import EventLog
from bastion.report.classification import classification_section
from bastion.report.data import RunData, load_run
from bastion.report.drones import drone_stories
from bastion.report.fate_table import fate_section
from bastion.report.html import Section, page
from bastion.report.munitions import munitions_section
from bastion.report.outcome import comparison_section, headline_section
from bastion.report.sensing import sensing_section
from bastion.report.sitemap import site_map_section
from bastion.report.timeline import timeline_section
from bastion.report.tracking import tracking_section

REPORT_FILE = "report.html"


def report_sections(run: RunData) -> list[Section]:
    """The report's sections, in reading order."""
    stories = drone_stories(run)
    return [
        headline_section(run),
        site_map_section(run),
        timeline_section(run, stories),
        fate_section(run, stories),
        sensing_section(run),
        tracking_section(run, stories),
        classification_section(run),
        munitions_section(run),
        comparison_section(run),
    ]


def render_report(run: RunData) -> str:
    """The report as one HTML document."""
    meta = run.meta
    scenario = run.scenario
    title = f"After-action report: {scenario.name}"
    subtitle = (
        f"scenario {scenario.id} v{scenario.version} · seed {meta.get('seed')} · "
        f"{scenario.duration_s / 60:.0f} min simulated · Bastion {meta.get('bastion_version')} · "
        f"event log format {meta.get('format_version')}"
    )
    footer = (
        f"Written from the event log in {run.log.run_dir} alone. Reproduce the run with "
        f"`bastion run {scenario.id} --seed {meta.get('seed')}`; explore it with "
        f'`bastion replay {run.log.run_dir}` or `bastion query {run.log.run_dir} "SQL"`.'
    )
    return page(title, subtitle, report_sections(run), footer)


def write_report(
    run_dir: Path, out: Path | None = None, summary: dict[str, Any] | None = None
) -> Path:
    """Write the report of a run folder; returns its path. ``summary``, when the caller has
    just computed it from the same folder, saves computing it again."""
    run = load_run(EventLog(run_dir), summary)
    path = Path(out) if out is not None else Path(run_dir) / REPORT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(run), encoding="utf-8")
    return path
