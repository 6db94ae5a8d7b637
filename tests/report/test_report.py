"""The after-action report: every section present and self-contained, its tables agree with
the summary and with brute-force recomputations from the log, for every built-in scenario."""

from __future__ import annotations

import base64
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import yaml
from html_parts import parse_report
from typer.testing import CliRunner

from bastion.cli import app
from bastion.record.eventlog import EventLog
from bastion.record.fates import Fate
from bastion.report import write_report
from bastion.report.data import load_run
from bastion.report.drones import drone_stories
from bastion.report.fate_table import fate_totals
from bastion.report.sensing import first_detection_ranges
from bastion.report.sitemap import close_up_points
from bastion.report.tracking import gospa_over_time
from bastion.run import run_scenario
from bastion.scenario.loader import builtin_ids, load_builtin, parse_scenario
from bastion.scenario.schema import Scenario

SECTIONS = [
    "headline",
    "site-map",
    "timeline",
    "fates",
    "sensors",
    "tracking",
    "classification",
    "munitions",
    "comparison",
]


def _assert_self_contained(text: str) -> None:
    parts = parse_report(text)
    assert parts.section_ids == SECTIONS
    assert len(parts.headings) == len(SECTIONS)
    assert parts.tags.isdisjoint({"script", "link", "iframe", "object", "embed"})
    assert all(link.startswith("#") for link in parts.links), parts.links
    assert "url(" not in text  # no stylesheet fetch
    assert len(parts.image_sources) >= 4  # theatre, close-ups, timeline, GOSPA
    for src in parts.image_sources:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_report_has_every_section_and_needs_no_network(full_run) -> None:
    _, _, report = full_run
    _assert_self_contained(report.read_text())


def test_the_fate_table_agrees_with_the_summary(full_run) -> None:
    out, summary, report = full_run
    rows = Counter(parse_report(report.read_text()).fates)
    stories = drone_stories(load_run(EventLog(out), summary))
    assert sum(rows.values()) == summary["launched"] == len(stories)
    assert rows[Fate.DESTROYED.name] == summary["destroyed"] >= 1
    assert rows[Fate.EW_LANDED.name] == summary["ew_landed"]
    assert rows[Fate.EW_CRASHED.name] == summary["ew_crashed"]
    assert rows[Fate.LEAKER.name] == summary["leakers"]
    assert rows[Fate.FLYING.name] == summary["still_flying"]
    totals = fate_totals(stories)
    for key, value in totals.items():
        assert summary[key] == value, key


def test_drone_stories_hang_together(full_run) -> None:
    out, summary, _ = full_run
    run = load_run(EventLog(out), summary)
    stories = drone_stories(run)
    assert [s.launch_t for s in stories] == sorted(s.launch_t for s in stories)
    for s in stories:
        assert s.first_detection is not None  # every drone of this raid is seen
        assert s.launch_t <= s.first_detection.t
        if s.confirmed_t is not None:
            assert s.first_detection.t <= s.confirmed_t
            assert s.classified_t is None or s.confirmed_t <= s.classified_t
        kinds = [h.kind for h in s.engagements]
        assert [h.t for h in s.engagements] == sorted(h.t for h in s.engagements)
        if s.fate == Fate.DESTROYED:
            assert "kill" in kinds and s.impact is not None
        if s.fate in (Fate.EW_LANDED, Fate.EW_CRASHED):
            assert {"takeover", "jammed", "link_lost"} & set(kinds)
        assert (s.end_t is None) == (s.fate == Fate.FLYING)
        assert sum(s.shots.values()) == kinds.count("launch")


def test_gospa_over_time_averages_to_the_summary(full_run) -> None:
    out, summary, _ = full_run
    ticks, results = gospa_over_time(load_run(EventLog(out), summary))
    assert ticks.size == round(summary["duration_s"] / load_builtin("hmeimim-2018").dt_s)
    assert np.mean([r.total for r in results]) == pytest.approx(summary["gospa_mean"])


