"""Readers of the real trajectory files in ``../shared/data`` (see its SOURCES.md), each format
recognised by its header, into :class:`~bastion.realdata.trajectory.Trajectory` records.

- **Stone Soup UAV log** (``timestamp``, ``latitude``, ``longitude``, ``altitude (m)``): one
  flight of an instrumented rotary-wing UAV; the altitude is above sea level and the log starts
  on the ground, so its lowest altitude is taken as the ground.
- **CPhy-ML drone flights** (``time``, ``lat``, ``lon``, ``alt``; one flight per
  ``track_id``): DJI flight records (a ``Dronetype`` column, or ``uav_name`` starting "DJI")
  hold the height above the take-off point; the others (CMU package delivery) a GPS altitude
  above sea level, whose lowest value (the landing) is taken as the ground.
- **OpenSky state vectors** (``icao24``, ``lat``, ``lon``, ``geoaltitude``,
  ``lastposupdate``): each distinct position report at its own time (``lastposupdate``: a state
  repeats the last known position until a new one arrives), split into one trajectory per
  aircraft and stretch without a gap over ``max_gap_s``. The GNSS altitude stands for the
  height above the ground (the ground is not in the file; ``baroaltitude`` where it is empty).
  A report whose altitude departs more than ``OPENSKY_MAX_JUMP_M`` from the median of it and
  its four nearest reports is a decoding glitch and is dropped (this file has jumps of 3.6 km
  and back within 10 s; no aircraft climbs 200 m faster than its neighbours say it did).
- **Movebank GPS** (``timestamp``, ``location-long``, ``location-lat``, an individual column,
  ``height-above-msl`` or ``height-above-ellipsoid``): see :mod:`bastion.realdata.movebank`.

Times become seconds since the file's first time stamp.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from bastion.errors import RealDataError
from bastion.realdata.movebank import MOVEBANK_COLUMNS, movebank_flights
from bastion.realdata.table import CsvTable
from bastion.realdata.trajectory import Trajectory

STONESOUP_UAV_COLUMNS = ("timestamp", "latitude", "longitude", "altitude (m)")
CPHYML_COLUMNS = ("time", "lat", "lon", "alt")
OPENSKY_COLUMNS = ("icao24", "lat", "lon", "geoaltitude", "lastposupdate")
#: Longest silence (s) inside one aircraft trajectory: a tracker deletes a track after about
#: 4 missed 10 s updates, so a longer gap starts a new trajectory.
OPENSKY_MAX_GAP_S = 40.0
OPENSKY_MAX_JUMP_M = 200.0


def read_stonesoup_uav(table: CsvTable) -> list[Trajectory]:
    table.require(STONESOUP_UAV_COLUMNS, "Stone Soup UAV log")
    t = table.numbers("timestamp")
    t -= t.min()
    alt = table.numbers("altitude (m)")
    return [
        _drone_flight(
            table,
            "flight",
            t,
            table.numbers("latitude"),
            table.numbers("longitude"),
            alt - alt.min(),
        )
    ]


def read_cphyml(table: CsvTable) -> list[Trajectory]:
    table.require(CPHYML_COLUMNS, "CPhy-ML drone flight")
    t = table.seconds("time")
    lat, lon, alt = (table.numbers(c) for c in ("lat", "lon", "alt"))
    flight = table.text("track_id") if table.has("track_id") else np.zeros(len(table), object)
    above_home = table.has("Dronetype") or (
        table.has("uav_name") and all(str(n).startswith("DJI") for n in table.text("uav_name"))
    )
    out = []
    for name in dict.fromkeys(flight):
        rows = flight == name
        height = alt[rows] if above_home else alt[rows] - alt[rows].min()
        out.append(
            _drone_flight(table, f"flight {name}", t[rows] - t.min(), lat[rows], lon[rows], height)
        )
    return out


def read_opensky(table: CsvTable, max_gap_s: float = OPENSKY_MAX_GAP_S) -> list[Trajectory]:
    table.require(OPENSKY_COLUMNS, "OpenSky state vector")
    icao = table.text("icao24")
    t = table.numbers("lastposupdate")
    t0 = table.numbers("time").min() if table.has("time") else t.min()
    lat, lon = table.numbers("lat"), table.numbers("lon")
    alt = table.numbers("geoaltitude", allow_empty=True)
    if table.has("baroaltitude"):
        alt = np.where(np.isnan(alt), table.numbers("baroaltitude", allow_empty=True), alt)
    flying = ~np.isnan(alt)
    if table.has("onground"):
        flying &= np.char.lower(table.text("onground").astype(str)) != "true"
    out = []
    for aircraft in sorted(set(icao[flying])):
        rows = np.flatnonzero(flying & (icao == aircraft))
        rows = rows[np.argsort(t[rows], kind="stable")]
        rows = rows[np.r_[True, np.diff(t[rows]) > 0.0]]  # repeated reports of one position
        rows = rows[~_altitude_glitches(alt[rows])]
        parts = np.split(rows, np.flatnonzero(np.diff(t[rows]) > max_gap_s) + 1)
        parts = [p for p in parts if p.size >= 2]
        for k, p in enumerate(parts):
            out.append(
                Trajectory(
                    name=aircraft if len(parts) == 1 else f"{aircraft} part {k}",
                    individual=aircraft,
                    true_class="aircraft",
                    source=table.path,
                    t=t[p] - t0,
                    lat_deg=lat[p],
                    lon_deg=lon[p],
                    height_m=alt[p],
                )
            )
    return out


def _altitude_glitches(alt: np.ndarray, half_window: int = 2) -> np.ndarray:
    """Which altitudes (N,) depart more than OPENSKY_MAX_JUMP_M from their running median (the
    ends mirrored, so that a glitch on the first or last report is caught too)."""
    if alt.size <= half_window:
        return np.zeros(alt.size, dtype=bool)
    padded = np.pad(alt, half_window, mode="reflect")
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half_window + 1)
    return np.abs(alt - np.median(windows, axis=1)) > OPENSKY_MAX_JUMP_M


def _drone_flight(
    table: CsvTable,
    name: str,
    t: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    height: np.ndarray,
) -> Trajectory:
    step = np.diff(t)
    if (step < 0.0).any():
        k = int(np.argmax(step < 0.0))
        raise RealDataError(f"{table.path}: {name}: time goes backwards after {t[k]:.3f} s")
    keep = np.r_[True, step > 0.0]  # a log may repeat a time stamp
    return Trajectory(
        name=name,
        individual=name,
        true_class="drone",
        source=table.path,
        t=t[keep],
        lat_deg=lat[keep],
        lon_deg=lon[keep],
        height_m=height[keep],
        airframe="rotary",
    )


#: Formats by the columns that identify them, checked in this order.
FORMATS: tuple[tuple[str, tuple[str, ...], Callable[[CsvTable], list[Trajectory]]], ...] = (
    ("Movebank GPS", MOVEBANK_COLUMNS, movebank_flights),
    ("OpenSky state vectors", OPENSKY_COLUMNS, read_opensky),
    ("Stone Soup UAV log", STONESOUP_UAV_COLUMNS, read_stonesoup_uav),
    ("CPhy-ML drone flight", CPHYML_COLUMNS, read_cphyml),
)


def format_of(table: CsvTable) -> str | None:
    """Name of the format whose identifying columns the table has, or None."""
    return next((name for name, columns, _ in FORMATS if all(map(table.has, columns))), None)


def load_trajectories(path: str | Path) -> list[Trajectory]:
    """Every trajectory of a real data file, of any format above (recognised by its header)."""
    table = CsvTable.read(path)
    for _, columns, read in FORMATS:
        if all(map(table.has, columns)):
            return read(table)
    known = "; ".join(f"{name}: {', '.join(cols)}" for name, cols, _ in FORMATS)
    raise RealDataError(f"{path}: columns match no known trajectory format ({known})")
