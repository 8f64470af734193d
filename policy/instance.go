package policy

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// instance is a validated problem prepared for the heterogeneity-aware
// solvers: the learners that take part and how far each can go.
type instance struct {
	p    Problem
	name string // the policy's name, for errors
	dmin int    // max(d_l, 1)
	in   []int  // learners that take part, in increasing order
	tmax []int  // per learner (all K): largest tau at which it can still take dmin samples
	excl []int  // learners excluded because they cannot do one update on dmin samples
}

// prepare validates p and finds the learners that can do at least one update
// on max(d_l, 1) samples. The others are excluded when allowExclusion is set
// and reported in an *InfeasibleError otherwise; it is also an
// *InfeasibleError when the learners that take part cannot hold d samples
// even at one update.
func prepare(p Problem, name string, allowExclusion bool) (*instance, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	in := &instance{p: p, name: name, dmin: p.minSamples(), tmax: make([]int, len(p.Learners))}
	var short []Shortfall
	for k := range p.Learners {
		in.tmax[k] = p.maxTau(k, in.dmin)
		if in.tmax[k] == 0 {
			short = append(short, p.shortfall(k, in.dmin))
			in.excl = append(in.excl, k)
		} else {
			in.in = append(in.in, k)
		}
	}
	ie := &InfeasibleError{Policy: name, T: p.T, Learners: short, D: p.D, Excluded: allowExclusion && len(short) > 0}
	if len(short) > 0 && !allowExclusion {
		return nil, ie
	}
	if total := in.totalCapacity(1); total < p.D {
		ie.Short, ie.Capacity = true, total
		return nil, ie
	}
	return in, nil
}

// totalCapacity returns Σ floor(D_k(tau)) over the learners that take part.
func (in *instance) totalCapacity(tau int) int {
	total := 0
	for _, k := range in.in {
		total += in.p.capacity(k, tau)
	}
	return total
}

// minTmax returns the largest tau every learner that takes part can reach.
func (in *instance) minTmax() int {
	m := MaxTau
	for _, k := range in.in {
		m = min(m, in.tmax[k])
	}
	return m
}

// relaxedTau returns the relaxed synchronous optimum tau* of problem (17):
// the largest real tau at which every learner can hold d_l samples and
// together they hold d, with real-valued capacities D_k(tau). It bisects
// for 64 steps at most and counts them in *iters.
func (in *instance) relaxedTau(iters *int) float64 {
	p := in.p
	fd, dmin := float64(p.D), float64(in.dmin)
	total := func(tau float64) float64 {
		s := 0.0
		for _, k := range in.in {
			bt, be := p.bounds(k, tau)
			s += math.Min(math.Min(math.Min(bt, be), p.dataLimit(k)), fd)
		}
		return s
	}
	// The largest tau at which each learner still holds dmin, from the
	// closed form of D_k(tau) = dmin.
	hi := float64(MaxTau)
	for _, k := range in.in {
		hi = math.Min(hi, p.tauBound(k, dmin))
	}
	lo := 1.0 // feasible: prepare checked the floored capacities at tau = 1
	if !(hi > lo) {
		return lo
	}
	if total(hi) >= fd {
		return hi
	}
	for i := 0; i < 64 && hi-lo > 1e-12*hi; i++ {
		mid := lo + (hi-lo)/2
		if total(mid) >= fd {
			lo = mid
		} else {
			hi = mid
		}
		*iters++
	}
	return lo
}

// syncTau returns the integer synchronous optimum: the largest tau at which
// every learner that takes part holds dmin samples and their floored
// capacities cover d. guess (usually floor(tau*)) is tried first.
func (in *instance) syncTau(guess int) int {
	hi := in.minTmax()
	ok := func(tau int) bool { return tau <= 1 || in.totalCapacity(tau) >= in.p.D }
	if guess >= 1 && guess <= hi && ok(guess) && (guess == hi || !ok(guess+1)) {
		return guess
	}
	return lastTrue(1, hi, ok)
}

// caps returns the capacity of every learner at its tau (0 when excluded).
func (in *instance) caps(tau []int) []int {
	c := make([]int, len(tau))
	for k, t := range tau {
		if t > 0 {
			c[k] = in.p.capacity(k, t)
		}
	}
	return c
}

// distribute splits d samples among learners with capacities caps (0 =
// excluded) so that every included learner gets at least dmin and at most its
// capacity. Above dmin, samples go in proportion to each learner's spare
// capacity caps[k] − dmin, so all learners keep the same fraction of slack;
// rounding leftovers go to the largest remainders, ties to the lower index.
// It requires Σ caps ≥ d ≥ (number included)·dmin and caps[k] ≥ dmin.
func distribute(caps []int, d, dmin int) []int {
	out := make([]int, len(caps))
	n, spare := 0, uint64(0)
	for _, c := range caps {
		if c > 0 {
			n++
			spare += uint64(c - dmin)
		}
	}
	extra := uint64(d - n*dmin)
	type rem struct {
		k int
		r uint64
	}
	var rems []rem
	left := extra
	for k, c := range caps {
		if c == 0 {
			continue
		}
		out[k] = dmin
		if spare == 0 {
			continue
		}
		// extra·(c−dmin)/spare in 128 bits: both factors are ≤ spare < 2^64.
		h, l := bits.Mul64(extra, uint64(c-dmin))
		q, r := bits.Div64(h, l, spare)
		out[k] += int(q)
		left -= q
		if r > 0 {
			rems = append(rems, rem{k, r})
		}
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return cmp.Compare(b.r, a.r) })
	for i := 0; left > 0 && i < len(rems); i++ {
		out[rems[i].k]++
		left--
	}
	return out
}
