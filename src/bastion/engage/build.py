"""Effector models from their scenario configuration, placed in the site's frame."""

from __future__ import annotations

from bastion.engage.base import Effector
from bastion.engage.effectors import GunEffector, InterceptorEffector, MissileEffector
from bastion.engage.jammers import GnssJammerEffector, RfJammerEffector
from bastion.scenario.schema import (
    EffectorConfig,
    GnssJammerConfig,
    GunConfig,
    InterceptorConfig,
    MissileConfig,
)
from bastion.scenario.site import Site


def build_effector(config: EffectorConfig, site: Site) -> Effector:
    """The effector model a configuration describes, at its ENU position."""
    pos = site.to_enu(config.position)
    if isinstance(config, MissileConfig):
        return MissileEffector(config, pos)
    if isinstance(config, GunConfig):
        return GunEffector(config, pos)
    if isinstance(config, InterceptorConfig):
        return InterceptorEffector(config, pos)
    if isinstance(config, GnssJammerConfig):
        points = {name: site.landing_point(name) for name in config.landing_areas}
        return GnssJammerEffector(config, pos, points, site)
    return RfJammerEffector(config, pos)
