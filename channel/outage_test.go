package channel

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestScheduledMerge(t *testing.T) {
	s, err := NewScheduled([]Interval{{5, 2}, {0, 1}, {1, 1}, {6, 3}, {20, math.Inf(1)}, {25, 1}})
	if err != nil {
		t.Fatal(err)
	}
	want := []Interval{{0, 2}, {5, 4}, {20, math.Inf(1)}}
	got := s.Intervals()
	if len(got) != len(want) {
		t.Fatalf("Intervals() = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Intervals() = %v, want %v", got, want)
		}
	}
	inf := math.Inf(1)
	tests := []struct {
		t    float64
		up   bool
		next float64
	}{
		{-1, true, 0},
		{0, false, 2},
		{1, false, 2},
		{math.Nextafter(2, 0), false, 2},
		{2, true, 5},
		{4.5, true, 5},
		{8.9, false, 9},
		{9, true, 20},
		{20, false, inf},
		{1e9, false, inf},
	}
	for _, tc := range tests {
		if up, next := s.Up(tc.t), s.NextChange(tc.t); up != tc.up || next != tc.next {
			t.Errorf("t=%v: Up=%v NextChange=%v, want %v %v", tc.t, up, next, tc.up, tc.next)
		}
	}
}

func TestScheduledEmpty(t *testing.T) {
	s, err := NewScheduled(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Up(3) || !math.IsInf(s.NextChange(3), 1) {
		t.Error("empty schedule should be up forever")
	}
}

func TestScheduledValidation(t *testing.T) {
	tests := []struct {
		in   []Interval
		want string
	}{
		{[]Interval{{0, 1}, {3, 0}}, "interval 1: duration"},
		{[]Interval{{0, -1}}, "interval 0: duration"},
		{[]Interval{{0, math.NaN()}}, "interval 0: duration"},
		{[]Interval{{0, 1}, {1, 1}, {math.NaN(), 1}}, "interval 2: start"},
		{[]Interval{{math.Inf(-1), 1}}, "interval 0: start"},
	}
	for _, tc := range tests {
		_, err := NewScheduled(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "channel: ") {
			t.Errorf("NewScheduled(%v) error %v, want one containing %q", tc.in, err, tc.want)
		}
	}
}

func TestRandomOnOffValidation(t *testing.T) {
	for _, m := range [][2]float64{{0, 1}, {1, 0}, {-1, 1}, {math.NaN(), 1}, {1, math.Inf(1)}} {
		if _, err := NewRandomOnOff(m[0], m[1], StartUp, 1); err == nil {
			t.Errorf("means %v accepted", m)
		}
	}
	if _, err := NewRandomOnOff(1, 1, OnOffStart(7), 1); err == nil {
		t.Error("unknown start accepted")
	}
}

// upTime integrates the up time of o over [0, horizon] by walking its
// changes, and counts the up periods that start in it.
func upTime(o Outage, horizon float64) (up float64, periods int) {
	for t := 0.0; t < horizon; {
		next := math.Min(o.NextChange(t), horizon)
		if o.Up(t) {
			up += next - t
			periods++
		}
		t = next
	}
	return up, periods
}

func TestRandomOnOffLongRun(t *testing.T) {
	const meanUp, meanDown, horizon = 3.0, 1.0, 40000.0
	o, err := NewRandomOnOff(meanUp, meanDown, StartUp, 77)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Up(0) || !o.Up(-5) {
		t.Error("StartUp process is not up at t <= 0")
	}
	up, periods := upTime(o, horizon)
	// About 10,000 cycles; the fraction's standard error is about 0.003.
	if frac, want := up/horizon, meanUp/(meanUp+meanDown); math.Abs(frac-want) > 0.015 {
		t.Errorf("up fraction %v, want about %v", frac, want)
	}
	if mean := up / float64(periods); math.Abs(mean-meanUp) > 0.15 {
		t.Errorf("mean up period %v s, want about %v", mean, meanUp)
	}
	d, err := NewRandomOnOff(meanUp, meanDown, StartDown, 77)
	if err != nil {
		t.Fatal(err)
	}
	if d.Up(0) || d.Up(-1) {
		t.Error("StartDown process is up at t <= 0")
	}
}

func TestRandomOnOffStationaryStart(t *testing.T) {
	upAt0 := 0
	const n = 2000
	for seed := range uint64(n) {
		o, err := NewRandomOnOff(3, 1, StartStationary, seed)
		if err != nil {
			t.Fatal(err)
		}
		if o.Up(0) {
			upAt0++
		}
	}
	// Binomial(2000, 0.75): standard error of the fraction about 0.01.
	if frac := float64(upAt0) / n; math.Abs(frac-0.75) > 0.05 {
		t.Errorf("fraction starting up %v, want about 0.75", frac)
	}
}

func TestRandomOnOffQueryOrder(t *testing.T) {
	fwd, _ := NewRandomOnOff(2, 0.5, StartUp, 5)
	shuf, _ := NewRandomOnOff(2, 0.5, StartUp, 5)
	times := make([]float64, 2000)
	for i := range times {
		times[i] = float64(i) * 0.37
	}
	ups := make([]bool, len(times))
	nexts := make([]float64, len(times))
	for i, ti := range times {
		ups[i], nexts[i] = fwd.Up(ti), fwd.NextChange(ti)
	}
	// Query the copy backwards first, then in a random order.
	for i := len(times) - 1; i >= 0; i-- {
		if shuf.Up(times[i]) != ups[i] || shuf.NextChange(times[i]) != nexts[i] {
			t.Fatalf("t=%v: reverse order disagrees", times[i])
		}
	}
	for _, i := range rand.New(rand.NewPCG(3, 4)).Perm(len(times)) {
		if shuf.Up(times[i]) != ups[i] || shuf.NextChange(times[i]) != nexts[i] {
			t.Fatalf("t=%v: shuffled order disagrees", times[i])
		}
	}
	// The next change is a real change: the state flips there.
	for i, ti := range times[:200] {
		if fwd.Up(nexts[i]) == ups[i] || fwd.Up(math.Nextafter(nexts[i], 0)) != ups[i] {
			t.Fatalf("t=%v: state does not flip exactly at %v", ti, nexts[i])
		}
	}
}

func TestUnion(t *testing.T) {
	a, _ := NewScheduled([]Interval{{0, 2}, {5, 4}})
	b, _ := NewScheduled([]Interval{{1, 5}, {12, 1}})
	u := Union{a, nil, b}
	inf := math.Inf(1)
	tests := []struct {
		t    float64
		up   bool
		next float64
	}{
		{-1, true, 0},
		{0, false, 9}, // [0,2) ∪ [1,6) ∪ [5,9) = [0,9)
		{3, false, 9},
		{9, true, 12},
		{12.5, false, 13},
		{13, true, inf},
	}
	for _, tc := range tests {
		if up, next := u.Up(tc.t), u.NextChange(tc.t); up != tc.up || next != tc.next {
			t.Errorf("t=%v: Up=%v NextChange=%v, want %v %v", tc.t, up, next, tc.up, tc.next)
		}
	}
	if !(Union{}).Up(1) || !math.IsInf((Union{}).NextChange(1), 1) {
		t.Error("empty union should be up forever")
	}
	forever, _ := NewScheduled([]Interval{{10, inf}})
	flaky, _ := NewRandomOnOff(1, 1, StartUp, 3)
	v := Union{flaky, forever}
	if v.Up(11) || !math.IsInf(v.NextChange(11), 1) {
		t.Errorf("down forever after 10: Up(11)=%v NextChange(11)=%v", v.Up(11), v.NextChange(11))
	}
}

// TestUnionProperty checks Union against the pointwise definition on random
// schedules with integer end points, sampled at half-integers.
func TestUnionProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := range 200 {
		var u Union
		var sets [][]Interval
		for range 1 + rng.IntN(3) {
			var iv []Interval
			for range rng.IntN(4) {
				iv = append(iv, Interval{Start: float64(rng.IntN(30)), Duration: float64(1 + rng.IntN(5))})
			}
			s, err := NewScheduled(iv)
			if err != nil {
				t.Fatal(err)
			}
			u = append(u, s)
			sets = append(sets, iv)
		}
		down := func(x float64) bool {
			for _, iv := range sets {
				for _, d := range iv {
					if x >= d.Start && x < d.Start+d.Duration {
						return true
					}
				}
			}
			return false
		}
		for k := -2; k < 40; k++ {
			x := float64(k) + 0.5
			if u.Up(x) == down(x) {
				t.Fatalf("trial %d: Up(%v) = %v", trial, x, u.Up(x))
			}
			next := u.NextChange(x)
			if math.IsInf(next, 1) {
				for y := x + 1; y < 40; y++ {
					if down(y) != down(x) {
						t.Fatalf("trial %d: NextChange(%v) = +Inf but state changes by %v", trial, x, y)
					}
				}
				continue
			}
			for y := x + 1; y < next; y++ {
				if down(y) != down(x) {
					t.Fatalf("trial %d: state changes at %v before NextChange(%v) = %v", trial, y, x, next)
				}
			}
			if down(next+0.5) == down(x) {
				t.Fatalf("trial %d: state does not change at NextChange(%v) = %v", trial, x, next)
			}
		}
	}
}

