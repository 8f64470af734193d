package device

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/param"
)

// TestReflectPathByHand checks reflections worked out on paper.
//
// Radial: from the centre along +x in a disc of radius 10 the point hits
// (10, 0) after 10 m and comes back: (5, 0) after 15 m, (-10, 0) after 30 m
// and (-5, 0) after 35 m.
//
// Oblique: from (0, 5) along +x it hits H0 = (√75, 5) = (8.660, 5) after
// 8.660 m; the normal there is (0.866, 0.5), so the reflected direction is
// (1, 0) - 2·0.866·(0.866, 0.5) = (-0.5, -0.866) and the chord is
// -2·H0·d1 = 17.321 m long, ending at (0, -10) after 25.981 m. The next
// chord, rotated by the same -120°, ends at (-8.660, 5) after 43.301 m.
func TestReflectPathByHand(t *testing.T) {
	r3 := math.Sqrt(3)
	tests := []struct {
		p, d Point
		s    float64
		want Point
	}{
		{Point{0, 0}, Point{1, 0}, 7, Point{7, 0}},
		{Point{0, 0}, Point{1, 0}, 10, Point{10, 0}},
		{Point{0, 0}, Point{1, 0}, 15, Point{5, 0}},
		{Point{0, 0}, Point{1, 0}, 30, Point{-10, 0}},
		{Point{0, 0}, Point{1, 0}, 35, Point{-5, 0}},
		{Point{0, 0}, Point{1, 0}, 10 + 20*1000 + 5, Point{5, 0}}, // 1000 round trips
		{Point{0, 5}, Point{1, 0}, 5 * r3, Point{5 * r3, 5}},
		{Point{0, 5}, Point{1, 0}, 15 * r3, Point{0, -10}},
		{Point{0, 5}, Point{1, 0}, 25 * r3, Point{-5 * r3, 5}},
		// Half-way along the first chord: H0 + 8.660·(-0.5, -0.866).
		{Point{0, 5}, Point{1, 0}, 10 * r3, Point{2.5 * r3, -2.5}},
		// Starting on the edge heading out: reflected straight back in.
		{Point{10, 0}, Point{1, 0}, 4, Point{6, 0}},
	}
	for _, tc := range tests {
		if got := reflectPath(tc.p, tc.d, 10, tc.s); got.Dist(tc.want) > 1e-9 {
			t.Errorf("reflectPath(%v, %v, 10, %v) = %v, want %v", tc.p, tc.d, tc.s, got, tc.want)
		}
	}
}

// bruteReflect bounces a point one reflection at a time.
func bruteReflect(p, d Point, radius, s float64) Point {
	for {
		b := dot(p, d)
		toEdge := -b + math.Sqrt(math.Max(0, b*b-dot(p, p)+radius*radius))
		if s <= toEdge {
			return add(p, scale(d, s))
		}
		p = add(p, scale(d, toEdge))
		n := scale(p, 1/p.Norm())
		d = add(d, scale(n, -2*dot(d, n)))
		s -= toEdge
	}
}

func TestReflectPathMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range 2000 {
		p := UniformDisc(rng, 50, 0)
		theta := 2 * math.Pi * rng.Float64()
		d := Point{math.Cos(theta), math.Sin(theta)}
		s := 1000 * rng.Float64() // up to about ten reflections
		got, want := reflectPath(p, d, 50, s), bruteReflect(p, d, 50, s)
		if got.Dist(want) > 1e-6 {
			t.Fatalf("case %d: reflectPath(%v, %v, 50, %v) = %v, brute force %v", i, p, d, s, got, want)
		}
	}
}

func TestReflectPathGrazing(t *testing.T) {
	// Tangent at the edge: slides along the circle, a quarter turn for
	// a quarter of the circumference.
	got := reflectPath(Point{10, 0}, Point{0, 1}, 10, 5*math.Pi)
	if got.Dist(Point{0, 10}) > 1e-9 {
		t.Errorf("grazing slide ended at %v, want (0, 10)", got)
	}
}

