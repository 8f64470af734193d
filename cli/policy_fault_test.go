package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/policy"
)

// Misbehaving plug-ins, registered for these tests only.
func init() {
	short := func(p policy.Problem) (policy.Plan, error) {
		pl, err := policy.SAI{}.Plan(p)
		pl.Tau = pl.Tau[1:]
		return pl, err
	}
	set := func(name string, f func(policy.Problem) (policy.Plan, error)) {
		policy.Register(name, "test plug-in", func(policy.Params) (policy.Policy, error) { return fakePolicy{name, f}, nil })
	}
	set("test-short-slices", short)
	set("test-negative-tau", func(p policy.Problem) (policy.Plan, error) {
		pl, err := policy.SAI{}.Plan(p)
		pl.Tau[1] = -3
		return pl, err
	})
	set("test-huge-tau", func(p policy.Problem) (policy.Plan, error) {
		pl, err := policy.SAI{}.Plan(p)
		for k := range pl.Tau {
			pl.Tau[k] = 1000
		}
		pl.Objective = 1000
		return pl, err
	})
	set("test-wrong-sum", func(p policy.Problem) (policy.Plan, error) {
		pl, err := policy.SAI{}.Plan(p)
		pl.D[0]++
		return pl, err
	})
	set("test-panic", func(policy.Problem) (policy.Plan, error) { panic("index out of range [0] with length 0") })
	policy.Register("test-panic-iteration", "test plug-in", func(policy.Params) (policy.Policy, error) { return panicIter{}, nil })
}

type fakePolicy struct {
	name string
	plan func(policy.Problem) (policy.Plan, error)
}

func (f fakePolicy) Name() string                               { return f.name }
func (f fakePolicy) Plan(p policy.Problem) (policy.Plan, error) { return f.plan(p) }

type panicIter struct{ policy.SAI }

func (panicIter) Name() string                           { return "test-panic-iteration" }
func (panicIter) AfterIteration(policy.Observation) bool { panic("observer bug") }

// A plug-in's mistake ends a run with exit 1 and a message naming the policy, the learner
// and the broken rule; no Go panic reaches the user, and the run directory holds complete
// files only. plan says the same with exit 1.
func TestPolicyFaultsExit1(t *testing.T) {
	for _, tc := range []struct{ pol, want string }{
		{"test-short-slices", "plan has 3 tau and 4 d for 4 learners"},
		{"test-negative-tau", "learner 1: tau = -3"},
		{"test-huge-tau", "learner 0: time 329.2851704043163 s exceeds T = 2 s"},
		{"test-wrong-sum", "Σ d = "},
		{"test-panic", "Plan panicked: index out of range"},
		{"test-panic-iteration", "AfterIteration panicked for learner 2: observer bug"},
	} {
		t.Run(tc.pol, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "run")
			code, out, errs := runCLI(t, context.Background(), "run", "tiny-synthetic", "--quiet", "--policy", tc.pol, "--out", dir)
			if code != exitFailure || !strings.Contains(errs, "policy "+tc.pol) || !strings.Contains(errs, tc.want) {
				t.Errorf("run: exit %d, stderr %q; want 1 naming the policy and %q", code, errs, tc.want)
			}
			if strings.Contains(errs+out, "goroutine ") {
				t.Errorf("a Go panic reached the user:\n%s", errs)
			}
			ents, _ := os.ReadDir(dir)
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
				if strings.Contains(e.Name(), "partial") {
					t.Errorf("left behind: %s", e.Name())
				}
			}
			if len(names) != 5 {
				t.Errorf("run directory holds %v, want the four outputs and scenario.toml", names)
			}
			if tc.pol == "test-panic-iteration" {
				return // plan does not run the cycle
			}
			code, _, errs = runCLI(t, context.Background(), "plan", "tiny-synthetic", "--policy", tc.pol)
			if code != exitFailure || !strings.Contains(errs, tc.want) {
				t.Errorf("plan: exit %d, stderr %q; want 1 and %q", code, errs, tc.want)
			}
		})
	}
}
