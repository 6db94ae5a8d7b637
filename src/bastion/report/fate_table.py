"""The per-drone fate table, and its totals beside the summary's figures (they must agree: both
come from the same log, one drone by drone, the other by counting)."""

from __future__ import annotations

from collections import Counter

import numpy as np

from bastion.record.fates import DETONATION_MARK, FATES, SUMMARY_KEY, Fate, fate_counts
from bastion.record.replay import clock_text
from bastion.report.data import RunData
from bastion.report.drones import DroneStory
from bastion.report.html import Cell, Section, esc, num, paragraph, table

_FATE_CSS = {
    Fate.DESTROYED: "good",
    Fate.EW_LANDED: "good",
    Fate.EW_CRASHED: "good",
    Fate.LEAKER: "bad",
    Fate.FLYING: "warn",
}


def _when(t: float | None) -> str:
    return "–" if t is None else clock_text(t)


def _row(s: DroneStory) -> list[str | Cell]:
    d = s.first_detection
    impact = s.impact
    shots = ", ".join(f"{n}× {eff}" for eff, n in s.shots.items()) or "–"
    return [
        f"D{s.object_id}",
        s.raid,
        clock_text(s.launch_t),
        "–" if d is None else f"{clock_text(d.t)} by {d.sensor_id}",
        Cell("–" if d is None else f"{d.range_m / 1e3:.1f}", "num"),
        _when(s.confirmed_t),
        _when(s.classified_t),
        shots,
        Cell(str(s.fate), _FATE_CSS.get(s.fate, "")),
        _when(s.end_t),
        "–" if impact is None else f"({impact.pos[0] / 1e3:.1f}, {impact.pos[1] / 1e3:.1f})",
        "–" if impact is None else ("yes" if impact.in_no_debris_zone else "no"),
        "–" if impact is None else ("yes" if DETONATION_MARK in impact.detail else "no"),
    ]


def fate_totals(stories: list[DroneStory]) -> dict[str, int]:
    """The table's fate counts under the summary's keys."""
    return fate_counts(np.array([FATES.index(s.fate) for s in stories], dtype=np.int64))


def fate_section(run: RunData, stories: list[DroneStory]) -> Section:
    headers = [
        "drone",
        "raid",
        "launched",
        "first detected",
        "range km",
        "track confirmed",
        "classed drone",
        "shots at it",
        "fate",
        "ended",
        "impact (E, N) km",
        "in no-debris zone",
        "payload went off",
    ]
    rows = [_row(s) for s in stories]
    attrs = [f'data-fate="{esc(s.fate.name)}"' for s in stories]
    body = table(headers, rows, attrs) if stories else paragraph("No drone took off.")
    totals = fate_totals(stories)
    seen = Counter(s.fate for s in stories)
    keys = ["launched", *SUMMARY_KEY.values(), "ew_defeated"]
    check_rows = []
    for key in keys:
        agree = totals[key] == run.summary.get(key)
        check_rows.append(
            [
                key,
                num(totals[key]),
                num(run.summary.get(key)),
                Cell("yes" if agree else "NO", "good" if agree else "bad"),
            ]
        )
    body += paragraph(
        "Totals of the table against the run summary (bastion.summary), both computed from "
        "the event log:"
    )
    body += table(["figure", "this table", "summary", "agree"], check_rows)
    others = {f: n for f, n in seen.items() if f not in SUMMARY_KEY}
    if others:
        body += paragraph("Also: " + ", ".join(f"{n} {f}" for f, n in others.items()) + ".")
    return Section("fates", "Fate of each drone", body)
