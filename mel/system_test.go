package mel

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"strconv"
	"testing"

	"github.com/mel-des/mel-des/policy"
)

// learnerRows parses the per-learner CSV into maps keyed by column name.
func learnerRows(t *testing.T, b []byte) []map[string]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func near(a, b, rel float64) bool { return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b)) }

// With static learners and no outages the model of the policy and the simulation agree: every
// phase lasts what the plan says, every learner arrives, and the energies match.
func TestStaticPlanEqualsActual(t *testing.T) {
	cfg := tinyConfig()
	paperBits(&cfg)
	sum, o := runConfig(t, cfg)
	if !sum.Completed() {
		t.Fatalf("run stopped: %s", sum.Reason)
	}
	for _, c := range sum.Cycles {
		if c.Misses != 0 || c.Arrived != c.Planned || c.TauDone != c.TauPlanned {
			t.Errorf("cycle %d: %+v: want every planned learner on time with all its updates", c.Cycle, c)
		}
		if c.End-c.Start > cfg.Deadline {
			t.Errorf("cycle %d lasted %v s > T", c.Cycle, c.End-c.Start)
		}
	}
	for _, r := range learnerRows(t, o.learners.Bytes()) {
		if r["outcome"] != string(OnTime) {
			t.Errorf("learner %s cycle %s: outcome %s", r["learner"], r["cycle"], r["outcome"])
		}
		for _, ph := range []string{"down", "compute", "up"} {
			if p, a := num(t, r[ph+"_planned_s"]), num(t, r[ph+"_s"]); !near(p, a, 1e-9) {
				t.Errorf("learner %s cycle %s: %s took %v s, planned %v s", r["learner"], r["cycle"], ph, a, p)
			}
		}
		if p, a := num(t, r["energy_planned_j"]), num(t, r["energy_j"]); !near(p, a, 1e-9) {
			t.Errorf("learner %s cycle %s: energy %v J, planned %v J", r["learner"], r["cycle"], a, p)
		}
		if e, cap := num(t, r["energy_j"]), num(t, r["cap_j"]); e > cap*(1+1e-9) {
			t.Errorf("learner %s cycle %s: energy %v J above its cap %v J", r["learner"], r["cycle"], e, cap)
		}
	}
}

// A learner that drives away from the orchestrator while it computes uploads over a worse link
// than the plan assumed and misses a deadline that it meets standing still.
func TestMovingAwayMissesDeadline(t *testing.T) {
	still := tinyConfig()
	paperBits(&still)
	still.Cycles = 1
	moving := still
	moving.Learners = append([]Learner(nil), still.Learners...)
	// Learner 0 starts at (250, 0) like in the static run and drives out at 25 m/s.
	moving.Learners[0].Mobility = traceMobility([3]float64{0, 250, 0}, [3]float64{10, 490, 0})
	moving.Learners[0].Position = nil

	for _, tc := range []struct {
		name string
		cfg  Config
		want Outcome
	}{{"still", still, OnTime}, {"moving", moving, Late}} {
		_, o := runConfig(t, tc.cfg)
		r := learnerRows(t, o.learners.Bytes())[0]
		if r["outcome"] != string(tc.want) {
			t.Errorf("%s: learner 0 outcome %s, want %s (row %v)", tc.name, r["outcome"], tc.want, r)
		}
		if r["distance_m"] != "250" {
			t.Errorf("%s: planned at distance %s m, want 250 m", tc.name, r["distance_m"])
		}
	}
}

// Every joule a learner is charged comes out of its battery, and with a static channel and a
// feasible plan no learner spends more than its cap.
func TestEnergyAccounting(t *testing.T) {
	cfg := tinyConfig()
	paperBits(&cfg)
	cfg.Cycles = 4
	caps := []float64{60, 25, 3, 40}
	for i := range cfg.Learners {
		cfg.Learners[i].BatteryJ = caps[i]
	}
	_, o := runConfig(t, cfg)
	spent := make([]float64, len(caps))
	last := make([]float64, len(caps))
	for _, r := range learnerRows(t, o.learners.Bytes()) {
		k := int(num(t, r["learner"]))
		e := num(t, r["energy_j"])
		spent[k] += e
		last[k] = num(t, r["battery_j"])
		if r["outcome"] == string(OnTime) && e > num(t, r["cap_j"])*(1+1e-9) {
			t.Errorf("learner %d cycle %s: %v J above its cap %s J", k, r["cycle"], e, r["cap_j"])
		}
	}
	for k := range caps {
		if drop := caps[k] - last[k]; !near(drop, spent[k], 1e-12) {
			t.Errorf("learner %d: battery dropped %v J but the records charge %v J", k, drop, spent[k])
		}
	}
}

