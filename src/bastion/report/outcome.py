"""The headline (what happened, in figures and one paragraph) and the comparison with the
real-world outcome the scenario reports, where it has one."""

from __future__ import annotations

from typing import Any

from bastion.report.data import RunData
from bastion.report.html import Cell, Section, cards, num, paragraph, table

#: Figures a scenario's reported outcome may give, as labelled in the comparison.
REPORTED_FIGURES = {
    "launched": "drones launched",
    "destroyed": "destroyed (missile, gun)",
    "ew_defeated": "taken down by electronic warfare",
    "ew_landed": "EW: landed intact",
    "ew_crashed": "EW: crashed / payload went off",
    "leakers": "leakers (reached their target)",
    "asset_damage": "damage to defended assets (events)",
}


def _range_km(fdr: dict[str, Any]) -> str:
    if fdr.get("mean") is None:
        return "no drone was detected"
    return (
        f"first detected at {fdr['min'] / 1e3:.1f}–{fdr['max'] / 1e3:.1f} km "
        f"(mean {fdr['mean'] / 1e3:.1f} km)"
    )


def headline_section(run: RunData) -> Section:
    s = run.summary
    spent = sum(s["munitions"].values())
    items = [
        (f"{s['launched']}", "drones launched"),
        (f"{s['detected']}", "detected"),
        (f"{s['destroyed']}", "destroyed"),
        (f"{s['ew_defeated']}", "brought down by EW"),
        (f"{s['leakers']}", "leakers"),
        (f"{s['still_flying']}", "still flying"),
        (f"{s['asset_damage']}", "asset damage events"),
        (f"{s['debris_in_no_debris_zones']}", "impacts in no-debris zones"),
        (f"{s['false_tracks']}", "false tracks"),
        (f"${s['cost_usd']:,.0f}", "cost of engagements"),
    ]
    text = (
        f"{s['launched']} drones took off in {len(run.scenario.raids)} raid(s); {s['detected']} "
        f"were detected, {_range_km(s['first_detection_range_m'])}, and {s['tracked']} were "
        f"followed by a confirmed track. {s['engaged']} were engaged: {s['destroyed']} "
        f"destroyed, {s['ew_defeated']} brought down by electronic warfare ({s['ew_landed']} "
        f"landed intact, {s['ew_crashed']} crashed or their payload went off). {s['leakers']} "
        f"reached their target and {s['still_flying']} were still flying at the end. "
        f"{spent} munitions were spent, for ${s['cost_usd']:,.0f}. "
        f"{s['asset_damage']} impact(s) damaged a defended asset and "
        f"{s['debris_in_no_debris_zones']} fell inside a no-debris zone."
    )
    return Section("headline", "What happened", cards(items) + paragraph(text))


def comparison_section(run: RunData) -> Section:
    reported = run.scenario.reported_outcome
    if reported is None:
        body = paragraph("This scenario gives no real-world outcome to compare with.")
        return Section("comparison", "Comparison with the reported outcome", body)
    rows = []
    for key, label in REPORTED_FIGURES.items():
        given = getattr(reported, key)
        if given is None:
            continue
        simulated = run.summary[key]
        diff = simulated - given
        rows.append(
            [
                label,
                num(simulated),
                num(given),
                Cell(f"{diff:+d}", "num good" if diff == 0 else "num warn"),
            ]
        )
    body = paragraph(f"Reported: {reported.source}.")
    body += table(["figure", "simulated", "reported", "difference"], rows)
    body += paragraph(
        "One seed is one possible night: compare distributions over many seeds "
        "(bastion campaign) before drawing conclusions from a single difference."
    )
    return Section("comparison", "Comparison with the reported outcome", body)
