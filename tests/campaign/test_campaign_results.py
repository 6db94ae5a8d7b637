"""Rows, the results schema, chunked Parquet files, and the campaign folder's resume checks."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bastion.campaign import flatten_summary, make_row, parse_vary, plan_campaign
from bastion.campaign.folder import prepare_folder, read_campaign
from bastion.campaign.replication import describe_error
from bastion.campaign.results import (
    ResultsWriter,
    campaign_schema,
    finished_runs,
    read_results,
    results_files,
    results_schema,
)
from bastion.errors import CampaignError
from bastion.scenario.loader import load_builtin, load_scenario_file


@pytest.fixture(scope="module")
def plan():
    return plan_campaign(load_builtin("hmeimim-2018"), [parse_vary("raids[0].count=6,12")], 3, 4)


def test_flatten_summary_keeps_scalar_figures_only() -> None:
    summary = {
        "leakers": 2,
        "munitions": {"M1": 3, "G1": 120},
        "first_detection_range_m": {"mean": None, "min": 9000.5},
        "out_dir": "/tmp/x",
        "reported_outcome": {"leakers": 0},
        "scenario": "s",
    }
    assert flatten_summary(summary) == {
        "leakers": 2,
        "munitions.M1": 3,
        "munitions.G1": 120,
        "first_detection_range_m.mean": None,
        "first_detection_range_m.min": 9000.5,
        "scenario": "s",
    }


def test_describe_error_says_what_and_where() -> None:
    try:
        {}["missing"]
    except KeyError as err:
        text = describe_error(err)
    assert text.startswith("KeyError: 'missing' (at campaign/test_campaign_results.py:")


def test_schema_is_identity_varied_values_figures_then_error(plan) -> None:
    schema = results_schema(plan, [{"leakers": 0, "cost_usd": 0.0, "x.mean": None, "seed": 3}])
    assert schema.names == [
        "combination",
        "replication",
        "seed",
        "vary.raids[0].count",
        "leakers",
        "cost_usd",
        "x.mean",
        "error",
        "log_dir",
    ]
    assert schema.field("vary.raids[0].count").type == pa.int64()
    assert schema.field("leakers").type == pa.int64()
    assert schema.field("x.mean").type == pa.float64()  # a missing value is a measurement


def test_schema_has_a_munitions_column_for_every_effector_of_every_combination() -> None:
    varied = plan_campaign(
        load_builtin("hmeimim-2018"), [parse_vary("effectors[0].id=M1-hmeimim,M9-new")], 1, 1
    )
    names = campaign_schema(varied).names
    assert {"munitions.M1-hmeimim", "munitions.M9-new", "munitions.G1-hmeimim"} <= set(names)
    assert {"leakers", "destroyed", "cost_usd", "wall_s"} <= set(names)


def test_rows_stream_to_whole_files_that_duckdb_reads_as_one_table(tmp_path: Path, plan) -> None:
    schema = results_schema(plan, [{"leakers": 0, "cost_usd": 0.0}])
    now = [0.0]
    writer = ResultsWriter(tmp_path, schema, chunk_rows=2, flush_after_s=30.0, clock=lambda: now[0])
    tasks = list(plan.tasks())
    writer.add(make_row(plan, tasks[0], {"leakers": 1, "cost_usd": 5.0}))
    writer.add(make_row(plan, tasks[1], {"leakers": 0, "cost_usd": 2.5}))  # chunk full
    writer.add(make_row(plan, tasks[2], {"error": "RuntimeError: boom"}))
    assert len(results_files(tmp_path)) == 1
    now[0] = 31.0
    writer.add(make_row(plan, tasks[3], {"leakers": 2, "cost_usd": 1.0}))  # 30 s passed
    writer.add(make_row(plan, tasks[4], {"leakers": 0, "cost_usd": 0.0}))
    writer.flush()
    files = results_files(tmp_path)
    assert [f.name for f in files] == [f"results-00000{i}.parquet" for i in range(3)]
    assert not list(tmp_path.glob("*.partial"))
    assert all(pq.read_schema(f).equals(schema) for f in files)
    glob = str(tmp_path / "*.parquet")
    rows = duckdb.sql(
        f"SELECT combination, replication, seed, leakers, error FROM read_parquet('{glob}') "
        "ORDER BY replication, combination"
    ).fetchall()
    assert rows == [
        (0, 0, plan.seeds[0], 1, None),
        (1, 0, plan.seeds[0], 0, None),
        (0, 1, plan.seeds[1], None, "RuntimeError: boom"),
        (1, 1, plan.seeds[1], 2, None),
        (0, 2, plan.seeds[2], 0, None),
    ]
    assert finished_runs(tmp_path) == {(0, 0), (1, 0), (0, 1), (1, 1), (0, 2)}
    assert read_results(tmp_path).column("vary.raids[0].count").to_pylist() == [6, 6, 6, 12, 12]
    # A new writer on the same folder carries on the numbering.
    ResultsWriter(tmp_path, schema).add(make_row(plan, tasks[5], {"leakers": 0}))
    assert len(results_files(tmp_path)) == 3  # buffered, not yet written


def test_folder_records_the_campaign_and_each_combination_scenario(tmp_path: Path, plan) -> None:
    schema = campaign_schema(plan)
    assert prepare_folder(tmp_path, plan, schema) == frozenset()
    stored = read_campaign(tmp_path)
    assert stored["runs"] == 3 and stored["definition"] == json.loads(json.dumps(plan.definition()))
    for combo, meta in zip(plan.combinations, stored["combinations"], strict=True):
        assert load_scenario_file(tmp_path / meta["scenario_file"]) == combo.scenario
        assert meta["label"] == plan.label(combo.index)


def test_resume_refuses_another_campaign_naming_the_difference(tmp_path: Path, plan) -> None:
    schema = campaign_schema(plan)
    prepare_folder(tmp_path, plan, schema)
    base = load_builtin("hmeimim-2018")
    other_values = plan_campaign(base, [parse_vary("raids[0].count=6,13")], 3, 4)
    with pytest.raises(CampaignError, match=r"differs at variations\[0\]\.values\[1\]"):
        prepare_folder(tmp_path, other_values, schema)
    other_seed = plan_campaign(base, [parse_vary("raids[0].count=6,12")], 3, 5)
    with pytest.raises(CampaignError, match=r"differs at seed"):
        prepare_folder(tmp_path, other_seed, schema)
    windier = base.model_copy(update={"wind": base.wind.model_copy(update={"speed_mps": 9.0})})
    other_scenario = plan_campaign(windier, [parse_vary("raids[0].count=6,12")], 3, 4)
    with pytest.raises(CampaignError, match=r"differs at scenario\.wind\.speed_mps"):
        prepare_folder(tmp_path, other_scenario, schema)
    # More runs of the same campaign extend it; fewer do not shrink what it records.
    more = plan_campaign(base, [parse_vary("raids[0].count=6,12")], 5, 4)
    prepare_folder(tmp_path, more, schema)
    prepare_folder(tmp_path, plan, schema)
    assert read_campaign(tmp_path)["runs"] == 5


def test_resume_refuses_results_with_other_columns(tmp_path: Path, plan) -> None:
    schema = campaign_schema(plan)
    prepare_folder(tmp_path, plan, schema)
    pq.write_table(
        pa.table({"combination": [0], "replication": [0]}), tmp_path / "results-000000.parquet"
    )
    with pytest.raises(CampaignError, match="other columns than this Bastion writes"):
        prepare_folder(tmp_path, plan, schema)


def test_a_folder_that_is_not_a_campaign_is_left_alone(tmp_path: Path, plan) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(CampaignError, match="exists and is not a campaign folder"):
        prepare_folder(tmp_path, plan, campaign_schema(plan))
    with pytest.raises(CampaignError, match=r"no campaign\.json"):
        read_campaign(tmp_path)
