"""The scenario file's schema: frozen pydantic models that reject unknown fields.

Positions are WGS-84 (``lat_deg``, ``lon_deg``, ``alt_m`` above the site's ellipsoid height) here at
the edge; :mod:`bastion.scenario.site` turns them into the local ENU frame the core works in.
Distances are metres, speeds m/s, times seconds from the scenario epoch, angles degrees where
the field name says ``_deg``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Positive = Annotated[float, Field(gt=0.0)]
NonNegative = Annotated[float, Field(ge=0.0)]


class Model(BaseModel):
    """Base of every scenario model: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class GeoPoint(Model):
    lat_deg: Annotated[float, Field(ge=-90.0, le=90.0)]
    lon_deg: Annotated[float, Field(ge=-180.0, le=180.0)]
    alt_m: float = 0.0


LatLon = tuple[
    Annotated[float, Field(ge=-90.0, le=90.0)], Annotated[float, Field(ge=-180.0, le=180.0)]
]


def _check_polygon(polygon: list[LatLon]) -> list[LatLon]:
    if len(polygon) < 3:
        raise ValueError("a polygon needs at least 3 [lat_deg, lon_deg] vertices")
    return polygon


class Asset(Model):
    """A defended asset: a point with an attack radius, optionally with its outline."""

    name: str
    position: GeoPoint
    radius_m: Positive = 300.0  # a payload delivered within this radius damages the asset
    value: Positive = 1.0
    polygon: list[LatLon] | None = None

    _poly = field_validator("polygon")(lambda v: v if v is None else _check_polygon(v))


class Zone(Model):
    """A no-debris zone (town, fuel store) or a safe landing area, as a polygon."""

    name: str
    polygon: list[LatLon]

    _poly = field_validator("polygon")(_check_polygon)


class RadarConfig(Model):
    """Rotating surveillance radar; detection from the radar equation scaled to a reference."""

    type: Literal["radar"] = "radar"
    id: str
    position: GeoPoint
    antenna_height_m: NonNegative = 10.0
    scan_period_s: Positive = 2.0
    reference_range_m: Positive  # range at which reference_rcs_m2 is seen with reference_pd
    reference_rcs_m2: Positive = 1.0
    reference_pd: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.5
    pfa: Annotated[float, Field(gt=0.0, lt=1.0)] = 1e-6
    max_range_m: Positive = 40_000.0
    min_range_m: NonNegative = 200.0
    sigma_range_m: Positive = 15.0
    sigma_azimuth_deg: Positive = 0.3
    sigma_elevation_deg: Positive = 0.5
    sigma_rcs_db: NonNegative = 2.0
    false_alarms_per_scan: NonNegative = 2.0
    false_alarm_max_elevation_deg: Positive = 3.0

    @model_validator(mode="after")
    def _consistent(self) -> RadarConfig:
        if self.reference_pd <= self.pfa:
            raise ValueError("reference_pd must exceed pfa (detection above the noise level)")
        if self.min_range_m >= self.max_range_m:
            raise ValueError("min_range_m must be below max_range_m")
        return self


SensorConfig = Annotated[RadarConfig, Field(discriminator="type")]


class MissileConfig(Model):
    """Surface-to-air missile launcher: envelope, fly-out speed, reaction time, magazine."""

    type: Literal["missile"] = "missile"
    id: str
    position: GeoPoint
    min_range_m: NonNegative = 1_000.0
    max_range_m: Positive = 20_000.0
    min_altitude_m: float = 5.0
    max_altitude_m: Positive = 15_000.0
    mean_speed_mps: Positive = 800.0
    reaction_time_s: NonNegative = 5.0
    p_kill: Probability = 0.8
    magazine: Annotated[int, Field(ge=0)] = 12
    channels: Annotated[int, Field(ge=1)] = 4  # targets engaged at once
    cost_usd: NonNegative = 60_000.0


