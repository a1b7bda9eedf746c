"""One stop for every stage: a deadline and an outside request, honoured by solve."""

from __future__ import annotations

import threading
import time

import pytest

from conftest import write_tiny_case
from lotting import Scenario, load_case, solve
from lotting.errors import StoppedError
from lotting.generate import realistic_frames, write_frames
from lotting.mip.solver import SolverRun
from lotting.stop import Stop


def test_copies_share_the_request_and_keep_the_earlier_deadline():
    outer = Stop.after(100.0)
    inner = outer.within(1000.0)
    assert inner.deadline == outer.deadline
    assert outer.within(None) is outer
    inner.request("terminated")
    assert outer.requested and outer.reason == "terminated" and outer.left() == 0.0
    outer.request("interrupted")  # the first reason stands
    assert inner.reason == "terminated"


def test_a_passed_deadline_is_due_with_its_reason():
    stop = Stop.after(0.0)
    assert stop.due() and not stop.requested and stop.reason == "time_limit"
    assert Stop().left() is None and Stop().reason is None


def test_a_request_before_any_plan_raises_stopped(tmp_path):
    case = load_case(write_tiny_case(tmp_path / "case") / "contract.csv")
    stop = Stop()
    stop.request("interrupted")
    with pytest.raises(StoppedError, match="interrupted") as err:
        solve(case, Scenario(), stop=stop)
    assert err.value.reason == "interrupted"


def test_a_deadline_before_the_solver_gives_the_start(tmp_path):
    """Past the deadline before the solver starts, the greedy start is the answer."""
    case = load_case(write_tiny_case(tmp_path / "case") / "contract.csv")
    plan = solve(case, Scenario(), stop=Stop.after(0.0))
    assert plan.status == "feasible" and plan.stopped == "time_limit"
    assert plan.model_stats == {}  # no model was built
    assert plan.evaluation.feasible and plan.bound is not None and plan.bound >= plan.objective


def test_a_request_during_the_solve_stops_highs_with_its_incumbent(tmp_path, monkeypatch):
    """HiGHS's interrupt callback: the solve ends at once, the start (at least) is kept."""
    from lotting import optimise

    frames = realistic_frames(3, n_areas=16, n_services=2, n_suppliers=32)
    case = load_case(write_frames(frames, tmp_path / "case"))
    real, seen = optimise.run, []

    def interrupted(*args, stop, **kwargs) -> SolverRun:
        stop.request("interrupted")
        began = time.perf_counter()
        result = real(*args, stop=stop, **kwargs)
        seen.append((result, time.perf_counter() - began))
        return result

    monkeypatch.setattr(optimise, "run", interrupted)
    plan = solve(case, Scenario(), time_limit=None, stop=Stop())
    ((result, seconds),) = seen
    assert result.status in ("feasible", "no_solution")  # interrupted, not proven
    assert seconds < 20  # loose; HiGHS checks the callback many times a second
    assert plan.status == "feasible" and plan.stopped == "interrupted"
    assert plan.bound is not None and plan.gap is not None


def test_sooner_keeps_the_request_and_affords_counts_only_the_deadline():
    stop = Stop.after(10.0)
    early = stop.sooner(4.0)
    assert early.deadline == pytest.approx(stop.deadline - 4.0)
    assert Stop().sooner(4.0).left() is None  # no deadline stays none
    assert early.affords(5.0) and not early.affords(7.0)
    stop.request("interrupted")
    assert early.requested and early.due()
    assert early.affords(5.0)  # a request does not shorten what may still be written


class Stuck:
    """A stand-in for ``highspy.Highs`` whose ``run`` is one long step that checks nothing."""

    def __init__(self, seconds: float = 3.0, error: Exception | None = None) -> None:
        self.seconds, self.error = seconds, error

    def run(self) -> None:
        time.sleep(self.seconds)
        if self.error is not None:
            raise self.error


def test_a_solver_busy_past_its_deadline_or_a_request_is_abandoned():
    from lotting.mip.solver import GRACE, _run_watched

    began, cancel = time.perf_counter(), threading.Event()
    assert _run_watched(Stuck(), began + 0.2, None, cancel) is True
    assert time.perf_counter() - began < 1.5
    assert cancel.is_set()  # read by the solve's interrupt callbacks: it stops at its next check
    stop = Stop()
    stop.request("interrupted")
    began = time.perf_counter()
    assert _run_watched(Stuck(), None, stop) is True
    assert GRACE <= time.perf_counter() - began < GRACE + 1.5
    assert _run_watched(Stuck(0.0), time.perf_counter() + 5, None) is False
    with pytest.raises(ValueError, match="inside"):
        _run_watched(Stuck(0.0, ValueError("inside")), None, None)


def test_an_abandoned_solve_gives_the_start_within_the_limit(tmp_path, monkeypatch):
    """HiGHS stuck in one long step (as at the root of the 300-unit case): the solve is
    abandoned at its deadline plus a grace, and the plan is the start, marked time-limited."""
    import lotting.mip.solver as solver

    frames = realistic_frames(3, n_areas=16, n_services=2, n_suppliers=32)
    case = load_case(write_frames(frames, tmp_path / "case"))
    real = solver._run_watched
    monkeypatch.setattr(solver, "_run_watched", lambda h, d, s, c: real(Stuck(30.0), d, s, c))
    began = time.perf_counter()
    plan = solve(case, Scenario(), time_limit=2.0)
    assert time.perf_counter() - began < 2.0 * 1.1 + 2
    assert plan.status == "feasible" and plan.stopped == "time_limit"
    assert plan.evaluation.feasible and plan.bound is not None and plan.bound >= plan.objective
