"""What an engagement acts on: the object at its aimed point, by the aim's uncertainty (kinetic)
or the jammer's beam; never a scoring label."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.engage.aim import (
    ACQUISITION_RADIUS_M,
    NOTHING,
    Aim,
    nearest_in_beam,
    nearest_in_gate,
    predicted_point_covariance,
)
from bastion.types import ObjectKind, ObjectStatus

DRONE, BIRD = ObjectKind.DRONE, ObjectKind.BIRD


def test_predicted_point_covariance_grows_with_the_horizon():
    cov = np.zeros((1, 6, 6))
    cov[0, :3, :3] = np.eye(3) * 100.0
    cov[0, 3:, 3:] = np.eye(3) * 4.0
    cov[0, 0, 3] = cov[0, 3, 0] = 10.0
    out = predicted_point_covariance(cov, np.array([30.0]))
    assert out[0, 0, 0] == pytest.approx(100.0 + 2 * 30.0 * 10.0 + 900.0 * 4.0)
    assert out[0, 1, 1] == pytest.approx(100.0 + 900.0 * 4.0)


def test_an_aim_is_its_track_estimate_carried_forward_at_constant_velocity():
    P = np.diag([100.0, 100.0, 100.0, 4.0, 4.0, 4.0])
    aim = Aim(10.0, np.array([0.0, 1000.0, 300.0, 20.0, 0.0, 0.0]), P)
    point, cov = aim.at(15.0)
    np.testing.assert_allclose(point, [100.0, 1000.0, 300.0])
    np.testing.assert_allclose(np.diag(cov), [200.0, 200.0, 200.0])
    np.testing.assert_allclose(aim.state_at(15.0), [100.0, 1000.0, 300.0, 20.0, 0.0, 0.0])


def test_a_kinetic_effector_acts_on_the_nearest_object_in_the_aims_uncertainty(make_truth):
    # The aim is uncertain by 100 m east-west but 10 m north-south: an object 150 m east is
    # where the track may well be, one 60 m north is not, though nearer.
    cov = np.diag([100.0**2, 10.0**2, 10.0**2])
    truth = make_truth([[0.0, 60.0, 0.0], [150.0, 0.0, 0.0]], kind=np.array([BIRD, DRONE]))
    assert nearest_in_gate(np.zeros(3), cov, 1.0, truth) == 1


def test_nothing_to_acquire_is_a_miss_and_only_flying_objects_count(make_truth):
    cov = np.eye(3) * 20.0**2  # 99.9% gate, 3 dof: about 4 sigma, 80 m
    far = make_truth([[300.0, 0.0, 0.0]])
    assert nearest_in_gate(np.zeros(3), cov, 10.0, far) == NOTHING
    gone = np.array([ObjectStatus.DESTROYED, ObjectStatus.FLYING])
    down = make_truth([[5.0, 0.0, 0.0], [60.0, 0.0, 0.0]], status=gone)
    assert nearest_in_gate(np.zeros(3), cov, 10.0, down) == 1
    # The effector's own reach widens the gate: a 100 m lethal radius reaches 300 m off.
    assert nearest_in_gate(np.zeros(3), cov, 100.0, far) == 0


def test_the_fire_control_acquires_what_is_near_the_point_however_sure_the_track_is(make_truth):
    # A track sure to 5 m whose drone is 150 m off (it turned): outside the gate, inside the
    # search of the fire control; 250 m off, beyond it.
    cov = np.eye(3) * 5.0**2
    assert ACQUISITION_RADIUS_M == 200.0
    assert nearest_in_gate(np.zeros(3), cov, 1.0, make_truth([[150.0, 0.0, 0.0]])) == 0
    assert nearest_in_gate(np.zeros(3), cov, 1.0, make_truth([[250.0, 0.0, 0.0]])) == NOTHING


def test_a_jammer_acts_on_the_drone_in_its_beam_nearest_the_aimed_point(make_truth):
    jammer = np.zeros(3)
    aim = np.array([0.0, 5000.0, 300.0])
    truth = make_truth(
        [
            [0.0, 5000.0, 300.0],  # a bird at the aimed point: no receiver to jam
            [800.0, 5200.0, 300.0],  # a drone 9 degrees off the beam's line
            [3000.0, 5000.0, 300.0],  # a drone 31 degrees off: outside a 30-degree beam
        ],
        kind=np.array([BIRD, DRONE, DRONE]),
    )
    width = np.radians(30.0)
    assert nearest_in_beam(aim, jammer, width, 15_000.0, truth) == 1
    assert nearest_in_beam(aim, jammer, width, 5_000.0, truth) == NOTHING  # out of range
    assert nearest_in_beam(aim, jammer, 2.0 * np.pi, 15_000.0, truth) == 1  # all round
    birds_only = make_truth([[0.0, 5000.0, 300.0]], kind=BIRD)
    assert nearest_in_beam(aim, jammer, width, 15_000.0, birds_only) == NOTHING
