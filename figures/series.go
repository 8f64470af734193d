package figures

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// AnyStaleness is the Staleness of a series whose policy ignores the
// staleness cap c (the synchronous policies ha-sync and hu-sync).
const AnyStaleness = -1

// reachTolerance is how far below a threshold (in percentage points) an
// accuracy may fall and still count as reaching it, so that 0.955 reaches
// 95.5 % despite binary rounding.
const reachTolerance = 1e-9

// Point is one plotted value: the mean over seeds with its spread.
type Point struct {
	// X is the abscissa: the global update index (cycle) or the cycle
	// deadline T in seconds.
	X float64
	// Mean, Min and Max are the mean, minimum and maximum over the seeds
	// that have a value; all NaN when none has.
	Mean, Min, Max float64
	// N is the number of seeds with a value: for accuracies, those that
	// were evaluated; for UpdatesToReach, those that reached the threshold.
	N int
	// Seeds is the number of seeds in the group.
	Seeds int
}

// Series is one curve of a figure: a policy and staleness cap c.
type Series struct {
	// Label is the legend text, e.g. "HA-Async c=2" or "HA-Sync".
	Label string
	// Policy is the registered policy name, e.g. "ha-async-sai".
	Policy string
	// Staleness is the staleness cap c, or AnyStaleness for synchronous
	// policies, whose runs with different c are one series.
	Staleness int
	// Points are ordered by X.
	Points []Point
}

// policyOrder lists the known policies in legend order.
func policyOrder() []string {
	return []string{"ha-async-sai", "ha-async-exact", "ha-sync", "hu-sync", "hu-async"}
}

// policyLabel returns the readable name of a policy.
func policyLabel(policy string) string {
	switch policy {
	case "ha-async-sai":
		return "HA-Async"
	case "ha-async-exact":
		return "Exact"
	case "ha-sync":
		return "HA-Sync"
	case "hu-sync":
		return "HU-Sync"
	case "hu-async":
		return "HU-Async"
	}
	return policy
}

// isSync reports whether a policy ignores the staleness cap.
func isSync(policy string) bool { return policy == "ha-sync" || policy == "hu-sync" }

// seriesKey identifies a series.
type seriesKey struct {
	policy string
	c      int // AnyStaleness for synchronous policies
}

func keyOf(policy string, c int) seriesKey {
	if isSync(policy) {
		c = AnyStaleness
	}
	return seriesKey{policy, c}
}

func (k seriesKey) label() string {
	if k.c == AnyStaleness {
		return policyLabel(k.policy)
	}
	return policyLabel(k.policy) + " c=" + strconv.Itoa(k.c)
}

// compareKeys orders series by policy (known policies first, in
// policyOrder) and then by c.
func compareKeys(a, b seriesKey) int {
	rank := func(p string) int {
		if i := slices.Index(policyOrder(), p); i >= 0 {
			return i
		}
		return len(policyOrder())
	}
	return cmp.Or(cmp.Compare(rank(a.policy), rank(b.policy)), strings.Compare(a.policy, b.policy),
		cmp.Compare(a.c, b.c))
}

// run is the sequence of cycles of one cell.
type run struct {
	first *row      // the cell's first row, for its axis values
	acc   []float64 // acc[i] is the accuracy after cycle i+1; NaN if missing
}

// group holds the runs of one series at one x (T, or every T for accuracy
// curves), one run per seed, seeds in order of first appearance.
type group struct {
	key   seriesKey
	x     float64
	seeds []string
	runs  map[string]*run
}

// runs collects the rows of each cell into a run, in order of first
// appearance.
func (res *Results) runs() []*run {
	byCell := make(map[string]*run)
	var out []*run
	for _, rw := range res.rows {
		r, ok := byCell[rw.cell]
		if !ok {
			r = &run{first: rw}
			byCell[rw.cell] = r
			out = append(out, r)
		}
		for len(r.acc) < rw.cycle {
			r.acc = append(r.acc, math.NaN())
		}
		r.acc[rw.cycle-1] = rw.accuracy
	}
	return out
}

