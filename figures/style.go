package figures

import (
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// A series' colour encodes its staleness cap c and its line dashes and
// marker encode its policy, so that the 20-odd series of a full sweep (five
// policies, c = 0..5) stay distinguishable and the same c looks alike across
// policies. Synchronous series, which have no c, are black or grey.

// stalenessColor returns the colour of staleness cap c: the Okabe-Ito
// colour-blind-safe palette, extended by four Tableau colours, wrapping.
func stalenessColor(c int) color.Color {
	palette := [...]color.RGBA{
		{0, 114, 178, 255},   // blue
		{213, 94, 0, 255},    // vermillion
		{0, 158, 115, 255},   // bluish green
		{204, 121, 167, 255}, // reddish purple
		{230, 159, 0, 255},   // orange
		{86, 180, 233, 255},  // sky blue
		{140, 86, 75, 255},   // brown
		{188, 189, 34, 255},  // olive
		{148, 103, 189, 255}, // purple
		{23, 190, 207, 255},  // cyan
	}
	return palette[c%len(palette)]
}

// policyStyle returns the dash pattern and marker of a policy. No policy
// uses the cross, which marks points that never reached a threshold.
func policyStyle(policy string) ([]vg.Length, draw.GlyphDrawer) {
	pt := vg.Points
	switch policy {
	case "ha-async-sai":
		return nil, draw.CircleGlyph{}
	case "ha-async-exact":
		return []vg.Length{pt(1.5), pt(1.5)}, draw.SquareGlyph{}
	case "ha-sync":
		return nil, draw.BoxGlyph{}
	case "hu-sync":
		return []vg.Length{pt(6), pt(2)}, draw.RingGlyph{}
	case "hu-async":
		return []vg.Length{pt(6), pt(2)}, draw.PyramidGlyph{}
	}
	return []vg.Length{pt(5), pt(2), pt(1), pt(2)}, draw.PlusGlyph{}
}

// seriesStyle returns the line and marker style of a series.
func seriesStyle(s Series) (draw.LineStyle, draw.GlyphStyle) {
	var col color.Color
	switch {
	case s.Policy == "hu-sync":
		col = color.RGBA{110, 110, 110, 255}
	case s.Staleness == AnyStaleness:
		col = color.Black
	default:
		col = stalenessColor(s.Staleness)
	}
	dashes, glyph := policyStyle(s.Policy)
	line := draw.LineStyle{Color: col, Width: vg.Points(1.2), Dashes: dashes}
	mark := draw.GlyphStyle{Color: col, Radius: vg.Points(2.5), Shape: glyph}
	return line, mark
}

// spreadStyle returns the style of a series' error bars: its colour, thin.
func spreadStyle(line draw.LineStyle) draw.LineStyle {
	return draw.LineStyle{Color: line.Color, Width: vg.Points(0.7)}
}

// integerTicks returns labelled ticks at integers between lo and hi, at most
// about a dozen, with the step 1, 2 or 5 times a power of ten.
func integerTicks(lo, hi float64) []plot.Tick {
	first, last := int(math.Ceil(lo)), int(math.Floor(hi))
	step := 1
	for span := last - first; span/step > 12; {
		switch s := strconv.Itoa(step); s[0] {
		case '1':
			step *= 2
		case '2':
			step = step / 2 * 5
		default:
			step *= 2
		}
	}
	var ticks []plot.Tick
	for v := first; v <= last; v++ {
		if v%step == 0 {
			ticks = append(ticks, plot.Tick{Value: float64(v), Label: strconv.Itoa(v)})
		}
	}
	return ticks
}

// valueTicks returns labelled ticks at the given x values when there are
// few of them, and the default ticks otherwise.
func valueTicks(xs []float64) plot.Ticker {
	if len(xs) == 0 || len(xs) > 16 {
		return plot.DefaultTicks{}
	}
	ticks := make(plot.ConstantTicks, len(xs))
	for i, x := range xs {
		ticks[i] = plot.Tick{Value: x, Label: strconv.FormatFloat(x, 'g', -1, 64)}
	}
	return ticks
}

// percentRange returns a y range in percent around [lo, hi] with a margin of
// 5 % of the span (at least half a point), clipped to [0, 100].
func percentRange(lo, hi float64) (float64, float64) {
	margin := max(0.05*(hi-lo), 0.5)
	return max(0, lo-margin), min(100, hi+margin)
}

// trimmedTicks returns gonum's default ticks with trailing zeros trimmed
// from their labels ("97.5", not "97.50").
func trimmedTicks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for i, t := range ticks {
		if strings.Contains(t.Label, ".") && !strings.ContainsAny(t.Label, "eE") {
			ticks[i].Label = strings.TrimSuffix(strings.TrimRight(t.Label, "0"), ".")
		}
	}
	return ticks
}
