package policy

import (
	"errors"
	"math/rand/v2"
	"testing"
)

// bruteForce returns the best Σ tau over every tau vector of the learners
// that can take part (each in [1, its tmax]) that fits the staleness window
// and whose floored capacities cover d, or -1 if there is none. It
// enumerates the vectors by their lowest entry m and the offsets from m. The
// learners that cannot do one update are excluded, as Exact does when
// allowed to.
func bruteForce(p Problem) int {
	dmin := p.minSamples()
	var in, tmax []int
	for k := range p.Learners {
		if t := p.maxTau(k, dmin); t > 0 {
			in, tmax = append(in, k), append(tmax, t)
		}
	}
	best, lowest := -1, MaxTau
	for _, t := range tmax {
		lowest = min(lowest, t)
	}
	tau := make([]int, len(in))
	var rec func(i, m int)
	rec = func(i, m int) {
		if i == len(in) {
			lo, hi, sum, capSum := MaxTau, 0, 0, 0
			for j, k := range in {
				lo, hi, sum = min(lo, tau[j]), max(hi, tau[j]), sum+tau[j]
				capSum += p.capacity(k, tau[j])
			}
			if len(in) > 0 && hi-lo <= p.C && capSum >= p.D && sum > best {
				best = sum
			}
			return
		}
		for t := m; t <= min(tmax[i], m+p.C); t++ {
			tau[i] = t
			rec(i+1, m)
		}
	}
	for m := 1; m <= lowest; m++ {
		rec(0, m)
	}
	return best
}

// smallProblem draws K ≤ 4 learners whose tmax stays small, with small d.
func smallProblem(rng *rand.Rand) Problem {
	k := 1 + rng.IntN(4)
	p := Problem{T: 5 + 20*rng.Float64(), DL: rng.IntN(4), C: rng.IntN(4)}
	for range k {
		l := Learner{
			C2: 0.05 + 0.5*rng.Float64(), C1: 0.2 * rng.Float64(), C0: 3 * rng.Float64(),
			G2: 0.05 + 0.3*rng.Float64(), G1: 0.05 * rng.Float64(), G0: rng.Float64(), E: 2 + 10*rng.Float64(),
		}
		if rng.IntN(4) == 0 {
			l.G2 = 0 // energy independent of tau
		}
		switch rng.IntN(5) {
		case 0: // an update touches a fixed number of samples: its cost does not grow with d
			l.C3, l.G3 = 3*l.C2, 3*l.G2
			l.C2, l.G2 = 0, 0
		case 1: // a learner with its own, limited data (FL)
			l.MaxD = 1 + rng.IntN(25)
		}
		p.Learners = append(p.Learners, l)
	}
	p.D = k*max(p.DL, 1) + rng.IntN(40)
	return p
}

func TestExactMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	n := 3000
	if testing.Short() {
		n = 500
	}
	solved := 0
	for i := range n {
		p := smallProblem(rng)
		want := bruteForce(p)
		pl, err := Exact{AllowExclusion: true}.Plan(p)
		if want < 0 {
			var ie *InfeasibleError
			if !errors.As(err, &ie) {
				t.Fatalf("instance %d: brute force finds no plan, Exact gives %v, %v", i, pl.Tau, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("instance %d: %+v: brute force finds Σ tau = %d, Exact fails: %v", i, p, want, err)
		}
		if err := Check(p, pl); err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		got := 0
		for _, tau := range pl.Tau {
			got += tau
		}
		if got != want {
			t.Fatalf("instance %d: %+v: Exact Σ tau = %d (tau %v), brute force %d", i, p, got, pl.Tau, want)
		}
		solved++
	}
	if solved < n/2 {
		t.Errorf("only %d of %d instances feasible: the generator tests too little", solved, n)
	}
}

// A problem whose window is huge is refused, not ground through.
func TestExactTooLarge(t *testing.T) {
	p := Problem{T: 1e6, D: 1000, DL: 1, C: MaxTau}
	for range 100 {
		p.Learners = append(p.Learners, Learner{C2: 1e-9, G2: 1e-9, E: 1e6})
	}
	_, err := Exact{}.Plan(p)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("error %v, want ErrTooLarge", err)
	}
	// SAI stops at its step budget with a feasible plan.
	for _, steps := range []int{100000, 0} {
		pl, err := SAI{MaxSteps: steps}.Plan(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := Check(p, pl); err != nil {
			t.Fatal(err)
		}
	}
}
