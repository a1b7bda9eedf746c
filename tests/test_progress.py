"""Progress events: what solve sends, in order, and that listening never changes the plan."""

from __future__ import annotations

from cases import make_case
from lotting import Scenario, solve
from lotting.progress import Event, relative_gap


def test_describe_and_gap():
    assert Event("bound", "", objective=90.0, bound=100.0, gap=relative_gap(90.0, 100.0)).describe()
    assert relative_gap(100.0, 90.0) == 0.0  # never negative
    assert relative_gap(None, 5.0) is None and relative_gap(5.0, float("inf")) is None
    assert "gap 3×" in Event("bound", "", objective=1.0, bound=4.0, gap=3.0).describe()


def test_solve_reports_its_steps_and_the_plan_is_unchanged(tmp_path):
    case = make_case(
        tmp_path,
        [(f"U{i}", "s", f"a{i}", 100) for i in range(6)],
        [
            ("L1", "large", 1000, "*", "*"),
            ("L2", "large", 1000, "*", "*"),
            ("X", "user_led", 250, "s", "a0;a1;a2"),
            ("Y", "user_led", 250, "s", "a3;a4"),
        ],
    )
    scenario = Scenario(min_bidders=2, lot_cost=10, reach_value=100)
    seen: list[Event] = []
    plan = solve(case, scenario, time_limit=None, progress=seen.append, log=True)
    kinds = [e.kind for e in seen]
    assert kinds[:3] == ["options", "candidates", "start"]
    assert kinds.index("model") < kinds.index("done") == len(kinds) - 1
    assert "log" in kinds  # the solver's own log, when asked for
    assert seen[1].count is not None and seen[1].count >= 1
    assert seen[-1].objective == plan.objective
    assert solve(case, scenario, time_limit=None).to_json() == plan.to_json()
