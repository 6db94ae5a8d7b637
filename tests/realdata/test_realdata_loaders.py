"""Real trajectory files (tests/data, see SOURCES.md there) read into Trajectory records."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import numpy as np
import pytest

from bastion.errors import RealDataError
from bastion.frames import geodetic_to_enu
from bastion.realdata.loaders import load_trajectories
from bastion.realdata.trajectory import Trajectory, kinematics

DATA = Path(__file__).resolve().parents[1] / "data"
BIRDS = DATA / "O_ASSEN-gps-2019.csv.gz"


def test_stonesoup_uav_log_is_one_rotary_drone_flight_from_the_ground() -> None:
    (flight,) = load_trajectories(DATA / "stonesoup_UAV_Rot.csv")
    assert (flight.true_class, flight.airframe, len(flight)) == ("drone", "rotary", 965)
    assert (flight.t[0], flight.t[-1]) == (0.0, 964.0)
    assert (flight.lat_deg[0], flight.lon_deg[0]) == (50.2973285, -30.89102916666667)
    # Altitude 708.0 m at take-off (its lowest), 768.2 m at most.
    assert flight.height_m[0] == 0.0
    assert flight.height_m.max() == pytest.approx(60.2)


def test_dji_records_hold_height_above_home_and_cmu_flights_gps_altitude() -> None:
    (mavic,) = load_trajectories(DATA / "cphyml_DJI_MavicAir_2022-06-27_154010.csv")
    assert len(mavic) == 207
    assert mavic.t[1] == pytest.approx(0.96)
    assert mavic.height_m[0] == 87.90003047851263  # already above the take-off point
    (delivery,) = load_trajectories(DATA / "cphyml_cmu_package_delivery_flight_100_R1.csv")
    assert len(delivery) == 121
    # First fix 286.56 m above sea level, landing (lowest) at 261.60 m.
    assert delivery.height_m[0] == pytest.approx(286.5612306060792 - 261.6015476646424)
    assert delivery.height_m.min() == 0.0
    assert {mavic.true_class, delivery.true_class} == {"drone"}


def test_opensky_states_become_one_trajectory_per_aircraft_and_stretch() -> None:
    flights = load_trajectories(DATA / "stonesoup_OpenSky_Plane_States.csv.gz")
    # 84 aircraft, one of which reported a single position.
    assert len({f.individual for f in flights}) == 83
    assert {f.true_class for f in flights} == {"aircraft"}
    first = next(f for f in flights if f.name == "3c4591")
    # Position of 1626098398.996, reported at 1626098400 (the file's first time).
    assert first.t[0] == pytest.approx(-1.004, abs=1e-3)
    assert (first.lat_deg[0], first.lon_deg[0]) == (51.46894551939883, -0.4407501220703125)
    assert first.height_m[0] == 10843.26
    assert all(np.diff(f.t).max() <= 40.0 for f in flights)
    # 4ca875 reports 8.7 km with glitches to 12.4 km and 2.2 km for single reports.
    glitchy = [f for f in flights if f.individual == "4ca875"]
    assert len(glitchy) == 1 and np.ptp(glitchy[0].height_m) < 50.0


def _naive_flights(path: Path) -> list[tuple[str, float, float]]:
    """Flight segments by the documented rules, one fix at a time: (individual, first t,
    last t) in seconds since the file's first valid fix."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        rows = [
            r
            for r in csv.DictReader(f)
            if r["visible"] == "true" and r["location-lat"] and r["location-long"]
        ]
    stamp = {r["timestamp"]: np.datetime64(r["timestamp"], "ms").astype(float) / 1e3 for r in rows}
    t0 = min(stamp.values())
    out = []
    for who in dict.fromkeys(r["individual-local-identifier"] for r in rows):
        fixes = sorted(
            (stamp[r["timestamp"]] - t0, float(r["location-lat"]), float(r["location-long"]), r)
            for r in rows
            if r["individual-local-identifier"] == who
        )
        ground = np.median([float(r["height-above-msl"]) for *_, r in fixes])
        fixes = [f for f in fixes if float(f[3]["height-above-msl"]) - ground <= 1000.0]
        start = None
        for a, b in zip(fixes, [*fixes[1:], None], strict=True):
            flying = False
            if b is not None:
                e, n, _ = geodetic_to_enu(b[1], b[2], 0.0, (a[1], a[2], 0.0))
                flying = np.hypot(e, n) / (b[0] - a[0]) > 2.0 and b[0] - a[0] <= 1800.0
            if flying and start is None:
                start = a[0]
            elif not flying and start is not None:
                out.append((who, float(start), float(a[0])))
                start = None
    return out


