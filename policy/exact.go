package policy

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Exact is the exact optimum of the asynchronous problem (16), beyond the
// paper. The learners are coupled only through Σ d_k = d and the staleness
// window, so for a fixed window start m each learner picks
// tau_k = m + j_k, j_k ∈ [0, c], with capacity floor(D_k(tau_k)), and a
// dynamic programme over the extra updates e = Σ j_k finds the largest total
// capacity for every e; the best window is the largest K·m + e whose
// capacity covers d.
//
// Only windows m ∈ [m* − c, m*] can win, m* being the integer synchronous
// optimum: no window above m* can hold d, and one at or below m* − c reaches
// at most K·m*, which m* itself does. Each window is first bounded by a
// greedy on the upper concave hull of every learner's capacity curve (the
// LP relaxation); the programme runs only on windows whose bounds leave a
// gap that could beat the best plan found so far, and only over the choices
// that the Lagrangian bound at the LP's price of capacity leaves open
// (learners left with one choice are fixed). A programme costs O(K²·c²)
// time and O(K·c) memory: the plan is recovered by Hirschberg's divide and
// conquer instead of a K × K·c table of choices.
//
// Ties go to the highest window start, then to the largest total capacity.
// A problem whose programmes would exceed ExactMaxWork cell updates is
// refused with an error wrapping ErrTooLarge.
type Exact struct {
	// AllowExclusion: as for HASync.
	AllowExclusion bool
}

// ExactMaxWork bounds the dynamic-programming cell updates Exact spends on
// one problem, about 10 s on the machines this project runs on.
const ExactMaxWork = 10_000_000_000

var _ Policy = Exact{}

// Name returns "ha-async-exact".
func (Exact) Name() string { return "ha-async-exact" }

// Plan returns an optimal plan for p. Diag.RelaxedTau is the relaxed
// synchronous optimum tau*; Diag.Iterations counts the dynamic programmes.
func (s Exact) Plan(p Problem) (Plan, error) {
	in, err := prepare(p, s.Name(), s.AllowExclusion)
	if err != nil {
		return Plan{}, err
	}
	var diag Diagnostics
	tau := in.syncPlan(&diag)
	diag.Iterations = 0
	ms := tau[in.in[0]]
	// No two learners' tau can differ by more than the largest tmax − 1.
	c := 0
	for _, k := range in.in {
		c = max(c, in.tmax[k]-1)
	}
	c = min(c, p.C)
	if c == 0 {
		return in.finish(tau, diag)
	}
	x, err := newExactSearch(in, ms, c)
	if err != nil {
		return Plan{}, err
	}
	m, j, err := x.solve(&diag.Iterations)
	if err != nil {
		return Plan{}, err
	}
	for i, k := range in.in {
		tau[k] = m + j[i]
	}
	return in.finish(tau, diag)
}

// exactSearch holds the capacities of the included learners at every tau a
// window can reach.
type exactSearch struct {
	in    *instance
	lo    int     // lowest window start considered
	width int     // taus per learner in caps: lo .. lo+width−1
	caps  []int   // caps[i*width+t−lo]: capacity of included learner i at tau t; −1 past its tmax
	c     int     // staleness cap, at most the useful one
	work  int     // dynamic-programming cell updates so far
	rows  [][]int // per learner, for the window being solved: capacities at m .. m+j_max
}

func newExactSearch(in *instance, ms, c int) (*exactSearch, error) {
	lo := max(1, ms-c)
	x := &exactSearch{in: in, lo: lo, width: ms + c - lo + 1, c: c}
	n := len(in.in)
	// The capacity table and the hulls of every window.
	if n*x.width > 1<<24 || float64(n)*float64(x.width)*float64(c+1) > ExactMaxWork {
		return nil, x.tooLarge()
	}
	x.caps = make([]int, n*x.width)
	for i, k := range in.in {
		for t := lo; t < lo+x.width; t++ {
			v := -1
			if t <= in.tmax[k] {
				v = in.p.capacity(k, t)
			}
			x.caps[i*x.width+t-lo] = v
		}
	}
	return x, nil
}

func (x *exactSearch) tooLarge() error {
	return fmt.Errorf("%w: %s: %d learners with a staleness window of %d need more than ExactMaxWork = %.0e programme steps",
		ErrTooLarge, x.in.name, len(x.in.in), x.c, float64(ExactMaxWork))
}

