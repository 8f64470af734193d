package mel

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/channel"
	"github.com/mel-des/mel-des/policy"
)

// stopAfter plans as SAI does and stops the learner in row `row` after `after` iterations.
type stopAfter struct {
	policy.SAI
	row, after int
}

func (p stopAfter) Name() string { return "test-stop-after" }

func (p stopAfter) AfterIteration(o policy.Observation) bool {
	return !(o.Learner == p.row && o.Done >= p.after)
}

// fixedTau plans as SAI does, then sets the tau of one row.
type fixedTau struct {
	policy.SAI
	row, tau int
}

func (p fixedTau) Name() string { return "test-fixed-tau" }

func (p fixedTau) Plan(pr policy.Problem) (policy.Plan, error) {
	pl, err := p.SAI.Plan(pr)
	if err != nil {
		return pl, err
	}
	pl.Tau[p.row] = p.tau
	sum := 0
	for _, t := range pl.Tau {
		sum += t
	}
	pl.Objective = float64(sum) / float64(len(pl.Tau))
	return pl, nil
}

// runWith runs cfg with the policy pol instead of the configured one.
func runWith(t *testing.T, cfg Config, pol policy.Policy) (Summary, *runFiles, error) {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.pol = pol
	var o runFiles
	rec := o.recorder()
	sum, err := s.Run(context.Background(), rec)
	if cerr := rec.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	return sum, &o, err
}

// A policy that stops a learner early: what arrives, when and at what cost follows from the
// iterations actually done, exactly as if the plan had asked for that many.
func TestStopEarlyIsTheShorterPlan(t *testing.T) {
	cfg := tinyConfig()
	paperBits(&cfg)
	cfg.Cycles = 1
	cfg.Staleness = 100000 // so that the shorter plan is a valid plan too
	cfg.Learners[0].BatteryJ = 50
	stopped, so, err := runWith(t, cfg, stopAfter{row: 0, after: 2})
	if err != nil {
		t.Fatal(err)
	}
	planned, po, err := runWith(t, cfg, fixedTau{row: 0, tau: 2})
	if err != nil {
		t.Fatal(err)
	}
	a, b := learnerRows(t, so.learners.Bytes())[0], learnerRows(t, po.learners.Bytes())[0]
	if a["tau_done"] != "2" || a["tau_revised"] != "2" || a["revisions"] != "1" || a["outcome"] != "on-time" {
		t.Fatalf("stopped learner: %v", a)
	}
	if b["tau_planned"] != "2" || b["revisions"] != "0" {
		t.Fatalf("planned learner: %v", b)
	}
	for _, col := range []string{"compute_s", "up_s", "energy_j", "battery_j", "train_loss", "samples_trained"} {
		if a[col] != b[col] {
			t.Errorf("%s: %s after a stop, %s with the plan asking for 2 iterations", col, a[col], b[col])
		}
	}
	if math.Abs(num(t, a["battery_j"])-(50-num(t, a["energy_j"]))) > 1e-12 {
		t.Errorf("battery %s after drawing %s J of 50", a["battery_j"], a["energy_j"])
	}
	// The model that arrives is the one after those 2 iterations: the aggregate is the same.
	if sa, sb := stopped.Cycles[0], planned.Cycles[0]; sa.Accuracy != sb.Accuracy || sa.Loss != sb.Loss || sa.SamplesTrained != sb.SamplesTrained {
		t.Errorf("cycle after the stop %+v, with the shorter plan %+v", sa, sb)
	}
	if !bytes.Contains(so.jsonl.Bytes(), []byte(`"kind":"revise","cycle":1,"learner":0,"note":"stopped after iteration 2 of `)) {
		t.Errorf("trace lacks the revision:\n%s", so.jsonl.String())
	}
}

// reactiveWorld is a scripted cycle: learner 1 drives away from 250 m to 490 m during the
// cycle, learner 2 loses its link during its download, the others stand still.
func reactiveWorld() Config {
	c := tinyConfig()
	paperBits(&c)
	c.Cycles = 1
	c.Learners[1].Position = nil
	c.Learners[1].Mobility = traceMobility([3]float64{0, -250, 0}, [3]float64{10, -490, 0})
	c.Learners[2].Outages = []channel.Interval{{Start: 0.1, Duration: 1.2}}
	return c
}

