"""What happens where something comes down: no-debris zones, payload detonation, asset damage."""

from __future__ import annotations

import numpy as np

from bastion.scenario.site import Site
from bastion.types import EventRow


def assess_impact(
    site: Site,
    pos: np.ndarray,
    object_id: int,
    payload_armed: bool,
    p_detonate: float,
    lethal_radius_m: float,
    cause: str,
    rng: np.random.Generator,
) -> EventRow:
    """An ``impact`` event for an object reaching the ground at ``pos`` (3,).

    An armed payload detonates with ``p_detonate`` (a delivered payload, p = 1); a detonation
    within an asset's radius plus the lethal radius damages that asset (its value is the damage
    recorded). Wreckage inside a no-debris zone is harm whether or not the payload goes off.
    """
    zone = int(site.no_debris_zone_of(pos[None, :])[0])
    detonated = bool(payload_armed and rng.random() < p_detonate)
    damage = 0.0
    hit_names: list[str] = []
    if detonated:
        hit = site.assets_hit(pos[None, :], lethal_radius_m)[0]
        damage = float(site.asset_value[hit].sum())
        hit_names = [site.asset_names[i] for i in np.flatnonzero(hit)]
    parts = [cause, "payload detonated" if detonated else "no detonation"]
    if zone >= 0:
        parts.append(f"inside no-debris zone {site.no_debris_names[zone]}")
    if hit_names:
        parts.append("damaged " + ", ".join(hit_names))
    return EventRow(
        kind="impact",
        pos=(float(pos[0]), float(pos[1]), 0.0),
        object_id=object_id,
        in_no_debris_zone=zone >= 0,
        asset_damage=damage,
        detail="; ".join(parts),
    )