def test_movebank_flights_follow_the_rules_fix_by_fix() -> None:
    flights = load_trajectories(BIRDS)
    found = [(f.individual, float(f.t[0]), float(f.t[-1])) for f in flights]
    assert found == _naive_flights(BIRDS)  # whole seconds: exact
    assert len(flights) == 13
    assert {f.individual for f in flights} == {"5515867", "5515879"}
    for f in flights:
        assert f.true_class == "bird"
        assert kinematics(f)["speed_mps_p5"] > 2.0
        assert 0.0 <= f.height_m.min() and f.height_m.max() <= 1000.0


HEADER = (
    "event-id,visible,timestamp,location-long,location-lat,height-above-msl,"
    "individual-local-identifier,sensor-type"
)


def _movebank(tmp_path: Path, lines: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "birds.csv.gz"
    path.write_bytes(gzip.compress("\n".join([header, *lines]).encode()))
    return path


def test_movebank_rules_on_a_made_up_bird(tmp_path: Path) -> None:
    # Fixes every 5 min; 0.01 deg of latitude is 1.11 km: a leg of it is 3.7 m/s.
    def fix(k: int, minute: int, lat: float, height: float, visible: str = "true") -> str:
        return f"{k},{visible},2019-05-10 10:{minute:02d}:00.000,6.6,{lat},{height},A,gps"

    path = _movebank(
        tmp_path,
        [
            fix(0, 0, 53.0000, 10.0),
            fix(1, 5, 53.0004, 12.0),  # 44 m in 5 min: walking
            fix(2, 10, 53.0104, 60.0),  # flight
            fix(3, 15, 53.0204, -30.0),  # flight, below the ground
            fix(4, 20, 53.0205, 11.0),
            fix(5, 22, 53.1000, 11.0, visible="false"),  # marked outlier
            fix(6, 25, 53.0405, 5000.0),  # GPS outlier: too high
            fix(7, 30, 53.0206, 10.0),
            fix(8, 35, 53.0207, 10.0),
        ],
    )
    (flight,) = load_trajectories(path)
    assert (flight.name, flight.individual) == ("A flight 0", "A")
    assert flight.t.tolist() == [300.0, 600.0, 900.0]
    # Ground: median of 10, 12, 60, -30, 11, 5000, 10, 10 = 10.5 m; below it is 0.
    assert flight.height_m.tolist() == [1.5, 49.5, 0.0]
    assert flight.lat_deg.tolist() == [53.0004, 53.0104, 53.0204]


def test_movebank_long_silence_is_not_a_flight(tmp_path: Path) -> None:
    lines = [
        "0,true,2019-05-10 10:00:00.000,6.6,53.00,10,A,gps",
        "1,true,2019-05-10 11:00:00.000,6.6,53.10,10,A,gps",  # 11 km in an hour, gap > 30 min
    ]
    assert load_trajectories(_movebank(tmp_path, lines)) == []


@pytest.mark.parametrize(
    ("header", "lines", "message"),
    [
        ("a,b", ["1,2"], "match no known trajectory format"),
        (
            "timestamp,location-long,location-lat,individual-local-identifier",
            ["2019-05-10 10:00:00,6.6,53.0,A"],
            "no height column.*'height-above-msl'",
        ),
        (HEADER, ["0,true,yesterday,6.6,53.0,10,A,gps"], "column 'timestamp', line 2"),
        (HEADER, ["0,true,2019-05-10 10:00:00,6.6,53.0,,A,gps"], "'height-above-msl' holds no"),
        (HEADER, ["0,true,2019-05-10 10:00:00,6.6,north,10,A,gps"], "column 'location-lat'"),
        (HEADER, ["0,true,2019-05-10 10:00:00,6.6"], "line 2 has 4 fields"),
        ("time,lat,lon,alt", ["2022-08-17 14:40:48,51.0,x,80"], "column 'lon', line 2"),
        (
            "time,lat,lon,alt",
            ["2022-08-17 14:40:48,51.0,-4.0,80", "2022-08-17 14:40:47,51.0,-4.0,80"],
            "flight 0: time goes backwards after 1.000 s",
        ),
    ],
)
def test_bad_files_are_refused_naming_the_column(
    tmp_path: Path, header: str, lines: list[str], message: str
) -> None:
    with pytest.raises(RealDataError, match=message):
        load_trajectories(_movebank(tmp_path, lines, header))


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(RealDataError, match=r"nowhere\.csv"):
        load_trajectories(tmp_path / "nowhere.csv")


def _line(speed: float = 10.0) -> Trajectory:
    """Due north at ``speed`` m/s for 100 s, climbing from 50 to 150 m."""
    north = np.array([0.0, speed * 50.0, speed * 100.0]) / 111_195.0
    return Trajectory(
        name="line",
        individual="line",
        true_class="drone",
        source="made up",
        t=np.array([0.0, 50.0, 100.0]),
        lat_deg=52.0 + north,
        lon_deg=np.full(3, 1.0),
        height_m=np.array([50.0, 100.0, 150.0]),
    )


def test_sampling_moves_in_a_straight_line_between_fixes() -> None:
    line = _line()
    fixes = line.enu((52.0, 1.0))
    pos, vel = line.sample(np.array([0.0, 25.0, 50.0, 100.0]), (52.0, 1.0))
    np.testing.assert_allclose(pos[[0, 2, 3]], fixes)
    np.testing.assert_allclose(pos[1], (fixes[0] + fixes[1]) / 2)
    np.testing.assert_allclose(vel, np.tile([0.0, 10.0, 1.0], (4, 1)), atol=0.05)
    with pytest.raises(ValueError, match="within"):
        line.sample(np.array([101.0]), (52.0, 1.0))


def test_kinematics_of_a_steady_climb() -> None:
    k = kinematics(_line(speed=10.0))
    assert k["duration_s"] == 100.0
    assert k["speed_mps_p50"] == pytest.approx(10.0, rel=0.01)
    assert k["climb_mps_p50"] == pytest.approx(1.0)
    assert (k["height_m_p5"], k["height_m_p95"]) == pytest.approx((55.0, 145.0))


def test_a_trajectory_refuses_time_going_backwards_and_unknown_classes() -> None:
    line = _line()
    with pytest.raises(ValueError, match="strictly increasing"):
        Trajectory(**{**_fields(line), "t": np.array([0.0, 50.0, 50.0])})
    with pytest.raises(ValueError, match="true_class"):
        Trajectory(**{**_fields(line), "true_class": "clutter"})


def _fields(trajectory: Trajectory) -> dict[str, object]:
    return {name: getattr(trajectory, name) for name in Trajectory.__dataclass_fields__}


def test_csv_and_gzip_read_alike(tmp_path: Path) -> None:
    plain = tmp_path / "birds.csv"
    with gzip.open(BIRDS, "rt", encoding="utf-8", newline="") as f:
        plain.write_text(f.read(), encoding="utf-8", newline="")
    a, b = load_trajectories(plain), load_trajectories(BIRDS)
    assert [f.name for f in a] == [f.name for f in b]
    assert all(np.array_equal(x.height_m, y.height_m) for x, y in zip(a, b, strict=True))