// groups splits the runs by series and, when byT, by deadline T. Other sweep
// axes must hold one value per group; a synchronous policy's run with the
// smallest c stands for the seed.
func (res *Results) groups(byT bool) ([]*group, error) {
	if len(res.rows) == 0 {
		return nil, errors.New("figures: no rows to plot")
	}
	type gkey struct {
		k seriesKey
		x float64
	}
	byKey := make(map[gkey]*group)
	var out []*group
	for _, r := range res.runs() {
		gk := gkey{k: keyOf(r.first.policy, r.first.staleness)}
		if byT {
			gk.x = r.first.deadline
		}
		g, ok := byKey[gk]
		if !ok {
			g = &group{key: gk.k, x: gk.x, runs: make(map[string]*run)}
			byKey[gk] = g
			out = append(out, g)
		}
		if err := res.checkAxes(g, r, byT); err != nil {
			return nil, err
		}
		seed := r.first.seed
		prev, ok := g.runs[seed]
		switch {
		case !ok:
			g.seeds = append(g.seeds, seed)
			g.runs[seed] = r
		case prev.first.staleness == r.first.staleness:
			return nil, fmt.Errorf("figures: %s has two runs for seed %s (cells %s, line %d, and %s, line %d) that no column tells apart",
				g.describe(byT), seed, prev.first.cell, prev.first.line, r.first.cell, r.first.line)
		case r.first.staleness < prev.first.staleness:
			g.runs[seed] = r
		}
	}
	slices.SortStableFunc(out, func(a, b *group) int {
		return cmp.Or(compareKeys(a.key, b.key), cmp.Compare(a.x, b.x))
	})
	return out, nil
}

// MixedError reports runs of one series that differ in a sweep axis the figure does not
// show, such as two energies E in accuracy curves: averaging them would mix two settings,
// so one value of Column must be selected first (Results.Where).
type MixedError struct {
	Series string    // the series, e.g. `series "HA-Sync" at T = 10 s`
	Column string    // the column whose values differ
	Values [2]string // two of its values...
	Lines  [2]int    // ...and the lines of the results CSV they are on
}

func (e *MixedError) Error() string {
	return fmt.Sprintf("figures: %s mixes %s = %s (line %d) and %s (line %d); select one value of %s first, e.g. Where(%q, %q)",
		e.Series, e.Column, e.Values[0], e.Lines[0], e.Values[1], e.Lines[1], e.Column, e.Column, e.Values[0])
}

// checkAxes reports a *MixedError if run r differs from the runs already in g in
// a sweep axis that the figure does not show.
func (res *Results) checkAxes(g *group, r *run, byT bool) error {
	if len(g.seeds) == 0 {
		return nil
	}
	ref := g.runs[g.seeds[0]]
	for _, col := range res.axes {
		if col == colPolicy || col == colC || (byT && col == colDeadline) {
			continue
		}
		j := res.index[col]
		a, b := ref.first.fields[j], r.first.fields[j]
		if !sameValue(a, b) {
			return &MixedError{Series: g.describe(byT), Column: col,
				Values: [2]string{strings.TrimSpace(a), strings.TrimSpace(b)}, Lines: [2]int{ref.first.line, r.first.line}}
		}
	}
	return nil
}

func (g *group) describe(byT bool) string {
	s := fmt.Sprintf("series %q", g.key.label())
	if byT {
		s += fmt.Sprintf(" at T = %g s", g.x)
	}
	return s
}

// summarize returns the point at x of the finite values among vals, one per
// seed.
func summarize(x float64, vals []float64) Point {
	p := Point{X: x, Mean: math.NaN(), Min: math.NaN(), Max: math.NaN(), Seeds: len(vals)}
	sum := 0.0
	for _, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		if p.N == 0 {
			p.Min, p.Max = v, v
		}
		p.N++
		sum += v
		p.Min, p.Max = min(p.Min, v), max(p.Max, v)
	}
	if p.N > 0 {
		p.Mean = sum / float64(p.N)
	}
	return p
}

