package policy

import (
	"cmp"
	"container/heap"
	"math"
	"slices"
)

// DefaultMaxSteps is the number of capacity evaluations SAI's local search
// makes at most when SAI.MaxSteps is 0. Every move keeps the plan feasible,
// so stopping early only costs optimality.
const DefaultMaxSteps = 10_000_000

// SAI is the paper's heterogeneity-aware asynchronous policy, HA-Async by
// suggest and improve (Park & Boyd's SAI, paper section 4).
//
// Suggest: the relaxed synchronous optimum tau* of problem (17), found by
// bisection on Σ D_k(tau) ≥ d. The paper takes this point from the closed
// form (27), x̂ = −¼·F2(Γ)⁻¹·f1(Γ) with the dual multipliers Γ of the SDP
// (19). That form is not used here: by (22)-(24), F2(Γ) = Σ λ_k P_k + γ_k Q_k
// is an arrowhead matrix whose only non-zeros are the first row and column
// (0.5·(λ_k C2_k + γ_k G2_k) at (1, k+1) and (k+1, 1)) and whose diagonal is
// zero. Such a matrix has rank at most 2, so it is singular for K ≥ 2 and
// (27) is undefined. The relaxed optimum is cheap to compute directly, so
// the suggestion is taken from it instead.
//
// Improve: a local search on problem (16) from the suggested point, in the
// paper's coordinate-descent spirit. It works on integer tau directly (the
// paper floors at the end, which loses up to one update per learner). The
// sample split is implicit: any tau vector whose floored capacities cover d
// admits a split, so the samples a rising learner gives up can always be
// shifted to learners with spare capacity while the total slack
// Σ floor(D_k(tau_k)) − d stays non-negative; every move keeps Σ d_k = d.
//
//   - Phase 1 reduces the violation d − Σ floor(D_k(tau_k)) of the floored
//     suggestion: it starts at floor(tau*), drops to one above the integer
//     synchronous optimum if need be, and lowers one learner at a time,
//     the one that frees the most capacity first, until the violation is
//     gone.
//   - Phase 2 improves the objective: it raises tau_k inside the staleness
//     window [min tau, min tau + c] while the slack allows, each time the
//     raise that loses the least capacity per update gained. A raise may
//     lift a learner by several updates: capacity curves are convex in tau,
//     so a learner's first extra update costs the most and single steps
//     would undervalue sending it to the window's top. The same greedy is
//     then restarted from every learner at a lower window bottom
//     m ∈ [ms − c, ms] (ms: the bottom phase 1 left), a large move that lets
//     the learners holding the most samples stay low while the others rise;
//     the best result is kept, ties going to the higher bottom.
//
// Repair: d is split within the floored capacities (see HASync). The plan
// is never worse than HA-Sync's. Over 1,000 random paper-like instances its
// objective matches Exact's (see TestSAIGap).
type SAI struct {
	// AllowExclusion: as for HASync.
	AllowExclusion bool
	// MaxSteps bounds the capacity evaluations of the local search; 0
	// means DefaultMaxSteps.
	MaxSteps int
}

var _ Policy = SAI{}

// Name returns "ha-async-sai".
func (SAI) Name() string { return "ha-async-sai" }

// Plan returns the suggest-and-improve plan for p. Diag.RelaxedTau is tau*
// and Diag.Iterations counts local-search moves. Phase 2 makes c + 2 greedy
// passes of O(K·c·(c + log K)) time each.
func (s SAI) Plan(p Problem) (Plan, error) { return s.plan(p, s.Name()) }

// plan is SAI's plan, with errors naming the policy name (SAI's, or a policy built on it).
func (s SAI) plan(p Problem, name string) (Plan, error) {
	in, err := prepare(p, name, s.AllowExclusion)
	if err != nil {
		return Plan{}, err
	}
	var diag Diagnostics
	ms := in.suggest(&diag)
	ls := &localSearch{in: in, c: min(p.C, MaxTau), budget: s.MaxSteps}
	if ls.budget == 0 {
		ls.budget = DefaultMaxSteps
	}
	start := min(in.minTmax(), max(1, int(math.Floor(diag.RelaxedTau))))
	ls.reduceViolation(start, ms)
	ls.improve()
	diag.Iterations = ls.moves
	tau := make([]int, len(p.Learners))
	for i, k := range in.in {
		tau[k] = ls.tau[i]
	}
	return in.finish(tau, diag)
}

// localSearch is SAI's state over the included learners (index i into in.in).
type localSearch struct {
	in     *instance
	c      int
	tau    []int
	cap    []int // floor(D_k(tau_i))
	slack  int   // Σ cap − d
	moves  int   // raises and lowerings made
	steps  int   // capacity evaluations, bounded by budget
	budget int
}

func (ls *localSearch) capAt(i, tau int) int { return ls.in.p.capacity(ls.in.in[i], tau) }

