package policy

import (
	"fmt"
	"math"
)

// Plan is a policy's answer to a Problem: integer local updates and samples
// per learner, in learner order. Tau[k] = D[k] = 0 means learner k is
// excluded this cycle.
type Plan struct {
	Tau       []int       // local updates per learner
	D         []int       // samples per learner
	Objective float64     // (1/K)·Σ Tau over all K learners, excluded ones counting 0 (updates)
	Diag      Diagnostics // how the policy got there
}

// Diagnostics describes how a policy arrived at its plan.
type Diagnostics struct {
	// RelaxedTau is the relaxed synchronous optimum tau* (updates, real
	// valued): an upper bound on any synchronous plan's objective. It is 0
	// for the policies that do not compute it (HU).
	RelaxedTau float64
	// Iterations counts the policy's main steps: local-search moves for SAI,
	// dynamic programmes for Exact, bisection steps for HA-Sync.
	Iterations int
	// Binding tells, per learner, which constraint limits its sample
	// capacity D_k(tau_k); see Constraint.
	Binding []Constraint
	// Excluded lists the learners excluded this cycle, in increasing order.
	Excluded []int
	// Notes are one-line remarks for a human reader.
	Notes []string
}

// Constraint names the constraint that limits a learner.
type Constraint int

const (
	// BindNone: neither limit keeps the learner below all d samples.
	BindNone Constraint = iota
	// BindTime: the deadline T gives the smaller capacity.
	BindTime
	// BindEnergy: the energy cap E_k gives the smaller capacity.
	BindEnergy
	// BindBoth: both give the same capacity within 1e-9 relative.
	BindBoth
	// BindExcluded: the learner takes no part this cycle.
	BindExcluded
	// BindData: the learner's own data (Learner.MaxD) is the smaller capacity.
	BindData
)

// String returns "none", "time", "energy", "both" or "excluded".
func (c Constraint) String() string {
	switch c {
	case BindNone:
		return "none"
	case BindTime:
		return "time"
	case BindEnergy:
		return "energy"
	case BindBoth:
		return "both"
	case BindExcluded:
		return "excluded"
	case BindData:
		return "data"
	}
	return fmt.Sprintf("Constraint(%d)", int(c))
}

// binding returns the constraint that limits learner k's capacity at tau.
func (p Problem) binding(k, tau int) Constraint {
	if tau == 0 {
		return BindExcluded
	}
	bt, be := p.bounds(k, float64(tau))
	d := float64(p.D)
	switch {
	case bt >= d && be >= d && p.dataLimit(k) >= d:
		return BindNone
	case p.dataLimit(k) < math.Min(bt, be):
		return BindData
	case math.Abs(bt-be) <= 1e-9*math.Max(math.Abs(bt), math.Abs(be)):
		return BindBoth
	case bt < be:
		return BindTime
	}
	return BindEnergy
}

// CheckTolerance is the relative tolerance with which Check compares a
// learner's time and energy to T and E_k. Every policy here meets the
// constraints exactly; the tolerance only spares plans computed elsewhere
// from rounding noise.
const CheckTolerance = 1e-9

