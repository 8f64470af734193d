// Package guard is an example of a reactive task-allocation policy written outside mel-des:
// it plans each cycle as ha-async-sai does, and acts while the cycle runs through the two
// optional interfaces of package policy:
//
//   - policy.IterationObserver: after each local iteration, a learner goes on only if one
//     more iteration and its upload at the current rate still leave reserve_s seconds
//     before the deadline;
//   - policy.Reviser: when a learner's link comes back after an outage, the work of that
//     learner is cut to what still fits before the deadline, so that it does not compute
//     iterations it could never deliver.
//
// It declares its parameters with policy.RegisterWithParams, so `mel-des list` shows them
// and the scenario's [policy] keys are checked against them.
package guard

import (
	"math"

	"github.com/mel-des/mel-des/param"
	"github.com/mel-des/mel-des/policy"
)

// Name is the name the policy is registered under.
const Name = "deadline-guard"

func init() {
	policy.RegisterWithParams(Name, "example plug-in: ha-async-sai's plan, a learner stops when its upload would miss the deadline, and work is cut when a link comes back late",
		[]param.Spec{
			{Key: "allow_exclusion", Kind: param.Bool, Default: false,
				Doc: "exclude learners that cannot do one update instead of failing the cycle (passed to the SAI plan)"},
			{Key: "reserve_s", Kind: param.Float, Unit: "s", Range: param.Closed(0, 1e6), Default: 0.1,
				Doc: "seconds kept in hand before the deadline"},
		},
		func(v param.Values) (policy.Policy, error) {
			return Policy{SAI: policy.SAI{AllowExclusion: v.Bool("allow_exclusion")}, Reserve: v.Float("reserve_s")}, nil
		})
}

// Policy is the deadline guard.
type Policy struct {
	policy.SAI         // the plan at the cycle's start
	Reserve    float64 // seconds kept in hand before the deadline
}

var (
	_ policy.IterationObserver = Policy{}
	_ policy.Reviser           = Policy{}
)

// Name implements policy.Policy.
func (Policy) Name() string { return Name }

// fits returns how many more iterations after the one in progress (if any) fit before the
// deadline, keeping the upload and the reserve.
func (p Policy) fits(o policy.Observation) int {
	left := o.Remaining() - o.UploadTime - p.Reserve
	if o.Busy {
		left -= o.IterTime // the iteration in progress completes first
	}
	if left <= 0 || o.IterTime <= 0 {
		return 0
	}
	return int(math.Floor(left / o.IterTime))
}

// AfterIteration implements policy.IterationObserver: go on while one more iteration fits.
func (p Policy) AfterIteration(o policy.Observation) bool { return p.fits(o) >= 1 }

// Revise implements policy.Reviser: when a learner's link comes back, cut its work to what
// still fits; everyone else keeps theirs. Lowering is always allowed; this policy never
// raises, so the staleness window and the energy cap cannot be broken.
func (p Policy) Revise(c policy.Change, computing []policy.Observation) []int {
	if c.Kind != policy.LinkUp {
		return nil
	}
	taus := make([]int, len(computing))
	for i, o := range computing {
		taus[i] = o.Tau
		if o.Learner != c.Learner {
			continue
		}
		done := o.Done
		if o.Busy {
			done++
		}
		taus[i] = min(o.Tau, max(1, done+p.fits(o)))
	}
	return taus
}
