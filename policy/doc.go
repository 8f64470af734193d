// Package policy holds the task-allocation problem of mobile edge learning
// and the policies that solve it.
//
// Every global cycle the orchestrator gives learner k d_k samples and asks
// for tau_k local updates (epochs over those samples, or a fixed number of
// mini-batch steps). Learner k needs C2_k·tau_k·d_k + C3_k·tau_k + C1_k·d_k +
// C0_k seconds, which must not exceed the deadline T, and G2_k·tau_k·d_k +
// G3_k·tau_k + G1_k·d_k + G0_k joules, which must not exceed its energy cap
// E_k; in federated learning d_k is also at most the learner's own data MaxD_k. A Problem carries these coefficients (see
// Coefficients for how they follow from CPU, radio and model sizes), the
// total samples d, the lower bound d_l and the staleness cap c; a Plan
// carries the integer tau_k and d_k. The paper's objective is to maximise
// (1/K)·Σ tau_k subject to Σ d_k = d, d_k ≥ d_l and max tau − min tau ≤ c.
//
// For a fixed tau a learner can hold at most
// D_k(tau) = min((T − C0_k − C3_k·tau)/(C2_k·tau + C1_k), (E_k − G0_k − G3_k·tau)/(G2_k·tau + G1_k), MaxD_k)
// samples, decreasing in tau; all solvers work on the floored capacities.
//
// The policies, registered by name for New:
//
//	ha-sync         HASync: one common tau, the integer optimum
//	ha-async-sai    SAI: the paper's suggest-and-improve heuristic
//	ha-async-adaptive  Adaptive: SAI's plan and a deadline guard while the cycle runs
//	ha-async-exact  Exact: the exact optimum, by dynamic programming
//	hu-sync         HUSync: d/K samples each, one common tau
//	hu-async        HUAsync: d/K samples each, tau within the staleness window
//
// Check is the one feasibility checker. A policy is a pure, deterministic
// function of the Problem; infeasible problems give an *InfeasibleError that
// names the learners and the constraints they cannot meet, or, when the
// policy's allow_exclusion setting is on, a plan that excludes the learners
// that cannot do even one update (tau = d = 0).
//
// Reference: "Task Allocation for Asynchronous Mobile Edge Learning with
// Delay and Energy Constraints", arXiv 2012.00143, sections 3-4.
package policy
