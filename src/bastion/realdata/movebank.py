"""Bird flights from a Movebank GPS export (CSV, plain or gzip), one trajectory per flight.

A tag fixes its position every few minutes (about 5 min for the O_ASSEN oystercatchers) and the
bird spends most of its time on the ground, so the flights are found from the fixes:

- rows Movebank marks as outliers (``visible`` false, ``import-marked-outlier`` or
  ``manually-marked-outlier`` true), rows without a position and non-GPS rows are dropped;
- **height**: GPS height is noisy (tens of metres, sometimes hundreds; these tags report
  heights from -1 km to +6 km around a ground at 10 m). The ground is taken as the median height
  of the individual's fixes (it is on the ground most of the time); a fix more than
  ``max_height_m`` above it is a GPS outlier and is dropped (its position is usually off too),
  heights below the ground become 0, and missing heights are interpolated between fixes (an
  individual with no height at all is left out);
- **flight**: consecutive fixes at most ``max_fix_gap_s`` apart whose horizontal displacement
  implies more than ``min_speed_mps`` (a walking or swimming bird stays well under 1 m/s, and
  500 m in 5 min is not walked). A flight is a run of such legs; it becomes one trajectory
  from its first fix to its last.

Between fixes the motion is linear (:meth:`Trajectory.sample`): the speed a radar sees is the
mean over the leg, lower than the bird's air speed when it flew only part of the interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.errors import RealDataError
from bastion.frames import geodetic_to_enu
from bastion.realdata.table import CsvTable
from bastion.realdata.trajectory import Trajectory

MOVEBANK_COLUMNS = ("timestamp", "location-long", "location-lat")
INDIVIDUAL_COLUMNS = ("individual-local-identifier", "tag-local-identifier")
HEIGHT_COLUMNS = ("height-above-msl", "height-above-ellipsoid")
_OUTLIER_FLAGS = ("import-marked-outlier", "manually-marked-outlier")


@dataclass(frozen=True, slots=True)
class FlightRules:
    min_speed_mps: float = 2.0
    max_height_m: float = 1_000.0
    max_fix_gap_s: float = 1_800.0


def _first_column(table: CsvTable, names: tuple[str, ...], what: str) -> str:
    found = next((c for c in names if table.has(c)), None)
    if found is None:
        raise RealDataError(
            f"{table.path}: no {what} column (a Movebank GPS file needs one of "
            f"{', '.join(repr(c) for c in names)})"
        )
    return found


def _valid_rows(table: CsvTable) -> np.ndarray:
    """Rows with a position that Movebank does not mark as outliers, from a GPS sensor."""
    lat = table.numbers("location-lat", allow_empty=True)
    lon = table.numbers("location-long", allow_empty=True)
    ok = np.isfinite(lat) & np.isfinite(lon)
    if table.has("visible"):
        ok &= np.char.lower(table.text("visible").astype(str)) != "false"
    for flag in _OUTLIER_FLAGS:
        if table.has(flag):
            ok &= np.char.lower(table.text(flag).astype(str)) != "true"
    if table.has("sensor-type"):
        sensor = np.char.lower(table.text("sensor-type").astype(str))
        ok &= (sensor == "gps") | (sensor == "")
    return ok


def movebank_flights(table: CsvTable, rules: FlightRules | None = None) -> list[Trajectory]:
    """Every flight of every individual in the file (module docstring), in file order of
    individuals and time order within each."""
    rules = rules or FlightRules()
    table.require(MOVEBANK_COLUMNS, "Movebank GPS")
    who_col = _first_column(table, INDIVIDUAL_COLUMNS, "individual")
    height_col = _first_column(table, HEIGHT_COLUMNS, "height")
    ok = _valid_rows(table)
    t = table.seconds("timestamp")
    lat = table.numbers("location-lat", allow_empty=True)
    lon = table.numbers("location-long", allow_empty=True)
    height = table.numbers(height_col, allow_empty=True)
    who = table.text(who_col)
    if ok.any() and np.isnan(height[ok]).all():
        raise RealDataError(f"{table.path}: column {height_col!r} holds no height")
    t0 = t[ok].min() if ok.any() else 0.0
    out: list[Trajectory] = []
    for individual in dict.fromkeys(who[ok & ~np.isnan(height)]):
        rows = np.flatnonzero(ok & (who == individual))
        rows = rows[np.argsort(t[rows], kind="stable")]
        rows = rows[np.r_[True, np.diff(t[rows]) > 0.0]]
        h = height[rows] - np.nanmedian(height[rows])
        keep = ~(h > rules.max_height_m)  # NaN heights are kept, and filled below
        rows, h = rows[keep], h[keep]
        known = ~np.isnan(h)
        h = np.maximum(np.interp(t[rows], t[rows][known], h[known]), 0.0)
        for k, (a, b) in enumerate(_flight_runs(t[rows], lat[rows], lon[rows], rules)):
            leg = slice(a, b + 1)
            out.append(
                Trajectory(
                    name=f"{individual} flight {k}",
                    individual=str(individual),
                    true_class="bird",
                    source=table.path,
                    t=t[rows][leg] - t0,
                    lat_deg=lat[rows][leg],
                    lon_deg=lon[rows][leg],
                    height_m=h[leg],
                )
            )
    return out


def _flight_runs(
    t: np.ndarray, lat: np.ndarray, lon: np.ndarray, rules: FlightRules
) -> list[tuple[int, int]]:
    """(first fix, last fix) of each run of consecutive flight legs."""
    if t.size < 2:
        return []
    en = geodetic_to_enu(lat, lon, 0.0, (float(lat[0]), float(lon[0]), 0.0))[:, :2]
    dt = np.diff(t)
    speed = np.linalg.norm(np.diff(en, axis=0), axis=1) / dt
    flying = (speed > rules.min_speed_mps) & (dt <= rules.max_fix_gap_s)
    edges = np.diff(np.r_[0, flying.astype(np.int8), 0])
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return [(int(a), int(b)) for a, b in zip(starts, ends, strict=True)]
