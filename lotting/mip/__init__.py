"""Optimisation: candidate lots, the mixed-integer model, its warm start, the solver run and the
diagnosis of infeasible scenarios. Its answers are divisions; their figures come from rules."""
