"""Seeded WTA instances for the benchmark and the tests: two published families.

- ``random``: the classic random instances of the WTA literature (Ahuja, Kumar, Jha and Orlin,
  Operations Research 55(6), 2007): target values V_j ~ U[25, 100], kill probabilities
  p_ij ~ U[0.60, 0.90], one unit per weapon.
- ``apt``: the structure of the instances of Andersen, Pavlikov and Toffolo, "Weapon-target
  assignment problem: exact and approximate solution algorithms", Annals of Operations Research
  (2022): integer target values V_j ~ U{1, ..., 100}, kill probabilities p_ij ~ U(0, 1), and
  W weapon types of ``units_per_type`` identical units each (their files are named
  wta_{W}x{T}x{units}, with T = 2W). Generated here from a seed, not copied.
"""

from __future__ import annotations

import numpy as np

from bastion.assign.wta import WtaProblem


def random_instance(weapons: int, targets: int, rng: np.random.Generator) -> WtaProblem:
    """Ahuja et al. (2007) style: V ~ U[25, 100], p ~ U[0.6, 0.9], one unit per weapon."""
    value = rng.uniform(25.0, 100.0, targets)
    p = rng.uniform(0.6, 0.9, (weapons, targets))
    return WtaProblem(value=value, p=p, units=np.ones(weapons, dtype=np.int64))


def apt_instance(
    weapon_types: int, targets: int, units_per_type: int, rng: np.random.Generator
) -> WtaProblem:
    """Andersen-Pavlikov-Toffolo (2022) structure: V ~ U{1..100}, p ~ U(0, 1), typed units."""
    value = rng.integers(1, 101, targets).astype(float)
    p = rng.uniform(0.0, 1.0, (weapon_types, targets))
    return WtaProblem(value=value, p=p, units=np.full(weapon_types, units_per_type))