func TestDeterminism(t *testing.T) {
	cfg := goldenConfig()
	_, a := runConfig(t, cfg)
	_, b := runConfig(t, cfg)
	cfg2 := cfg
	cfg2.Workers = 2
	_, w2 := runConfig(t, cfg2)
	for name, pair := range map[string][2]*runFiles{"same seed": {a, b}, "2 workers": {a, w2}} {
		if !bytes.Equal(pair[0].cycles.Bytes(), pair[1].cycles.Bytes()) ||
			!bytes.Equal(pair[0].learners.Bytes(), pair[1].learners.Bytes()) ||
			!bytes.Equal(pair[0].jsonl.Bytes(), pair[1].jsonl.Bytes()) ||
			!bytes.Equal(pair[0].chrome.Bytes(), pair[1].chrome.Bytes()) {
			t.Errorf("%s: outputs differ", name)
		}
	}
	cfg.Seed++
	_, c := runConfig(t, cfg)
	if bytes.Equal(a.cycles.Bytes(), c.cycles.Bytes()) {
		t.Error("a different seed gave the same per-cycle metrics")
	}
}

// When no plan is feasible the run ends at once, cleanly, and says why.
func TestInfeasibleEndsRun(t *testing.T) {
	cfg := tinyConfig()
	paperBits(&cfg)
	cfg.Deadline = 0.05 // shorter than any model transfer
	sum, o := runConfig(t, cfg)
	if len(sum.Cycles) != 0 || sum.Completed() {
		t.Fatalf("summary %+v: want no cycle and not completed", sum)
	}
	if !bytes.Contains([]byte(sum.Reason), []byte("no feasible plan")) {
		t.Errorf("reason %q does not say that no plan was feasible", sum.Reason)
	}
	if !bytes.Contains(o.jsonl.Bytes(), []byte(`"kind":"run-end"`)) {
		t.Errorf("trace lacks the run-end event:\n%s", o.jsonl.String())
	}
}

// A run whose learners all run dry stops with that reason instead of spinning.
func TestAllDeadEndsRun(t *testing.T) {
	cfg := tinyConfig()
	cfg.Cycles = 1000
	for i := range cfg.Learners {
		cfg.Learners[i].BatteryJ = 0.5
	}
	sum, _ := runConfig(t, cfg)
	if sum.Reason != "every learner's battery is empty" {
		t.Fatalf("reason %q, cycles %d", sum.Reason, len(sum.Cycles))
	}
	last := sum.Cycles[len(sum.Cycles)-1]
	if last.Alive != 0 {
		t.Errorf("last cycle %+v: want nobody alive", last)
	}
}

// Cancelling the context stops the run between events; what was recorded stays well formed.
func TestInterrupt(t *testing.T) {
	cfg := tinyConfig()
	cfg.Cycles = 1000
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var o runFiles
	stopAfter := &cancelAfter{Recorders: o.recorder(), cycles: 2, cancel: cancel}
	sum, err := s.Run(ctx, stopAfter)
	if cerr := stopAfter.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	if err != context.Canceled || sum.Reason != ReasonInterrupted {
		t.Fatalf("err %v, reason %q: want context.Canceled and %q", err, sum.Reason, ReasonInterrupted)
	}
	if len(sum.Cycles) != 2 {
		t.Errorf("%d cycles recorded, want the 2 completed before the interrupt", len(sum.Cycles))
	}
	if rows, err := csv.NewReader(&o.cycles).ReadAll(); err != nil || len(rows) != 3 {
		t.Errorf("cycles CSV after interrupt: %d rows, %v", len(rows), err)
	}
}

// cancelAfter cancels a context once it has seen the given number of cycles.
type cancelAfter struct {
	Recorders
	cycles int
	cancel func()
}

func (c *cancelAfter) Cycle(r CycleRecord) error {
	if r.Cycle == c.cycles {
		c.cancel()
	}
	return c.Recorders.Cycle(r)
}

func TestFirstProblemMatchesRun(t *testing.T) {
	cfg := tinyConfig()
	paperBits(&cfg)
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	prob, states, err := s.FirstProblem()
	if err != nil {
		t.Fatal(err)
	}
	pol, _ := policy.New(cfg.Policy, cfg.PolicyParams)
	plan, err := pol.Plan(prob)
	if err != nil {
		t.Fatal(err)
	}
	_, o := runConfig(t, cfg)
	rows := learnerRows(t, o.learners.Bytes())
	for k, st := range states {
		r := rows[k]
		if st.Row < 0 || strconv.Itoa(plan.Tau[st.Row]) != r["tau_planned"] || strconv.Itoa(plan.D[st.Row]) != r["samples"] ||
			strconv.FormatFloat(st.CapJ, 'g', -1, 64) != r["cap_j"] {
			t.Errorf("learner %d: FirstProblem gives %+v / tau %d d %d, the run planned %v", k, st, plan.Tau[st.Row], plan.D[st.Row], r)
		}
	}
}
