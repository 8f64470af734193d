package figures

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Options adjusts a figure. The zero value draws the default figure.
type Options struct {
	// Title replaces the title derived from the results' setting (e.g.
	// "T = 10 s, E = 10 J") when not empty.
	Title string
	// NoSpread hides the error bars that show the minimum and maximum
	// over seeds.
	NoSpread bool
	// YMin, when > 0, is the lower end of the accuracy axis of a Timeline,
	// in percent; 0 fits it to the curves after their first fifth.
	YMin float64
}

// Accuracy draws the test accuracy against the global update index, one
// curve per series (the paper's Figs. 4 and 5). The results must hold one
// setting (T, E, ...): select it with Where.
func Accuracy(res *Results, opts Options) (*plot.Plot, error) {
	series, err := AccuracyCurves(res)
	if err != nil {
		return nil, err
	}
	p := newPlot(res.Title(""), opts, "Global update index", "Test accuracy (%)")
	fig := figure{p: p, series: series, opts: opts}
	if err := fig.draw(!opts.NoSpread); err != nil {
		return nil, err
	}
	if err := fig.setPercentRange(); err != nil {
		return nil, err
	}
	p.X.Tick.Marker = plot.TickerFunc(integerTicks)
	return p, nil
}

// Final draws the test accuracy after n global updates against the cycle
// deadline T, one curve per policy and staleness cap c (the paper's Figs. 6,
// 7a/b and 8a/b).
func Final(res *Results, n int, opts Options) (*plot.Plot, error) {
	series, err := FinalAccuracy(res, n)
	if err != nil {
		return nil, err
	}
	p := newPlot(join(fmt.Sprintf("Accuracy after %d updates", n), res.Title(colDeadline)), opts,
		"Cycle deadline T (s)", "Test accuracy (%)")
	fig := figure{p: p, series: series, opts: opts}
	if err := fig.draw(true); err != nil {
		return nil, err
	}
	if err := fig.setPercentRange(); err != nil {
		return nil, err
	}
	p.X.Tick.Marker = valueTicks(fig.xs())
	return p, nil
}

// Reach draws the number of global updates needed to reach threshold
// percent test accuracy against the cycle deadline T (the paper's Figs. 7c/d
// and 8c/d). Points that no seed reached within its run are drawn as
// crosses on a row labelled "n.r." above the longest run; points reached by
// some seeds only are labelled with the count, e.g. "2/3".
func Reach(res *Results, threshold float64, opts Options) (*plot.Plot, error) {
	series, err := UpdatesToReach(res, threshold)
	if err != nil {
		return nil, err
	}
	thr := strconv.FormatFloat(threshold, 'f', -1, 64)
	p := newPlot(join("Updates to reach "+thr+" %", res.Title(colDeadline)), opts,
		"Cycle deadline T (s)", "Updates to reach "+thr+" %")
	fig := figure{p: p, series: series, opts: opts, horizon: res.maxCycle()}
	if err := fig.draw(true); err != nil {
		return nil, err
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for _, pt := range s.Points {
			if pt.N > 0 {
				lo, hi = min(lo, pt.Min), max(hi, pt.Max)
			}
		}
	}
	if fig.notReached > 0 {
		hi = float64(fig.horizon + 1)
	}
	if math.IsInf(lo, 1) {
		lo = hi
	}
	p.Y.Min, p.Y.Max = max(0, lo-0.5), hi+0.5
	notReachedRow := fig.horizon + 1
	p.Y.Tick.Marker = plot.TickerFunc(func(lo, hi float64) []plot.Tick {
		ticks := integerTicks(lo, min(hi, float64(notReachedRow)-0.5))
		if fig.notReached > 0 {
			ticks = append(ticks, plot.Tick{Value: float64(notReachedRow), Label: "n.r."})
		}
		return ticks
	})
	p.X.Tick.Marker = valueTicks(fig.xs())
	return p, nil
}

// join joins a figure's name and its setting.
func join(name, setting string) string {
	if setting == "" {
		return name
	}
	return name + ", " + setting
}

// newPlot returns an empty plot with a title, axis labels and a legend in
// a small font.
func newPlot(title string, opts Options, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	if opts.Title != "" {
		title = opts.Title
	}
	p.Title.Text = title
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	p.Legend.ThumbnailWidth = vg.Points(24)
	p.Legend.Padding = vg.Points(2)
	p.Y.Tick.Marker = plot.TickerFunc(trimmedTicks)
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	return p
}

// figure draws series onto a plot.
type figure struct {
	p          *plot.Plot
	series     []Series
	opts       Options
	horizon    int // longest run; > 0 for Reach figures, which draw "not reached"
	notReached int // points drawn on the "not reached" row
}

// xs returns the distinct x values of the series, sorted.
func (f *figure) xs() []float64 {
	var xs []float64
	for _, s := range f.series {
		for _, pt := range s.Points {
			xs = append(xs, pt.X)
		}
	}
	slices.Sort(xs)
	return slices.Compact(xs)
}

