package policy

import (
	"math/rand/v2"
	"testing"
)

// HA-Sync's tau must be the largest integer whose floored capacities cover
// d, found here by counting up; tau* bounds it from above.
func TestHASyncMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for i := range 2000 {
		p := smallProblem(rng)
		pl, err := HASync{AllowExclusion: true}.Plan(p)
		if err != nil {
			continue
		}
		dmin, want := p.minSamples(), 0
		for tau := 1; ; tau++ {
			total, ok := 0, true
			for k := range p.Learners {
				if pl.Tau[k] == 0 {
					continue
				}
				c := p.capacity(k, tau)
				ok = ok && c >= dmin
				total += c
			}
			if !ok || total < p.D {
				break
			}
			want = tau
		}
		for k, tau := range pl.Tau {
			if tau != 0 && tau != want {
				t.Fatalf("instance %d: learner %d tau %d, want %d", i, k, tau, want)
			}
		}
		if pl.Diag.RelaxedTau < float64(want) {
			t.Errorf("instance %d: relaxed tau* %v below the integer optimum %d", i, pl.Diag.RelaxedTau, want)
		}
	}
}

// SAI stopped after a few steps still returns a feasible plan no worse than
// HA-Sync's.
func TestSAIBudget(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	for i := range 300 {
		p := randomPaperProblem(rng, 2, 50)
		sync, err := HASync{}.Plan(p)
		if err != nil {
			continue
		}
		for _, steps := range []int{1, 10, 100} {
			pl, err := SAI{MaxSteps: steps}.Plan(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := Check(p, pl); err != nil {
				t.Fatal(err)
			}
			if pl.Objective < sync.Objective {
				t.Errorf("instance %d, %d steps: sai %v below sync %v", i, steps, pl.Objective, sync.Objective)
			}
		}
	}
}

// At extreme scales the closed-form tau* and the integer capacities can
// round differently (here E = G0 and G2·tau·d vanishes against G0, so the
// real energy bound is 0 while every integer check passes). tau* must not
// fall below the integer optimum, and SAI must not crawl up from it.
func TestExtremeScales(t *testing.T) {
	p := Problem{Learners: []Learner{{C2: 1.398e-76, C1: 1.398e-76, C0: 1.398e-76,
		G2: 9e-308, G1: 8.9e-308, G0: 1.398e-76, E: 1.398e-76}}, T: 2.5e-37, D: 11336, DL: 38, C: 38}
	sync, err := HASync{}.Plan(p)
	if err != nil {
		t.Fatal(err)
	}
	if sync.Tau[0] != MaxTau || sync.Diag.RelaxedTau < MaxTau {
		t.Errorf("ha-sync tau %v, tau* %v; want %d for both", sync.Tau, sync.Diag.RelaxedTau, MaxTau)
	}
	sai, err := SAI{}.Plan(p)
	if err != nil {
		t.Fatal(err)
	}
	if sai.Tau[0] != MaxTau || sai.Diag.Iterations > 100 {
		t.Errorf("sai tau %v after %d moves, want %d in at most 100", sai.Tau, sai.Diag.Iterations, MaxTau)
	}
}
