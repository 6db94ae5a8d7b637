"""HiGHS's bare printf stays off standard output (bastion.assign.quiet)."""

from __future__ import annotations

import ctypes
import logging

import numpy as np

import bastion.assign.milp as milp_module
from bastion.assign.instances import apt_instance
from bastion.assign.quiet import c_stdout_to_log

LIBC = ctypes.CDLL(None)
HIGHS_LINE = b"HighsMipSolverData::transformNewIntegerFeasibleSolution tmpSolver.run();\n"


def test_a_c_printf_goes_to_the_log_not_to_stdout(capfd, caplog):
    logger = logging.getLogger("test.quiet")
    LIBC.printf(b"unguarded\n")  # the control: without the guard it reaches stdout
    LIBC.fflush(None)
    assert capfd.readouterr().out == "unguarded\n"
    with caplog.at_level(logging.DEBUG, logger="test.quiet"), c_stdout_to_log(logger):
        LIBC.printf(HIGHS_LINE)
        with c_stdout_to_log(logger):  # nested: only the outermost puts stdout back
            LIBC.printf(b"inner\n")
        LIBC.printf(b"after inner\n")
    assert capfd.readouterr().out == ""
    logged = [r.getMessage() for r in caplog.records]
    assert logged == [
        "solver output: " + HIGHS_LINE.decode().strip(),
        "solver output: inner",
        "solver output: after inner",
    ]
    LIBC.printf(b"restored\n")
    LIBC.fflush(None)
    assert capfd.readouterr().out == "restored\n"


def test_exact_solves_print_nothing_even_when_highs_does(capfd, monkeypatch):
    # HiGHS 1.12 prints its line only on rare numerics; make every MILP and LP call print it
    # the way HiGHS does (C printf, buffered), and check that stdout still stays empty.
    def loud(solver):
        def call(*args, **kwargs):
            LIBC.printf(HIGHS_LINE)
            return solver(*args, **kwargs)

        return call

    monkeypatch.setattr(milp_module, "milp", loud(milp_module.milp))
    monkeypatch.setattr(milp_module, "linprog", loud(milp_module.linprog))
    # One LP round leaves a gap here, so the set-partitioning MILP runs too.
    result = milp_module.solve_milp(apt_instance(15, 15, 1, np.random.default_rng(0)), max_rounds=1)
    LIBC.fflush(None)
    assert result.rounds == 1 and result.salvos > 0
    assert capfd.readouterr().out == ""