// assemble turns groups into series, computing one value per seed with f.
func assemble(groups []*group, x func(*group, int) float64, npoints func(*group) int,
	f func(r *run, i int) float64) []Series {
	var out []Series
	for _, g := range groups {
		if len(out) == 0 || out[len(out)-1].Policy != g.key.policy || out[len(out)-1].Staleness != g.key.c {
			out = append(out, Series{Label: g.key.label(), Policy: g.key.policy, Staleness: g.key.c})
		}
		s := &out[len(out)-1]
		for i := range npoints(g) {
			vals := make([]float64, len(g.seeds))
			for k, seed := range g.seeds {
				vals[k] = f(g.runs[seed], i)
			}
			s.Points = append(s.Points, summarize(x(g, i), vals))
		}
	}
	return out
}

// accuracyAt returns the accuracy in percent after cycle i+1 of r, NaN if
// the run is shorter.
func accuracyAt(r *run, i int) float64 {
	if i < len(r.acc) {
		return 100 * r.acc[i]
	}
	return math.NaN()
}

// AccuracyCurves returns, for each series, the test accuracy in percent
// against the global update index (Point.X is the cycle, 1-based), averaged
// over seeds. All rows must share one deadline T and one value of every
// other sweep axis; select them with Where first. Runs shorter than the
// longest contribute NaN (not counted in N) to the missing cycles.
func AccuracyCurves(res *Results) ([]Series, error) {
	groups, err := res.groups(false)
	if err != nil {
		return nil, err
	}
	horizon := func(g *group) int {
		n := 0
		for _, r := range g.runs {
			n = max(n, len(r.acc))
		}
		return n
	}
	cycle := func(_ *group, i int) float64 { return float64(i + 1) }
	return assemble(groups, cycle, horizon, accuracyAt), nil
}

// FinalAccuracy returns, for each series, the test accuracy in percent after
// n global updates (the row with cycle == n) against the deadline T in
// seconds, averaged over seeds. Every other sweep axis must hold one value
// per series and T. It is an error if n < 1 or no run has n cycles.
func FinalAccuracy(res *Results, n int) ([]Series, error) {
	if n < 1 {
		return nil, fmt.Errorf("figures: final accuracy after %d updates: want n >= 1", n)
	}
	groups, err := res.groups(true)
	if err != nil {
		return nil, err
	}
	if m := res.maxCycle(); m < n {
		return nil, fmt.Errorf("figures: final accuracy after %d updates: the longest run has %d cycles", n, m)
	}
	return assemble(groups, byDeadline, one, func(r *run, _ int) float64 { return accuracyAt(r, n-1) }), nil
}

// UpdatesToReach returns, for each series, the number of global updates
// needed to reach a test accuracy of threshold percent (the first cycle
// whose accuracy is at least threshold) against the deadline T in seconds.
// Mean, Min and Max are over the seeds that reached the threshold, N counts
// them, and a point that no seed reached within its run has N == 0 and a
// NaN Mean: it is kept, never dropped. The threshold is in percent, in
// (1, 100]; a fraction such as 0.955 is an error.
func UpdatesToReach(res *Results, threshold float64) ([]Series, error) {
	if !(threshold > 1 && threshold <= 100) {
		return nil, fmt.Errorf("figures: threshold %g: want a percentage in (1, 100], e.g. 95.5", threshold)
	}
	groups, err := res.groups(true)
	if err != nil {
		return nil, err
	}
	first := func(r *run, _ int) float64 {
		for i, a := range r.acc {
			if 100*a >= threshold-reachTolerance {
				return float64(i + 1)
			}
		}
		return math.NaN()
	}
	return assemble(groups, byDeadline, one, first), nil
}

func byDeadline(g *group, _ int) float64 { return g.x }

func one(*group) int { return 1 }
