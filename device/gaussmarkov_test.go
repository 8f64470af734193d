package device

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/param"
)

// gmConfig is the registry's default Gauss-Markov model in a cell of the given radius.
func gmConfig(radius float64, seed uint64) GaussMarkovConfig {
	return GaussMarkovConfig{Radius: radius, Alpha: 0.75, MeanSpeed: 1, SpeedSigma: 0.3, MaxSpeed: 1.5,
		DirSigma: 30 * math.Pi / 180, StepS: 1, Seed: seed}
}

func newGM(t *testing.T, cfg GaussMarkovConfig) *GaussMarkov {
	t.Helper()
	g, err := NewGaussMarkov(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestGaussMarkovBounds samples trajectories of many cell radii at a fine step: every
// position lies in the cell and no sampled speed exceeds max_speed_mps. Each case must also
// reach the edge and (when speeds are clipped) the top speed, so the checks are not vacuous.
func TestGaussMarkovBounds(t *testing.T) {
	tests := []struct {
		name string
		cfg  GaussMarkovConfig
		fast bool // the speed noise is large enough that the clip at MaxSpeed is reached
	}{
		{"defaults", gmConfig(50, 1), false},
		{"clipped speeds", GaussMarkovConfig{Radius: 50, Alpha: 0.5, MeanSpeed: 1.4, SpeedSigma: 3, MaxSpeed: 1.5,
			DirSigma: 1, StepS: 2, Start: Point{0, 49}, Seed: 2}, true},
		{"memoryless", GaussMarkovConfig{Radius: 50, Alpha: 0, MeanSpeed: 2, SpeedSigma: 2, MaxSpeed: 3,
			DirSigma: math.Pi, StepS: 0.5, Seed: 3}, true},
		{"straight line", GaussMarkovConfig{Radius: 50, Alpha: 1, MeanSpeed: 3, MaxSpeed: 3, StepS: 5,
			Start: Point{-10, 20}, Seed: 4}, false},
		{"long steps, many reflections each", GaussMarkovConfig{Radius: 50, Alpha: 0.9, MeanSpeed: 8, SpeedSigma: 3,
			MaxSpeed: 10, DirSigma: 0.3, StepS: 60, Seed: 5}, true},
	}
	const horizon, dt = 5000.0, 0.25
	for _, tc := range tests {
		g := newGM(t, tc.cfg)
		prev, far, top := g.Position(0), 0.0, 0.0
		for x := dt; x <= horizon; x += dt {
			p := g.Position(x)
			if r := p.Norm(); r > tc.cfg.Radius*(1+1e-12) {
				t.Fatalf("%s: t=%v: %v is %v m from the centre, outside %v", tc.name, x, p, r, tc.cfg.Radius)
			}
			v := p.Dist(prev) / dt
			if v > tc.cfg.MaxSpeed*(1+1e-9) {
				t.Fatalf("%s: t=%v: speed %v above max_speed_mps %v", tc.name, x, v, tc.cfg.MaxSpeed)
			}
			far, top, prev = math.Max(far, p.Norm()), math.Max(top, v), p
		}
		// At least 2000 m of travel in a 50 m cell: it must have met the edge zone.
		if far < 0.9*tc.cfg.Radius {
			t.Errorf("%s: never beyond %v m of a %v m cell", tc.name, far, tc.cfg.Radius)
		}
		if tc.fast && top < 0.99*tc.cfg.MaxSpeed {
			t.Errorf("%s: top sampled speed %v, want the clip at %v reached", tc.name, top, tc.cfg.MaxSpeed)
		}
		if g.MaxSpeed() != tc.cfg.MaxSpeed {
			t.Errorf("%s: MaxSpeed() = %v, want %v", tc.name, g.MaxSpeed(), tc.cfg.MaxSpeed)
		}
	}
}

// TestGaussMarkovStraightLine: with alpha = 1 and no noise the learner keeps its first speed
// and heading, a straight line at the mean speed, until it reaches the edge.
func TestGaussMarkovStraightLine(t *testing.T) {
	for _, start := range []Point{{0, 0}, {10, -20}} {
		cfg := GaussMarkovConfig{Radius: 100, Alpha: 1, MeanSpeed: 2, MaxSpeed: 5, StepS: 1, Start: start, Seed: 8}
		g := newGM(t, cfg)
		p1 := g.Position(1)
		if d := p1.Dist(start); math.Abs(d-2) > 1e-12 {
			t.Fatalf("start %v: moved %v m in the first second, want 2", start, d)
		}
		dir := scale(add(p1, scale(start, -1)), 0.5)
		for x := 0.0; ; x += 0.5 {
			want := add(start, scale(dir, 2*x))
			if want.Norm() > 0.99*cfg.Radius {
				if x < 20 {
					t.Fatalf("start %v: reached the edge after only %v s", start, x)
				}
				break
			}
			if got := g.Position(x); got.Dist(want) > 1e-9 {
				t.Fatalf("start %v: at t=%v at %v, want %v on the straight line", start, x, got, want)
			}
		}
	}
}

// lag1 returns the lag-1 autocorrelation of xs.
func lag1(xs []float64) float64 {
	var mean float64
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	var num, den float64
	for i, x := range xs {
		den += (x - mean) * (x - mean)
		if i > 0 {
			num += (x - mean) * (xs[i-1] - mean)
		}
	}
	return num / den
}

// TestGaussMarkovMemory measures speed and heading step by step, from positions, in a cell
// so large that no edge is near: their lag-1 autocorrelation is alpha (0 for a memoryless
// walk, whose direction changes at every step). With 4000 steps the standard error is
// below 0.02.
func TestGaussMarkovMemory(t *testing.T) {
	for _, alpha := range []float64{0, 0.9} {
		cfg := GaussMarkovConfig{Radius: 1e7, Alpha: alpha, MeanSpeed: 5, SpeedSigma: 1, MaxSpeed: 100,
			DirSigma: 30 * math.Pi / 180, StepS: 1, Seed: 21}
		g := newGM(t, cfg)
		const n = 4000
		speeds, headings := make([]float64, n), make([]float64, n)
		var sx, sy float64
		for k := range n {
			d := add(g.Position(float64(k+1)), scale(g.Position(float64(k)), -1))
			speeds[k], headings[k] = d.Norm(), math.Atan2(d.Y, d.X)
			sx, sy = sx+math.Cos(headings[k]), sy+math.Sin(headings[k])
		}
		mean := math.Atan2(sy, sx)
		same := 0
		for k := range headings {
			if k > 0 && math.Abs(wrapAngle(headings[k]-headings[k-1])) < 1e-9 {
				same++
			}
			headings[k] = wrapAngle(headings[k] - mean)
		}
		if rs, rh := lag1(speeds), lag1(headings); math.Abs(rs-alpha) > 0.08 || math.Abs(rh-alpha) > 0.08 {
			t.Errorf("alpha %v: lag-1 autocorrelation of speed %.3f, of heading %.3f; want %v ± 0.08", alpha, rs, rh, alpha)
		}
		if same > 0 {
			t.Errorf("alpha %v: the heading stayed the same at %d steps", alpha, same)
		}
	}
}

// TestGaussMarkovCoversCell: the edge rule is there so that a learner "does not remain near
// an edge of the grid for a long period of time" (Camp, Boleng and Davies, 2002). A learner
// following the default model for 20000 s (about 200 crossings' worth of travel in a 100 m
// cell) must therefore visit the inner half of the radius (a quarter of the area) a fair
// share of the time and every quadrant. In Camp et al. the mean direction set at the edge
// persists; if it reverts to the learner's original mean direction as soon as the learner
// is back inside, the learner turns straight back to the same edge and hovers there.
func TestGaussMarkovCoversCell(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		g := newGM(t, gmConfig(100, seed))
		const n = 20000
		inner := 0
		var quadrant [4]int
		for k := range n {
			p := g.Position(float64(k))
			if p.Norm() < 50 {
				inner++
			}
			q := 0
			if p.X < 0 {
				q++
			}
			if p.Y < 0 {
				q += 2
			}
			quadrant[q]++
		}
		if f := float64(inner) / n; f < 0.1 {
			t.Errorf("seed %d: %.4f of the time within half the radius, want at least 0.1 (uniform: 0.25)", seed, f)
		}
		for q, c := range quadrant {
			if f := float64(c) / n; f < 0.1 {
				t.Errorf("seed %d: %.4f of the time in quadrant %d, want at least 0.1", seed, f, q)
			}
		}
	}
}

func TestGaussMarkovQueryOrder(t *testing.T) {
	cfg := gmConfig(80, 31)
	a, b := newGM(t, cfg), newGM(t, cfg)
	a100, a5 := a.Position(100), a.Position(5)
	b5, b100 := b.Position(5), b.Position(100)
	if a100 != b100 || a5 != b5 {
		t.Errorf("t=100 then 5 gives %v, %v; t=5 then 100 gives %v, %v", a100, a5, b100, b5)
	}
	// Shuffled queries, and another seed, over a longer span.
	c := newGM(t, cfg)
	cfg.Seed = 32
	other := newGM(t, cfg)
	times := make([]float64, 1500)
	for i := range times {
		times[i] = float64(i) * 1.7
	}
	differ := 0
	for _, i := range rand.New(rand.NewPCG(3, 4)).Perm(len(times)) {
		want := a.Position(times[i])
		if got := c.Position(times[i]); got != want {
			t.Fatalf("t=%v: %v shuffled, %v in order", times[i], got, want)
		}
		if other.Position(times[i]) != want {
			differ++
		}
	}
	if differ < len(times)-1 { // both start at the origin at t = 0
		t.Errorf("another seed matched %d of %d positions", len(times)-differ, len(times))
	}
}

func TestGaussMarkovStepBoundaries(t *testing.T) {
	g := newGM(t, gmConfig(100, 5))
	for k := 1; k < 300; k++ {
		end := float64(k) * g.cfg.StepS
		if d := g.Position(end).Dist(g.Position(math.Nextafter(end, 0))); d > 1e-9 {
			t.Fatalf("jump of %v m at the start of step %d", d, k)
		}
	}
	if g.Position(-3) != g.cfg.Start {
		t.Errorf("Position(-3) = %v, want the start %v", g.Position(-3), g.cfg.Start)
	}
	for _, bad := range []float64{math.NaN(), math.Inf(1)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Position(%v) did not panic", bad)
				}
			}()
			g.Position(bad)
		}()
	}
}