var updateReactive = os.Getenv("MELDES_UPDATE_REACTIVE") != ""

// In the scripted world ha-async-adaptive gets both uploads in before the deadline where
// ha-async-sai is late. The adaptive run's trace is pinned under testdata/reactive (rewrite
// it with MELDES_UPDATE_REACTIVE=1 go test ./mel -run TestAdaptiveMeetsTheDeadline).
func TestAdaptiveMeetsTheDeadline(t *testing.T) {
	cfg := reactiveWorld()
	sai := cfg
	sai.Policy = "ha-async-sai"
	_, so := runConfig(t, sai)
	ad := cfg
	ad.Policy = "ha-async-adaptive"
	_, ao := runConfig(t, ad)
	s, a := learnerRows(t, so.learners.Bytes()), learnerRows(t, ao.learners.Bytes())
	for _, k := range []int{1, 2} {
		if s[k]["outcome"] != "late" {
			t.Errorf("ha-async-sai: learner %d is %s; the scripted world should make it late", k, s[k]["outcome"])
		}
		if a[k]["outcome"] != "on-time" || a[k]["revisions"] != "1" || num(t, a[k]["tau_done"]) >= num(t, a[k]["tau_planned"]) {
			t.Errorf("ha-async-adaptive: learner %d %v; want on time after stopping early", k, a[k])
		}
	}
	for _, k := range []int{0, 3} {
		if a[k]["outcome"] != "on-time" || a[k]["revisions"] != "0" || a[k]["tau_done"] != s[k]["tau_done"] {
			t.Errorf("learner %d, undisturbed, differs: adaptive %v, sai %v", k, a[k], s[k])
		}
	}
	path := filepath.Join("testdata", "reactive", "trace.jsonl")
	if updateReactive {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, ao.jsonl.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (set MELDES_UPDATE_REACTIVE=1 to create it)", err)
	}
	if got := maskLearning("trace.jsonl", ao.jsonl.Bytes()); !bytes.Equal(maskLearning("trace.jsonl", want), got) {
		t.Errorf("trace differs from %s (-want +got):\n%s", path, lineDiff(string(want), string(ao.jsonl.Bytes())))
	}
}

// On a static world with nothing to react to, ha-async-adaptive plans and delivers exactly
// what ha-async-sai does.
func TestAdaptiveOnStaticWorldIsSAI(t *testing.T) {
	cfg := tinyConfig()
	paperBits(&cfg)
	sai := cfg
	sai.Policy = "ha-async-sai"
	_, so := runConfig(t, sai)
	ad := cfg
	ad.Policy = "ha-async-adaptive"
	_, ao := runConfig(t, ad)
	if !bytes.Equal(so.cycles.Bytes(), ao.cycles.Bytes()) || !bytes.Equal(so.learners.Bytes(), ao.learners.Bytes()) {
		t.Errorf("adaptive differs from sai on a static world:\n%s\n%s", so.learners.String(), ao.learners.String())
	}
}

// reviser revises every learner still computing to tau, once.
type reviser struct {
	policy.SAI
	tau   int
	panic bool
	short bool
	all   bool // raise every learner, which keeps the window
}

func (p *reviser) Name() string { return "test-reviser" }

func (p *reviser) Revise(c policy.Change, live []policy.Observation) []int {
	if p.panic {
		panic("reviser bug")
	}
	taus := make([]int, len(live))
	for i := range taus {
		taus[i] = live[i].Tau
		if p.all {
			taus[i] = p.tau
		}
	}
	taus[0] = p.tau
	if p.short {
		return taus[1:]
	}
	return taus
}

