"""Building a scenario's sensors: the model each config's ``type`` names, at its ENU position,
sharing the run's signature table and terrain, wrapped in its faults when it has any."""

from __future__ import annotations

import numpy as np

from bastion.scenario.schema import (
    AcousticConfig,
    Environment,
    EoIrConfig,
    RadarConfig,
    RfDetectorConfig,
    Scenario,
    SensorConfig,
    SensorFaults,
)
from bastion.scenario.site import Site
from bastion.sensors.acoustic import AcousticArray
from bastion.sensors.base import Sensor
from bastion.sensors.clutter import clutter_cells
from bastion.sensors.eoir import EoIrCamera
from bastion.sensors.faults import FaultySensor
from bastion.sensors.radar import SurveillanceRadar
from bastion.sensors.rf import RfDetector
from bastion.sensors.signature import SignatureTable
from bastion.sensors.terrain import Terrain


def build_terrain(environment: Environment, site: Site) -> Terrain | None:
    grid = environment.terrain
    return None if grid is None else Terrain.from_config(grid, site)


def build_sensor(
    config: SensorConfig,
    site: Site,
    environment: Environment,
    signatures: SignatureTable | None = None,
    terrain: Terrain | None = None,
    with_faults: bool = True,
) -> Sensor:
    """The sensor a config describes; ``with_faults=False`` gives the healthy one."""
    ground = site.to_enu(config.position)
    sensor: Sensor
    if isinstance(config, RadarConfig):
        pos = ground + np.array([0.0, 0.0, config.antenna_height_m])
        sensor = SurveillanceRadar(config, pos, signatures, terrain, clutter_cells(config, site))
    elif isinstance(config, RfDetectorConfig):
        pos = ground + np.array([0.0, 0.0, config.antenna_height_m])
        sensor = RfDetector(config, pos, signatures, terrain)
    elif isinstance(config, EoIrConfig):
        pos = ground + np.array([0.0, 0.0, config.mast_height_m])
        sensor = EoIrCamera(config, pos, environment, signatures, terrain)
    elif isinstance(config, AcousticConfig):
        pos = ground + np.array([0.0, 0.0, config.antenna_height_m])
        sensor = AcousticArray(config, pos, signatures)
    else:  # pragma: no cover - the schema's union admits nothing else
        raise TypeError(f"no sensor model for {type(config).__name__}")
    if with_faults and config.faults != SensorFaults():
        return FaultySensor(sensor, config.faults)
    return sensor


def build_sensors(
    scenario: Scenario,
    site: Site,
    signatures: SignatureTable | None = None,
    with_faults: bool = True,
) -> list[Sensor]:
    """Every sensor of the scenario, in its order."""
    terrain = build_terrain(scenario.environment, site)
    return [
        build_sensor(c, site, scenario.environment, signatures, terrain, with_faults)
        for c in scenario.sensors
    ]
