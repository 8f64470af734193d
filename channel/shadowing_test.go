package channel

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestShadowingValidation(t *testing.T) {
	bad := []struct {
		sigma DB
		tc    float64
	}{
		{-1, 1}, {DB(math.NaN()), 1}, {DB(math.Inf(1)), 1}, {4, 0}, {4, -1}, {4, math.NaN()},
	}
	for _, b := range bad {
		if _, err := NewShadowing(b.sigma, b.tc, 1); err == nil {
			t.Errorf("NewShadowing(%v, %v) accepted", b.sigma, b.tc)
		}
	}
	if _, err := NewShadowing(0, 0, 1); err != nil {
		t.Errorf("sigma 0 with no coherence: %v", err)
	}
}

func TestShadowingNone(t *testing.T) {
	var nilS *Shadowing
	zero, err := NewShadowing(0, 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Shadowing{nilS, zero} {
		if s.At(3.2) != 0 || !math.IsInf(s.NextChange(3.2), 1) {
			t.Errorf("%v: At = %v, NextChange = %v; want 0, +Inf", s, s.At(3.2), s.NextChange(3.2))
		}
	}
}

func TestShadowingIntervals(t *testing.T) {
	s, err := NewShadowing(6, 0.1, 42)
	if err != nil {
		t.Fatal(err)
	}
	// Constant within [3·Tc, 4·Tc), a fresh draw at 4·Tc. The grid points
	// are float64 products (3·0.1 is 0.30000000000000004, above 0.3), hence
	// the variable: Go would fold constant products exactly.
	tc := 0.1
	a := s.At(3 * tc)
	if s.At(0.35) != a || s.At(math.Nextafter(4*tc, 0)) != a {
		t.Error("value changed inside a coherence interval")
	}
	if s.At(0.3) == a || s.At(4*tc) == a {
		t.Error("value did not change at the coherence boundary")
	}
	for i := range 10000 {
		ti := float64(i) * tc
		next := s.NextChange(ti)
		if next <= ti || gridIndex(next, tc) != float64(i+1) || gridIndex(ti, tc) != float64(i) {
			t.Fatalf("interval %d: t=%v next=%v indices %v %v", i, ti, next, gridIndex(ti, tc), gridIndex(next, tc))
		}
	}
	one, err := NewShadowing(6, math.Inf(1), 42)
	if err != nil {
		t.Fatal(err)
	}
	if one.At(0) != one.At(1e6) || !math.IsInf(one.NextChange(5), 1) {
		t.Error("infinite coherence should give one draw forever")
	}
}

func TestShadowingStatistics(t *testing.T) {
	const sigma, n = 8.0, 20000
	s, err := NewShadowing(sigma, 0.5, 2024)
	if err != nil {
		t.Fatal(err)
	}
	var sum, sum2 float64
	for i := range n {
		x := float64(s.At(float64(i)*0.5 + 0.25))
		sum += x
		sum2 += x * x
	}
	mean := sum / n
	std := math.Sqrt(sum2/n - mean*mean)
	// Standard errors: σ/√n = 0.057 for the mean, σ/√(2n) = 0.04 for the std.
	if math.Abs(mean) > 0.3 {
		t.Errorf("sample mean %v dB, want about 0", mean)
	}
	if math.Abs(std-sigma) > 0.2 {
		t.Errorf("sample std %v dB, want about %v", std, sigma)
	}
}

func TestShadowingQueryOrder(t *testing.T) {
	fwd, _ := NewShadowing(5, 0.7, 9)
	shuf, _ := NewShadowing(5, 0.7, 9)
	other, _ := NewShadowing(5, 0.7, 10)
	times := make([]float64, 500)
	for i := range times {
		times[i] = float64(i) * 0.31
	}
	want := make([]DB, len(times))
	for i, ti := range times {
		want[i] = fwd.At(ti)
	}
	perm := rand.New(rand.NewPCG(1, 2)).Perm(len(times))
	same := 0
	for _, i := range perm {
		if got := shuf.At(times[i]); got != want[i] {
			t.Fatalf("At(%v) = %v in shuffled order, %v in forward order", times[i], got, want[i])
		}
		if other.At(times[i]) == want[i] {
			same++
		}
	}
	if same > 0 {
		t.Errorf("another seed reproduced %d values", same)
	}
}