// draw adds every series with its legend entry. When dodge is set, series
// are shifted sideways by a fraction of the x spacing so that markers and
// error bars at the same x do not hide one another.
func (f *figure) draw(dodge bool) error {
	xs := f.xs()
	spacing := 1.0
	for i := 1; i < len(xs); i++ {
		if i == 1 || xs[i]-xs[i-1] < spacing {
			spacing = xs[i] - xs[i-1]
		}
	}
	step := 0.0
	if dodge && len(f.series) > 1 {
		step = 0.5 * spacing / float64(len(f.series))
	}
	seeds := 0
	for i, s := range f.series {
		shift := step * (float64(i) - float64(len(f.series)-1)/2)
		if err := f.add(s, shift); err != nil {
			return err
		}
		for _, pt := range s.Points {
			seeds = max(seeds, pt.Seeds)
		}
	}
	if len(xs) > 0 {
		pad := max(0.5*spacing, 0.25)
		f.p.X.Min, f.p.X.Max = xs[0]-pad, xs[len(xs)-1]+pad
	}
	if f.notReached > 0 {
		row := float64(f.horizon + 1)
		guide, err := plotter.NewLine(plotter.XYs{{X: f.p.X.Min, Y: row}, {X: f.p.X.Max, Y: row}})
		if err != nil {
			return fmt.Errorf("figures: %w", err)
		}
		guide.LineStyle = draw.LineStyle{Color: color.Gray{Y: 170}, Width: vg.Points(0.5),
			Dashes: []vg.Length{vg.Points(2), vg.Points(2)}}
		f.p.Add(guide)
		mark := &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: color.Gray{Y: 90},
			Radius: vg.Points(3), Shape: draw.CrossGlyph{}}}
		f.p.Legend.Add(fmt.Sprintf("n.r.: not reached in %d updates", f.horizon), mark)
	}
	if seeds > 1 && !f.opts.NoSpread {
		f.p.Legend.Add(fmt.Sprintf("mean of %d seeds, bars: min-max", seeds))
	} else if seeds > 1 {
		f.p.Legend.Add(fmt.Sprintf("mean of %d seeds", seeds))
	}
	return nil
}

// add draws one series shifted by shift along x: lines through runs of
// finite points, markers, error bars, and for Reach figures the points no
// seed reached and the seed counts of partly reached ones.
func (f *figure) add(s Series, shift float64) error {
	lineStyle, markStyle := seriesStyle(s)
	var segment, marks, missed plotter.XYs
	var bars plotter.YErrors
	var partial plotter.XYLabels
	flush := func() error {
		if len(segment) > 1 {
			l, err := plotter.NewLine(segment)
			if err != nil {
				return fmt.Errorf("figures: %s: %w", s.Label, err)
			}
			l.LineStyle = lineStyle
			f.p.Add(l)
		}
		segment = nil
		return nil
	}
	for _, pt := range s.Points {
		x := pt.X + shift
		if pt.N == 0 {
			if err := flush(); err != nil {
				return err
			}
			if f.horizon > 0 {
				missed = append(missed, plotter.XY{X: x, Y: float64(f.horizon + 1)})
			}
			continue
		}
		xy := plotter.XY{X: x, Y: pt.Mean}
		segment = append(segment, xy)
		marks = append(marks, xy)
		bars = append(bars, struct{ Low, High float64 }{pt.Mean - pt.Min, pt.Max - pt.Mean})
		if f.horizon > 0 && pt.N < pt.Seeds {
			partial.XYs = append(partial.XYs, xy)
			partial.Labels = append(partial.Labels, fmt.Sprintf("%d/%d", pt.N, pt.Seeds))
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if !f.opts.NoSpread && slices.ContainsFunc(bars, func(e struct{ Low, High float64 }) bool { return e.Low+e.High > 0 }) {
		eb, err := plotter.NewYErrorBars(struct {
			plotter.XYs
			plotter.YErrors
		}{marks, bars})
		if err != nil {
			return fmt.Errorf("figures: %s: %w", s.Label, err)
		}
		eb.LineStyle = spreadStyle(lineStyle)
		eb.CapWidth = vg.Points(3)
		f.p.Add(eb)
	}
	missStyle := markStyle
	missStyle.Shape, missStyle.Radius = draw.CrossGlyph{}, vg.Points(3)
	for _, m := range []struct {
		pts   plotter.XYs
		style draw.GlyphStyle
	}{{marks, markStyle}, {missed, missStyle}} {
		if len(m.pts) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(m.pts)
		if err != nil {
			return fmt.Errorf("figures: %s: %w", s.Label, err)
		}
		sc.GlyphStyle = m.style
		f.p.Add(sc)
	}
	f.notReached += len(missed)
	if len(partial.XYs) > 0 {
		lb, err := plotter.NewLabels(partial)
		if err != nil {
			return fmt.Errorf("figures: %s: %w", s.Label, err)
		}
		for i := range lb.TextStyle {
			lb.TextStyle[i] = text.Style{Color: lineStyle.Color, Font: font.From(plot.DefaultFont, vg.Points(7)),
				Handler: plot.DefaultTextHandler}
		}
		lb.Offset = vg.Point{X: vg.Points(3), Y: vg.Points(2)}
		f.p.Add(lb)
	}
	label := s.Label
	switch {
	case len(marks) == 0 && f.horizon > 0:
		label += " (never reached)"
	case len(marks) == 0:
		label += " (no data)"
	}
	f.p.Legend.Add(label, &plotter.Line{LineStyle: lineStyle}, &plotter.Scatter{GlyphStyle: markStyle})
	return nil
}

// setPercentRange fits the y axis to the plotted accuracies and their
// spread, with a margin.
func (f *figure) setPercentRange() error {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range f.series {
		for _, pt := range s.Points {
			if pt.N == 0 {
				continue
			}
			if f.opts.NoSpread {
				lo, hi = min(lo, pt.Mean), max(hi, pt.Mean)
			} else {
				lo, hi = min(lo, pt.Min), max(hi, pt.Max)
			}
		}
	}
	if math.IsInf(lo, 1) {
		return fmt.Errorf("figures: no accuracy to plot: every value is NaN")
	}
	f.p.Y.Min, f.p.Y.Max = percentRange(lo, hi)
	return nil
}
