package policy

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// mustPolicy builds a registered policy or fails the test.
func mustPolicy(t testing.TB, name string, params Params) Policy {
	t.Helper()
	pol, err := New(name, params)
	if err != nil {
		t.Fatal(err)
	}
	return pol
}

// solve runs pol on p and checks the outcome: a plan that passes Check with
// a finite objective, or an *InfeasibleError. It returns the objective, or
// NaN when infeasible.
func solve(t *testing.T, pol Policy, p Problem) (Plan, float64) {
	t.Helper()
	pl, err := pol.Plan(p)
	if err != nil {
		var ie *InfeasibleError
		if !errors.As(err, &ie) {
			t.Fatalf("%s: %v", pol.Name(), err)
		}
		return Plan{}, math.NaN()
	}
	if err := Check(p, pl); err != nil {
		t.Fatalf("%s: %v\nplan %+v", pol.Name(), err, pl)
	}
	if math.IsNaN(pl.Objective) || math.IsInf(pl.Objective, 0) {
		t.Fatalf("%s: objective %v", pol.Name(), pl.Objective)
	}
	return pl, pl.Objective
}

func TestPropertiesPaperLike(t *testing.T) {
	n := 2000
	if testing.Short() {
		n = 300
	}
	rng := rand.New(rand.NewPCG(7, 7))
	sync, sai, exact := mustPolicy(t, "ha-sync", nil), mustPolicy(t, "ha-async-sai", nil), mustPolicy(t, "ha-async-exact", nil)
	huSync, huAsync := mustPolicy(t, "hu-sync", nil), mustPolicy(t, "hu-async", nil)
	feasible, huFeasible := 0, 0
	for i := range n {
		p := randomPaperProblem(rng, 2, 50)
		syncPlan, oSync := solve(t, sync, p)
		_, oSAI := solve(t, sai, p)
		_, oExact := solve(t, exact, p)
		_, oHUSync := solve(t, huSync, p)
		_, oHUAsync := solve(t, huAsync, p)
		if math.IsNaN(oSync) != math.IsNaN(oSAI) || math.IsNaN(oSync) != math.IsNaN(oExact) {
			t.Fatalf("instance %d: HA policies disagree on feasibility: sync %v, sai %v, exact %v", i, oSync, oSAI, oExact)
		}
		if !math.IsNaN(oHUSync) && math.IsNaN(oSync) {
			t.Fatalf("instance %d: HU is feasible and HA is not", i)
		}
		if math.IsNaN(oSync) {
			continue
		}
		feasible++
		if !(oExact >= oSAI && oSAI >= oSync) {
			t.Errorf("instance %d: want exact %v ≥ sai %v ≥ sync %v", i, oExact, oSAI, oSync)
		}
		if !math.IsNaN(oHUSync) {
			huFeasible++
			if oSync < oHUSync || oExact < oHUAsync || oSAI < oHUAsync {
				t.Errorf("instance %d: HA below HU: sync %v vs %v, exact %v / sai %v vs %v", i, oSync, oHUSync, oExact, oSAI, oHUAsync)
			}
		}
		// Exact is non-decreasing in c and equals HA-Sync at c = 0.
		prev := math.Inf(-1)
		for c := range 6 {
			q := p
			q.C = c
			pl, o := solve(t, exact, q)
			if c == 0 && !reflect.DeepEqual(pl.Tau, syncPlan.Tau) || c == 0 && !reflect.DeepEqual(pl.D, syncPlan.D) {
				t.Errorf("instance %d: exact at c = 0 gives %v %v, ha-sync %v %v", i, pl.Tau, pl.D, syncPlan.Tau, syncPlan.D)
			}
			if o < prev {
				t.Errorf("instance %d: exact objective falls from %v to %v as c rises to %d", i, prev, o, c)
			}
			prev = o
		}
	}
	t.Logf("%d instances: %d feasible for HA, %d for HU", n, feasible, huFeasible)
	if feasible < n/4 || huFeasible < n/10 {
		t.Errorf("too few feasible instances (%d HA, %d HU of %d) for the properties to say much", feasible, huFeasible, n)
	}
}

// With allow_exclusion every policy plans around the learners that cannot
// do one update, and excludes exactly those (HU: those that cannot do one
// update on their share).
func TestPropertiesExclusion(t *testing.T) {
	n := 500
	if testing.Short() {
		n = 100
	}
	rng := rand.New(rand.NewPCG(8, 8))
	allow := Params{"allow_exclusion": true}
	excludedSome, planned := 0, 0
	for i := range n {
		p := randomPaperProblem(rng, 2, 50)
		// Short deadlines, which far-away learners miss, and fewer samples.
		p.T = 0.3 + 2*rng.Float64()
		p.D = len(p.Learners) * (p.DL + rng.IntN(500))
		for _, name := range Names() {
			pol := mustPolicy(t, name, allow)
			pl, o := solve(t, pol, p)
			if math.IsNaN(o) {
				continue
			}
			planned++
			for _, k := range pl.Diag.Excluded {
				if name[:2] == "ha" && p.maxTau(k, p.minSamples()) > 0 {
					t.Errorf("instance %d: %s excluded learner %d, which can do %d updates", i, name, k, p.maxTau(k, p.minSamples()))
				}
				if pl.Diag.Binding[k] != BindExcluded {
					t.Errorf("instance %d: %s: excluded learner %d binds %v", i, name, k, pl.Diag.Binding[k])
				}
			}
			if len(pl.Diag.Excluded) > 0 {
				excludedSome++
			}
		}
	}
	t.Logf("%d plans, %d with exclusions", planned, excludedSome)
	if excludedSome < planned/10 {
		t.Errorf("only %d of %d plans exclude anyone: the test says little", excludedSome, planned)
	}
}