class GunConfig(Model):
    """Anti-aircraft gun: burst kill probability 1 - (1 - p_hit)^n with p_hit falling with range."""

    type: Literal["gun"] = "gun"
    id: str
    position: GeoPoint
    min_range_m: NonNegative = 200.0
    max_range_m: Positive = 4_000.0
    max_altitude_m: Positive = 3_000.0
    muzzle_speed_mps: Positive = 960.0
    reaction_time_s: NonNegative = 2.0
    rounds_per_burst: Annotated[int, Field(ge=1)] = 50
    p_hit_at_1km: Probability = 0.02  # single-round hit probability at 1 km; scales as 1/R^2
    magazine: Annotated[int, Field(ge=0)] = 1_400
    channels: Annotated[int, Field(ge=1)] = 1
    cost_usd: NonNegative = 2_500.0  # per burst


class GnssJammerConfig(Model):
    """GNSS jammer/spoofer: denies or takes over satellite navigation of autonomous drones."""

    type: Literal["gnss_jammer"] = "gnss_jammer"
    id: str
    position: GeoPoint
    max_range_m: Positive = 15_000.0
    time_to_effect_s: Positive = 15.0
    p_takeover: Probability = 0.5  # an attempt steers the drone to a landing area
    channels: Annotated[int, Field(ge=1)] = 1
    landing_areas: list[str] = Field(min_length=1)  # names of the scenario's landing_areas
    cost_usd: NonNegative = 100.0


EffectorConfig = Annotated[
    MissileConfig | GunConfig | GnssJammerConfig, Field(discriminator="type")
]


class DroneType(Model):
    """A hostile drone type: airframe, signature, payload and how it behaves without GNSS."""

    name: str
    airframe: Literal["fixed_wing", "rotary"] = "fixed_wing"
    engine: Literal["piston", "electric"] = "piston"
    rcs_m2: Positive = 0.03
    mass_kg: Positive = 10.0
    payload_kg: NonNegative = 4.0
    max_turn_rate_deg_s: Positive = 15.0
    max_climb_mps: Positive = 4.0
    ballistic_coefficient_kg_m2: Positive = 40.0  # m / (Cd A) of the falling wreckage
    ins_drift_mps: NonNegative = 3.0  # dead-reckoning velocity error once GNSS is denied
    p_payload_detonates_on_impact: Probability = 0.5
    payload_lethal_radius_m: NonNegative = 30.0


class Raid(Model):
    """A group of hostile drones launched from one area at one defended asset."""

    name: str
    drone_type: str
    count: Annotated[int, Field(ge=1)]
    launch_area: GeoPoint
    launch_radius_m: NonNegative = 2_000.0
    launch_window_s: tuple[NonNegative, NonNegative]
    target: str  # name of a defended asset
    cruise_altitude_m: Positive = 300.0  # above the site's ground
    cruise_speed_mps: Positive = 30.0
    navigation: Literal["autonomous_gnss", "remote_control"] = "autonomous_gnss"
    waypoints: list[GeoPoint] = Field(default_factory=list)  # before the target

    @field_validator("launch_window_s")
    @classmethod
    def _ordered(cls, v: tuple[float, float]) -> tuple[float, float]:
        if v[1] < v[0]:
            raise ValueError("launch window must be [start, end] with end >= start")
        return v


class BirdFlock(Model):
    name: str
    center: GeoPoint
    radius_m: Positive = 2_000.0
    count: Annotated[int, Field(ge=1)]
    altitude_m: tuple[NonNegative, NonNegative] = (20.0, 300.0)
    speed_mps: Positive = 12.0
    rcs_m2: Positive = 0.01


class CivilAircraft(Model):
    name: str
    route: list[GeoPoint] = Field(min_length=2)
    start_s: NonNegative = 0.0
    altitude_m: Positive = 3_000.0
    speed_mps: Positive = 120.0
    rcs_m2: Positive = 10.0


class Background(Model):
    bird_flocks: list[BirdFlock] = Field(default_factory=list)
    civil_aircraft: list[CivilAircraft] = Field(default_factory=list)


