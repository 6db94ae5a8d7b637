"""Scenario files: the built-in registry, and bad values named by their path."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bastion.errors import ScenarioError, ScenarioValidationError
from bastion.scenario.loader import builtin_ids, load_builtin, load_scenario, load_scenario_file


def _hmeimim_dict() -> dict:
    return load_builtin("hmeimim-2018").model_dump(mode="json")


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_registry_lists_versioned_builtin_ids() -> None:
    assert "hmeimim-2018" in builtin_ids()
    scn = load_scenario("hmeimim-2018")
    assert scn.id == "hmeimim-2018" and scn.version >= 1
    assert sum(r.count for r in scn.raids) == 13


def test_a_dumped_scenario_round_trips_through_a_file(tmp_path: Path) -> None:
    path = _write(tmp_path, _hmeimim_dict())
    assert load_scenario_file(path) == load_builtin("hmeimim-2018")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: d["raids"][1].update(count=0),
            "raids[1].count: Input should be greater than or equal to 1",
        ),
        (
            lambda d: d["raids"][0].update(colour="red"),
            "raids[0].colour: Extra inputs are not permitted",
        ),
        (lambda d: d["sensors"][0].update(pfa=2.0), "sensors[0].pfa: Input should be less than 1"),
        (
            lambda d: d["raids"][2].update(target="Nowhere"),
            "raids[2].target: no asset named 'Nowhere'",
        ),
        (lambda d: d["effectors"][0].update(type="laser"), "effectors[0]: Input tag 'laser'"),
        (
            lambda d: d["no_debris_zones"][0].update(polygon=[[35.0, 35.0]]),
            "no_debris_zones[0].polygon",
        ),
        (lambda d: d.update(duration_s=-5), "duration_s: Input should be greater than 0"),
        (
            lambda d: d["effectors"].append(dict(d["effectors"][0])),
            "effectors[5].id: duplicate id 'M1-hmeimim'",
        ),
    ],
)
def test_bad_values_are_named_by_path(tmp_path: Path, edit, expected: str) -> None:
    data = _hmeimim_dict()
    edit(data)
    with pytest.raises(ScenarioValidationError) as info:
        load_scenario_file(_write(tmp_path, data))
    assert any(p.startswith(expected) for p in info.value.problems), info.value.problems


def test_several_faults_are_all_reported(tmp_path: Path) -> None:
    data = _hmeimim_dict()
    data["raids"][0]["count"] = 0
    data["raids"][1]["cruise_speed_mps"] = -1
    with pytest.raises(ScenarioValidationError) as info:
        load_scenario_file(_write(tmp_path, data))
    assert len(info.value.problems) == 2


def test_unreadable_and_unknown_inputs_get_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario_file(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("raids: [unclosed")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        load_scenario_file(bad)
    with pytest.raises(ScenarioError, match="neither a built-in scenario"):
        load_scenario("no-such-scenario")
    listy = tmp_path / "list.yaml"
    listy.write_text("- 1\n- 2\n")
    with pytest.raises(ScenarioValidationError, match="expected a mapping"):
        load_scenario_file(listy)


def test_scenario_models_are_frozen() -> None:
    scn = load_builtin("hmeimim-2018")
    with pytest.raises(ValueError):
        scn.raids[0].count = 99  # type: ignore[misc]
