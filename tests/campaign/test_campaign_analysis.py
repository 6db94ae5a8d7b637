"""The report's statistics on hand-made results whose answers are known, and its outputs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from bastion.campaign import analyse, make_row, parse_vary, plan_campaign
from bastion.campaign.folder import prepare_folder
from bastion.campaign.results import ResultsWriter, results_schema
from bastion.campaign.stats import mean_interval, wilson_interval
from bastion.cli import app
from bastion.errors import CampaignError
from bastion.scenario.loader import load_builtin

FIGURES = {"leakers": 0, "asset_damage": 0, "cost_usd": 0.0, "munitions.M1": 0}


def _write(out: Path, plan, figures_of) -> None:
    """Results for every task of ``plan``: figures_of(task) -> figures, or None for a failure."""
    prepare_folder(out, plan, results_schema(plan, [FIGURES]))
    writer = ResultsWriter(out, results_schema(plan, [FIGURES]), chunk_rows=3)
    for task in plan.tasks():
        figures = figures_of(task)
        result = {"error": "RuntimeError: injected"} if figures is None else figures
        writer.add(make_row(plan, task, result))
    writer.flush()


@pytest.fixture(scope="module")
def one_parameter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """count=6: leakers 0,1,0,2,0; count=12: one more on each seed, its last run failed."""
    out = tmp_path_factory.mktemp("one")
    plan = plan_campaign(load_builtin("hmeimim-2018"), [parse_vary("raids[0].count=6,12")], 5, 3)
    base = [0, 1, 0, 2, 0]

    def figures(task):
        if (task.combination, task.replication) == (1, 4):
            return None
        leakers = base[task.replication] + task.combination
        return {"leakers": leakers, "asset_damage": 0, "cost_usd": 1e5 * (1 + task.replication)}

    _write(out, plan, figures)
    return out


def test_per_combination_means_proportions_and_leaker_counts(one_parameter: Path) -> None:
    a = analyse(one_parameter)
    low, high = a.combinations
    assert (low.runs, low.failed, high.runs, high.failed) == (5, 0, 4, 1)
    assert low.figures["leakers"] == mean_interval(np.array([0, 1, 0, 2, 0]))
    assert high.figures["leakers"] == mean_interval(np.array([1, 2, 1, 3]))
    assert low.proportions["P(any leaker)"] == wilson_interval(2, 5)
    assert high.proportions["P(any leaker)"] == wilson_interval(4, 4)
    assert low.leakers == {0: 3, 1: 1, 2: 1} and high.leakers == {1: 2, 2: 1, 3: 1}
    assert "munitions.M1" in low.figures and low.figures["munitions.M1"].n == 0  # all null
    assert [(f.combination, f.replication) for f in a.failed] == [(1, 4)]
    assert a.failed[0].error == "RuntimeError: injected" and a.failed[0].seed > 0


def test_sensitivity_pairs_runs_on_the_same_seed(one_parameter: Path) -> None:
    a = analyse(one_parameter)
    leakers = [s for s in a.sensitivity if s.outcome == "leakers"]
    assert [s.value for s in leakers] == [6, 12]
    assert leakers[0].change is None and leakers[0].marginal.mean == pytest.approx(0.6)
    change = leakers[1].change
    # Every seed gives exactly one more leaker: the paired change is 1 with no spread, while
    # the marginal intervals (seed-to-seed noise) overlap widely.
    assert (change.n, change.mean, change.low, change.high) == (4, 1.0, 1.0, 1.0)
    assert leakers[1].marginal.low < leakers[0].marginal.high
    any_leaker = [s for s in a.sensitivity if s.outcome == "P(any leaker)"]
    assert any_leaker[1].change.mean == pytest.approx(0.5)  # seeds 0 and 2 gain a leaker


def test_sensitivity_separates_two_parameters(tmp_path: Path) -> None:
    plan = plan_campaign(
        load_builtin("hmeimim-2018"),
        [parse_vary("raids[0].count=6,12"), parse_vary("wind.speed_mps=0,10,20")],
        4,
        1,
    )

    def figures(task):
        count, wind = plan.combinations[task.combination].values
        leakers = task.replication * 3 + (2 if count == 12 else 0) + int(wind) // 10
        return {"leakers": leakers, "asset_damage": 0, "cost_usd": 0.0}

    _write(tmp_path, plan, figures)
    a = analyse(tmp_path)
    by = {(s.parameter, s.value): s for s in a.sensitivity if s.outcome == "leakers"}
    assert by[("raids[0].count", 12)].change.mean == 2.0
    assert by[("raids[0].count", 12)].change.n == 12  # 3 wind values x 4 seeds
    assert by[("wind.speed_mps", 20.0)].change.mean == 2.0
    assert by[("wind.speed_mps", 10.0)].change.high == 1.0
    assert by[("wind.speed_mps", 0.0)].marginal.mean == pytest.approx(4.5 + 1.0)


def test_campaign_report_prints_and_writes_self_contained_html(one_parameter: Path) -> None:
    result = CliRunner().invoke(app, ["campaign-report", str(one_parameter)])
    assert result.exit_code == 0, result.output
    assert "P(any leaker)" in result.stdout and "RuntimeError: injected" in result.stdout
    html = (one_parameter / "report.html").read_text()
    assert html.count("data:image/png;base64,") >= 3
    assert "http://" not in html and "https://" not in html and "<script" not in html
    result = CliRunner().invoke(
        app,
        ["campaign-report", str(one_parameter), "--json", "--html", str(one_parameter / "r.html")],
    )
    data = json.loads(result.stdout)
    assert data["combinations"][1]["figures"]["leakers"]["mean"] == 1.75
    assert data["combinations"][0]["figures"]["munitions.M1"]["mean"] is None
    assert (one_parameter / "r.html").exists()


def test_report_on_a_folder_without_results(tmp_path: Path) -> None:
    with pytest.raises(CampaignError, match="no campaign"):
        analyse(tmp_path)
    result = CliRunner().invoke(app, ["campaign-report", str(tmp_path)])
    assert result.exit_code == 2 and "not a campaign folder" in result.output
