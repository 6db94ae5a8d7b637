"""--vary parsing and the campaign plan: paths, values, the grid, and errors named up front."""

from __future__ import annotations

import pytest

from bastion.campaign import parse_vary, plan_campaign
from bastion.campaign.vary import get_path, parse_path, set_path, split_values
from bastion.errors import CampaignError, ScenarioValidationError
from bastion.scenario.loader import load_builtin


@pytest.fixture(scope="module")
def hmeimim():
    return load_builtin("hmeimim-2018")


def test_paths_follow_the_scenario_file() -> None:
    assert parse_path("raids[0].count") == ("raids", 0, "count")
    assert parse_path("raids[12].launch_window_s[1]") == ("raids", 12, "launch_window_s", 1)
    assert parse_path("wind.from_deg") == ("wind", "from_deg")


@pytest.mark.parametrize("path", ["[0].count", "raids[x].count", "raids.0.count", "raids[0]count"])
def test_malformed_paths_are_named(path: str) -> None:
    with pytest.raises(CampaignError, match=r"--vary"):
        parse_path(path)


def test_values_are_yaml_split_outside_brackets() -> None:
    assert split_values("13, 26,40") == ["13", "26", "40"]
    assert split_values("[0,300],[0, 900]") == ["[0,300]", "[0, 900]"]
    v = parse_vary("raids[0].launch_window_s=[0,300],[0,900]")
    assert v.values == ([0, 300], [0, 900])
    v = parse_vary("doctrine.weapons_control=free,tight")
    assert v.values == ("free", "tight")
    v = parse_vary("sensors[0].reference_range_m=8000,12000.5")
    assert v.values == (8000, 12000.5) and v.column == "vary.sensors[0].reference_range_m"


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("raids[0].count", "expected PATH=V1,V2"),
        ("raids[0].count=", "expected PATH=V1,V2"),
        ("raids[0].count=1,,2", "empty value"),
        ("raids[0].count=1,2,1", "listed twice"),
        ("raids[0].count=[1,2", "not valid YAML"),
    ],
)
def test_bad_options_are_explained(option: str, message: str) -> None:
    with pytest.raises(CampaignError, match=message):
        parse_vary(option)


def test_set_and_get_path_name_what_is_missing(hmeimim) -> None:
    data = hmeimim.model_dump(mode="json")
    set_path(data, ("raids", 2, "count"), 7)
    assert get_path(data, ("raids", 2, "count")) == 7
    with pytest.raises(CampaignError, match=r"raids has 3 entries \(indices 0-2\)"):
        set_path(data, ("raids", 3, "count"), 1)
    with pytest.raises(CampaignError, match=r"no field 'cnt' in raids\[0\] \(fields: .*count"):
        set_path(data, ("raids", 0, "cnt"), 1)
    with pytest.raises(CampaignError, match=r"wind is not a list"):
        get_path(data, ("wind", 0))
    data["reported_outcome"] = None
    with pytest.raises(CampaignError, match=r"reported_outcome is empty \(null\)"):
        set_path(data, ("reported_outcome", "leakers"), 1)


def test_the_grid_is_the_cartesian_product_in_option_order(hmeimim) -> None:
    plan = plan_campaign(
        hmeimim,
        [
            parse_vary("raids[0].count=6,12,18"),
            parse_vary("sensors[0].reference_range_m=8000,12000"),
        ],
        runs=3,
        campaign_seed=5,
    )
    assert len(plan.combinations) == 6 and plan.total == 18
    # Validated values: the float field turns 8000 into 8000.0.
    assert [c.values for c in plan.combinations][:3] == [(6, 8000.0), (6, 12000.0), (12, 8000.0)]
    for combo in plan.combinations:
        assert combo.scenario.raids[0].count == combo.values[0]
        assert combo.scenario.sensors[0].reference_range_m == combo.values[1]
        assert combo.scenario.raids[1] == hmeimim.raids[1]  # the rest is untouched
    assert plan.label(3) == "raids[0].count=12, sensors[0].reference_range_m=12000.0"


def test_every_replication_shares_its_seed_across_combinations(hmeimim) -> None:
    plan = plan_campaign(hmeimim, [parse_vary("raids[0].count=6,12")], 4, 9)
    tasks = list(plan.tasks())
    assert [(t.combination, t.replication) for t in tasks[:4]] == [(0, 0), (1, 0), (0, 1), (1, 1)]
    for t in tasks:
        assert t.seed == plan.seeds[t.replication]
    remaining = list(plan.tasks(frozenset({(0, 0), (1, 2)})))
    assert len(remaining) == 6 and all((t.combination, t.replication) != (1, 2) for t in remaining)


def test_a_bad_value_is_refused_before_any_run_naming_field_and_value(hmeimim) -> None:
    with pytest.raises(CampaignError, match=r"raids\[0\]\.drone_type is not a mapping of fields"):
        plan_campaign(hmeimim, [parse_vary("raids[0].drone_type.count=1")], 2, 1)
    with pytest.raises(
        ScenarioValidationError, match=r"raids\[0\]\.count=0.*\n.*raids\[0\]\.count: Input should"
    ):
        plan_campaign(hmeimim, [parse_vary("raids[0].count=6,0")], 2, 1)
    with pytest.raises(
        ScenarioValidationError, match=r"raids\[1\]\.launch_window_s: ends after duration_s"
    ):
        plan_campaign(hmeimim, [parse_vary("duration_s=600")], 2, 1)
    with pytest.raises(CampaignError, match="given twice"):
        plan_campaign(hmeimim, [parse_vary("wind.from_deg=1"), parse_vary("wind.from_deg=2")], 1, 1)
    with pytest.raises(CampaignError, match="--runs must be at least 1"):
        plan_campaign(hmeimim, [], 0, 1)
