package device

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/param"
)

func TestPoint(t *testing.T) {
	p := Point{3, 4}
	if p.Norm() != 5 || p.Dist(Point{6, 8}) != 5 {
		t.Errorf("Norm %v, Dist %v; want 5, 5", p.Norm(), p.Dist(Point{6, 8}))
	}
	if got := lerp(Point{0, 0}, Point{10, -4}, 0.25); got != (Point{2.5, -1}) {
		t.Errorf("lerp = %v", got)
	}
}

func TestUniformDisc(t *testing.T) {
	const radius, minDist, n = 500.0, 10.0, 20000
	rng := rand.New(rand.NewPCG(1, 2))
	// Half the annulus area lies within r² = (m² + R²)/2, r = 353.70 m.
	half := math.Sqrt((minDist*minDist + radius*radius) / 2)
	inner, quadrant := 0, [4]int{}
	for range n {
		p := UniformDisc(rng, radius, minDist)
		if r := p.Norm(); r < minDist-1e-9 || r > radius+1e-9 {
			t.Fatalf("point %v at %v m, outside [%v, %v]", p, r, minDist, radius)
		}
		if p.Norm() < half {
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
	// Binomial standard errors: 0.0035 for the half, 0.003 per quadrant.
	if f := float64(inner) / n; math.Abs(f-0.5) > 0.02 {
		t.Errorf("fraction inside the half-area radius %v, want 0.5", f)
	}
	for q, c := range quadrant {
		if f := float64(c) / n; math.Abs(f-0.25) > 0.02 {
			t.Errorf("quadrant %d holds %v, want 0.25", q, f)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("minDist > radius did not panic")
		}
	}()
	UniformDisc(rng, 5, 6)
}

func TestStaticAndSampleStep(t *testing.T) {
	s := Static{X: 3, Y: 4}
	if s.Position(17) != (Point{3, 4}) || s.DistanceAt(-2) != 5 || s.MaxSpeed() != 0 {
		t.Errorf("Static: %v %v %v", s.Position(17), s.DistanceAt(-2), s.MaxSpeed())
	}
	if !math.IsInf(SampleStep(s, 10), 1) {
		t.Errorf("SampleStep(static) = %v, want +Inf", SampleStep(s, 10))
	}
	w, err := NewRandomWaypoint(RandomWaypointConfig{Radius: 100, MinSpeed: 1, MaxSpeed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := SampleStep(w, 10); got != 5 {
		t.Errorf("SampleStep(10 m at 2 m/s) = %v, want 5 s", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("SampleStep(0 m) did not panic")
		}
	}()
	SampleStep(w, 0)
}

func TestRandomWaypointValidation(t *testing.T) {
	ok := RandomWaypointConfig{Radius: 100, MinSpeed: 1, MaxSpeed: 2, PauseS: 1}
	tests := []struct {
		want string // a substring naming the field
		key  string // the scenario key of a speed problem, "" for the others
		edit func(*RandomWaypointConfig)
	}{
		{"Radius", "", func(c *RandomWaypointConfig) { c.Radius = 0 }},
		{"Radius", "", func(c *RandomWaypointConfig) { c.Radius = math.Inf(1) }},
		{"Start", "", func(c *RandomWaypointConfig) { c.Start = Point{80, 80} }},
		{"MinDist", "", func(c *RandomWaypointConfig) { c.MinDist = 101 }},
		{"min_speed_mps: random waypoint needs min_speed_mps > 0", keyMinSpeed, func(c *RandomWaypointConfig) { c.MinSpeed = 0 }},
		{"max_speed_mps: must be in (0, 100] m/s, got nan", keyMaxSpeed, func(c *RandomWaypointConfig) { c.MaxSpeed = math.NaN() }},
		{"max_speed_mps: max_speed_mps = 2 is below min_speed_mps = 3", keyMaxSpeed, func(c *RandomWaypointConfig) { c.MinSpeed = 3 }},
		{"PauseS", "", func(c *RandomWaypointConfig) { c.PauseS = -1 }},
	}
	if _, err := NewRandomWaypoint(ok); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		c := ok
		tc.edit(&c)
		_, err := NewRandomWaypoint(c)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "device: RandomWaypoint") {
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

// checkTrajectory samples m on [0, horizon] and checks that it stays in the
// disc and never moves faster than its MaxSpeed.
func checkTrajectory(t *testing.T, m Mobility, radius, horizon, dt float64) {
	t.Helper()
	prev := m.Position(0)
	for x := dt; x <= horizon; x += dt {
		p := m.Position(x)
		if p.Norm() > radius*(1+1e-12) {
			t.Fatalf("t=%v: %v is %v m from the centre, outside %v", x, p, p.Norm(), radius)
		}
		if v := p.Dist(prev) / dt; v > m.MaxSpeed()*(1+1e-9) {
			t.Fatalf("t=%v: speed %v above MaxSpeed %v", x, v, m.MaxSpeed())
		}
		prev = p
	}
}

func TestRandomWaypointTrajectory(t *testing.T) {
	cfg := RandomWaypointConfig{Radius: 500, MinDist: 10, MinSpeed: 1, MaxSpeed: 5, PauseS: 3, Start: Point{100, -50}, Seed: 9}
	w, err := NewRandomWaypoint(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if w.Position(0) != cfg.Start || w.Position(-4) != cfg.Start {
		t.Errorf("Position(0) = %v, want the start %v", w.Position(0), cfg.Start)
	}
	checkTrajectory(t, w, cfg.Radius, 20000, 0.9)
	if len(w.legs) < 20 {
		t.Fatalf("only %d legs in 20000 s", len(w.legs))
	}
	for i, l := range w.legs {
		if i > 0 && (l.From != w.legs[i-1].To || l.Depart != w.legs[i-1].Leave) {
			t.Fatalf("leg %d does not continue leg %d", i, i-1)
		}
		if r := l.To.Norm(); r < cfg.MinDist || r > cfg.Radius {
			t.Fatalf("waypoint %d at %v m", i, r)
		}
		if v := l.From.Dist(l.To) / (l.Arrive - l.Depart); v < cfg.MinSpeed-1e-9 || v > cfg.MaxSpeed+1e-9 {
			t.Fatalf("leg %d speed %v outside [%v, %v]", i, v, cfg.MinSpeed, cfg.MaxSpeed)
		}
		if l.Leave-l.Arrive != cfg.PauseS && !near(l.Leave-l.Arrive, cfg.PauseS, 1e-9) {
			t.Fatalf("leg %d pause %v", i, l.Leave-l.Arrive)
		}
		// It reaches the waypoint on arrival and rests there.
		if w.Position(l.Arrive) != l.To || w.Position((l.Arrive+l.Leave)/2) != l.To {
			t.Fatalf("leg %d: at %v on arrival, want waypoint %v", i, w.Position(l.Arrive), l.To)
		}
		mid := w.Position((l.Depart + l.Arrive) / 2)
		if want := lerp(l.From, l.To, 0.5); mid.Dist(want) > 1e-9 {
			t.Fatalf("leg %d: %v half-way, want %v", i, mid, want)
		}
	}
}

func TestRandomWaypointQueryOrder(t *testing.T) {
	cfg := RandomWaypointConfig{Radius: 300, MinSpeed: 0.5, MaxSpeed: 3, PauseS: 10, Seed: 4}
	a, _ := NewRandomWaypoint(cfg)
	b, _ := NewRandomWaypoint(cfg)
	cfg.Seed = 5
	other, _ := NewRandomWaypoint(cfg)
	times := make([]float64, 3000)
	for i := range times {
		times[i] = float64(i) * 1.3
	}
	want := make([]Point, len(times))
	for i, x := range times {
		want[i] = a.Position(x)
	}
	differ := 0
	for i := len(times) - 1; i >= 0; i-- {
		if got := b.Position(times[i]); got != want[i] {
			t.Fatalf("t=%v: %v backwards, %v forwards", times[i], got, want[i])
		}
		if other.Position(times[i]) != want[i] {
			differ++
		}
	}
	if differ < len(times)/2 {
		t.Errorf("another seed matched %d of %d positions", len(times)-differ, len(times))
	}
}
