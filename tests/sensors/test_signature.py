"""Signatures built from a scenario's drone types, flocks and aircraft; radios on and off."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.scenario.loader import load_builtin
from bastion.scenario.schema import BirdFlock, DroneType, GeoPoint
from bastion.scenario.site import build_site
from bastion.sensors.rcs import blade_flash_hz, wing_beat_hz
from bastion.sensors.signature import (
    PatternBook,
    SignatureTable,
    bird_row,
    drone_row,
    is_emitting,
    signatures_from_rows,
)
from bastion.types import EMITTER_TYPES, IDENTITIES, NavMode, ObjectKind
from bastion.world.population import build_population


def test_built_from_the_hmeimim_scenario() -> None:
    scn = load_builtin("hmeimim-2018")
    pop = build_population(scn, build_site(scn), np.random.default_rng(1))
    table = SignatureTable.build(scn, pop)
    sig = table.sig
    assert len(sig) == len(pop)
    drones = pop.kind == ObjectKind.DRONE
    birds = pop.kind == ObjectKind.BIRD
    book = PatternBook()
    assert np.all(sig.rcs_pattern[drones] == book.code("fixed_wing_small"))
    assert np.all(sig.source_level_db[drones] == 105.0)
    np.testing.assert_allclose(sig.modulation_hz[drones], blade_flash_hz(2, 6_000.0))
    np.testing.assert_allclose(sig.modulation_hz[birds][:20], wing_beat_hz(0.9))  # gulls first
    assert np.all(np.isinf(sig.source_level_db[birds]))
    assert np.all(sig.identity[drones] == IDENTITIES.index("fixed_wing_drone"))
    aircraft = pop.kind == ObjectKind.AIRCRAFT
    assert np.all(sig.identity[aircraft] == IDENTITIES.index("jet_aircraft"))


def test_only_remote_controlled_drones_with_a_radio_emit() -> None:
    emitter = np.array([0, 0, 0, 0, -1], dtype=np.int8)
    nav = np.array(
        [NavMode.GNSS, NavMode.REMOTE, NavMode.LINK_LOST, NavMode.SPOOFED, NavMode.REMOTE]
    )
    assert is_emitting(emitter, nav).tolist() == [False, True, True, False, False]


def test_custom_aspect_table_and_defaults_by_airframe() -> None:
    book = PatternBook()
    quad = drone_row(DroneType(name="q", airframe="rotary", engine="electric"), book)
    custom = drone_row(
        DroneType(name="c", rcs_aspect_db=[(0.0, -3.0), (180.0, 3.0)], link_emitter="video_5g8"),
        book,
    )
    sig = signatures_from_rows([quad, custom], book.gains())
    assert sig.rcs_pattern[0] == book.code("quadcopter")
    assert book.names[sig.rcs_pattern[1]] == "c (scenario table)"
    assert sig.size_m.tolist() == [0.35, 1.0]
    assert sig.source_level_db.tolist() == [85.0, 105.0]
    assert sig.emitter[1] == EMITTER_TYPES.index("video_5g8")
    assert sig.patterns.shape == (len(book.names), 181)


def test_unknown_ids_get_a_plain_signature(make_truth) -> None:
    table = SignatureTable.empty()
    truth = make_truth(
        np.zeros((2, 3)), kind=np.array([ObjectKind.BIRD, ObjectKind.DRONE]), first_id=50
    )
    targets = table.targets(truth, np.array([0, 1]))
    assert targets.sig.rcs_pattern.tolist() == [-1, -1]
    assert np.isnan(targets.sig.modulation_hz).all()
    assert targets.sig.kind.tolist() == [ObjectKind.BIRD, ObjectKind.DRONE]
    assert targets.truth_id.tolist() == [50, 51]
    assert not targets.emitting.any()


def test_emitter_codes_match_the_scenario_schema() -> None:
    from typing import get_args

    from bastion.scenario.schema import EmitterType

    assert get_args(EmitterType) == EMITTER_TYPES
    with pytest.raises(ValueError):
        DroneType(name="x", link_emitter="carrier_pigeon")


def test_sensor_look_ups_agree_with_the_full_view(make_truth) -> None:
    """The cheap look-ups sensors screen objects with give what ``targets`` gives."""
    book = PatternBook()
    quad = drone_row(DroneType(name="q", airframe="rotary", engine="electric"), book)
    bird = bird_row(BirdFlock(name="b", center=GeoPoint(lat_deg=0.0, lon_deg=0.0), count=1), book)
    table = SignatureTable(signatures_from_rows([quad, bird] * 3, book.gains()))
    nav = [NavMode.GNSS, NavMode.REMOTE, NavMode.LINK_LOST, NavMode.SPOOFED, NavMode.REMOTE]
    nav += [NavMode.INERTIAL, NavMode.REMOTE]  # the last id is unknown to the table
    truth = make_truth(np.zeros((7, 3)), nav=np.array(nav))
    rows = np.array([6, 0, 1, 2, 3, 4, 5])
    targets = table.targets(truth, rows)
    size, identity = table.columns(truth.object_id[rows], "size_m", "identity")
    np.testing.assert_array_equal(size, targets.sig.size_m)
    np.testing.assert_array_equal(identity, targets.sig.identity)
    on = table.emitting(truth, rows)
    np.testing.assert_array_equal(on, targets.emitting)
    assert on.tolist() == [False, False, False, True, False, True, False]
