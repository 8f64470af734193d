package device

import (
	"math"
	"strings"
	"testing"
)

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

func TestCPU(t *testing.T) {
	tests := []struct {
		name            string
		cpu             CPU
		samples         int
		time, energy, w float64
	}{
		// 1000·1.68e6 = 1.68e9 cycles: 1.68e9/1e9 = 1.68 s and
		// 1e-29·1.68e9·(1e9)² = 1.68e-2 J; κf³ = 1e-29·1e27 = 0.01 W.
		{"1 GHz", CPU{FreqHz: 1e9, Kappa: 1e-29}, 1000, 1.68, 0.0168, 0.01},
		// 3000·1.68e6 = 5.04e9 cycles: 5.04e9/2.4e9 = 2.1 s and
		// 1e-29·5.04e9·5.76e18 = 0.290304 J; κf³ = 1e-29·1.3824e28 = 0.13824 W.
		{"2.4 GHz", CPU{FreqHz: 2.4e9, Kappa: 1e-29}, 3000, 2.1, 0.290304, 0.13824},
		{"no samples", CPU{FreqHz: 6e9, Kappa: 1e-29}, 0, 0, 0, 2.16},
	}
	for _, tc := range tests {
		if err := tc.cpu.Validate(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := tc.cpu.IterTime(tc.samples, 1.68e6); !near(got, tc.time, 1e-12) {
			t.Errorf("%s: IterTime = %v, want %v", tc.name, got, tc.time)
		}
		if got := tc.cpu.IterEnergy(tc.samples, 1.68e6); !near(got, tc.energy, 1e-12) {
			t.Errorf("%s: IterEnergy = %v, want %v", tc.name, got, tc.energy)
		}
		if got := tc.cpu.Power(); !near(got, tc.w, 1e-12) {
			t.Errorf("%s: Power = %v, want %v", tc.name, got, tc.w)
		}
	}
}

func TestCPUValidate(t *testing.T) {
	for _, tc := range []struct {
		cpu   CPU
		field string
	}{
		{CPU{FreqHz: 0, Kappa: 1}, "FreqHz"},
		{CPU{FreqHz: math.Inf(1), Kappa: 1}, "FreqHz"},
		{CPU{FreqHz: 1, Kappa: -1}, "Kappa"},
		{CPU{FreqHz: 1, Kappa: math.NaN()}, "Kappa"},
	} {
		if err := tc.cpu.Validate(); err == nil || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%+v: error %v does not name %s", tc.cpu, err, tc.field)
		}
	}
}

func TestNewBatteryErrors(t *testing.T) {
	for _, c := range []float64{0, -1, math.NaN(), math.Inf(-1)} {
		if _, err := NewBattery(c); err == nil || !strings.HasPrefix(err.Error(), "device: ") {
			t.Errorf("NewBattery(%v): error %v", c, err)
		}
	}
}

func TestBatteryDrain(t *testing.T) {
	b, err := NewBattery(10)
	if err != nil {
		t.Fatal(err)
	}
	if after, emptied := b.Drain(2, 3); after != 3 || emptied || b.Level() != 4 {
		t.Errorf("Drain(2 W, 3 s) = %v, %v, level %v; want 3, false, 4", after, emptied, b.Level())
	}
	if got := b.TimeToEmpty(0.5); got != 8 {
		t.Errorf("TimeToEmpty(0.5 W) = %v, want 8", got)
	}
	// 4 J left at 2 W: empties 2 s into a 10 s drain.
	if after, emptied := b.Drain(2, 10); after != 2 || !emptied || b.Level() != 0 || !b.Empty() {
		t.Errorf("Drain(2 W, 10 s) = %v, %v, level %v; want 2, true, 0", after, emptied, b.Level())
	}
	if after, emptied := b.Drain(1, 1); after != 0 || !emptied {
		t.Errorf("Drain of an empty battery = %v, %v; want 0, true", after, emptied)
	}
	if drawn, emptied := b.Draw(1); drawn != 0 || !emptied || b.Level() != 0 {
		t.Errorf("Draw from an empty battery = %v, %v; want 0, true", drawn, emptied)
	}
	if b.TimeToEmpty(3) != 0 {
		t.Errorf("TimeToEmpty of an empty battery = %v", b.TimeToEmpty(3))
	}

	// Exactly the level: empties at the very end.
	e, _ := NewBattery(6)
	if after, emptied := e.Drain(3, 2); after != 2 || !emptied || e.Level() != 0 {
		t.Errorf("Drain of exactly the level = %v, %v, level %v", after, emptied, e.Level())
	}
	// Zero power never empties.
	z, _ := NewBattery(1)
	if after, emptied := z.Drain(0, 1e9); after != 1e9 || emptied || z.Level() != 1 {
		t.Errorf("Drain at 0 W = %v, %v, level %v", after, emptied, z.Level())
	}
}

func TestBatteryDraw(t *testing.T) {
	b, _ := NewBattery(5)
	if drawn, emptied := b.Draw(2); drawn != 2 || emptied || b.Level() != 3 {
		t.Errorf("Draw(2) = %v, %v, level %v; want 2, false, 3", drawn, emptied, b.Level())
	}
	if drawn, emptied := b.Draw(4.5); drawn != 3 || !emptied || b.Level() != 0 {
		t.Errorf("Draw(4.5) from 3 J = %v, %v, level %v; want 3, true, 0", drawn, emptied, b.Level())
	}
	for i := range 100 {
		c, _ := NewBattery(1)
		for range i + 1 {
			c.Draw(0.1) // rounding must never leave a negative level
		}
		if c.Level() < 0 {
			t.Fatalf("level %v after %d draws", c.Level(), i+1)
		}
	}
}

func TestBatteryMains(t *testing.T) {
	b, err := NewBattery(math.Inf(1))
	if err != nil {
		t.Fatal(err)
	}
	if !b.Mains() || b.Empty() {
		t.Fatal("infinite capacity is not mains power")
	}
	if drawn, emptied := b.Draw(1e12); drawn != 1e12 || emptied {
		t.Errorf("mains Draw = %v, %v", drawn, emptied)
	}
	if after, emptied := b.Drain(100, 1e6); after != 1e6 || emptied || !math.IsInf(b.Level(), 1) {
		t.Errorf("mains Drain = %v, %v, level %v", after, emptied, b.Level())
	}
	if !math.IsInf(b.TimeToEmpty(5), 1) {
		t.Errorf("mains TimeToEmpty = %v", b.TimeToEmpty(5))
	}
}

func TestBatteryPanics(t *testing.T) {
	b, _ := NewBattery(1)
	for name, f := range map[string]func(){
		"negative draw":    func() { b.Draw(-1) },
		"NaN draw":         func() { b.Draw(math.NaN()) },
		"negative power":   func() { b.Drain(-1, 1) },
		"infinite power":   func() { b.Drain(math.Inf(1), 1) },
		"negative time":    func() { b.Drain(1, -1) },
		"negative to-time": func() { b.TimeToEmpty(-1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f()
		}()
	}
}
