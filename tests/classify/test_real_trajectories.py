"""Real flights nobody here wrote (tests/data, see SOURCES.md), flown past Bastion's radar,
tracker and classifier: real drones come out drone, airliners and light aircraft come out
aircraft and are never engaged, oystercatchers come out bird.

Only the kinematics are real; the radar draws each class's RCS and micro-Doppler
(bastion.realdata.flypast). A defended asset sits under each flight's middle, so only the
class belief keeps the rules of engagement (hmeimim-2018's doctrine) from allowing a shot.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bastion.realdata.flypast import FlypastSetup
from bastion.realdata.results import real_data_results

DATA = Path(__file__).resolve().parents[1] / "data"
DRONE_FILES = (
    "stonesoup_UAV_Rot.csv",
    "cphyml_DJI_MavicAir_2022-06-27_154010.csv",
    "cphyml_DJI_MavicPro_flight_0.csv",
    "cphyml_cmu_package_delivery_flight_100_R1.csv",
    "cphyml_cmu_package_delivery_flight_101_R1.csv",
    "cphyml_cmu_package_delivery_flight_102_R1.csv",
)
AIRCRAFT_FILE = "stonesoup_OpenSky_Plane_States.csv.gz"
BIRD_FILE = "O_ASSEN-gps-2019.csv.gz"
#: The 6 longest aircraft (4 airliners, 2 light aircraft at 45-60 m/s at 500 m) and bird
#: flights of their files, each flown for at most 10 min (about its middle) to keep this short.
PER_FILE = 6
MAX_DURATION_S = 600.0


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    files = [DATA / name for name in (*DRONE_FILES, AIRCRAFT_FILE, BIRD_FILE)]
    setup = replace(FlypastSetup.default(), max_duration_s=MAX_DURATION_S)
    runs = real_data_results(files, max_trajectories_per_file=PER_FILE, setup=setup)
    return {r["file"]: r for r in runs}


def _finals(result: dict) -> list[str | None]:
    return [t["predicted_class"] for t in result["trajectories"]]


@pytest.mark.parametrize("name", DRONE_FILES)
def test_each_real_drone_flight_comes_out_drone(results: dict, name: str) -> None:
    result = results[name]
    assert result["n_tracked"] == result["n_trajectories"] == 1
    assert _finals(result) == ["drone"], result["trajectories"]


def test_real_drones_over_an_asset_would_be_engaged(results: dict) -> None:
    # The same rules engage a drone: the aircraft test below can fail.
    engageable = [results[name]["n_engageable"] for name in DRONE_FILES]
    assert sum(engageable) >= 5, engageable


def test_opensky_aircraft_come_out_aircraft_and_are_never_engaged(results: dict) -> None:
    result = results[AIRCRAFT_FILE]
    assert result["n_tracked"] == result["n_trajectories"] == PER_FILE
    assert result["n_engageable"] == 0, [
        (t["name"], t["engageable_s"]) for t in result["trajectories"] if t["engageable_s"]
    ]
    assert _finals(result) == ["aircraft"] * PER_FILE, result["trajectories"]


def test_oystercatcher_flights_come_out_bird(results: dict) -> None:
    result = results[BIRD_FILE]
    assert result["n_tracked"] == result["n_trajectories"] == PER_FILE
    assert _finals(result) == ["bird"] * PER_FILE, result["trajectories"]
    assert result["n_engageable"] == 0
