package policy

import (
	"math"
	"strconv"
)

// HASync is the heterogeneity-aware synchronous policy (paper ref. [18]):
// every learner does the same number of updates tau, the largest integer at
// which the learners' floored capacities floor(D_k(tau)) cover d and each
// holds at least d_l; d is then split in proportion to spare capacity.
//
// It costs O(K·log MaxTau) capacity evaluations: a bisection for the
// relaxed optimum tau* and, rarely, one over the integers.
type HASync struct {
	// AllowExclusion lets the policy exclude the learners that cannot do one
	// update on d_l samples instead of failing with an *InfeasibleError.
	AllowExclusion bool
}

var _ Policy = HASync{}

// Name returns "ha-sync".
func (HASync) Name() string { return "ha-sync" }

// Plan returns the integer synchronous optimum of p. Diag.RelaxedTau is the
// relaxed optimum tau* and Diag.Iterations the bisection steps taken.
func (s HASync) Plan(p Problem) (Plan, error) {
	in, err := prepare(p, s.Name(), s.AllowExclusion)
	if err != nil {
		return Plan{}, err
	}
	var diag Diagnostics
	tau := in.syncPlan(&diag)
	return in.finish(tau, diag)
}

// syncPlan returns the synchronous optimum's tau per learner (0 for the
// excluded) and records tau* in diag.
func (in *instance) syncPlan(diag *Diagnostics) []int {
	m := in.suggest(diag)
	tau := make([]int, len(in.p.Learners))
	for _, k := range in.in {
		tau[k] = m
	}
	return tau
}

// suggest records the relaxed optimum tau* in diag and returns the integer
// synchronous optimum. At extreme scales (say 1e-76 s per sample) the
// closed-form bounds behind tau* and the direct check behind the integer
// capacities can round differently; tau* is then raised to the integer
// optimum, which it bounds in exact arithmetic.
func (in *instance) suggest(diag *Diagnostics) int {
	diag.RelaxedTau = in.relaxedTau(&diag.Iterations)
	m := in.syncTau(int(math.Floor(diag.RelaxedTau)))
	diag.RelaxedTau = math.Max(diag.RelaxedTau, float64(m))
	return m
}

// finish splits d within the capacities at tau and assembles the plan.
func (in *instance) finish(tau []int, diag Diagnostics) (Plan, error) {
	d := distribute(in.caps(tau), in.p.D, in.dmin)
	if len(in.excl) > 0 {
		ids := make([]string, len(in.excl))
		for i, k := range in.excl {
			ids[i] = strconv.Itoa(k)
		}
		diag.Notes = append(diag.Notes, learnerList(ids)+" cannot do one update on max(d_l, 1) samples: excluded")
	}
	return newPlan(in.p, in.name, tau, d, diag)
}
