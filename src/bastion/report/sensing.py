"""Sensor performance: how far out each class of object was first seen, what each sensor
contributed, and the false tracks that false alarms grew into.

First-detection range is the distance from the sensor to the object at its first detection by
any sensor (per sensor: by that sensor), from the true positions: bearing-only sensors have one
too. (The summary's figure for drones is the measured range, within the range noise of this.)
A false track is a confirmed track whose detections were mostly false alarms (``truth_id`` -1),
counted once per track id.
"""

from __future__ import annotations

import numpy as np

from bastion.record.replay import clock_text
from bastion.report.data import RunData
from bastion.report.html import Section, num, paragraph, table
from bastion.types import ObjectKind, TrackStatus

_KM = 1e-3
_MAX_FALSE_TRACKS_LISTED = 15


def first_detection_ranges(
    truth_id: np.ndarray, range_m: np.ndarray, ids: np.ndarray
) -> np.ndarray:
    """Range of the first detection (rows in time order) of each object in ``ids``; nan where
    it was never detected."""
    uniq, first = np.unique(truth_id, return_index=True)
    out = np.full(ids.shape, np.nan)
    if uniq.size == 0:
        return out
    pos = np.searchsorted(uniq, ids)
    hit = (pos < uniq.size) & (uniq[np.minimum(pos, uniq.size - 1)] == ids)
    out[hit] = range_m[first[pos[hit]]]
    return out


def _range_cells(ranges: np.ndarray) -> list:
    seen = ranges[np.isfinite(ranges)] * _KM
    if seen.size == 0:
        return [num(None), num(None), num(None)]
    return [num(seen.mean(), ".1f"), num(seen.min(), ".1f"), num(seen.max(), ".1f")]


def _class_rows(run: RunData) -> list[list]:
    det = run.detections
    truth_id = det["truth_id"].astype(np.int64)
    objects = run.objects
    flew = np.isfinite(objects.first_flying_t)
    sensors = [s.id for s in run.scenario.sensors]
    rows = []
    for kind in ObjectKind:
        ids = np.flatnonzero((objects.kind == kind) & flew)
        for sensor in [None, *sensors]:
            mine = np.ones(truth_id.shape, bool) if sensor is None else det["sensor_id"] == sensor
            ranges = first_detection_ranges(truth_id[mine], run.detection_range_m[mine], ids)
            rows.append(
                [
                    kind.name.lower() + ("s" if kind != ObjectKind.AIRCRAFT else ""),
                    sensor or "any sensor",
                    num(ids.size),
                    num(int(np.count_nonzero(np.isfinite(ranges)))),
                    *_range_cells(ranges),
                ]
            )
    return rows


def _sensor_rows(run: RunData) -> list[list]:
    det = run.detections
    false_alarm = det["truth_id"] < 0
    rows = []
    for sensor in run.scenario.sensors:
        mine = det["sensor_id"] == sensor.id
        n, n_false = int(np.count_nonzero(mine)), int(np.count_nonzero(mine & false_alarm))
        rows.append(
            [
                sensor.id,
                sensor.type,
                num(sensor.max_range_m * _KM, ".0f"),
                num(n),
                num(n_false),
                num(100.0 * n_false / n if n else None, ".1f"),
            ]
        )
    return rows


def false_tracks(run: RunData) -> list[list]:
    """One row per false track: id, confirmed from, to, duration, mean position."""
    trk = run.tracks
    false = (trk["status"] == TrackStatus.CONFIRMED) & (trk["truth_id"] < 0)
    ids = trk["track_id"][false].astype(np.int64)
    rows = []
    for tid in np.unique(ids):
        mine = ids == tid
        t = trk["t"][false][mine]
        pos = trk["x"][false][mine, :3].mean(axis=0)
        rows.append(
            [
                str(tid),
                clock_text(t.min()),
                clock_text(t.max()),
                num(t.max() - t.min()),
                f"({pos[0] * _KM:.1f}, {pos[1] * _KM:.1f}) km, {pos[2]:.0f} m up",
            ]
        )
    return rows


def sensing_section(run: RunData) -> Section:
    body = paragraph(
        "First detection of each object that flew, by class: over all sensors, then by each "
        "sensor (range measured at that detection)."
    )
    body += table(
        ["class", "sensor", "flew", "detected", "mean km", "min km", "max km"], _class_rows(run)
    )
    body += paragraph("Detections by sensor and the share that were false alarms:")
    body += table(
        ["sensor", "type", "max range km", "detections", "false alarms", "false alarm %"],
        _sensor_rows(run),
    )
    rows = false_tracks(run)
    body += paragraph(
        f"False tracks (confirmed tracks built from false alarms): {len(rows)} "
        f"(summary: {run.summary.get('false_tracks')})."
    )
    if rows:
        shown = rows[:_MAX_FALSE_TRACKS_LISTED]
        body += table(
            ["track", "confirmed from", "last confirmed", "seconds", "mean position"], shown
        )
        if len(rows) > len(shown):
            body += paragraph(f"… and {len(rows) - len(shown)} more (query the tracks table).")
    return Section("sensors", "Sensor performance", body)
