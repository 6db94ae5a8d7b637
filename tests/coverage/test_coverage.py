"""Coverage analysis on small scenarios whose answers are worked out by hand."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from bastion.cli import app
from bastion.coverage import analyse
from bastion.coverage.maps import detection_range
from bastion.frames import EFFECTIVE_EARTH_RADIUS_M
from bastion.scenario.schema import Scenario
from bastion.scenario.site import build_site

ORIGIN = {"lat_deg": 35.0, "lon_deg": 36.0}
NORTH_80KM = {"lat_deg": 35.0 + 80_000.0 / 111_000.0, "lon_deg": 36.0}


def scenario(
    sensors: list[dict[str, Any]], navigation: str = "autonomous_gnss", **raid: Any
) -> Scenario:
    """One asset at the origin, one raid flying straight south to it from 80 km north."""
    return Scenario.model_validate(
        {
            "id": "hand",
            "name": "hand-checked",
            "origin": ORIGIN,
            "duration_s": 3_000,
            "assets": [{"name": "runway", "position": ORIGIN, "radius_m": 500}],
            "sensors": sensors,
            "drone_types": [{"name": "drone", "rcs_m2": 1.0, "rcs_pattern": "isotropic"}],
            "raids": [
                {
                    "name": "raid",
                    "drone_type": "drone",
                    "count": 1,
                    "launch_area": NORTH_80KM,
                    "launch_window_s": [0, 0],
                    "target": "runway",
                    "cruise_altitude_m": raid.get("altitude", 50.0),
                    "cruise_speed_mps": 50.0,
                    "navigation": navigation,
                }
            ],
        }
    )


def radar(sensor_id: str = "r", **kw: Any) -> dict[str, Any]:
    return {
        "type": "radar",
        "id": sensor_id,
        "position": ORIGIN,
        "antenna_height_m": 10.0,
        "scan_period_s": 2.0,
        "reference_range_m": 10_000.0,
        "reference_rcs_m2": 1.0,
        "reference_pd": 0.5,
        "max_range_m": 20_000.0,
        "false_alarms_per_scan": 0,
        **kw,
    }


def test_detection_ranges_of_one_radar_by_hand() -> None:
    cov = analyse(scenario([radar()]))
    bands = cov.to_json()["sensors"][0]["classes"]["drone"]
    # Pd 0.5 at the reference range for the reference RCS: slant 10 km; the band's lowest
    # figure is at its top row, 50 m up, 40 m above the antenna: ground √(10000² - 40²).
    assert bands["0-50 m"]["range_pd50_m"] == pytest.approx(
        math.sqrt(10_000.0**2 - 40.0**2), rel=2e-3
    )
    # Swerling I: SNR(Pd) = ln Pfa / ln Pd - 1, range ∝ SNR^(-1/4).
    snr50 = math.log(1e-6) / math.log(0.5) - 1.0
    snr90 = math.log(1e-6) / math.log(0.9) - 1.0
    r90 = 10_000.0 * (snr50 / snr90) ** 0.25  # 6.18 km
    assert bands["0-50 m"]["range_pd90_m"] == pytest.approx(math.sqrt(r90**2 - 40.0**2), rel=2e-3)
    # 1.5-3 km up the slant range at 3 km altitude is far longer than the ground range.
    assert bands["1500-3000 m"]["range_pd50_m"] == pytest.approx(
        math.sqrt(10_000.0**2 - 2_990.0**2), rel=2e-3
    )


def test_two_identical_radars_fuse_to_a_longer_range() -> None:
    """Fused Pd 0.5 needs each look to reach 1 - √0.5 = 0.293: SNR ln Pfa / ln 0.293 - 1."""
    cov = analyse(scenario([radar("a"), radar("b")]))
    fused = cov.fused[0].slice
    snr50 = math.log(1e-6) / math.log(0.5) - 1.0
    snr_each = math.log(1e-6) / math.log(1.0 - math.sqrt(0.5)) - 1.0
    expected = 10_000.0 * (snr50 / snr_each) ** 0.25  # 11.4 km slant
    row = int(np.flatnonzero(cov.altitudes_m == 10.0)[0])  # level with the antennas
    got = detection_range(fused.ranges_m, fused.pd["drone"][row], 0.5)
    assert got == pytest.approx(expected, rel=2e-3)


def test_warning_time_at_the_radar_horizon_by_hand() -> None:
    """A radar that sees everything in line of sight: first detection at the first look (every
    2 s from launch) once the drone, 50 m up, rises over the 4/3-Earth horizon."""
    sensors = [radar(reference_range_m=1e6, max_range_m=100_000.0)]
    scn = scenario(sensors, altitude=50.0)
    cov = analyse(scn)
    route = next(r for r in cov.routes if r.altitude_m == 50.0)
    horizon = math.sqrt(2 * EFFECTIVE_EARTH_RADIUS_M * 10.0) + math.sqrt(
        2 * EFFECTIVE_EARTH_RADIUS_M * 50.0
    )
    site = build_site(scn)
    start = float(np.linalg.norm(site.to_enu(scn.raids[0].launch_area)[:2]))
    ground_at_horizon = math.sqrt(horizon**2 - 40.0**2)
    first_look = math.ceil((start - ground_at_horizon) / 50.0 / 2.0) * 2.0
    arrival = (start - 500.0) / 50.0
    for f in route.first:  # Pd is 1 in sight: 50 % and 90 % at the same look
        assert f.time_s == pytest.approx(first_look)
        assert f.distance_m == pytest.approx(start - 50.0 * first_look, abs=1e-6)
        assert f.warning_s == pytest.approx(arrival - first_look, abs=1e-6)
    assert ground_at_horizon - 100.0 < route.median.distance_m <= ground_at_horizon  # 2 s looks
    assert route.arrival_s == pytest.approx(arrival, abs=0.01)


def test_gaps_are_named_in_words() -> None:
    cov = analyse(scenario([radar(reference_range_m=2_000.0)]), min_warning_s=120.0)
    gaps = cov.gaps()
    route = next(r for r in cov.routes if r.altitude_m == 50.0)
    m = route.median
    assert m.warning_s is not None and m.warning_s < 120.0
    expected = (
        f"drone at 50 m above ground on the raid route: first detection at "
        f"{m.distance_m / 1e3:.1f} km, {m.warning_s:.0f} s before runway"
    )
    assert expected in gaps
    blind = analyse(scenario([radar(reference_range_m=2_000.0, max_range_m=400.0)]))
    assert (
        "drone at 50 m above ground on the raid route: not detected before reaching runway"
        in blind.gaps()
    )
    assert blind.to_json()["routes"][0]["gap"] is True


def test_rf_covers_only_remote_controlled_drones() -> None:
    rf = {"type": "rf_detector", "id": "rf", "position": ORIGIN, "max_range_m": 30_000.0}
    silent = analyse(scenario([radar(), rf])).to_json()
    assert all(v["range_pd50_m"] is None for v in silent["sensors"][1]["classes"]["drone"].values())
    heard = analyse(scenario([radar(), rf], navigation="remote_control")).to_json()
    name = "drone, remote-controlled"
    assert heard["classes"][0]["name"] == name and heard["classes"][0]["remote_controlled"]
    # Control link, 20 dBm at 2.44 GHz, +3 dBi, -95 dBm: FSPL 118 dB, about 7.8 km.
    r50 = 10.0 ** ((20.0 + 3.0 + 95.0 - 20.0 * math.log10(2.44e9) + 147.55) / 20.0)
    got = heard["sensors"][1]["classes"][name]["0-50 m"]["range_pd50_m"]
    assert got == pytest.approx(math.sqrt(r50**2 - 45.0**2), rel=5e-3)


def test_cli_writes_json_table_and_maps(tmp_path: Path) -> None:
    scn = scenario([radar(), {"type": "eo_ir", "id": "cam", "position": ORIGIN}])
    path = tmp_path / "hand.yaml"
    path.write_text(yaml.safe_dump(scn.model_dump(mode="json")))
    out = tmp_path / "cov"
    result = CliRunner().invoke(app, ["coverage", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "coverage.json").read_text())
    assert [s["id"] for s in data["sensors"]] == ["r", "cam"] and data["sensors"][1]["cued"]
    assert data["fused"][0]["sensors"] == ["r"]  # the camera needs a cue: not a search sensor
    assert {p.name for p in out.glob("*.png")} == {
        "sensor-r.png",
        "sensor-cam.png",
        "fused-raid.png",
        "route-raid.png",
    }
    assert "detection range per look" in (out / "coverage.txt").read_text()
    assert "GAP" in result.output or "No gaps" in result.output