// setWindow fills x.rows for window start m. A learner's row stops at its
// tmax, at m + c, and where its capacity loss alone would exceed the slack
// Σ cap(m) − d; it returns that slack.
func (x *exactSearch) setWindow(m int) int {
	n := len(x.in.in)
	x.rows = x.rows[:0]
	slack := -x.in.p.D
	for i := range n {
		slack += x.caps[i*x.width+m-x.lo]
	}
	for i := range n {
		row := x.caps[i*x.width+m-x.lo : i*x.width+m-x.lo+x.c+1]
		j := 1
		for j < len(row) && row[j] >= 0 && row[0]-row[j] <= slack {
			j++
		}
		x.rows = append(x.rows, row[:j])
	}
	return slack
}

// segment is one edge of a learner's upper concave capacity hull: taking
// len more updates costs drop samples of capacity.
type segment struct {
	learner, from, len, drop int
}

// bound returns, for the current window, a feasible extra lb (with its
// choices j) and an upper bound ub on the best extra, from the greedy on
// the learners' upper concave hulls: the hulls' slopes give the LP
// relaxation, whose integer vertices are real plans. brk is the segment the
// LP optimum takes only a fraction of (len 0 if none): its slope is the LP's
// price of capacity.
func (x *exactSearch) bound(slack int) (lb, ub int, j []int, brk segment) {
	var segs []segment
	var hull []int
	for i, row := range x.rows {
		hull = hull[:0]
		for t := range row {
			// Pop the last vertex while it lies on or below the chord.
			for len(hull) >= 2 {
				a, b := hull[len(hull)-2], hull[len(hull)-1]
				if (b-a)*(row[t]-row[a])-(row[b]-row[a])*(t-a) < 0 {
					break
				}
				hull = hull[:len(hull)-1]
			}
			hull = append(hull, t)
		}
		for h := 1; h < len(hull); h++ {
			segs = append(segs, segment{i, hull[h-1], hull[h] - hull[h-1], row[hull[h-1]] - row[hull[h]]})
		}
	}
	// Cheapest capacity per update first, exactly: a.drop/a.len vs b.drop/b.len.
	slices.SortStableFunc(segs, func(a, b segment) int {
		if c := cmp.Compare(a.drop*b.len, b.drop*a.len); c != 0 {
			return c
		}
		return cmp.Compare(a.learner, b.learner)
	})
	j = make([]int, len(x.rows))
	blocked := make([]bool, len(x.rows))
	ub = -1
	for _, s := range segs {
		if blocked[s.learner] || j[s.learner] != s.from {
			continue
		}
		if s.drop <= slack {
			slack -= s.drop
			lb += s.len
			j[s.learner] += s.len
			continue
		}
		if ub < 0 { // the LP optimum takes a fraction of this segment and stops
			ub, brk = lb+slack*s.len/s.drop, s
		}
		blocked[s.learner] = true
	}
	if ub < 0 {
		ub = lb
	}
	return lb, ub, j, brk
}

// reduce narrows every learner's choices for the current window to those
// that can still lead to an extra of at least need, by the Lagrangian bound
// at the LP's price λ = brk.len/brk.drop updates per sample: any plan with
// learner i at j has
// Σ j ≤ λ·slack + (j − λ·loss_i(j)) + Σ_{l≠i} max_j' (j' − λ·loss_l(j')),
// loss being the capacity given up. Each learner keeps the range of j
// between its lowest and highest surviving choice; the learners left with
// one choice are fixed. It returns the offsets (the lowest choice per
// learner), the rows of the others (core, indices in idx, shifted by the
// offsets), the fixed learners' capacity, and false if some learner has no
// choice left, when no plan reaches need.
func (x *exactSearch) reduce(slack int, brk segment, need int) (off []int, core [][]int, idx []int, fixedCap int, ok bool) {
	lambda := float64(brk.len) / float64(brk.drop)
	value := func(row []int, j int) float64 { return float64(j) - lambda*float64(row[0]-row[j]) }
	best := make([]float64, len(x.rows))
	total := lambda * float64(slack)
	for i, row := range x.rows {
		best[i] = math.Inf(-1)
		for j := range row {
			best[i] = math.Max(best[i], value(row, j))
		}
		total += best[i]
	}
	// A margin far above rounding keeps the test from excluding a choice
	// that reaches need exactly.
	floor := float64(need) - 1e-6*math.Max(1, math.Abs(total))
	off = make([]int, len(x.rows))
	for i, row := range x.rows {
		lo, hi := -1, -1
		for j := range row {
			if total-best[i]+value(row, j) >= floor {
				if lo < 0 {
					lo = j
				}
				hi = j
			}
		}
		switch {
		case lo < 0:
			return nil, nil, nil, 0, false
		case lo == hi:
			fixedCap += row[lo]
		default:
			core, idx = append(core, row[lo:hi+1]), append(idx, i)
		}
		off[i] = lo
	}
	return off, core, idx, fixedCap, true
}

