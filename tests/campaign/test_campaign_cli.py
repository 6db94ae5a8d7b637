"""`bastion campaign` end to end against a running scheduler (--cluster), and reproducing a row
with `bastion run --seed`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bastion.campaign import flatten_summary
from bastion.campaign.folder import read_campaign
from bastion.campaign.results import read_results
from bastion.cli import app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory, short_raid) -> Path:
    path = tmp_path_factory.mktemp("scenario") / "short.yaml"
    path.write_text(yaml.safe_dump(short_raid.model_dump(mode="json")))
    return path


def test_campaign_command_then_reproduce_a_row_with_bastion_run(
    tmp_path: Path, scenario_file: Path, cluster_client
) -> None:
    out = tmp_path / "camp"
    address = cluster_client.scheduler.address
    args = ["campaign", str(scenario_file), "--runs", "1", "--vary", "raids[0].count=6,9"]
    args += ["--cluster", address, "--out", str(out), "--seed", "7"]
    runner = CliRunner()
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "2 runs done, 0 failed, 0 already there" in result.stdout
    rows = read_results(out).to_pylist()
    assert len(rows) == 2 and all(r["error"] is None for r in rows)

    row = next(r for r in rows if (r["combination"], r["replication"]) == (1, 0))
    scenario = out / read_campaign(out)["combinations"][1]["scenario_file"]
    direct = runner.invoke(
        app,
        ["run", str(scenario), "--seed", str(row["seed"]), "--out", str(tmp_path / "r"), "--json"],
    )
    assert direct.exit_code == 0, direct.output
    figures = flatten_summary(json.loads(direct.stdout))
    not_figures = {"combination", "replication", "error", "log_dir", "wall_s"}
    compared = [k for k in row if k not in not_figures and not k.startswith("vary.")]
    assert {"seed", "leakers", "destroyed", "munitions.M1-hmeimim"} <= set(compared)
    assert {k: figures[k] for k in compared} == {k: row[k] for k in compared}

    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "0 runs done, 0 failed, 2 already there" in again.stdout
    other = runner.invoke(app, [*args[:-1], "8"])
    assert other.exit_code == 2
    assert "holds a different campaign (its definition differs at seed)" in " ".join(
        other.output.split()
    )


def test_bad_vary_fails_before_any_run(tmp_path: Path, scenario_file: Path) -> None:
    out = tmp_path / "never"
    result = CliRunner().invoke(
        app,
        [
            "campaign",
            str(scenario_file),
            "--runs",
            "2",
            "--vary",
            "raids[5].count=1",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 2
    assert "--vary raids[5].count: raids has 3 entries" in " ".join(result.output.split())
    assert not out.exists()