func TestRandomOnOffInfPanics(t *testing.T) {
	o, _ := NewRandomOnOff(1, 1, StartUp, 1)
	defer func() {
		if recover() == nil {
			t.Error("Up(+Inf) did not panic")
		}
	}()
	o.Up(math.Inf(1))
}

// TestOnOffNew: the scenario's outage config builds exactly the stationary random on/off
// process of the same means and seed, with its validation.
func TestOnOffNew(t *testing.T) {
	for seed := range uint64(20) {
		cfg := OnOff{MeanUp: 4, MeanDown: 0.5}
		got, err := cfg.New(seed)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := NewRandomOnOff(4, 0.5, StartStationary, seed)
		// Walk the changes of both: the same states and the same change times.
		for ti, n := 0.0, 0; n < 200; n++ {
			if got.Up(ti) != want.Up(ti) || got.NextChange(ti) != want.NextChange(ti) {
				t.Fatalf("seed %d, t=%v: Up %v, next change %v; NewRandomOnOff gives %v, %v",
					seed, ti, got.Up(ti), got.NextChange(ti), want.Up(ti), want.NextChange(ti))
			}
			ti = want.NextChange(ti)
		}
	}
	// Across seeds both states occur at time 0, so the start is stationary, not StartUp.
	ups := 0
	for seed := range uint64(200) {
		o, _ := OnOff{MeanUp: 1, MeanDown: 1}.New(seed)
		if o.Up(0) {
			ups++
		}
	}
	if ups < 60 || ups > 140 {
		t.Errorf("%d of 200 processes up at 0, want about 100", ups)
	}
	for _, bad := range []OnOff{{}, {MeanUp: 1}, {MeanUp: 1, MeanDown: math.NaN()}, {MeanUp: math.Inf(1), MeanDown: 1}} {
		if _, err := bad.New(1); err == nil || !strings.HasPrefix(err.Error(), "channel: random on/off mean") {
			t.Errorf("%+v: error %v", bad, err)
		}
	}
}
