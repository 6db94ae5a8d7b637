"""The scenario file's schema: frozen pydantic models that reject unknown fields.

Positions are WGS-84 (``lat_deg``, ``lon_deg``, ``alt_m`` above the site's ellipsoid height) here at
the edge; :mod:`bastion.scenario.site` turns them into the local ENU frame the core works in.
Distances are metres, speeds m/s, times seconds from the scenario epoch, angles degrees where
the field name says ``_deg``.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bastion.sensors.rcs import bird_rcs_m2

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


def _check_windows(windows: list[tuple[float, float]]) -> list[tuple[float, float]]:
    for start, end in windows:
        if end < start:
            raise ValueError("a time window must be [start_s, end_s] with end_s >= start_s")
    return windows


class Degradation(Model):
    """A time window in which a sensor detects targets with its Pd scaled by ``pd_factor``."""

    window_s: tuple[NonNegative, NonNegative]
    pd_factor: Probability

    _window = field_validator("window_s")(lambda v: _check_windows([v])[0])


class SensorFaults(Model):
    """Faults of one sensor (:mod:`bastion.sensors.faults`): outage windows with no detections,
    windows of degraded detection, and a position bias: the sensor's surveyed position is off
    by ``position_bias_m`` (east, north, up) and its north alignment by ``azimuth_bias_deg``."""

    outages_s: list[tuple[NonNegative, NonNegative]] = Field(default_factory=list)
    degraded: list[Degradation] = Field(default_factory=list)
    position_bias_m: tuple[float, float, float] = (0.0, 0.0, 0.0)
    azimuth_bias_deg: float = 0.0

    _outages = field_validator("outages_s")(_check_windows)


class ClutterCell(Model):
    """A patch of residual ground clutter in a radar's clutter map (a town, a ridge): false
    alarms per scan, uniform over a disc and up to ``height_m`` above the ground."""

    center: GeoPoint
    radius_m: Positive = 1_000.0
    false_alarms_per_scan: Positive = 1.0
    height_m: NonNegative = 30.0


class RadarConfig(Model):
    """Surveillance radar; detection from the radar equation scaled to a reference
    (:mod:`bastion.sensors.radar`). ``scan``: ``rotating`` (one turn per ``scan_period_s``)
    or ``electronic`` (the whole sector revisited every ``scan_period_s``). The optional
    resolutions make noise grow as the SNR falls and add thermal-noise false alarms at
    ``pfa`` per resolution cell; without them noise is the constant ``sigma_*``."""

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
    # RCS estimate: "aspect" = the aspect RCS plus sigma_rcs_db (the shipped classifier is
    # trained on it); "fluctuating" = read from the detection's received power, as a radar
    # does: the Swerling fluctuation and the noise, then sigma_rcs_db (docs/sensors.md)
    rcs_estimate: Literal["aspect", "fluctuating"] = "aspect"
    false_alarms_per_scan: NonNegative = 2.0  # clutter residue, low and within the ground horizon
    false_alarm_max_elevation_deg: Positive = 3.0
    clutter_elevation_scale_deg: Positive = 0.5  # clutter residue density ∝ exp(-el / scale)
    clutter_map: list[ClutterCell] = Field(default_factory=list)
    scan: Literal["rotating", "electronic"] = "rotating"
    sector_center_deg: Annotated[float, Field(ge=0.0, lt=360.0)] = 0.0  # electronic scan only
    sector_width_deg: Annotated[float, Field(gt=0.0, le=360.0)] = 360.0  # electronic scan only
    max_elevation_deg: Annotated[float, Field(gt=0.0, le=90.0)] = 90.0
    swerling: Literal[0, 1, 3] = 1
    range_resolution_m: Positive | None = None
    beamwidth_azimuth_deg: Positive | None = None
    beamwidth_elevation_deg: Positive | None = None
    measures_range_rate: bool = False
    sigma_range_rate_mps: Positive = 0.5
    velocity_resolution_mps: Positive | None = None
    max_range_rate_mps: Positive = 100.0  # unambiguous span: noise false alarms fall in ±this
    min_detectable_velocity_mps: NonNegative = 0.0  # slower radial speeds are lost in clutter
    micro_doppler_min_snr_db: float | None = None  # None: no micro-Doppler feature
    sigma_micro_doppler: NonNegative = 0.1  # log-normal spread of the measured modulation
    faults: SensorFaults = Field(default_factory=SensorFaults)

    @model_validator(mode="after")
    def _consistent(self) -> RadarConfig:
        if self.reference_pd <= self.pfa:
            raise ValueError("reference_pd must exceed pfa (detection above the noise level)")
        if self.min_range_m >= self.max_range_m:
            raise ValueError("min_range_m must be below max_range_m")
        return self


#: Radio links a remote-controlled drone may use (codes: bastion.types.EMITTER_TYPES).
EmitterType = Literal["control_2g4", "video_5g8", "ocusync", "lora_868", "lte_modem"]


class RfDetectorConfig(Model):
    """Passive RF detector and direction finder (:mod:`bastion.sensors.rf`): hears the control
    and video links of remote-controlled drones, with a detection range from the link budget;
    an autonomous drone with no link is silent to it. Reports bearings only."""

    type: Literal["rf_detector"] = "rf_detector"
    id: str
    position: GeoPoint
    antenna_height_m: NonNegative = 5.0
    max_range_m: Positive = 20_000.0
    revisit_s: Positive = 1.0  # one sweep of the bands it monitors
    sensitivity_dbm: float = -95.0  # received power detected half the time
    antenna_gain_dbi: float = 3.0
    shadowing_sigma_db: Positive = 6.0  # log-normal fading of the received power
    hears: list[EmitterType] = Field(
        default_factory=lambda: list(get_args(EmitterType)),
        min_length=1,
    )
    sigma_azimuth_deg: Positive = 2.0  # bearing error floor (site, multipath)
    df_beamwidth_deg: Positive = 60.0  # direction-finding aperture: noise ∝ it / √(2 SNR)
    false_alarms_per_hour: NonNegative = 0.0
    faults: SensorFaults = Field(default_factory=SensorFaults)


class EoIrConfig(Model):
    """Slewing EO/IR camera (:mod:`bastion.sensors.eoir`), cued by the track table: field of
    view, slew rate, detect / recognise / identify probabilities from the Johnson criteria,
    blinded by night (visible channel) and poor visibility. Reports azimuth and elevation.

    Ranges are for a target of ``reference_size_m`` (critical dimension) at 50 % detection in
    clear air; ``None`` means the camera has no such channel."""

    type: Literal["eo_ir"] = "eo_ir"
    id: str
    position: GeoPoint
    mast_height_m: NonNegative = 10.0
    max_range_m: Positive = 10_000.0
    fov_azimuth_deg: Annotated[float, Field(gt=0.0, le=180.0)] = 2.0
    fov_elevation_deg: Annotated[float, Field(gt=0.0, le=90.0)] = 1.5
    slew_rate_deg_s: Positive = 60.0
    settle_s: NonNegative = 0.5
    frame_interval_s: Positive = 1.0  # detection decisions (frames taken as independent)
    dwell_s: Positive = 8.0  # time on one cue before moving to the next track
    rest_azimuth_deg: Annotated[float, Field(ge=0.0, lt=360.0)] = 0.0  # before the first cue
    rest_elevation_deg: Annotated[float, Field(ge=-10.0, le=90.0)] = 2.0
    reference_size_m: Positive = 0.5
    visible_detection_range_m: Positive | None = 6_000.0
    thermal_detection_range_m: Positive | None = 4_000.0
    inherent_contrast: Positive = 0.3
    threshold_contrast: Positive = 0.02  # Koschmieder's 2 %
    thermal_extinction_ratio: Positive = 0.4  # thermal extinction / visible extinction
    sigma_azimuth_deg: Positive = 0.02
    sigma_elevation_deg: Positive = 0.02
    false_alarms_per_hour: NonNegative = 0.0
    faults: SensorFaults = Field(default_factory=SensorFaults)

    @model_validator(mode="after")
    def _has_a_channel(self) -> EoIrConfig:
        if self.visible_detection_range_m is None and self.thermal_detection_range_m is None:
            raise ValueError("an EO/IR camera needs a visible or a thermal channel (or both)")
        return self


class AcousticConfig(Model):
    """Acoustic array (:mod:`bastion.sensors.acoustic`): a short-range bearing sensor; a piston
    engine is heard much farther than an electric motor. Sound pressure levels in dB re 20 µPa."""

    type: Literal["acoustic"] = "acoustic"
    id: str
    position: GeoPoint
    antenna_height_m: NonNegative = 2.0
    max_range_m: Positive = 3_000.0
    revisit_s: Positive = 1.0
    ambient_noise_db: float = 40.0  # in the processing band, at the array
    array_gain_db: float = 12.0
    detection_threshold_db: float = 6.0  # SNR detected half the time
    absorption_db_per_km: NonNegative = 3.0  # ISO 9613-1, about 500 Hz, 20 °C, 70 % humidity
    fluctuation_sigma_db: Positive = 4.0  # turbulence and ground effect
    sigma_azimuth_deg: Positive = 2.0  # bearing error floor
    array_beamwidth_deg: Positive = 40.0  # noise ∝ it / √(2 SNR)
    speed_of_sound_mps: Positive = 343.0
    false_alarms_per_hour: NonNegative = 0.0
    faults: SensorFaults = Field(default_factory=SensorFaults)


SensorConfig = Annotated[
    RadarConfig | RfDetectorConfig | EoIrConfig | AcousticConfig, Field(discriminator="type")
]


class MissileConfig(Model):
    """Surface-to-air missile launcher: envelope, fly-out, reaction time, salvo, magazine, reload.

    ``flyout`` picks the fly-out model (:mod:`bastion.engage.flyout`): ``mean_speed`` (straight
    collision course at ``mean_speed_mps``), ``tof_table`` (published time of flight per slant
    range, ``tof_table`` rows [range_m, time_s]) or ``pn`` (proportional navigation simulated
    with ``navigation_constant`` and ``max_lateral_accel_mps2``; a hit needs a miss distance
    within ``lethal_radius_m``). ``cost_usd`` is per missile.
    """

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
    salvo: Annotated[int, Field(ge=1)] = 1  # missiles per engagement, each hitting independently
    reloads: Annotated[int, Field(ge=0)] = 0  # full magazines in reserve
    reload_time_s: NonNegative = 0.0  # to refill an empty magazine from the reserve
    flyout: Literal["mean_speed", "tof_table", "pn"] = "mean_speed"
    tof_table: list[tuple[NonNegative, NonNegative]] | None = None
    navigation_constant: Positive = 4.0
    max_lateral_accel_mps2: Positive = 300.0
    lethal_radius_m: Positive = 10.0
    fragment_spread_mps: NonNegative = 15.0  # debris: velocity spread a hit gives the wreckage
    forward_throw_mps: NonNegative = 10.0  # debris: push along the missile's line of flight

    @model_validator(mode="after")
    def _consistent(self) -> MissileConfig:
        if self.min_range_m >= self.max_range_m:
            raise ValueError("min_range_m must be below max_range_m")
        if self.flyout == "tof_table":
            table = self.tof_table or []
            if len(table) < 2:
                raise ValueError("tof_table: flyout 'tof_table' needs at least 2 [range_m, time_s]")
            ranges, times = zip(*table, strict=True)
            if any(b <= a for a, b in pairwise(ranges)) or any(b <= a for a, b in pairwise(times)):
                raise ValueError("tof_table: ranges and times must both increase row by row")
        return self


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
    p_hit_at_1km: Probability = 0.02  # single-round hit probability at 1 km (calibrates dispersion)
    magazine: Annotated[int, Field(ge=0)] = 1_400
    channels: Annotated[int, Field(ge=1)] = 1
    cost_usd: NonNegative = 2_500.0  # per burst
    rate_of_fire_rpm: Positive = 5_000.0  # a burst lasts rounds_per_burst / rate
    dispersion_mrad: Positive | None = None  # 1-sigma circular dispersion; None: from p_hit_at_1km
    target_radius_m: Positive = 0.5  # presented radius of a small drone (dispersion model)
    fragment_spread_mps: NonNegative = 5.0  # debris: velocity spread a hit gives the wreckage
    forward_throw_mps: NonNegative = 0.0  # debris: push along the line of fire


class GnssJammerConfig(Model):
    """GNSS jammer/spoofer: denies or takes over satellite navigation of autonomous drones.

    The beam (``beamwidth_deg``, full width; 360: all round) is pointed at the engaged track; the
    engagement acts on the drone in it nearest the aimed point (:mod:`bastion.engage.aim`)."""

    type: Literal["gnss_jammer"] = "gnss_jammer"
    id: str
    position: GeoPoint
    max_range_m: Positive = 15_000.0
    beamwidth_deg: Annotated[float, Field(gt=0.0, le=360.0)] = 30.0  # acts on a drone in it
    time_to_effect_s: Positive = 15.0
    p_takeover: Probability = 0.5  # an attempt steers the drone to a landing area
    channels: Annotated[int, Field(ge=1)] = 1
    landing_areas: list[str] = Field(min_length=1)  # names of the scenario's landing_areas
    cost_usd: NonNegative = 100.0


class RfJammerConfig(Model):
    """Control-link (RF) jammer: a remote-controlled drone in range loses its link and flies its
    failsafe (its type's ``link_loss_action``); an autonomous drone, with no link, is unaffected.
    The beam is as a GNSS jammer's (``beamwidth_deg``)."""

    type: Literal["rf_jammer"] = "rf_jammer"
    id: str
    position: GeoPoint
    max_range_m: Positive = 5_000.0
    beamwidth_deg: Annotated[float, Field(gt=0.0, le=360.0)] = 30.0  # acts on a drone in it
    time_to_effect_s: Positive = 5.0
    p_effect: Probability = 0.9  # the link is broken, given the drone has one
    channels: Annotated[int, Field(ge=1)] = 1
    cost_usd: NonNegative = 50.0


class InterceptorConfig(Model):
    """Interceptor drones: fly out at ``speed_mps`` and capture (net under a parachute) or kill
    (impact) the target with ``p_kill``; one interceptor spent per engagement."""

    type: Literal["interceptor"] = "interceptor"
    id: str
    position: GeoPoint
    speed_mps: Positive = 60.0
    endurance_s: Positive = 600.0  # the intercept must happen within this flight time
    launch_time_s: NonNegative = 10.0  # reaction time until it is airborne
    min_range_m: NonNegative = 50.0
    max_range_m: Positive = 5_000.0
    max_altitude_m: Positive = 1_500.0
    method: Literal["capture", "kill"] = "capture"
    p_kill: Probability = 0.8  # probability of capture (or kill) per engagement
    magazine: Annotated[int, Field(ge=0)] = 4
    channels: Annotated[int, Field(ge=1)] = 1
    cost_usd: NonNegative = 20_000.0  # per interceptor
    capture_ballistic_coefficient_kg_m2: Positive = 2.0  # captured drone under the parachute
    fragment_spread_mps: NonNegative = 2.0  # debris: velocity spread of what comes down
    forward_throw_mps: NonNegative = 0.0


EffectorConfig = Annotated[
    MissileConfig | GunConfig | GnssJammerConfig | RfJammerConfig | InterceptorConfig,
    Field(discriminator="type"),
]


#: Aspect patterns of drone RCS (bastion.sensors.rcs.ASPECT_TABLES_DB).
RcsPattern = Literal["quadcopter", "fixed_wing_small", "fixed_wing_reduced", "isotropic"]


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
    link_loss_action: Literal["land", "return_home", "hover"] = "return_home"  # failsafe
    payload_lethal_radius_m: NonNegative = 30.0
    # Signature (bastion.sensors.signature); None: a typical value for the airframe or engine.
    rcs_pattern: RcsPattern | None = None  # RCS by aspect around the mean rcs_m2
    rcs_aspect_db: list[tuple[Annotated[float, Field(ge=0.0, le=180.0)], float]] | None = None
    propeller_blades: Annotated[int, Field(ge=1)] = 2
    propeller_rpm: Positive = 6_000.0
    link_emitter: EmitterType = "control_2g4"  # its radio when remote-controlled
    size_m: Positive | None = None  # EO/IR critical dimension
    source_level_db: float | None = None  # acoustic, dB re 20 µPa at 1 m


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
    """``count`` birds that live within ``radius_m`` of ``center`` and the height band
    ``altitude_m``, each flying its own way there at about ``speed_mps`` through the air
    (commuting, foraging, soaring, gliding; drifting with the wind: bastion.world.birds)."""

    name: str
    center: GeoPoint
    radius_m: Positive = 2_000.0
    count: Annotated[int, Field(ge=1)]
    altitude_m: tuple[NonNegative, NonNegative] = (20.0, 300.0)
    speed_mps: Positive = 12.0  # airspeed
    mass_kg: Positive = 0.5  # sets wing-beat frequency, size, and rcs_m2 when that is not given
    rcs_m2: Positive = 0.01

    @model_validator(mode="before")
    @classmethod
    def _rcs_from_mass(cls, data: object) -> object:
        if isinstance(data, dict) and "mass_kg" in data and "rcs_m2" not in data:
            mass = data["mass_kg"]
            if isinstance(mass, int | float) and mass > 0:
                return {**data, "rcs_m2": float(bird_rcs_m2(mass))}
        return data


class CivilAircraft(Model):
    name: str
    route: list[GeoPoint] = Field(min_length=2)
    start_s: NonNegative = 0.0
    altitude_m: Positive = 3_000.0
    speed_mps: Positive = 120.0
    rcs_m2: Positive = 10.0
    propulsion: Literal["jet", "propeller"] = "jet"  # sets its micro-Doppler and noise


class Background(Model):
    bird_flocks: list[BirdFlock] = Field(default_factory=list)
    civil_aircraft: list[CivilAircraft] = Field(default_factory=list)


class TerrainGrid(Model):
    """Ground heights on a regular east-north grid, metres above the site origin's ground.

    ``heights_m`` rows run south to north, columns west to east, ``spacing_m`` apart, from the
    ``south_west`` corner; outside the grid the ground is flat (height 0). Sensors use it for
    line-of-sight masking (:mod:`bastion.sensors.terrain`)."""

    south_west: GeoPoint
    spacing_m: Positive
    heights_m: list[list[float]]

    @field_validator("heights_m")
    @classmethod
    def _rectangular(cls, v: list[list[float]]) -> list[list[float]]:
        if len(v) < 2 or len(v[0]) < 2:
            raise ValueError("a terrain grid needs at least 2 rows of at least 2 heights")
        for i, row in enumerate(v):
            if len(row) != len(v[0]):
                raise ValueError(f"row {i} has {len(row)} heights, row 0 has {len(v[0])}")
        return v


class Environment(Model):
    """Light, weather and terrain the sensors work in: ``night`` blinds visible cameras, the
    meteorological visibility (Koschmieder, 2 % contrast) limits EO/IR, terrain masks lines
    of sight. The default is a clear day over flat ground."""

    light: Literal["day", "night"] = "day"
    visibility_m: Positive = 20_000.0
    terrain: TerrainGrid | None = None


class Wind(Model):
    speed_mps: NonNegative = 0.0
    from_deg: Annotated[float, Field(ge=0.0, lt=360.0)] = 0.0  # meteorological: where it blows from


class ThreatWeights(Model):
    """Exponents of the threat score's factors (:mod:`bastion.threat.cpa`); 0 leaves one out."""

    p_hostile: NonNegative = 1.0
    proximity: NonNegative = 1.0
    urgency: NonNegative = 1.0
    heading: NonNegative = 0.0
    altitude: NonNegative = 1.0
    max_attack_altitude_m: Positive = 3_000.0  # above this the altitude factor falls off


class DebrisPlanning(Model):
    """How the assigner predicts where wreckage falls (:mod:`bastion.engage.footprint`)."""

    samples: Annotated[int, Field(ge=1)] = 48  # Monte Carlo fragments per candidate engagement
    wind_sigma_mps: NonNegative = 1.5  # gusts and wind error, per horizontal component
    ballistic_coefficient_sigma: NonNegative = 0.3  # log-normal spread of the wreckage's beta
    max_p_in_zone: Probability = 0.02  # above this, wait for a safer point on the track
    zone_harm: NonNegative = 50.0  # asset-value units of harm for wreckage in a no-debris zone
    lookahead_step_s: Positive = 5.0  # spacing of the later points searched for a safe one


class Doctrine(Model):
    weapons_control: Literal["free", "tight", "hold"] = "tight"
    approval: Literal["automatic", "operator"] = "automatic"
    operator_delay_s: NonNegative = 10.0  # the operator's response time (its mean if random)
    operator_response: Literal["fixed", "exponential"] = "fixed"
    approval_timeout_s: Positive | None = None  # no answer by then: on_approval_timeout applies
    on_approval_timeout: Literal["fire", "drop"] = "drop"
    assigner: Literal["greedy", "milp"] = "greedy"
    cost_weight_per_usd: NonNegative = 1e-5  # threat-value units one USD weighs in assignment
    last_chance_margin_s: NonNegative = 30.0  # a later safe point must leave this time to go
    shoot_look_shoot: bool = True
    p_hostile_to_engage: Probability = 0.7  # weapons tight: class belief needed to fire
    # ... held this long without a break to declare a drone (bastion.classify.declaration),
    # or this long for a track once believed bird or aircraft (p_friendly_to_hold reached)
    declare_dwell_s: NonNegative = 6.0
    declare_dwell_after_friendly_s: NonNegative = 30.0
    p_friendly_to_hold: Probability = 0.6  # never engage bird/aircraft above this belief
    unknown_below: Probability = 0.6  # a belief whose top class is below this is "unknown"
    # Weapons tight: an unknown track closing on an asset this fast, this soon, is engaged.
    unknown_closing_mps: NonNegative = 20.0
    unknown_time_to_go_s: NonNegative = 120.0
    min_hits_to_engage: Annotated[int, Field(ge=1)] = 8  # an established track, not a young one
    soft_kill_reserve_s: NonNegative = 90.0  # prefer EW while this much time is left to go
    avoid_debris_in_no_debris_zones: bool = True
    debris: DebrisPlanning = Field(default_factory=DebrisPlanning)


class Tracker(Model):
    """Tracker settings (docs/tracking.md); the defaults are the fast GNN, constant-velocity,
    converted-measurement tracker with M-of-N confirmation."""

    method: Literal["gnn", "jpda"] = "gnn"  # association
    motion: Literal["cv", "nca", "ct", "imm"] = "cv"  # imm: CV, coordinated turn and NCA
    filter: Literal["converted", "ekf", "ukf"] = "converted"  # radar plots; bearings: ekf/ukf
    logic: Literal["m_of_n", "score"] = "m_of_n"  # confirmation and deletion
    gate_probability: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.999
    # A bearing updates tracks only where its likeliest track holds this share of the
    # likelihood of the tracks in its gate (0: always); a ray passes many tracks.
    bearing_clear_share: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.9
    confirm_m: Annotated[int, Field(ge=1)] = 3
    confirm_n: Annotated[int, Field(ge=1)] = 5
    delete_after_misses: Annotated[int, Field(ge=1)] = 4  # at p_detection; more if seen less
    process_noise_mps2: Positive = 2.0
    initial_speed_sigma_mps: Positive = 60.0
    vertical_process_noise_mps2: Positive = 0.3  # nca: climb-rate noise
    climb_time_constant_s: Positive = 10.0  # nca: climb rate decays to 0 with this time
    turn_noise_deg_s2: Positive = 0.5  # ct: turn-rate random walk
    initial_turn_sigma_deg_s: Positive = 5.0  # ct: prior spread of a new track's turn rate
    imm_sojourn_s: Positive = 30.0  # imm: mean time spent in one motion model
    p_detection: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.9  # jpda and track score
    clutter_per_km3: Positive = 1e-3  # false-alarm density for jpda and track score
    score_confirm: Positive = 6.9  # logic score: confirm at this log-likelihood ratio
    score_delete_drop: Positive = 6.0  # delete a confirmed track this far below its peak
    score_tentative_drop: Positive = 4.0  # delete a tentative track this far below max(peak, 0)
    max_position_sigma_m: Positive = 2_000.0  # delete a track less certain than this
    out_of_order_window_s: NonNegative = 10.0  # late batches within it are replayed in order


class ReportedOutcome(Model):
    """What the public record says happened, for comparison with the simulation."""

    source: str
    launched: int | None = None
    destroyed: int | None = None
    ew_defeated: int | None = None
    ew_landed: int | None = None
    ew_crashed: int | None = None
    leakers: int | None = None
    asset_damage: int | None = None  # events that damaged a defended asset


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
    environment: Environment = Field(default_factory=Environment)
    doctrine: Doctrine = Field(default_factory=Doctrine)
    threat: ThreatWeights = Field(default_factory=ThreatWeights)
    tracker: Tracker = Field(default_factory=Tracker)
    classifier: Literal["trained", "kinematic"] = "trained"  # docs/classification.md
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
