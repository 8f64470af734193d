package channel

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// paperLink returns the paper's default link (5 MHz, 23 dBm,
// -174 dBm/Hz) at the given distance source.
func paperLink(d DistanceSource) *Link {
	return &Link{
		BandwidthHz:        5e6,
		TxPowerW:           DBmToWatts(23),
		NoiseDensityWPerHz: DBmToWatts(-174),
		PathLoss:           DefaultPathLoss,
		Distance:           d,
	}
}

// Hand-computed rates of the paper's link (see TestPaperRates).
const (
	rate250 = 40.466e6
	rate500 = 22.228e6
)

// jump is 250 m away before At and 500 m from At on.
type jump struct{ At float64 }

func (j jump) DistanceAt(t float64) float64 {
	if t < j.At {
		return 250
	}
	return 500
}

// walker moves away from the orchestrator at 10 m/s from 100 m.
type walker struct{}

func (walker) DistanceAt(t float64) float64 { return 100 + 10*t }

func TestLinkValidate(t *testing.T) {
	tests := []struct {
		field string
		edit  func(*Link)
	}{
		{"BandwidthHz", func(l *Link) { l.BandwidthHz = 0 }},
		{"TxPowerW", func(l *Link) { l.TxPowerW = math.Inf(1) }},
		{"NoiseDensityWPerHz", func(l *Link) { l.NoiseDensityWPerHz = -1 }},
		{"PathLoss.A", func(l *Link) { l.PathLoss.A = math.NaN() }},
		{"Distance", func(l *Link) { l.Distance = nil }},
		{"Step", func(l *Link) { l.Step = -1 }},
		{"Horizon", func(l *Link) { l.Horizon = math.NaN() }},
		{"MaxPieces", func(l *Link) { l.MaxPieces = -2 }},
	}
	if err := paperLink(FixedDistance(1)).Validate(); err != nil {
		t.Fatalf("valid link: %v", err)
	}
	for _, tc := range tests {
		l := paperLink(FixedDistance(1))
		tc.edit(l)
		err := l.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: error %v does not name the field", tc.field, err)
		}
		if _, err := l.Transfer(0, 1); err == nil {
			t.Errorf("%s: Transfer accepted an invalid link", tc.field)
		}
	}
}

func TestLinkStaticTransfer(t *testing.T) {
	l := paperLink(FixedDistance(250))
	r := l.Rate(0)
	if !near(r, rate250, 1e3) {
		t.Fatalf("Rate at 250 m = %v, want %v", r, rate250)
	}
	for _, start := range []float64{0, 3, 1234.5} {
		for _, bits := range []float64{1, 8989888, 1e9} {
			finish, err := l.Transfer(start, bits)
			if err != nil {
				t.Fatal(err)
			}
			// The plan the mel layer makes, start + bits/r, must match exactly.
			if finish != start+bits/r {
				t.Errorf("Transfer(%v, %v) = %v, want %v", start, bits, finish, start+bits/r)
			}
		}
	}
	if f, err := l.Transfer(7, 0); f != 7 || err != nil {
		t.Errorf("Transfer of 0 bits = %v, %v; want 7, nil", f, err)
	}
	for _, bad := range [][2]float64{{math.NaN(), 1}, {math.Inf(1), 1}, {0, -1}, {0, math.Inf(1)}} {
		if _, err := l.Transfer(bad[0], bad[1]); err == nil {
			t.Errorf("Transfer(%v, %v) accepted", bad[0], bad[1])
		}
	}
}

