package policy

import (
	"cmp"
	"slices"
	"strconv"
)

// HUSync is the heterogeneity-unaware synchronous policy of the paper: every
// learner gets d/K samples (the remainder one each to the lowest indices)
// and every learner does tau = the smallest of the learners' own maxima.
type HUSync struct {
	// AllowExclusion lets the policy exclude the learners that cannot do one
	// update on their d/K share (and re-split d among the rest) instead of
	// failing with an *InfeasibleError that names them.
	AllowExclusion bool
}

// HUAsync is the heterogeneity-unaware asynchronous policy of the paper:
// d/K samples each and tau_k = min(own maximum, min_l tau_l + c), where the
// own maximum is the most updates learner k can do on its share.
type HUAsync struct {
	// AllowExclusion: as for HUSync.
	AllowExclusion bool
}

var (
	_ Policy = HUSync{}
	_ Policy = HUAsync{}
)

// Name returns "hu-sync".
func (HUSync) Name() string { return "hu-sync" }

// Name returns "hu-async".
func (HUAsync) Name() string { return "hu-async" }

// Plan returns the equal-split synchronous plan for p. It costs
// O(K·log MaxTau) per exclusion round.
func (s HUSync) Plan(p Problem) (Plan, error) {
	return huPlan(p, s.Name(), s.AllowExclusion, false)
}

// Plan returns the equal-split asynchronous plan for p, with the staleness
// cap p.C. It costs O(K·log MaxTau) per exclusion round.
func (s HUAsync) Plan(p Problem) (Plan, error) {
	return huPlan(p, s.Name(), s.AllowExclusion, true)
}

func huPlan(p Problem, name string, allowExclusion, async bool) (Plan, error) {
	if err := p.Validate(); err != nil {
		return Plan{}, err
	}
	n := len(p.Learners)
	active := make([]bool, n)
	for k := range active {
		active[k] = true
	}
	tau, d := make([]int, n), make([]int, n)
	var short []Shortfall
	var diag Diagnostics
	// Excluding a learner raises everyone else's share, so repeat until every
	// remaining learner can do one update; each round removes at least one.
	for left := n; ; {
		diag.Iterations++
		if !equalShares(p, active, d) {
			sortShortfalls(short)
			return Plan{}, &InfeasibleError{Policy: name, T: p.T, Learners: short, D: p.D, Excluded: len(short) > 0,
				Short: true, Capacity: dataTotal(p, active)}
		}
		var failed []Shortfall
		for k := range n {
			if !active[k] {
				continue
			}
			if d[k] < p.minSamples() {
				failed = append(failed, p.shortfall(k, p.minSamples()))
				continue
			}
			tau[k] = p.maxTau(k, d[k])
			if tau[k] == 0 {
				failed = append(failed, p.shortfall(k, d[k]))
			}
		}
		if len(failed) == 0 {
			break
		}
		short = append(short, failed...)
		if !allowExclusion {
			return Plan{}, &InfeasibleError{Policy: name, T: p.T, Learners: short, D: p.D}
		}
		for _, s := range failed {
			active[s.Learner], tau[s.Learner], d[s.Learner] = false, 0, 0
		}
		if left -= len(failed); left == 0 {
			sortShortfalls(short)
			return Plan{}, &InfeasibleError{Policy: name, T: p.T, Learners: short, D: p.D, Excluded: true}
		}
	}
	lo := MaxTau
	for k := range n {
		if active[k] {
			lo = min(lo, tau[k])
		}
	}
	for k := range n {
		if !active[k] {
			continue
		}
		if async {
			tau[k] = min(tau[k], lo+p.C)
		} else {
			tau[k] = lo
		}
	}
	if len(short) > 0 {
		sortShortfalls(short)
		ids := make([]string, len(short))
		for i, s := range short {
			ids[i] = strconv.Itoa(s.Learner)
		}
		diag.Notes = append(diag.Notes, learnerList(ids)+" cannot do one update on an equal share of d: excluded")
	}
	return newPlan(p, name, tau, d, diag)
}

// equalShares splits p.D among the active learners as equally as possible, none above its
// own data (MaxD): learners with less data than an equal share take all of theirs, and the
// others share the rest equally, the remainder going one sample each to the lowest indices.
// It reports false when the active learners own fewer than p.D samples.
func equalShares(p Problem, active []bool, d []int) bool {
	var order []int
	for k, a := range active {
		if a {
			order = append(order, k)
		}
	}
	// Learners with a data limit, smallest first; those without keep index order at the end.
	slices.SortStableFunc(order, func(a, b int) int {
		ma, mb := p.Learners[a].MaxD, p.Learners[b].MaxD
		switch {
		case ma == 0 && mb == 0:
			return 0
		case ma == 0:
			return 1
		case mb == 0:
			return -1
		}
		return cmp.Compare(ma, mb)
	})
	left := p.D
	i := 0
	for ; i < len(order); i++ {
		k := order[i]
		m := p.Learners[k].MaxD
		if m == 0 || m*(len(order)-i) >= left {
			break
		}
		d[k] = m
		left -= m
	}
	rest := order[i:]
	if len(rest) == 0 {
		return left == 0
	}
	slices.Sort(rest)
	share, extra := left/len(rest), left%len(rest)
	for _, k := range rest {
		d[k] = share
		if extra > 0 {
			d[k]++
			extra--
		}
		if m := p.Learners[k].MaxD; m > 0 && d[k] > m {
			return false
		}
	}
	return true
}

// dataTotal returns the samples the active learners own, or −1 if one has no limit.
func dataTotal(p Problem, active []bool) int {
	t := 0
	for k, a := range active {
		if a {
			if p.Learners[k].MaxD == 0 {
				return -1
			}
			t += p.Learners[k].MaxD
		}
	}
	return t
}

func sortShortfalls(s []Shortfall) {
	slices.SortFunc(s, func(a, b Shortfall) int { return cmp.Compare(a.Learner, b.Learner) })
}