// Revisions beyond their limits, malformed answers and panics end the run with a
// *PolicyError that names the rule; completed cycles stand.
func TestPolicyFaults(t *testing.T) {
	cfg := reactiveWorld()
	cfg.Cycles = 2
	for _, tc := range []struct {
		name string
		pol  policy.Policy
		want string
	}{
		{"raise beyond the window", &reviser{tau: 1000}, "more than the cycle's highest planned tau plus the staleness window"},
		{"raise one beyond the window", &reviser{tau: 29}, "leaves the staleness window"},
		{"raise everyone beyond the plan", &reviser{tau: 60, all: true}, "more than the cycle's highest planned tau plus the staleness window"},
		{"wrong length", &reviser{tau: 1, short: true}, "Revise returned 3 iteration counts for 4 learners"},
		{"panic in Revise", &reviser{panic: true}, "Revise panicked: reviser bug"},
		{"short plan", shortPlan{}, "plan has 3 tau and 4 d for 4 learners"},
		{"tau 1000", fixedTau{row: 0, tau: 1000}, "learner 0: time"},
		{"panic in Plan", panicPlan{}, "Plan panicked: plan bug"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sum, o, err := runWith(t, cfg, tc.pol)
			var pe *PolicyError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v; want a *PolicyError mentioning %q", err, tc.want)
			}
			if !strings.Contains(sum.Reason, "the policy failed") {
				t.Errorf("reason %q", sum.Reason)
			}
			if rows := learnerRows(t, o.learners.Bytes()); len(rows) != len(sum.Cycles)*len(cfg.Learners) {
				t.Errorf("%d learner rows for %d completed cycles", len(rows), len(sum.Cycles))
			}
		})
	}
}

type shortPlan struct{ policy.SAI }

func (shortPlan) Name() string { return "test-short-plan" }
func (p shortPlan) Plan(pr policy.Problem) (policy.Plan, error) {
	pl, err := p.SAI.Plan(pr)
	pl.Tau = pl.Tau[:len(pl.Tau)-1]
	return pl, err
}

type panicPlan struct{ policy.SAI }

func (panicPlan) Name() string                             { return "test-panic-plan" }
func (panicPlan) Plan(policy.Problem) (policy.Plan, error) { panic("plan bug") }

// Observations tell the truth: the rate now, the upload time at that rate, the energy spent.
func TestObservation(t *testing.T) {
	cfg := reactiveWorld()
	var seen []policy.Observation
	rec := recordObs{SAI: policy.SAI{}, seen: &seen}
	if _, _, err := runWith(t, cfg, rec); err != nil {
		t.Fatal(err)
	}
	if len(seen) == 0 {
		t.Fatal("AfterIteration never called")
	}
	for _, o := range seen {
		if o.Done < 1 || o.Done >= o.Tau || o.Time <= o.Start || o.End != o.Start+cfg.Deadline || o.Busy {
			t.Fatalf("observation %+v", o)
		}
		if o.LinkUp && math.Abs(o.UploadTime*o.RateBps-32*280934) > 1e-3*32*280934 {
			t.Errorf("upload time %v at %v bit/s does not move the model", o.UploadTime, o.RateBps)
		}
		if want := float64(o.Done) * o.IterEnergy; math.Abs(o.SpentJ-want) > 1e-9*want {
			t.Errorf("spent %v J after %d iterations of %v J", o.SpentJ, o.Done, o.IterEnergy)
		}
	}
}

type recordObs struct {
	policy.SAI
	seen *[]policy.Observation
}

func (recordObs) Name() string { return "test-record" }
func (r recordObs) AfterIteration(o policy.Observation) bool {
	*r.seen = append(*r.seen, o)
	return true
}

// A reactive run gives the same bytes whatever the worker count and on a second run.
func TestReactiveDeterminism(t *testing.T) {
	cfg := reactiveWorld()
	cfg.Cycles = 2
	cfg.Policy = "ha-async-adaptive"
	_, a := runConfig(t, cfg)
	_, b := runConfig(t, cfg)
	cfg.Workers = 2
	_, c := runConfig(t, cfg)
	for name, o := range map[string]*runFiles{"again": b, "2 workers": c} {
		if !bytes.Equal(a.cycles.Bytes(), o.cycles.Bytes()) || !bytes.Equal(a.learners.Bytes(), o.learners.Bytes()) ||
			!bytes.Equal(a.jsonl.Bytes(), o.jsonl.Bytes()) || !bytes.Equal(a.chrome.Bytes(), o.chrome.Bytes()) {
			t.Errorf("%s: the outputs differ", name)
		}
	}
	if !bytes.Contains(a.jsonl.Bytes(), []byte(`"kind":"revise"`)) {
		t.Error("the scripted world made the policy revise nothing")
	}
}