// Check reports whether pl is a feasible plan for p: p is valid, there is
// one integer tau and d per learner, both zero (excluded) or tau ≥ 1 and
// d ≥ max(d_l, 1), every included learner meets T and E_k (within
// CheckTolerance), Σ d = p.D, max tau − min tau ≤ p.C over the included
// learners, and Objective = (1/K)·Σ tau. It is the one feasibility checker
// every test uses.
func Check(p Problem, pl Plan) error {
	if err := p.Validate(); err != nil {
		return err
	}
	k := len(p.Learners)
	if len(pl.Tau) != k || len(pl.D) != k {
		return fmt.Errorf("policy: plan has %d tau and %d d for %d learners", len(pl.Tau), len(pl.D), k)
	}
	dmin := p.minSamples()
	sumD, sumTau := 0, 0
	lo, hi := math.MaxInt, math.MinInt
	for i := range k {
		tau, d := pl.Tau[i], pl.D[i]
		if tau == 0 && d == 0 {
			continue
		}
		switch {
		case tau < 1 || tau > MaxTau:
			return fmt.Errorf("policy: plan: learner %d: tau = %d with d = %d: must be in [1, %d], or both 0", i, tau, d, MaxTau)
		case d < dmin || d > p.D:
			return fmt.Errorf("policy: plan: learner %d: d = %d with tau = %d: must be in [%d, %d], or both 0", i, d, tau, dmin, p.D)
		case p.Learners[i].MaxD > 0 && d > p.Learners[i].MaxD:
			return fmt.Errorf("policy: plan: learner %d: d = %d: more than its %d samples of local data", i, d, p.Learners[i].MaxD)
		}
		t, e := p.Usage(i, tau, d)
		if exceeds(t, p.T) {
			return fmt.Errorf("policy: plan: learner %d: time %v s exceeds T = %v s", i, t, p.T)
		}
		if exceeds(e, p.Learners[i].E) {
			return fmt.Errorf("policy: plan: learner %d: energy %v J exceeds E_k = %v J", i, e, p.Learners[i].E)
		}
		sumD += d // at most MaxLearners·MaxSamples: no overflow
		sumTau += tau
		lo, hi = min(lo, tau), max(hi, tau)
	}
	if sumD != p.D {
		return fmt.Errorf("policy: plan: Σ d = %d, want d = %d", sumD, p.D)
	}
	if hi-lo > p.C {
		return fmt.Errorf("policy: plan: tau spans [%d, %d], more than the staleness cap c = %d", lo, hi, p.C)
	}
	want := float64(sumTau) / float64(k)
	if !(math.Abs(pl.Objective-want) <= 1e-12*math.Max(1, want)) {
		return fmt.Errorf("policy: plan: objective %v, want (1/K)·Σ tau = %v", pl.Objective, want)
	}
	return nil
}

func exceeds(use, limit float64) bool {
	return !(use <= limit+CheckTolerance*math.Abs(limit))
}

// newPlan assembles a plan from per-learner tau and d (0, 0 = excluded),
// fills the objective, binding constraints and excluded list, and checks it.
// A failed check is a bug in the policy, reported as an error rather than a
// wrong plan.
func newPlan(p Problem, name string, tau, d []int, diag Diagnostics) (Plan, error) {
	sum := 0
	diag.Binding = make([]Constraint, len(tau))
	diag.Excluded = diag.Excluded[:0]
	for k := range tau {
		sum += tau[k]
		diag.Binding[k] = p.binding(k, tau[k])
		if tau[k] == 0 {
			diag.Excluded = append(diag.Excluded, k)
		}
	}
	if len(diag.Excluded) == 0 {
		diag.Excluded = nil
	}
	pl := Plan{Tau: tau, D: d, Objective: float64(sum) / float64(len(tau)), Diag: diag}
	if err := Check(p, pl); err != nil {
		return Plan{}, fmt.Errorf("policy: %s: internal error, infeasible plan: %w", name, err)
	}
	return pl, nil
}

// FaultError reports a policy at fault: it panicked, or its plan breaks the problem's rules
// (wrong shape, a constraint not met, the wrong objective). It is distinct from a policy
// that reports, with its own error, that it finds no feasible plan.
type FaultError struct {
	Policy string // the policy's name
	Err    error  // the panic or the broken rule
}

// Error names the policy and the fault.
func (e *FaultError) Error() string { return "policy " + e.Policy + ": " + e.Err.Error() }

// Unwrap returns the fault.
func (e *FaultError) Unwrap() error { return e.Err }

// PlanChecked asks pol for a plan of p and checks it with Check, so that a plug-in's mistake
// cannot pass as a plan or crash the caller: a panic in Plan or a plan that Check rejects is
// returned as a *FaultError; the policy's own error (no feasible plan) is returned as it is.
func PlanChecked(pol Policy, p Problem) (pl Plan, err error) {
	defer func() {
		if r := recover(); r != nil {
			pl, err = Plan{}, &FaultError{Policy: pol.Name(), Err: fmt.Errorf("Plan panicked: %v", r)}
		}
	}()
	pl, err = pol.Plan(p)
	if err != nil {
		return Plan{}, err
	}
	if err := Check(p, pl); err != nil {
		return Plan{}, &FaultError{Policy: pol.Name(), Err: fmt.Errorf("its plan breaks the problem's rules: %w", err)}
	}
	return pl, nil
}

// BindingOf returns the constraint that binds learner k in pl, or "" if the policy did not
// say (Diagnostics are optional for plug-ins).
func (pl Plan) BindingOf(k int) string {
	if k < 0 || k >= len(pl.Diag.Binding) {
		return ""
	}
	return pl.Diag.Binding[k].String()
}
