"""Seeds of a campaign's replications: one SeedSequence, one spawned child per replication.

Replication ``r`` of *every* parameter combination uses the same child, so combinations are
compared on common random numbers: the same launch draws, detections and kill rolls wherever the
varied parameter does not change them, which removes most of the noise from their differences.

The run's integer seed is the child's first 32-bit word, ``seed_r = child_r.generate_state(1)[0]``,
and it is what ``run_scenario`` (and ``bastion run --seed``) receives: a results row is reproduced
by running its scenario with its ``seed`` column. ``spawn`` numbers children in order, so child
``r`` does not depend on how many replications were asked for: a campaign can be extended.
"""

from __future__ import annotations

import numpy as np

from bastion.errors import CampaignError


def replication_seeds(campaign_seed: int, runs: int) -> list[int]:
    """The integer run seed of each replication 0..runs-1."""
    if campaign_seed < 0:
        raise CampaignError(f"campaign seed must be a non-negative integer, got {campaign_seed}")
    if runs < 1:
        raise CampaignError(f"--runs must be at least 1, got {runs}")
    children = np.random.SeedSequence(campaign_seed).spawn(runs)
    return [int(child.generate_state(1)[0]) for child in children]
