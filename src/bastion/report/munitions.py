"""Munitions and cost: what each effector fired, what it achieved, and what it cost.

A shot is a ``launch`` event (a missile, a gun burst, a jammer engagement); its cost is the
effector's cost per engagement from meta.json, as in the summary.
"""

from __future__ import annotations

import numpy as np

from bastion.report.data import RunData
from bastion.report.html import Cell, Section, num, paragraph, table

_OUTCOMES = ("kill", "takeover", "jammed", "link_lost", "miss")


def munitions_section(run: RunData) -> Section:
    ev = run.events
    rows = []
    totals = np.zeros(2 + len(_OUTCOMES))
    total_cost = 0.0
    for eff in run.scenario.effectors:
        mine = ev["effector_id"] == eff.id
        launches = mine & (ev["kind"] == "launch")
        shots = int(np.count_nonzero(launches))
        spent = int(ev["munitions"][launches].sum())
        outcomes = [int(np.count_nonzero(mine & (ev["kind"] == k))) for k in _OUTCOMES]
        cost = shots * eff.cost_usd
        magazine = getattr(eff, "magazine", None)  # jammers have none
        rows.append(
            [
                eff.id,
                eff.type,
                num(magazine),
                num(shots),
                num(spent),
                num(None if magazine is None else magazine - spent),
                *(num(v) for v in outcomes),
                num(cost),
            ]
        )
        totals += [shots, spent, *outcomes]
        total_cost += cost
    rows.append(
        [
            Cell("total", "diag"),
            "",
            "",
            num(int(totals[0])),
            num(int(totals[1])),
            "",
            *(num(int(v)) for v in totals[2:]),
            num(total_cost),
        ]
    )
    s = run.summary
    defeated = s["destroyed"] + s["ew_defeated"]
    body = table(
        [
            "effector",
            "type",
            "magazine",
            "shots",
            "munitions spent",
            "left",
            "kills",
            "takeovers",
            "GNSS denied",
            "links jammed",
            "misses",
            "cost USD",
        ],
        rows,
    )
    per_drone = (
        f"${total_cost / defeated:,.0f} per drone defeated" if defeated else "no drone defeated"
    )
    body += paragraph(
        f"Total cost of engagements ${total_cost:,.0f} (summary: ${s['cost_usd']:,.0f}); "
        f"{per_drone} ({s['destroyed']} destroyed, {s['ew_defeated']} by electronic warfare)."
    )
    return Section("munitions", "Munitions and cost", body)