def test_first_detection_ranges_against_a_loop(full_run) -> None:
    out, summary, _ = full_run
    run = load_run(EventLog(out), summary)
    det = run.detections
    ids = np.arange(run.objects.kind.size)
    got = first_detection_ranges(det["truth_id"], run.detection_range_m, ids)
    for i in ids:
        rows = np.flatnonzero(det["truth_id"] == i)
        if rows.size == 0:
            assert np.isnan(got[i])
            continue
        first = rows[np.argmin(det["t"][rows])]
        truth = (run.truth["t"] == det["t"][first]) & (run.truth["object_id"] == i)
        distance = np.linalg.norm(run.truth["pos"][truth][0] - det["sensor_pos"][first])
        assert got[i] == pytest.approx(distance)
    # The summary's drone figures are the radar's measured ranges: equal within its noise.
    drones = got[run.objects.drones]
    fdr = summary["first_detection_range_m"]
    assert np.min(drones) == pytest.approx(fdr["min"], abs=100.0)
    assert np.mean(drones) == pytest.approx(fdr["mean"], abs=100.0)


def test_each_close_up_shows_its_asset_and_the_outcomes_near_it(full_run) -> None:
    out, summary, _ = full_run
    run = load_run(EventLog(out), summary)
    for k, centre in enumerate(run.site.asset_pos[:, :2] / 1e3):
        pts = close_up_points(run, k)
        assert (pts.min(axis=0) <= centre).all() and (pts.max(axis=0) >= centre).all()
        # No close-up reaches out to another asset's surroundings.
        others = np.delete(run.site.asset_pos[:, :2] / 1e3, k, axis=0)
        span = np.linalg.norm(pts - centre, axis=1).max()
        assert (np.linalg.norm(others - centre, axis=1) > span).all()


def _shortened(scenario_id: str, duration_s: float) -> Scenario:
    """A built-in scenario cut to ``duration_s``, launch windows clipped to fit (validated)."""
    data = load_builtin(scenario_id).model_dump(mode="json")
    data["duration_s"] = min(data["duration_s"], duration_s)
    for raid in data["raids"]:
        start, end = raid["launch_window_s"]
        raid["launch_window_s"] = [min(start, data["duration_s"]), min(end, data["duration_s"])]
    return parse_scenario(data, f"{scenario_id} cut to {duration_s} s")


@pytest.mark.parametrize("scenario_id", builtin_ids())
def test_every_builtin_scenario_renders(tmp_path: Path, scenario_id: str) -> None:
    short = _shortened(scenario_id, 400.0)
    out = tmp_path / "run"
    summary = run_scenario(short, 3, out)
    text = write_report(out, summary=summary).read_text()
    _assert_self_contained(text)
    assert short.name in text


def test_run_writes_the_report_unless_told_not_to(tmp_path: Path) -> None:
    scenario = tmp_path / "short.yaml"
    scenario.write_text(yaml.safe_dump(_shortened("hmeimim-2018", 120.0).model_dump(mode="json")))
    runner = CliRunner()
    with_report = runner.invoke(app, ["run", str(scenario), "--out", str(tmp_path / "a")])
    assert with_report.exit_code == 0, with_report.output
    assert (tmp_path / "a" / "report.html").is_file() and "report:" in with_report.output
    without = runner.invoke(
        app, ["run", str(scenario), "--out", str(tmp_path / "b"), "--no-report", "--json"]
    )
    assert without.exit_code == 0, without.output
    assert not (tmp_path / "b" / "report.html").exists()
    elsewhere = tmp_path / "elsewhere" / "r.html"
    again = runner.invoke(app, ["report", str(tmp_path / "b"), "--out", str(elsewhere)])
    assert again.exit_code == 0 and elsewhere.is_file()
    assert "no-debris" in elsewhere.read_text()
    missing = runner.invoke(app, ["report", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "no meta.json" in " ".join(missing.output.split())


def test_first_detection_ranges_of_a_sensor_that_saw_nothing() -> None:
    ranges = first_detection_ranges(np.zeros(0, dtype=np.int64), np.zeros(0), np.arange(3))
    assert np.isnan(ranges).all() and ranges.shape == (3,)
