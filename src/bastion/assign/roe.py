"""Rules of engagement: which ranked threats may be engaged at all this cycle.

- weapons hold: nothing is engaged;
- always: not already engaged (shoot-look-shoot), not a drone the defence holds under its own
  electronic-warfare control (a takeover reported and holding, :mod:`bastion.engage.control`:
  it is being steered to a landing area, and engaging it would only undo that), heading for an
  asset (finite time to go), established (at least ``min_hits_to_engage`` detections: a young
  track can hop between neighbouring birds and look fast), and neither its bird nor its aircraft
  belief reaches ``p_friendly_to_hold``;
- weapons tight, also: declared a drone (its p_hostile has held at ``p_hostile_to_engage``
  for ``declare_dwell_s``, :mod:`bastion.classify.declaration`), or an unknown class (no class
  reaches ``unknown_below``, :mod:`bastion.classify.belief`) or a drone not yet declared,
  closing on its asset at ``unknown_closing_mps`` or more with at most
  ``unknown_time_to_go_s`` to go: what cannot be told apart yet but flies like an attack is
  engaged, while a confirmed bird or aircraft never is (weapons free needs nothing more).
"""

from __future__ import annotations

import numpy as np

from bastion.classify.belief import UNKNOWN, believed_class
from bastion.scenario.schema import Doctrine
from bastion.threat.rows import rows_of
from bastion.types import CLASSES, ClassBelief, ThreatTable, TrackTable


def engageable(
    threats: ThreatTable,
    tracks: TrackTable,
    belief: ClassBelief,
    doctrine: Doctrine,
    engaged_track_ids: frozenset[int],
    controlled_track_ids: frozenset[int] = frozenset(),
) -> np.ndarray:
    """Rows of ``threats`` the rules of engagement allow engaging now, in rank order; never a
    track in ``engaged_track_ids`` or ``controlled_track_ids``."""
    if doctrine.weapons_control == "hold" or len(threats) == 0:
        return np.empty(0, dtype=np.intp)
    in_belief = rows_of(belief.track_id, threats.track_id)
    p = belief.p[in_belief]
    friendly = np.maximum(p[:, CLASSES.index("bird")], p[:, CLASSES.index("aircraft")])
    left_alone = engaged_track_ids | controlled_track_ids
    left = np.fromiter(left_alone, dtype=np.int64, count=len(left_alone))
    hits = tracks.hits[rows_of(tracks.track_id, threats.track_id)]
    ok = (
        (friendly < doctrine.p_friendly_to_hold)
        & (hits >= doctrine.min_hits_to_engage)
        & np.isfinite(threats.time_to_go_s)
        & ~np.isin(threats.track_id, left)
    )
    if doctrine.weapons_control == "tight":
        believed = believed_class(p, doctrine.unknown_below)
        unknown_closer = (
            ((believed == UNKNOWN) | (believed == CLASSES.index("drone")))
            & (threats.closing_speed_mps >= doctrine.unknown_closing_mps)
            & (threats.time_to_go_s <= doctrine.unknown_time_to_go_s)
        )
        ok &= np.asarray(belief.declared_drone)[in_belief] | unknown_closer
    return np.flatnonzero(ok)
