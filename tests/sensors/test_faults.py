"""Sensor faults: outages, degraded detection, position and north-alignment bias."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bastion.scenario.loader import load_builtin
from bastion.scenario.schema import Degradation, GeoPoint, RadarConfig, SensorFaults
from bastion.scenario.site import build_site
from bastion.sensors.build import build_sensor, build_sensors
from bastion.sensors.faults import FaultySensor
from bastion.sensors.radar import SurveillanceRadar

POS = np.array([0.0, 0.0, 10.0])


def faulty(faults: SensorFaults, false_alarms: float = 0.0) -> FaultySensor:
    config = RadarConfig(
        id="r",
        position=GeoPoint(lat_deg=0.0, lon_deg=0.0),
        scan_period_s=1.0,
        reference_range_m=10_000.0,
        false_alarms_per_scan=false_alarms,
        faults=faults,
    )
    return FaultySensor(SurveillanceRadar(config, POS), config.faults)


def ring(n: int) -> np.ndarray:
    az = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    return np.column_stack([3_000.0 * np.sin(az), 3_000.0 * np.cos(az), np.full(n, 300.0)])


def test_an_outage_reports_nothing_and_looks_nowhere(make_truth) -> None:
    sensor = faulty(SensorFaults(outages_s=[(10.0, 20.0)]), false_alarms=5.0)
    rng = np.random.default_rng(1)
    for t, out in [(9.0, False), (10.0, True), (19.0, True), (20.0, False)]:
        det = sensor.observe(make_truth(ring(20), None, 1e6, t=t), t - 1.0, rng)
        assert (len(det) == 0 and det.az_extent_rad == 0.0) == out, t


def test_degraded_windows_scale_the_detection_probability(make_truth) -> None:
    faults = SensorFaults(
        degraded=[
            Degradation(window_s=(0.0, 100.0), pd_factor=0.5),
            Degradation(window_s=(50.0, 100.0), pd_factor=0.5),
        ]
    )
    sensor = faulty(faults, false_alarms=3.0)
    assert sensor.pd_factor(10.0) == 0.5 and sensor.pd_factor(60.0) == 0.25
    rng = np.random.default_rng(2)
    truth = make_truth(ring(1_000), None, 1e6, t=60.0)
    dets = [sensor.observe(truth, 59.0, rng) for _ in range(10)]
    real = sum(int(np.count_nonzero(d.truth_id >= 0)) for d in dets)
    assert abs(real / 10_000 - 0.25) < 4.0 * math.sqrt(0.25 * 0.75 / 10_000)
    false = sum(int(np.count_nonzero(d.truth_id < 0)) for d in dets)
    assert false == pytest.approx(30, abs=4 * math.sqrt(30))  # false alarms are not thinned


def test_position_and_azimuth_bias(make_truth) -> None:
    clean = faulty(SensorFaults())
    biased = faulty(SensorFaults(position_bias_m=(100.0, -50.0, 0.0), azimuth_bias_deg=1.0))
    truth = make_truth(ring(10), None, 1e6)
    a = clean.observe(truth, 0.0, np.random.default_rng(3))
    b = biased.observe(truth, 0.0, np.random.default_rng(3))
    np.testing.assert_allclose(b.sensor_pos, POS + np.array([100.0, -50.0, 0.0]))
    np.testing.assert_allclose(biased.position, POS)  # it measures from where it really is
    order_a, order_b = np.argsort(a.truth_id), np.argsort(b.truth_id)
    diff = b.z[order_b, 1] - a.z[order_a, 1]
    np.testing.assert_allclose((diff + np.pi) % (2 * np.pi) - np.pi, math.radians(1.0), atol=1e-12)
    np.testing.assert_allclose(b.z[order_b, 0], a.z[order_a, 0])
    assert b.az_start_rad == pytest.approx((a.az_start_rad + math.radians(1.0)) % (2 * np.pi))


def test_build_wraps_only_sensors_with_faults() -> None:
    scn = load_builtin("hmeimim-2018")
    site = build_site(scn)
    sensors = build_sensors(scn, site)
    assert [type(s).__name__ for s in sensors] == [
        "SurveillanceRadar",
        "SurveillanceRadar",
        "EoIrCamera",
        "AcousticArray",
        "RfDetector",
    ]
    broken = scn.sensors[0].model_copy(update={"faults": SensorFaults(outages_s=[(0.0, 1.0)])})
    assert isinstance(build_sensor(broken, site, scn.environment), FaultySensor)
    assert isinstance(
        build_sensor(broken, site, scn.environment, with_faults=False), SurveillanceRadar
    )