// setAll puts every learner at tau and recomputes capacities and slack.
func (ls *localSearch) setAll(tau int) {
	n := len(ls.in.in)
	ls.tau, ls.cap = make([]int, n), make([]int, n)
	ls.slack = -ls.in.p.D
	for i := range n {
		ls.tau[i], ls.cap[i] = tau, ls.capAt(i, tau)
		ls.slack += ls.cap[i]
	}
	ls.steps += n
}

// reduceViolation is phase 1: from every learner at start, reach a
// non-negative slack with as few lowered learners as it can. ms ≤ start is
// the integer synchronous optimum.
func (ls *localSearch) reduceViolation(start, ms int) {
	ls.setAll(start)
	if ls.slack >= 0 {
		return
	}
	// Uniform levels above ms are infeasible by definition, so the search
	// may jump to ms + 1.
	if ms+1 < start {
		ls.setAll(ms + 1)
	}
	if ls.c == 0 { // lowering one learner alone would break the window
		ls.setAll(ms)
		return
	}
	n := len(ls.tau)
	gain := make([]int, n)
	order := make([]int, n)
	for i := range n {
		gain[i], order[i] = ls.capAt(i, ms)-ls.cap[i], i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(gain[b], gain[a]) })
	for _, i := range order {
		if ls.slack >= 0 {
			break
		}
		ls.tau[i], ls.cap[i] = ms, ls.cap[i]+gain[i]
		ls.slack += gain[i]
		ls.moves++
	}
}

// improve is phase 2 from the state phase 1 left, at window bottom ms:
// greedy raises from there, then from every learner at m for
// m = ms, ms − 1, ..., ms − c. It leaves the best tau found in ls.tau (and
// ls.cap, ls.slack describing the last pass, no longer used).
func (ls *localSearch) improve() {
	ms := slices.Min(ls.tau)
	ls.raise()
	best, bestTau := ls.sum(), slices.Clone(ls.tau)
	for m := ms; m >= max(1, ms-ls.c) && ls.steps < ls.budget; m-- {
		ls.setAll(m)
		ls.raise()
		if s := ls.sum(); s > best {
			best, bestTau = s, slices.Clone(ls.tau)
		}
	}
	ls.tau = bestTau
}

func (ls *localSearch) sum() int {
	s := 0
	for _, t := range ls.tau {
		s += t
	}
	return s
}

// raise makes raises inside the window while the slack allows, choosing
// each time the affordable raise with the least capacity lost per update
// gained.
func (ls *localSearch) raise() {
	n := len(ls.tau)
	lo := slices.Min(ls.tau)
	count := map[int]int{} // learners per tau level
	h := &raiseHeap{}
	// offer pushes learner i's best affordable raise, if any.
	offer := func(i int) {
		top := min(ls.in.tmax[ls.in.in[i]], lo+ls.c)
		best := raiseMove{i: i}
		for t := ls.tau[i] + 1; t <= top && ls.steps < ls.budget; t++ {
			ls.steps++
			cost := ls.cap[i] - ls.capAt(i, t)
			if cost > ls.slack {
				break
			}
			if mv := (raiseMove{cost, t - ls.tau[i], i}); best.len == 0 || mv.better(best) {
				best = mv
			}
		}
		if best.len > 0 {
			heap.Push(h, best)
		}
	}
	offerAll := func() {
		*h = (*h)[:0]
		for i := range n {
			offer(i)
		}
	}
	for i := range n {
		count[ls.tau[i]]++
	}
	offerAll()
	for h.Len() > 0 && ls.steps < ls.budget {
		mv := heap.Pop(h).(raiseMove)
		i := mv.i
		if mv.cost > ls.slack {
			offer(i) // the slack shrank since: find what is still affordable
			continue
		}
		ls.slack -= mv.cost
		ls.cap[i] -= mv.cost
		count[ls.tau[i]]--
		ls.tau[i] += mv.len
		count[ls.tau[i]]++
		ls.moves++
		if count[lo] > 0 {
			offer(i)
			continue
		}
		// The window's bottom rose: every learner may now go higher.
		for count[lo] == 0 {
			lo++
		}
		offerAll()
	}
}

// raiseMove lifts learner i by len updates at a capacity cost of cost
// samples.
type raiseMove struct{ cost, len, i int }

// better orders raises by cost per update (exactly, in integers: cost is at
// most MaxSamples and len at most MaxTau), then the longer, then the lower
// learner index.
func (a raiseMove) better(b raiseMove) bool {
	if x, y := a.cost*b.len, b.cost*a.len; x != y {
		return x < y
	}
	if a.len != b.len {
		return a.len > b.len
	}
	return a.i < b.i
}

// raiseHeap is a min-heap of raises under better.
type raiseHeap []raiseMove

func (h raiseHeap) Len() int           { return len(h) }
func (h raiseHeap) Less(a, b int) bool { return h[a].better(h[b]) }
func (h raiseHeap) Swap(a, b int)      { h[a], h[b] = h[b], h[a] }
func (h *raiseHeap) Push(x any)        { *h = append(*h, x.(raiseMove)) }
func (h *raiseHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
