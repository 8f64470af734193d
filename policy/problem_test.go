package policy

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// twoLearners is a small valid problem: learner 0 is fast, learner 1 slow.
func twoLearners() Problem {
	return Problem{
		Learners: []Learner{
			{C2: 0.01, C1: 0.001, C0: 1, G2: 0.005, G0: 0.1, E: 10},
			{C2: 0.04, C1: 0.002, C0: 2, G2: 0.001, G0: 0.2, E: 10},
		},
		T: 10, D: 200, DL: 10, C: 2,
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(p *Problem)
		want string // substring of the error; "" for valid
	}{
		{"valid", func(p *Problem) {}, ""},
		{"no learners", func(p *Problem) { p.Learners = nil }, "policy: problem has no learners"},
		{"C2 NaN", func(p *Problem) { p.Learners[1].C2 = math.NaN() }, "policy: learner 1: C2 = NaN: must be finite"},
		{"C2 zero", func(p *Problem) { p.Learners[0].C2 = 0 }, "policy: learner 0: C2 = 0 and C3 = 0: one must be > 0"},
		{"C0 negative", func(p *Problem) { p.Learners[1].C0 = -1 }, "policy: learner 1: C0 = -1: must be finite and >= 0"},
		{"G2 infinite", func(p *Problem) { p.Learners[0].G2 = math.Inf(1) }, "policy: learner 0: G2 = +Inf: must be finite"},
		{"E negative", func(p *Problem) { p.Learners[1].E = -2 }, "policy: learner 1: E = -2"},
		{"G2 zero is fine", func(p *Problem) { p.Learners[1].G2 = 0 }, ""},
		{"T zero", func(p *Problem) { p.T = 0 }, "policy: T = 0 s: must be finite and > 0"},
		{"T NaN", func(p *Problem) { p.T = math.NaN() }, "policy: T = NaN s"},
		{"d zero", func(p *Problem) { p.D = 0 }, "policy: d = 0: must be in [1,"},
		{"d_l negative", func(p *Problem) { p.DL = -1 }, "policy: d_l = -1: must be >= 0"},
		{"c negative", func(p *Problem) { p.C = -1 }, "policy: c = -1: must be >= 0"},
		{"d < K·d_l", func(p *Problem) { p.DL = 101 }, "policy: d = 200 is less than K·max(d_l, 1) = 2·101"},
		{"d = K·d_l", func(p *Problem) { p.DL = 100 }, ""},
		{"d_l huge", func(p *Problem) { p.DL = math.MaxInt }, "is less than K·max(d_l, 1)"},
		{"d < K with d_l = 0", func(p *Problem) { p.DL, p.D = 0, 1 }, "K·max(d_l, 1) = 2·1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := twoLearners()
			tt.edit(&p)
			err := p.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestCoefficients(t *testing.T) {
	ph := Physical{CyclesPerSample: 1.68e6, FreqHz: 2e9, Kappa: 1e-29, RateBps: 1e7,
		TxPowerW: 0.2, ModelBits: 8e6, SampleBits: 6272, PL: true}
	got := Coefficients(ph)
	want := Learner{C2: 1.68e6 / 2e9, C1: 6272 / 1e7, C0: 2 * 8e6 / 1e7, G2: 1e-29 * 1.68e6 * 4e18, G0: 0.2 * 8e6 / 1e7}
	for _, f := range []struct {
		name      string
		got, want float64
	}{
		{"C2", got.C2, want.C2}, {"C1", got.C1, want.C1}, {"C0", got.C0, want.C0},
		{"G2", got.G2, want.G2}, {"G1", got.G1, 0}, {"G0", got.G0, want.G0}, {"E", got.E, 0},
	} {
		if math.Abs(f.got-f.want) > 1e-12*math.Abs(f.want) {
			t.Errorf("%s = %v, want %v", f.name, f.got, f.want)
		}
	}
	ph.PL = false
	if fl := Coefficients(ph); fl.C1 != 0 || fl.C0 != got.C0 {
		t.Errorf("FL mode: C1 = %v, C0 = %v; want 0 and %v", fl.C1, fl.C0, got.C0)
	}
	ph.RateBps = 0
	bad := Problem{Learners: []Learner{Coefficients(ph)}, T: 1, D: 1}
	if err := bad.Validate(); err == nil {
		t.Error("a zero rate gives coefficients that validate")
	}
}

func TestUsage(t *testing.T) {
	p := twoLearners()
	tm, e := p.Usage(1, 3, 50)
	if want := 0.04*3*50 + 0.002*50 + 2; math.Abs(tm-want) > 1e-12 {
		t.Errorf("time %v, want %v", tm, want)
	}
	if want := 0.001*3*50 + 0.2; math.Abs(e-want) > 1e-12 {
		t.Errorf("energy %v, want %v", e, want)
	}
	if tm, e := p.Usage(0, 0, 0); tm != 0 || e != 0 {
		t.Errorf("an excluded learner uses %v s, %v J", tm, e)
	}
}

// capacity must be the largest d with fits, and maxTau the largest tau at
// which dmin fits, on random problems including huge and tiny scales.
func TestCapacityAndMaxTauAreExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for i := range 5000 {
		scale := math.Pow(10, float64(rng.IntN(16)-8))
		p := Problem{
			Learners: []Learner{{
				C2: scale * rng.Float64(), C1: scale * rng.Float64() * 0.1, C0: rng.Float64() * 5,
				G2: scale * rng.Float64(), G0: rng.Float64() * 3, E: 1 + 20*rng.Float64(),
			}},
			T: 1 + 30*rng.Float64(), D: 1 + rng.IntN(1<<30), DL: rng.IntN(50),
		}
		if p.Learners[0].C2 == 0 {
			continue
		}
		tau := 1 + rng.IntN(1000)
		c := p.capacity(0, tau)
		if c < 0 || c > p.D || (c > 0 && !p.fits(0, tau, c)) || (c < p.D && p.fits(0, tau, c+1)) {
			t.Fatalf("case %d: capacity(%d) = %d is not the largest fitting d for %+v", i, tau, c, p)
		}
		dmin := p.minSamples()
		m := p.maxTau(0, dmin)
		if m < 0 || m > MaxTau || (m > 0 && !p.fits(0, m, dmin)) || (m < MaxTau && p.fits(0, m+1, dmin)) {
			t.Fatalf("case %d: maxTau = %d is not the largest tau fitting %d samples for %+v", i, m, dmin, p)
		}
	}
}