func TestLinkOutageStallsTransfer(t *testing.T) {
	l := paperLink(FixedDistance(250))
	r := l.Rate(0)
	const bits = 1e8 // 2.4712 s at 40.466 Mbit/s
	plain, _ := l.Transfer(0, bits)
	o, _ := NewScheduled([]Interval{{Start: 1, Duration: 2.5}})
	l.Outage = o
	if l.Rate(2) != 0 || l.Rate(3.5) != r {
		t.Errorf("Rate during/after outage = %v, %v; want 0, %v", l.Rate(2), l.Rate(3.5), r)
	}
	got, err := l.Transfer(0, bits)
	if err != nil {
		t.Fatal(err)
	}
	if !near(got-plain, 2.5, 1e-12) {
		t.Errorf("with a 2.5 s outage: finish %v, without %v; want exactly 2.5 s longer", got, plain)
	}
	// Starting inside the outage waits for its end.
	got, _ = l.Transfer(2, bits)
	if want := 3.5 + bits/r; !near(got, want, 1e-12) {
		t.Errorf("start inside the outage: finish %v, want %v", got, want)
	}
	// Finishing before the outage is unaffected.
	got, _ = l.Transfer(0, r/2)
	if got != 0.5 {
		t.Errorf("transfer before the outage: finish %v, want 0.5", got)
	}
}

// TestLinkMobilityGrid checks the resampling approximation by hand. The
// learner is 250 m away before t = 10 s and 500 m after; the bits are
// exactly 10 s at r250 plus 3 s at r500, so with an exact grid (Step 5)
// the transfer ends at 13 s. With Step 4 the sample at 8 s holds until 12 s,
// so the whole transfer runs at r250 and ends at 10 + 3·r500/r250 =
// 11.6479 s.
func TestLinkMobilityGrid(t *testing.T) {
	l := paperLink(jump{At: 10})
	r250, r500 := l.Rate(0), l.Rate(10)
	if !near(r250, rate250, 1e3) || !near(r500, rate500, 1e3) {
		t.Fatalf("rates %v, %v; want %v, %v", r250, r500, rate250, rate500)
	}
	bits := 10*r250 + 3*r500
	l.Step = 5
	if got, _ := l.Transfer(0, bits); !near(got, 13, 1e-9) {
		t.Errorf("Step 5: finish %v, want 13", got)
	}
	l.Step = 4
	if l.Rate(11) != r250 || l.DistanceAt(11) != 250 {
		t.Errorf("Step 4: Rate(11) = %v at %v m, want the sample at 8 s", l.Rate(11), l.DistanceAt(11))
	}
	if got, want := 11.6479, 10+3*rate500/rate250; !near(want, got, 1e-4) {
		t.Fatalf("hand value %v disagrees with %v", got, want)
	}
	if got, _ := l.Transfer(0, bits); !near(got, 10+3*r500/r250, 1e-9) {
		t.Errorf("Step 4: finish %v, want %v", got, 10+3*r500/r250)
	}
	// Without a grid the distance is read at the start of the only piece.
	l.Step = 0
	if l.Rate(11) != r500 {
		t.Errorf("Step 0: Rate(11) = %v, want %v", l.Rate(11), r500)
	}
	if got, _ := l.Transfer(0, bits); !near(got, bits/r250, 1e-9) {
		t.Errorf("Step 0: finish %v, want %v", got, bits/r250)
	}
}

func TestLinkShadowingGain(t *testing.T) {
	l := paperLink(FixedDistance(500))
	s, _ := NewShadowing(8, 0.25, 3)
	l.Shadowing = s
	for _, ti := range []float64{0, 0.3, 7.9} {
		want := DBToLinear(-(DefaultPathLoss.Loss(500) + s.At(ti)))
		if got := l.Gain(ti); !near(got, want, 1e-9*want) {
			t.Errorf("Gain(%v) = %v, want %v", ti, got, want)
		}
	}
}

// randomLink builds a link with every source of variation switched on.
func randomLink(seed uint64) *Link {
	l := paperLink(walker{})
	l.Step = 0.5
	l.Shadowing, _ = NewShadowing(6, 0.2, seed)
	onoff, _ := NewRandomOnOff(2, 0.5, StartUp, seed+1)
	sched, _ := NewScheduled([]Interval{{Start: 3, Duration: 1}})
	l.Outage = Union{onoff, sched}
	return l
}

