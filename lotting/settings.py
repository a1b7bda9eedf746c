"""How the optimiser works, not what it computes: tuning that never changes an optimum.

Every heuristic runs on a work budget counted in steps, never on the clock, so the same inputs
give the same start, and the same plan whenever the solver proves it optimal, on any machine.
Wall time only caps a stage from outside (``start_share`` and ``search_share`` of the time
limit, none without a limit), a cap the shipped and S-L benchmark cases do not reach on this
project's 2-core machine.

>>> Settings().replace(packing_nodes=50).packing_nodes
50
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Settings:
    """Tuning constants of candidate listing, the model, the start and the solver."""

    #: An option with more lots than this gets a family of compact lots instead of a list.
    max_sets_per_option: int = 20_000
    #: Candidate lots examined in all options together: past it, the remaining options go to the
    #: compact model (exact, but a bigger model), bounding listing's time and memory on huge
    #: contracts (the 1,140-unit bench case lists about 500,000).
    max_listed: int = 1_000_000
    #: Seeded random growths per such option, whose end sets are listed as a sample.
    growths_per_option: int = 300
    #: Contracts with more blocks than this get one coverage row per option and compact lot
    #: instead of one per area, service or block it cannot hold. The default, 0, aggregates on
    #: every contract: the per-item rows tighten only the compact lots' LP, whose bound the listed
    #: lots and column generation carry anyway, and cost rows (the example's robust model 19,466
    #: rows -> 12,818; with all three award rules 14 s -> 5.5 s, the plain solve 1.5 s -> 1.1 s).
    aggregate_from: int = 0
    #: Models with more variables skip HiGHS's presolve. Without probing (lotting/mip/solver.py)
    #: it is quick to 300 units (54,060 columns) and tightens the bound there: 1.66 % -> 1.55 % at
    #: 150 units in 60 s, 1.14 % -> 0.93 % at 300 units in 120 s; with probing, 150 units took 35 s.
    presolve_up_to: int = 200_000
    #: Candidate lots judged exactly per greedy step, best first by what they could add.
    batch: int = 40
    #: Candidate lots the start may judge in all (growing and polishing): its work budget.
    start_trials: int = 200_000
    #: Exchange moves (add a candidate, or put one in place of the chosen lots it overlaps) the
    #: start may judge after growing and polishing (lotting/mip/warmstart.py): their budget.
    exchange_trials: int = 1_500
    #: Candidates in the packing MIP beyond those chosen already (500 found the best division
    #: of the 150-unit benchmark in 2 s, 5000 a worse one in 13 s).
    packing_columns: int = 500
    #: Most candidates in the packing MIP's linear relaxation.
    packing_pool: int = 30_000
    #: Branch-and-bound nodes the packing MIP may explore (deterministic, unlike seconds).
    packing_nodes: int = 200
    #: Pricing rounds of the column-generation bound (lotting/mip/colgen.py): its work budget.
    colgen_rounds: int = 300
    #: Most columns each family of lots adds to the restricted master per round.
    colgen_columns: int = 300
    #: With a start in hand and less than this share of the time limit left, the model is not
    #: built: the start is the answer (at 600 units building it alone outlasts the limit).
    model_share: float = 0.25
    #: Lots a search one step from a known division may judge (lotting/mip/neighbours.py): the
    #: tied next rank of alternatives, per rank, and each frontier k's start: its work budget.
    tie_trials: int = 20_000
    #: Outer cap on the start's wall time, as a share of the time limit.
    start_share: float = 0.5
    #: Sub-MIPs the neighbourhood search may run after the start (lotting/mip/search.py): its
    #: work budget. It runs on models of ``search_from`` to ``search_up_to`` columns: smaller
    #: models the solver proves optimal outright (the example: 4,514 columns); on larger ones
    #: its sub-MIPs take the time the solver needs at the root for its bound (300 units, 54,060
    #: columns: 1,707,250 -> 1,707,750 but the gap at 120 s 0.93 % -> 1.10 %), while at 150
    #: units (28,701 columns) it lifts the plan 1,670,900 -> 1,674,700 in 20 s, gap 1.55 % ->
    #: 1.32 % at 60 s.
    search_tries: int = 28
    #: Branch-and-bound nodes per sub-MIP of the search.
    search_nodes: int = 100
    #: Neighbourhoods of more blocks than this are passed over (a sub-MIP nearly the whole model).
    search_blocks: int = 60
    #: A neighbourhood frees the areas this many steps from its seed area, and their blocks.
    search_radius: int = 1
    #: Smallest and largest models (columns) the search runs on.
    search_from: int = 10_000
    search_up_to: int = 40_000
    #: Outer cap on the search's wall time, as a share of the time left when it starts.
    search_share: float = 0.5

    def replace(self, **changes: Any) -> Settings:
        """A copy with some settings changed."""
        return dataclasses.replace(self, **changes)
