"""A real trajectory flown past the radar, tracker and classifier; results per file."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bastion.classify.kinematic import KinematicClassifier
from bastion.errors import RealDataError
from bastion.realdata.__main__ import main
from bastion.realdata.flypast import (
    FlypastOutcome,
    FlypastSetup,
    detection_range_m,
    fly_past,
    signature_table,
)
from bastion.realdata.loaders import load_trajectories
from bastion.realdata.results import data_files, file_results, real_data_results
from bastion.sensors.radar import SurveillanceRadar
from bastion.sensors.rcs import blade_flash_hz
from bastion.types import ObjectKind

DATA = Path(__file__).resolve().parents[1] / "data"
MAVIC_PRO = DATA / "cphyml_DJI_MavicPro_flight_0.csv"  # 44 s of flight
BIRDS = DATA / "O_ASSEN-gps-2019.csv.gz"


@pytest.fixture(scope="module")
def setup() -> FlypastSetup:
    return FlypastSetup.default()


def test_detection_range_is_where_one_look_stops_reaching_pd_09(setup: FlypastSetup) -> None:
    radar = SurveillanceRadar(setup.radar, np.zeros(3))
    r = detection_range_m(radar, 0.01)
    step = (setup.radar.max_range_m - setup.radar.min_range_m) / 4_000
    assert radar.pd(r, 0.01) >= 0.9 > radar.pd(r + step, 0.01)
    # Radar equation: 16 times the RCS, twice the range.
    assert detection_range_m(radar, 0.16) == pytest.approx(2 * r, abs=2 * step)


def test_each_class_gets_its_signature() -> None:
    (drone,) = load_trajectories(MAVIC_PRO)
    table, rcs = signature_table(drone)
    sig = table.sig
    assert (sig.kind[0], rcs) == (ObjectKind.DRONE, 0.01)
    assert sig.modulation_hz[0] == pytest.approx(blade_flash_hz(2, 6_000.0))
    aircraft = {
        f.name: f for f in load_trajectories(DATA / "stonesoup_OpenSky_Plane_States.csv.gz")
    }
    _, jet = signature_table(aircraft["3c4591"])  # 250 m/s at 10.8 km
    _, light = signature_table(aircraft["43c8e3 part 0"])  # 53 m/s at 370 m
    assert (jet, light) == (10.0, 2.0)


def _outcome(p: list[list[float]], engageable: list[bool], true_class: str = "drone"):
    (flight,) = load_trajectories(MAVIC_PRO)
    flight = type(flight)(**{**_fields(flight), "true_class": true_class})
    k = len(p)
    return FlypastOutcome(
        trajectory=flight,
        radar_offset_m=3_000.0,
        scan_period_s=2.0,
        scans=10,
        first_scan_t=0.0,
        t=6.0 + 2.0 * np.arange(k),
        track_id=np.array([7] * k),
        p=np.array(p),
        engageable=np.array(engageable),
    )


def _fields(obj: object) -> dict[str, object]:
    return {name: getattr(obj, name) for name in obj.__dataclass_fields__}  # type: ignore[attr-defined]


def test_summary_reads_the_belief_history() -> None:
    s = _outcome(
        [
            [0.30, 0.40, 0.10, 0.20],
            [0.60, 0.30, 0.05, 0.05],
            [0.95, 0.03, 0.01, 0.01],
            [0.85, 0.10, 0.03, 0.02],
        ],
        [False, False, True, True],
    ).summary()
    assert (s["predicted_class"], s["confidence"]) == ("drone", 0.85)
    assert s["confirmed_after_s"] == 6.0  # first followed scan after the first scan
    assert s["time_to_confident_s"] == 4.0  # p(drone) > 0.9 two scans after confirmation
    assert s["fraction_correct"] == 0.75
    assert (s["engageable_s"], s["tracked_fraction"], s["tracks"]) == (4.0, 0.4, 1)
    never = _outcome([[0.5, 0.5, 0.0, 0.0]], [False], true_class="bird").summary()
    assert never["time_to_confident_s"] is None and never["fraction_correct"] == 0.0


class _Recording(KinematicClassifier):
    """The placeholder classifier, also keeping what ``observe`` was handed."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[int, np.ndarray]] = []

    def observe(self, batch, attribution) -> None:
        self.seen.append((len(batch), np.asarray(attribution.det)))


def test_a_short_drone_flight_is_tracked_and_each_batch_reaches_the_classifier(
    setup: FlypastSetup,
) -> None:
    (flight,) = load_trajectories(MAVIC_PRO)
    made: list[_Recording] = []

    def factory() -> _Recording:
        made.append(_Recording())
        return made[-1]

    out = fly_past(flight, np.random.default_rng(5), setup, factory)
    radar = SurveillanceRadar(setup.radar, np.zeros(3))
    assert setup.min_offset_m <= out.radar_offset_m <= detection_range_m(radar, 0.01)
    assert out.scans == 22  # 0, 2, ..., 42 s of a 43.99 s flight
    assert out.t.size >= 15 and np.all(np.diff(out.t) > 0)
    np.testing.assert_allclose(out.p.sum(axis=1), 1.0)
    (classifier,) = made
    assert len(classifier.seen) == out.scans
    assert all(det.size == 0 or det.max() < n for n, det in classifier.seen)
    again = fly_past(flight, np.random.default_rng(5), setup, factory)
    assert again.summary() == out.summary()


def test_a_long_flight_is_flown_about_its_middle(setup: FlypastSetup) -> None:
    (flight,) = load_trajectories(MAVIC_PRO)
    short = replace(setup, max_duration_s=20.0)
    out = fly_past(flight, np.random.default_rng(5), short, KinematicClassifier)
    assert (out.scans, out.first_scan_t) == (11, 10.0)  # 10, 12, ..., 30 s of 0, 2, ..., 42 s


def test_results_fly_each_files_longest_trajectories(setup: FlypastSetup) -> None:
    birds = file_results(BIRDS, 1, KinematicClassifier, max_trajectories=2, setup=setup)
    assert (birds["trajectories_in_file"], birds["n_trajectories"]) == (13, 2)
    names = [t["name"] for t in birds["trajectories"]]
    assert "5515867 flight 5" in names  # 602 s, the only three-fix flight
    json.dumps(birds)
    # A file's seed comes from its name: the same result alone or with other files.
    together = real_data_results(
        [MAVIC_PRO, BIRDS], KinematicClassifier, seed=1, max_trajectories_per_file=2
    )
    assert together[1] == birds


def test_folders_are_searched_for_known_formats_only(tmp_path: Path) -> None:
    (tmp_path / "reference-data.csv").write_text("tag-id,animal-id\n1,2\n")
    (tmp_path / "notes.md").write_text("not data")
    (tmp_path / "mavic.csv").write_bytes(MAVIC_PRO.read_bytes())
    assert data_files([tmp_path]) == [tmp_path / "mavic.csv"]
    with pytest.raises(RealDataError, match="match no known"):
        real_data_results([tmp_path / "reference-data.csv"])
    with pytest.raises(RealDataError, match="no such file"):
        data_files([tmp_path / "missing.csv"])


def test_command_line_prints_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    args = [str(MAVIC_PRO), "--json", "--max-per-file", "1", "--classifier", "kinematic"]
    assert main(args) == 0
    (result,) = json.loads(capsys.readouterr().out)
    assert (result["file"], result["true_class"], result["n_trajectories"]) == (
        MAVIC_PRO.name,
        "drone",
        1,
    )
    assert main([str(tmp_path / "missing.csv")]) == 2
    assert "no such file" in capsys.readouterr().err