func TestLinkBitsMatchesTransfer(t *testing.T) {
	l := randomLink(21)
	for _, start := range []float64{0, 1.7, 9.3} {
		const bits = 2e8
		finish, err := l.Transfer(start, bits)
		if err != nil {
			t.Fatal(err)
		}
		got, err := l.Bits(start, finish)
		if err != nil {
			t.Fatal(err)
		}
		if !near(got, bits, 1e-6*bits) {
			t.Errorf("Bits(%v, %v) = %v, want %v", start, finish, got, bits)
		}
		// Half-way in time, fewer bits but more than none.
		half, _ := l.Bits(start, (start+finish)/2)
		if !(half > 0 && half < bits) {
			t.Errorf("Bits over half the transfer = %v", half)
		}
	}
	// A static link pushes rate·duration bits.
	s := paperLink(FixedDistance(500))
	if got, _ := s.Bits(2, 5); !near(got, 3*s.Rate(0), 1e-6) {
		t.Errorf("static Bits(2, 5) = %v, want %v", got, 3*s.Rate(0))
	}
	if got, _ := s.Bits(5, 2); got != 0 {
		t.Errorf("Bits over an empty interval = %v", got)
	}
	if _, err := s.Bits(0, math.Inf(1)); err == nil {
		t.Error("Bits to +Inf accepted")
	}
}

func TestLinkTransferQueryOrder(t *testing.T) {
	a, b := randomLink(8), randomLink(8)
	starts := []float64{0, 4, 8, 12, 16, 20, 24, 28}
	want := make([]float64, len(starts))
	for i, s := range starts {
		want[i], _ = a.Transfer(s, 1.5e8)
	}
	for _, i := range rand.New(rand.NewPCG(1, 1)).Perm(len(starts)) {
		if got, _ := b.Transfer(starts[i], 1.5e8); got != want[i] {
			t.Errorf("Transfer(%v) = %v in shuffled order, %v in order", starts[i], got, want[i])
		}
	}
}

func TestLinkTransferFailures(t *testing.T) {
	l := paperLink(FixedDistance(250))
	forever, _ := NewScheduled([]Interval{{Start: 1, Duration: math.Inf(1)}})
	l.Outage = forever
	if _, err := l.Transfer(0, 1e9); !errors.Is(err, ErrNeverFinishes) {
		t.Errorf("permanent outage: err %v, want ErrNeverFinishes", err)
	}
	if got, err := l.Transfer(0, 1e6); err != nil || got >= 1 {
		t.Errorf("small transfer before the permanent outage: %v, %v", got, err)
	}

	l = paperLink(FixedDistance(250))
	l.Horizon = 2
	if _, err := l.Transfer(0, 3*l.Rate(0)); !errors.Is(err, ErrHorizon) {
		t.Errorf("beyond horizon: err %v, want ErrHorizon", err)
	}
	if got, err := l.Transfer(0, l.Rate(0)); err != nil || got != 1 {
		t.Errorf("within horizon: %v, %v; want 1, nil", got, err)
	}

	l = paperLink(FixedDistance(250))
	l.Shadowing, _ = NewShadowing(4, 0.001, 1)
	l.MaxPieces = 100
	if _, err := l.Transfer(0, 1e9); !errors.Is(err, ErrTooManyPieces) {
		t.Errorf("fine shadowing: err %v, want ErrTooManyPieces", err)
	}
	if _, err := l.Bits(0, 1); !errors.Is(err, ErrTooManyPieces) {
		t.Errorf("Bits with fine shadowing: err %v, want ErrTooManyPieces", err)
	}

	l = paperLink(FixedDistance(250))
	l.Outage = stuck{}
	if _, err := l.Transfer(0, 1e9); err == nil || !strings.Contains(err.Error(), "not after") {
		t.Errorf("broken outage: err %v", err)
	}
}

// stuck is a broken Outage whose NextChange does not advance.
type stuck struct{}

func (stuck) Up(float64) bool              { return false }
func (stuck) NextChange(t float64) float64 { return t }