func TestCheckGaussMarkov(t *testing.T) {
	// alpha, mean, sigma, max, dirSigma, step
	ok := [6]float64{0.75, 1, 0.3, 1.5, 0.5, 1}
	tests := []struct {
		i    int // the argument changed
		v    float64
		key  string
		want string
	}{
		{0, 1.5, "alpha", "must be in [0, 1], got 1.5"},
		{0, math.NaN(), "alpha", "must be in [0, 1], got NaN"},
		{1, -1, "mean_speed_mps", "must be finite and ≥ 0 m/s, got -1"},
		{1, 2, "mean_speed_mps", "mean_speed_mps = 2 is above max_speed_mps = 1.5"},
		{2, math.Inf(1), "speed_sigma_mps", "must be finite and ≥ 0 m/s, got +Inf"},
		{3, 0, "max_speed_mps", "must be finite and > 0 m/s, got 0"},
		{4, -0.1, "direction_sigma_deg", "must be finite and ≥ 0, got -0.1"},
		{5, 0, "step_s", "must be finite and > 0 s, got 0"},
	}
	if err := checkGaussMarkov(ok[0], ok[1], ok[2], ok[3], ok[4], ok[5]); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		a := ok
		a[tc.i] = tc.v
		err := checkGaussMarkov(a[0], a[1], a[2], a[3], a[4], a[5])
		p, isProblem := err.(*param.Problem)
		if !isProblem || p.Key != tc.key || p.Msg != tc.want {
			t.Errorf("argument %d = %v: error %#v, want %s: %s", tc.i, tc.v, err, tc.key, tc.want)
		}
	}
	// Through the registry the same rule is reported on the same key.
	_, _, err := MobilityConfig{Model: "gauss-markov", Params: param.Values{"mean_speed_mps": 3.0, keyMaxSpeed: 2.0}}.Resolve(Cell{Radius: 10})
	if ps := param.Problems(err); len(ps) != 1 || ps[0].Key != "mean_speed_mps" || ps[0].Msg != "mean_speed_mps = 3 is above max_speed_mps = 2" {
		t.Errorf("Resolve: problems %v", ps)
	}
}

func TestNewGaussMarkovErrors(t *testing.T) {
	tests := []struct {
		want string
		edit func(*GaussMarkovConfig)
	}{
		{"Radius", func(c *GaussMarkovConfig) { c.Radius = 0 }},
		{"Start", func(c *GaussMarkovConfig) { c.Start = Point{0, 101} }},
		{"alpha: must be in [0, 1]", func(c *GaussMarkovConfig) { c.Alpha = -0.5 }},
		{"step_s: must be finite and > 0 s", func(c *GaussMarkovConfig) { c.StepS = math.Inf(1) }},
	}
	for _, tc := range tests {
		c := gmConfig(100, 1)
		tc.edit(&c)
		_, err := NewGaussMarkov(c)
		if err == nil || !strings.HasPrefix(err.Error(), "device: GaussMarkov") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v", tc.want, err)
		}
	}
}