class Wind(Model):
    speed_mps: NonNegative = 0.0
    from_deg: Annotated[float, Field(ge=0.0, lt=360.0)] = 0.0  # meteorological: where it blows from


class Doctrine(Model):
    weapons_control: Literal["free", "tight", "hold"] = "tight"
    approval: Literal["automatic", "operator"] = "automatic"
    operator_delay_s: NonNegative = 10.0
    shoot_look_shoot: bool = True
    p_hostile_to_engage: Probability = 0.7  # weapons tight: class belief needed to fire
    p_friendly_to_hold: Probability = 0.6  # never engage bird/aircraft above this belief
    min_hits_to_engage: Annotated[int, Field(ge=1)] = 8  # an established track, not a young one
    soft_kill_reserve_s: NonNegative = 90.0  # prefer EW while this much time is left to go
    avoid_debris_in_no_debris_zones: bool = True


class Tracker(Model):
    gate_probability: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.999
    confirm_m: Annotated[int, Field(ge=1)] = 3
    confirm_n: Annotated[int, Field(ge=1)] = 5
    delete_after_misses: Annotated[int, Field(ge=1)] = 4
    process_noise_mps2: Positive = 2.0
    initial_speed_sigma_mps: Positive = 60.0


class ReportedOutcome(Model):
    """What the public record says happened, for comparison with the simulation."""

    source: str
    launched: int | None = None
    destroyed: int | None = None
    ew_defeated: int | None = None
    ew_landed: int | None = None
    ew_crashed: int | None = None
    leakers: int | None = None
    asset_damage: float | None = None


class Scenario(Model):
    """A complete scenario: site, what is defended, sensors, effectors, threats and traffic."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: Annotated[int, Field(ge=1)] = 1
    name: str
    description: str = ""
    origin: GeoPoint
    duration_s: Positive
    dt_s: Annotated[float, Field(gt=0.0, le=10.0)] = 1.0
    assets: list[Asset] = Field(min_length=1)
    no_debris_zones: list[Zone] = Field(default_factory=list)
    landing_areas: list[Zone] = Field(default_factory=list)
    sensors: list[SensorConfig] = Field(min_length=1)
    effectors: list[EffectorConfig] = Field(default_factory=list)
    drone_types: list[DroneType] = Field(min_length=1)
    raids: list[Raid] = Field(min_length=1)
    background: Background = Field(default_factory=Background)
    wind: Wind = Field(default_factory=Wind)
    doctrine: Doctrine = Field(default_factory=Doctrine)
    tracker: Tracker = Field(default_factory=Tracker)
    reported_outcome: ReportedOutcome | None = None

    @model_validator(mode="after")
    def _references_resolve(self) -> Scenario:
        """Names used across sections must exist and ids must be unique."""
        problems = []
        assets = {a.name for a in self.assets}
        types = {d.name for d in self.drone_types}
        areas = {z.name for z in self.landing_areas}
        for i, raid in enumerate(self.raids):
            if raid.target not in assets:
                problems.append(f"raids[{i}].target: no asset named {raid.target!r}")
            if raid.drone_type not in types:
                problems.append(f"raids[{i}].drone_type: no drone type named {raid.drone_type!r}")
            if raid.launch_window_s[1] > self.duration_s:
                problems.append(f"raids[{i}].launch_window_s: ends after duration_s")
        for i, eff in enumerate(self.effectors):
            if isinstance(eff, GnssJammerConfig):
                for j, name in enumerate(eff.landing_areas):
                    if name not in areas:
                        problems.append(
                            f"effectors[{i}].landing_areas[{j}]: no landing area named {name!r}"
                        )
        for section in ("sensors", "effectors"):
            ids = [item.id for item in getattr(self, section)]
            for i, item_id in enumerate(ids):
                if ids.index(item_id) != i:
                    problems.append(f"{section}[{i}].id: duplicate id {item_id!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return self
