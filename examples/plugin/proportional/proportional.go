// Package proportional is an example of a task-allocation policy written outside mel-des and
// plugged in through the policy registry. It hands out samples in proportion to each
// learner's compute speed and gives every learner the same number of local updates, the
// largest that all of them can afford: a heterogeneity-aware rule of thumb that needs no
// optimisation, to compare against the paper's policies.
package proportional

import (
	"fmt"
	"math"

	"github.com/mel-des/mel-des/policy"
)

// Name is the name the policy is registered under.
const Name = "proportional-sync"

func init() {
	policy.Register(Name, "example plug-in: samples in proportion to CPU speed, one common tau", New)
}

// Policy is the proportional synchronous policy.
type Policy struct{}

var _ policy.Policy = Policy{}

// New builds the policy. Its only parameter is the one every built-in policy takes,
// allow_exclusion, which it accepts only as false: it never leaves a learner out.
func New(params policy.Params) (policy.Policy, error) {
	for k, v := range params {
		if k == "allow_exclusion" {
			if b, ok := v.(bool); ok && !b {
				continue
			}
			return nil, fmt.Errorf("proportional: allow_exclusion: this policy never excludes a learner; want false")
		}
		return nil, fmt.Errorf("proportional: unknown parameter %q (this policy takes allow_exclusion = false only)", k)
	}
	return Policy{}, nil
}

// Name implements policy.Policy.
func (Policy) Name() string { return Name }

// Plan implements policy.Policy: d_k ∝ 1/C2_k (that is, ∝ CPU frequency), then the largest
// common tau that every learner meets with its share. It fails if a learner cannot do one
// update on its share.
func (Policy) Plan(p policy.Problem) (policy.Plan, error) {
	if err := p.Validate(); err != nil {
		return policy.Plan{}, err
	}
	K := len(p.Learners)
	speed := make([]float64, K)
	var total float64
	for k, l := range p.Learners {
		speed[k] = 1 / l.C2
		total += speed[k]
	}
	// Floor the proportional shares, respect d_l, and give the remainder to the fastest first.
	d := make([]int, K)
	left := p.D
	for k := range d {
		d[k] = max(p.DL, 1, int(float64(p.D)*speed[k]/total))
		left -= d[k]
	}
	for k := 0; left != 0; k = (k + 1) % K {
		if left > 0 {
			d[k]++
			left--
		} else if d[k] > max(p.DL, 1) {
			d[k]--
			left++
		}
	}
	// The largest tau each learner affords with its share: both constraints are linear in tau.
	tau := math.MaxInt
	for k, l := range p.Learners {
		fd := float64(d[k])
		byTime := (p.T - l.C1*fd - l.C0) / (l.C2 * fd)
		byEnergy := math.Inf(1)
		if l.G2 > 0 {
			byEnergy = (l.E - l.G1*fd - l.G0) / (l.G2 * fd)
		}
		own := int(math.Floor(math.Min(byTime, byEnergy)))
		if own < 1 {
			return policy.Plan{}, fmt.Errorf("proportional: learner %d cannot do one update on its %d samples", k, d[k])
		}
		tau = min(tau, own)
	}
	taus := make([]int, K)
	for k := range taus {
		taus[k] = tau
	}
	return policy.Plan{Tau: taus, D: d, Objective: float64(tau)}, nil
}