// solve returns the best window start and the extra updates per included
// learner, counting dynamic programmes in *iters.
func (x *exactSearch) solve(iters *int) (int, []int, error) {
	n := len(x.in.in)
	type window struct{ m, lb, ub int }
	var ws []window
	best := window{m: -1}
	var bestJ []int
	for m := x.lo; m <= x.lo+x.width-1-x.c; m++ {
		slack := x.setWindow(m)
		lb, ub, j, _ := x.bound(slack)
		w := window{m, n*m + lb, n*m + ub}
		ws = append(ws, w)
		if w.lb > best.lb || (w.lb == best.lb && w.m > best.m) {
			best, bestJ = w, j
		}
	}
	slices.SortFunc(ws, func(a, b window) int {
		return cmp.Or(cmp.Compare(b.ub, a.ub), cmp.Compare(b.m, a.m))
	})
	for _, w := range ws {
		if w.ub < best.lb || (w.ub == best.lb && w.m <= best.m) || w.lb == w.ub {
			continue
		}
		// The extra this window needs to beat the best: more, or as much
		// from a higher window start.
		need := best.lb - n*w.m
		if w.m <= best.m {
			need++
		}
		slack := x.setWindow(w.m)
		_, _, _, brk := x.bound(slack)
		off, core, idx, fixedCap, ok := x.reduce(slack, brk, need)
		if !ok {
			continue
		}
		base := 0
		for _, o := range off {
			base += o
		}
		limit := w.ub - n*w.m - base
		if limit < 0 {
			continue
		}
		if err := x.charge(core, limit); err != nil {
			return 0, nil, err
		}
		*iters++
		dp := x.forward(core, limit)
		e := len(dp) - 1
		for e >= 0 && dp[e]+fixedCap < x.in.p.D {
			e--
		}
		if v := n*w.m + base + e; e >= 0 && (v > best.lb || (v == best.lb && w.m > best.m)) {
			best = window{w.m, v, v}
			bestJ = off
			sub := make([]int, len(core))
			x.assign(core, e, sub)
			for c, i := range idx {
				bestJ[i] += sub[c]
			}
		}
	}
	return best.m, bestJ, nil
}

// charge adds the cost of one programme over rows, limited to extra ≤
// limit, to the work count, or fails when it would pass ExactMaxWork.
func (x *exactSearch) charge(rows [][]int, limit int) error {
	w, reach := 0.0, 0
	for _, row := range rows {
		reach = min(reach+len(row)-1, limit)
		w += float64(reach+1) * float64(len(row))
	}
	// Recovering the plan costs about twice one programme.
	if float64(x.work)+3*w > ExactMaxWork {
		return x.tooLarge()
	}
	x.work += int(w)
	return nil
}

// forward runs the programme over rows: out[e] is the largest total
// capacity with Σ j = e, for e ≤ limit. It is non-increasing in e.
func (x *exactSearch) forward(rows [][]int, limit int) []int {
	dp := make([]int, 1, limit+1)
	next := make([]int, 0, limit+1)
	for _, row := range rows {
		size := min(len(dp)+len(row)-1, limit+1)
		next = next[:size]
		for e := range size {
			best := math.MinInt
			for j := max(0, e-len(dp)+1); j <= min(len(row)-1, e); j++ {
				best = max(best, dp[e-j]+row[j])
			}
			next[e] = best
		}
		dp, next = next, dp
	}
	return dp
}

// assign sets j[i] for the learners of rows so that Σ j = target with the
// largest total capacity, by Hirschberg's divide and conquer: split the
// learners in halves, run the programme on each, pick the split of target
// that maximises the sum, and recurse.
func (x *exactSearch) assign(rows [][]int, target int, j []int) {
	if len(rows) == 1 {
		j[0] = target
		return
	}
	mid := len(rows) / 2
	left, right := x.forward(rows[:mid], target), x.forward(rows[mid:], target)
	split, best := -1, math.MinInt
	for e := max(0, target-len(right)+1); e <= min(target, len(left)-1); e++ {
		if v := left[e] + right[target-e]; v > best {
			split, best = e, v
		}
	}
	x.assign(rows[:mid], split, j[:mid])
	x.assign(rows[mid:], target-split, j[mid:])
}
