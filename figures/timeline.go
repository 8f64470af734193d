package figures

import (
	"encoding/csv"
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Evaluation is one row of a run's evals.csv: the global model's test accuracy at a
// simulated time, with the energy all learners had drawn by then.
type Evaluation struct {
	Time     float64 // simulated seconds
	EnergyJ  float64 // joules drawn so far
	Accuracy float64 // in [0, 1]; NaN when not evaluated
}

// Run is the evaluations of one run, labelled with the series it belongs to: runs with the
// same label (seeds) are averaged.
type Run struct {
	Label string
	Evals []Evaluation // in time order
}

// ReadEvals reads a run's evals.csv (mel.EvalsCSV): a header row naming at least time_s,
// energy_j and accuracy, in any order. Times must not decrease. Errors name the line.
func ReadEvals(r io.Reader) ([]Evaluation, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("figures: evaluations: empty input, want a header row")
	}
	if err != nil {
		return nil, fmt.Errorf("figures: evaluations: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, c := range []string{"time_s", "energy_j", "accuracy"} {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("figures: evaluations: line 1: missing column %s (want an evals.csv of mel-des run)", c)
		}
	}
	var out []Evaluation
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("figures: evaluations: %w", err)
		}
		line, _ := cr.FieldPos(0)
		var e Evaluation
		for _, f := range []struct {
			name string
			dst  *float64
			lo   float64
			hi   float64
		}{{"time_s", &e.Time, 0, math.MaxFloat64}, {"energy_j", &e.EnergyJ, 0, math.MaxFloat64}, {"accuracy", &e.Accuracy, 0, 1}} {
			s := strings.TrimSpace(rec[col[f.name]])
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || v < f.lo || v > f.hi || (math.IsNaN(v) && f.name != "accuracy") {
				return nil, fmt.Errorf("figures: evaluations: line %d: column %s: %q is not a number in [%g, %g]", line, f.name, s, f.lo, f.hi)
			}
			*f.dst = v
		}
		if n := len(out); n > 0 && e.Time < out[n-1].Time {
			return nil, fmt.Errorf("figures: evaluations: line %d: time %g s before the previous row's %g s", line, e.Time, out[n-1].Time)
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil, errors.New("figures: evaluations: no rows")
	}
	return out, nil
}

// Axis is the abscissa of a timeline: simulated time or energy drawn.
type Axis string

// The abscissae of a timeline.
const (
	TimeAxis   Axis = "time_s"
	EnergyAxis Axis = "energy_j"
)

func (a Axis) of(e Evaluation) float64 {
	if a == EnergyAxis {
		return e.EnergyJ
	}
	return e.Time
}

// atTolerance is how far after x, relatively, an evaluation still counts as at x: a
// synchronous cycle that ends at its deadline T·(1 + 1e-9) is read at T.
const atTolerance = 1e-6

// AccuracyAt returns the accuracy of run's last evaluation at or before x on the axis (with
// a relative tolerance of 1e-6), and false if the run has none by then.
func AccuracyAt(evals []Evaluation, axis Axis, x float64) (float64, bool) {
	limit := x + atTolerance*math.Max(1, math.Abs(x))
	acc, ok := math.NaN(), false
	for _, e := range evals {
		if axis.of(e) > limit {
			break
		}
		acc, ok = e.Accuracy, true
	}
	return acc, ok && !math.IsNaN(acc)
}

// FirstReach returns the first evaluation whose accuracy reaches threshold percent, and false
// if none does.
func FirstReach(evals []Evaluation, threshold float64) (Evaluation, bool) {
	for _, e := range evals {
		if 100*e.Accuracy >= threshold-reachTolerance {
			return e, true
		}
	}
	return Evaluation{}, false
}

// Timelines returns one series per label, in order of first appearance: the test accuracy
// (%) as a step function of the axis — each run's last evaluation at or before x — sampled
// at n+1 evenly spaced points from 0 to the largest x of any run, with the mean, minimum
// and maximum over the label's runs. A run with no evaluation yet at x does not count
// there; on the energy axis a run counts only up to the energy it ended with, on the time
// axis its last accuracy holds after its end.
func Timelines(runs []Run, axis Axis, n int) ([]Series, error) {
	if len(runs) == 0 {
		return nil, errors.New("figures: no runs")
	}
	if n < 1 {
		return nil, fmt.Errorf("figures: %d sample points: want at least 1", n)
	}
	var labels []string
	byLabel := map[string][]Run{}
	hi := 0.0
	for _, r := range runs {
		if len(r.Evals) == 0 {
			return nil, fmt.Errorf("figures: run %q has no evaluations", r.Label)
		}
		if _, ok := byLabel[r.Label]; !ok {
			labels = append(labels, r.Label)
		}
		byLabel[r.Label] = append(byLabel[r.Label], r)
		hi = max(hi, axis.of(r.Evals[len(r.Evals)-1]))
	}
	if !(hi > 0) {
		return nil, fmt.Errorf("figures: every run ends at %s = 0", axis)
	}
	var out []Series
	for _, l := range labels {
		rs := byLabel[l]
		s := Series{Label: l, Staleness: AnyStaleness}
		for i := 0; i <= n; i++ {
			x := hi * float64(i) / float64(n)
			pt := Point{X: x, Mean: math.NaN(), Min: math.NaN(), Max: math.NaN(), Seeds: len(rs)}
			sum := 0.0
			for _, r := range rs {
				if axis == EnergyAxis && x > axis.of(r.Evals[len(r.Evals)-1])*(1+atTolerance) {
					continue // the run spent less in all
				}
				a, ok := AccuracyAt(r.Evals, axis, x)
				if !ok {
					continue
				}
				a *= 100
				if pt.N == 0 {
					pt.Min, pt.Max = a, a
				}
				pt.Min, pt.Max = min(pt.Min, a), max(pt.Max, a)
				sum += a
				pt.N++
			}
			if pt.N > 0 {
				pt.Mean = sum / float64(pt.N)
			}
			s.Points = append(s.Points, pt)
		}
		out = append(out, s)
	}
	return out, nil
}

