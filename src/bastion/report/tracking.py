"""Tracking metrics: GOSPA over time (the summary's definition, :mod:`bastion.record.scoring`)
and, per drone, how quickly and how continuously and accurately it was tracked.

Per drone: the confirmed tracks that followed it (more than one means the track broke or
swapped), the time from its first detection to its first confirmed track, the share of its
flight after first detection during which a confirmed track was on it, and the RMS distance
between those tracks and its true position.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from bastion.record.columns import match_rows, tick_bounds
from bastion.record.scoring import GOSPA_ALPHA, GOSPA_C_M, GOSPA_P, tick_gospa
from bastion.report.data import RunData
from bastion.report.drones import DroneStory
from bastion.report.html import Section, figure, num, paragraph, table
from bastion.tracking.metrics import GospaResult
from bastion.types import ObjectStatus, TrackStatus

_MIN = 1.0 / 60.0


def gospa_over_time(run: RunData) -> tuple[np.ndarray, list[GospaResult]]:
    """GOSPA at every tick of the run -> (ticks, results)."""
    truth, trk = run.truth, run.tracks
    ticks = np.unique(truth["t"])
    a0, a1 = tick_bounds(truth["t"], ticks)
    b0, b1 = tick_bounds(trk["t"], ticks)
    results = [
        tick_gospa(truth["status"][i:j], truth["pos"][i:j], trk["status"][k:m], trk["x"][k:m])
        for i, j, k, m in zip(a0, a1, b0, b1, strict=True)
    ]
    return ticks, results


def gospa_figure(ticks: np.ndarray, results: list[GospaResult]) -> Figure:
    fig = Figure(figsize=(15, 5.5))
    top, bottom = fig.subplots(2, 1, sharex=True)
    fig.subplots_adjust(left=0.06, right=0.9, bottom=0.1, top=0.93, hspace=0.08)
    minutes = ticks * _MIN
    top.plot(minutes, [r.total for r in results], color="#1f5f99", lw=1.2)
    top.set_ylabel("GOSPA, m")
    top.set_title(
        f"GOSPA between confirmed tracks and flying objects (c = {GOSPA_C_M:.0f} m, "
        f"p = {GOSPA_P:.0f}, alpha = {GOSPA_ALPHA:.0f})"
    )
    flying = [r.n_assigned + r.n_missed for r in results]
    bottom.plot(minutes, flying, color="black", lw=1, label="objects flying")
    bottom.plot(minutes, [r.n_assigned for r in results], color="#27ae60", lw=1, label="tracked")
    bottom.plot(
        minutes, [r.n_missed for r in results], color="#e67e22", lw=1, label="objects missed"
    )
    bottom.plot(
        minutes, [r.n_false for r in results], color="#c0392b", lw=1, label="tracks unmatched"
    )
    bottom.set_ylabel("count")
    bottom.set_xlabel("time since the scenario epoch, min")
    bottom.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    for ax in (top, bottom):
        ax.grid(True, lw=0.3, alpha=0.6)
    return fig


def _drone_rows(run: RunData, stories: list[DroneStory]) -> list[list]:
    trk, truth = run.tracks, run.truth
    on = (trk["status"] == TrackStatus.CONFIRMED) & (trk["truth_id"] >= 0)
    t, tid, obj = trk["t"][on], trk["track_id"][on], trk["truth_id"][on].astype(np.int64)
    at = match_rows(t, obj, truth["t"], truth["object_id"])
    err = np.linalg.norm(trk["x"][on, :3] - truth["pos"][np.maximum(at, 0)], axis=1)
    flying = truth["status"] == ObjectStatus.FLYING
    rows = []
    for s in stories:
        mine = obj == s.object_id
        seen = s.first_detection
        flown_after = np.count_nonzero(
            flying
            & (truth["object_id"] == s.object_id)
            & (truth["t"] >= (seen.t if seen else np.inf))
        )
        ticks_on = np.unique(t[mine]).size
        rms = float(np.sqrt(np.mean(err[mine & (at >= 0)] ** 2))) if mine.any() else None
        rows.append(
            [
                f"D{s.object_id}",
                num(np.unique(tid[mine]).size),
                num(None if seen is None or s.confirmed_t is None else s.confirmed_t - seen.t),
                num(
                    100.0 * min(ticks_on, flown_after) / flown_after if flown_after else None, ".0f"
                ),
                num(rms),
            ]
        )
    return rows


def tracking_section(run: RunData, stories: list[DroneStory]) -> Section:
    ticks, results = gospa_over_time(run)
    total = np.array([r.total for r in results])
    body = paragraph(
        "GOSPA scores the whole air picture at each tick: localisation error of tracks on real "
        "objects, plus a penalty for each missed object and each false track "
        f"(c²/2 each, c = {GOSPA_C_M:.0f} m). Lower is better. Objects beyond sensor coverage "
        "count as missed, and a track farther than c from every object counts as false (its "
        "object as missed)."
    )
    if results:
        in_summary = run.summary.get("gospa_mean")
        body += paragraph(
            f"Mean GOSPA over the run: {total.mean():.1f} m (summary: "
            f"{'–' if in_summary is None else f'{in_summary:.1f}'} m); "
            f"per tick, on average {np.mean([r.n_missed for r in results]):.1f} objects missed "
            f"and {np.mean([r.n_false for r in results]):.2f} tracks unmatched."
        )
        body += figure(gospa_figure(ticks, results), "GOSPA over time")
    body += paragraph("How each drone was tracked:")
    body += table(
        [
            "drone",
            "confirmed tracks on it",
            "s from detection to confirmation",
            "% of flight after detection tracked",
            "RMS position error m",
        ],
        _drone_rows(run, stories),
    )
    return Section("tracking", "Tracking metrics", body)
