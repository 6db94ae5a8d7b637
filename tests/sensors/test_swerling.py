"""Swerling 0/I/III detection probabilities: closed forms, a simulated square-law detector,
Albersheim's equation and published values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bastion.sensors.swerling import albersheim_snr_db, detected_power, swerling_pd, swerling_snr


def simulated_pd(snr: float, pfa: float, case: int, n: int, rng: np.random.Generator) -> float:
    """Brute force: complex Gaussian noise of unit power plus a signal whose power fluctuates
    as the case says, square-law detected against T = -ln(Pfa)."""
    if case == 0:
        power = np.full(n, snr)
    elif case == 1:
        power = rng.exponential(snr, n)  # χ² with 2 degrees of freedom
    else:
        power = rng.gamma(2.0, snr / 2.0, n)  # χ² with 4 degrees of freedom
    phase = rng.uniform(0.0, 2.0 * np.pi, n)
    noise = (rng.normal(size=n) + 1j * rng.normal(size=n)) / math.sqrt(2.0)
    received = np.sqrt(power) * np.exp(1j * phase) + noise
    return float(np.mean(np.abs(received) ** 2 > -math.log(pfa)))


@pytest.mark.parametrize("case", [0, 1, 3])
def test_pd_matches_a_simulated_square_law_detector(case: int) -> None:
    rng = np.random.default_rng(100 + case)
    n = 200_000
    for snr_db, pfa in [(3.0, 1e-2), (10.0, 1e-2), (13.0, 1e-4), (20.0, 1e-6)]:
        snr = 10.0 ** (snr_db / 10.0)
        expected = float(swerling_pd(snr, pfa, case))
        measured = simulated_pd(snr, pfa, case, n, rng)
        tolerance = 4.0 * math.sqrt(expected * (1.0 - expected) / n) + 1e-4
        assert abs(measured - expected) < tolerance, (case, snr_db, pfa, measured, expected)


def test_swerling1_closed_form_at_several_snrs() -> None:
    snr = np.array([0.0, 1.0, 3.0, 10.0, 100.0])
    np.testing.assert_allclose(swerling_pd(snr, 1e-6, 1), 1e-6 ** (1.0 / (1.0 + snr)), rtol=1e-12)
    assert float(swerling_pd(1.0, 0.01, 1)) == pytest.approx(0.1, rel=1e-12)  # 0.01^(1/2)
    assert float(swerling_pd(3.0, 1e-4, 1)) == pytest.approx(0.1, rel=1e-12)  # 1e-4^(1/4)


@pytest.mark.parametrize("case", [0, 1, 3])
def test_noise_alone_gives_pfa_and_pd_rises_with_snr(case: int) -> None:
    assert float(swerling_pd(0.0, 1e-5, case)) == pytest.approx(1e-5, rel=1e-6)
    pd = swerling_pd(10.0 ** (np.arange(0.0, 40.0, 2.0) / 10.0), 1e-6, case)
    assert np.all(np.diff(pd[pd < 0.999]) > 0.0) and np.all(np.diff(pd) >= 0.0)
    assert pd[-1] > 0.99


def test_published_single_pulse_values_at_pd_09_pfa_1e6() -> None:
    """Skolnik (Introduction to Radar Systems, fig. 2.7 and 2.23): 13.2 dB for a steady
    target; about 21 dB for Swerling I, the ~8 dB fluctuation loss."""
    assert 10.0 * math.log10(swerling_snr(0.9, 1e-6, 0)) == pytest.approx(13.2, abs=0.1)
    assert 10.0 * math.log10(swerling_snr(0.9, 1e-6, 1)) == pytest.approx(21.1, abs=0.1)
    s3 = 10.0 * math.log10(swerling_snr(0.9, 1e-6, 3))
    assert 13.2 < s3 < 21.1  # one dominant scatterer fluctuates less than many equal ones


def test_swerling0_agrees_with_albersheim_where_the_fit_is_good() -> None:
    for pfa in (1e-3, 1e-5, 1e-7):
        for pd in (0.5, 0.7, 0.9):
            exact_db = 10.0 * math.log10(swerling_snr(pd, pfa, 0))
            assert exact_db == pytest.approx(albersheim_snr_db(pd, pfa), abs=0.1), (pd, pfa)
    # Albersheim's fit for several pulses: 10 pulses need less SNR per pulse than one.
    assert albersheim_snr_db(0.9, 1e-6, 10) < albersheim_snr_db(0.9, 1e-6) - 5.0


@pytest.mark.parametrize("case", [0, 1, 3])
def test_snr_inverts_pd(case: int) -> None:
    for pd in (0.1, 0.5, 0.9, 0.999):
        snr = swerling_snr(pd, 1e-6, case)
        assert float(swerling_pd(snr, 1e-6, case)) == pytest.approx(pd, rel=1e-9)


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="Swerling case"):
        swerling_pd(1.0, 1e-6, 2)
    with pytest.raises(ValueError, match="pfa < pd < 1"):
        swerling_snr(1e-7, 1e-6, 1)


@pytest.mark.parametrize("case", [0, 1, 3])
@pytest.mark.parametrize("snr", [3.0, 30.0])
def test_detected_power_is_the_received_power_given_a_detection(case: int, snr: float) -> None:
    """P(P > x | P > T) = Pd at threshold x over Pd at T, with Pd the closed forms above
    (themselves checked against a simulated detector)."""
    pfa = 1e-4
    threshold = -math.log(pfa)
    n = 40_000
    power = detected_power(np.full(n, snr), pfa, case, np.random.default_rng(case + int(snr)))
    assert power.min() > threshold
    for excess in (1.0, 5.0, snr):
        x = threshold + excess
        expected = float(swerling_pd(snr, math.exp(-x), case) / swerling_pd(snr, pfa, case))
        tolerance = 4.0 * math.sqrt(expected * (1.0 - expected) / n) + 1e-3
        assert np.mean(power > x) == pytest.approx(expected, abs=tolerance)