// Timeline draws the test accuracy against simulated time or energy, one stepped curve per
// label (the mean over its runs) with the minimum-maximum band over seeds, so that runs of
// the synchronous and the asynchronous schedule share one axis.
func Timeline(runs []Run, axis Axis, n int, opts Options) (*plot.Plot, error) {
	series, err := Timelines(runs, axis, n)
	if err != nil {
		return nil, err
	}
	xlabel := "Simulated time (s)"
	if axis == EnergyAxis {
		xlabel = "Energy drawn by all learners (J)"
	}
	p := newPlot("Test accuracy against "+strings.ToLower(xlabel[:strings.Index(xlabel, " (")]), opts, xlabel, "Test accuracy (%)")
	lo, top := math.Inf(1), math.Inf(-1)
	seeds := 0
	for i, s := range series {
		line := draw.LineStyle{Color: timelineColor(i), Width: vg.Points(1.3), Dashes: timelineDashes(i)}
		var mean plotter.XYs
		var band []plotter.XY
		var lower []plotter.XY
		for _, pt := range s.Points {
			seeds = max(seeds, pt.Seeds)
			if pt.N == 0 {
				continue
			}
			mean = append(mean, plotter.XY{X: pt.X, Y: pt.Mean})
			band = append(band, plotter.XY{X: pt.X, Y: pt.Max})
			lower = append(lower, plotter.XY{X: pt.X, Y: pt.Min})
			// The spread only counts for the y range where it is drawn.
			if opts.NoSpread {
				lo, top = min(lo, pt.Mean), max(top, pt.Mean)
			} else {
				lo, top = min(lo, pt.Min), max(top, pt.Max)
			}
		}
		if len(mean) == 0 {
			p.Legend.Add(s.Label + " (no data)")
			continue
		}
		if !opts.NoSpread && len(band) > 1 {
			slices.Reverse(lower)
			poly, err := plotter.NewPolygon(plotter.XYs(append(band, lower...)))
			if err != nil {
				return nil, fmt.Errorf("figures: %s: %w", s.Label, err)
			}
			r, g, b, _ := line.Color.RGBA()
			poly.Color = color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 40}
			poly.LineStyle.Width = 0
			p.Add(poly)
		}
		l, err := plotter.NewLine(mean)
		if err != nil {
			return nil, fmt.Errorf("figures: %s: %w", s.Label, err)
		}
		l.LineStyle = line
		l.StepStyle = plotter.PostStep
		p.Add(l)
		p.Legend.Add(s.Label, l)
	}
	if math.IsInf(lo, 1) {
		return nil, errors.New("figures: no accuracy to plot: every value is NaN")
	}
	// The first evaluations (an untrained model) would squash the curves where they differ:
	// unless opts.YMin says otherwise, the y axis starts at the lowest accuracy after the
	// first fifth of the axis.
	floor := math.Inf(1)
	for _, s := range series {
		for _, pt := range s.Points {
			if pt.N > 0 && pt.X >= 0.2*s.Points[len(s.Points)-1].X {
				v := pt.Min
				if opts.NoSpread {
					v = pt.Mean
				}
				floor = math.Min(floor, v)
			}
		}
	}
	if math.IsInf(floor, 1) {
		floor = lo
	}
	if opts.YMin > 0 {
		floor = math.Min(opts.YMin, top)
	}
	p.Y.Min, p.Y.Max = percentRange(floor, top)
	if opts.YMin > 0 {
		p.Y.Min = opts.YMin
	}
	p.X.Min = 0
	p.X.Tick.Marker = plot.TickerFunc(trimmedTicks)
	if seeds > 1 && !opts.NoSpread {
		p.Legend.Add(fmt.Sprintf("mean of up to %d seeds, band: min-max", seeds))
	} else if seeds > 1 {
		p.Legend.Add(fmt.Sprintf("mean of up to %d seeds", seeds))
	}
	return p, nil
}

// timelineColor returns the colour of the i-th curve: the Okabe-Ito palette, black first.
func timelineColor(i int) color.Color {
	if i == 0 {
		return color.Black
	}
	return stalenessColor(i - 1)
}

// timelineDashes returns the dashes of the i-th curve, so that curves differ in print too.
func timelineDashes(i int) []vg.Length {
	pt := vg.Points
	switch i % 4 {
	case 1:
		return []vg.Length{pt(6), pt(2)}
	case 2:
		return []vg.Length{pt(2), pt(2)}
	case 3:
		return []vg.Length{pt(6), pt(2), pt(1), pt(2)}
	}
	return nil
}

// PolicyLabel returns the legend label of a policy with staleness cap c, as the sweep
// figures write it: "HA-Async c=2", "HA-Sync" (synchronous policies ignore c).
func PolicyLabel(policy string, c int) string { return keyOf(policy, c).label() }