func TestRandomWalkValidation(t *testing.T) {
	ok := RandomWalkConfig{Radius: 100, MinSpeed: 0, MaxSpeed: 2, IntervalS: 5}
	tests := []struct {
		want string // a substring naming the field
		key  string // the scenario key of a speed problem, "" for the others
		edit func(*RandomWalkConfig)
	}{
		{"Radius", "", func(c *RandomWalkConfig) { c.Radius = -5 }},
		{"Start", "", func(c *RandomWalkConfig) { c.Start = Point{0, 100.5} }},
		{"min_speed_mps: must be in [0, 100] m/s, got -1", keyMinSpeed, func(c *RandomWalkConfig) { c.MinSpeed = -1 }},
		{"max_speed_mps: must be in (0, 100] m/s, got 0", keyMaxSpeed, func(c *RandomWalkConfig) { c.MaxSpeed = 0 }},
		{"max_speed_mps: max_speed_mps = 2 is below min_speed_mps = 2.5", keyMaxSpeed, func(c *RandomWalkConfig) { c.MinSpeed = 2.5 }},
		{"IntervalS", "", func(c *RandomWalkConfig) { c.IntervalS = 0 }},
		{"IntervalS", "", func(c *RandomWalkConfig) { c.IntervalS = math.Inf(1) }},
	}
	if _, err := NewRandomWalk(ok); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		c := ok
		tc.edit(&c)
		_, err := NewRandomWalk(c)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "device: RandomWalk") {
			t.Errorf("%s: error %v", tc.want, err)
			continue
		}
		if tc.key != "" {
			var p *param.Problem
			if !errors.As(err, &p) || p.Key != tc.key {
				t.Errorf("%s: error %v is not a *param.Problem on %s", tc.want, err, tc.key)
			}
		}
	}
}

func TestRandomWalkStaysInside(t *testing.T) {
	cfg := RandomWalkConfig{Radius: 50, MinSpeed: 2, MaxSpeed: 8, IntervalS: 30, Start: Point{0, 49}, Seed: 3}
	w, err := NewRandomWalk(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if w.Position(0) != cfg.Start {
		t.Errorf("Position(0) = %v, want %v", w.Position(0), cfg.Start)
	}
	// Intervals of 30 s at up to 8 m/s cross the 100 m cell more than
	// twice, so the walk reflects often.
	checkTrajectory(t, w, cfg.Radius, 20000, 0.7)
	edge := 0
	for k := 1; k < 500; k++ {
		end := float64(k) * cfg.IntervalS
		// Continuous across interval boundaries.
		if d := w.Position(end).Dist(w.Position(math.Nextafter(end, 0))); d > 1e-6 {
			t.Fatalf("jump of %v m at the start of interval %d", d, k)
		}
		if w.DistanceAt(end-0.1) > 45 {
			edge++
		}
	}
	if edge == 0 {
		t.Error("the walk never came near the edge")
	}
}

func TestRandomWalkStraightLine(t *testing.T) {
	// In a huge cell nothing reflects: after 5 s at exactly 2 m/s the
	// walker is 10 m from its start in a fixed direction.
	w, _ := NewRandomWalk(RandomWalkConfig{Radius: 1e6, MinSpeed: 2, MaxSpeed: 2, IntervalS: 10, Seed: 1})
	p5, p10 := w.Position(5), w.Position(10)
	if !near(p5.Norm(), 10, 1e-9) || !near(p10.Norm(), 20, 1e-9) || lerp(Point{}, p10, 0.5).Dist(p5) > 1e-9 {
		t.Errorf("positions %v at 5 s and %v at 10 s are not one straight 2 m/s line", p5, p10)
	}
}

func TestRandomWalkQueryOrder(t *testing.T) {
	cfg := RandomWalkConfig{Radius: 200, MinSpeed: 1, MaxSpeed: 4, IntervalS: 7, Seed: 12}
	a, _ := NewRandomWalk(cfg)
	b, _ := NewRandomWalk(cfg)
	times := make([]float64, 2000)
	for i := range times {
		times[i] = float64(i) * 2.9
	}
	want := make([]Point, len(times))
	for i, x := range times {
		want[i] = a.Position(x)
	}
	for _, i := range rand.New(rand.NewPCG(0, 1)).Perm(len(times)) {
		if got := b.Position(times[i]); got != want[i] {
			t.Fatalf("t=%v: %v shuffled, %v in order", times[i], got, want[i])
		}
	}
}
