package mel

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/aggregate"
	"github.com/mel-des/mel-des/channel"
	"github.com/mel-des/mel-des/device"
	"github.com/mel-des/mel-des/param"
)

// asyncConfig is tinyConfig in the asynchronous schedule, with paper-like transfer times.
func asyncConfig() Config {
	c := tinyConfig()
	paperBits(&c)
	c.Schedule = Asynchronous
	c.Async.Horizon = 30
	return c
}

// asyncFiles holds the files of an asynchronous run.
type asyncFiles struct{ rounds, evals, aggs, jsonl, chrome bytes.Buffer }

// runAsync runs cfg to the end and returns its summary and files.
func runAsync(t testing.TB, cfg Config, opts ...Option) (Summary, *asyncFiles) {
	t.Helper()
	s, err := New(cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var o asyncFiles
	rec := Recorders{NewRoundsCSV(&o.rounds), NewEvalsCSV(&o.evals), NewAggregationsCSV(&o.aggs),
		NewTraceJSONL(&o.jsonl), NewTraceChrome(&o.chrome)}
	sum, err := s.Run(context.Background(), rec)
	if cerr := rec.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	if err != nil {
		t.Fatal(err)
	}
	return sum, &o
}

// roundKey names a round in messages.
func roundKey(r map[string]string) string { return "learner " + r["learner"] + " round " + r["round"] }

// With static learners and no outages every round lasts what its plan says and spends what
// it predicts, within its cap and its budget T; every arrival is merged (fedasync).
func TestAsyncStaticPlanEqualsActual(t *testing.T) {
	cfg := asyncConfig()
	sum, o := runAsync(t, cfg)
	if sum.Reason != ReasonHorizon || !sum.Completed() || sum.SimTime != 30 {
		t.Fatalf("reason %q at %v s, want the horizon at 30 s", sum.Reason, sum.SimTime)
	}
	arrived := 0
	for _, r := range learnerRows(t, o.rounds.Bytes()) {
		switch r["outcome"] {
		case string(Unfinished):
			if num(t, r["end_s"]) != 30 {
				t.Errorf("%s: unfinished at %s s, want at the horizon", roundKey(r), r["end_s"])
			}
			continue
		case string(OnTime):
			arrived++
		default:
			t.Fatalf("%s: outcome %s", roundKey(r), r["outcome"])
		}
		for _, ph := range []string{"down", "compute", "up"} {
			if p, a := num(t, r[ph+"_planned_s"]), num(t, r[ph+"_s"]); !near(p, a, 1e-9) {
				t.Errorf("%s: %s took %v s, planned %v s", roundKey(r), ph, a, p)
			}
		}
		if p, a := num(t, r["energy_planned_j"]), num(t, r["energy_j"]); !near(p, a, 1e-9) || a > num(t, r["cap_j"])*(1+1e-9) {
			t.Errorf("%s: energy %v J, planned %v J, cap %s J", roundKey(r), a, p, r["cap_j"])
		}
		if d := num(t, r["end_s"]) - num(t, r["start_s"]); d > cfg.Deadline*(1+deadlineSlack) {
			t.Errorf("%s lasted %v s, more than T", roundKey(r), d)
		}
	}
	if arrived == 0 || sum.Aggregations != arrived {
		t.Errorf("%d rounds arrived, %d aggregations: fedasync publishes every arrival", arrived, sum.Aggregations)
	}
	if n := len(learnerRows(t, o.aggs.Bytes())); n != sum.Aggregations {
		t.Errorf("%d aggregation rows for %d aggregations", n, sum.Aggregations)
	}
	// The clock evaluates the initial model at 0 s, then at 10 and 20 s, the end at 30 s.
	evals := learnerRows(t, o.evals.Bytes())
	if len(evals) != 4 || evals[0]["time_s"] != "0" || evals[0]["energy_j"] != "0" || evals[1]["time_s"] != "10" ||
		evals[2]["time_s"] != "20" || evals[3]["time_s"] != "30" {
		t.Fatalf("evaluations at %v, want 0, 10, 20, 30 s", evals)
	}
	if a := num(t, evals[3]["accuracy"]); !(a > 0.5) || sum.FinalAccuracy() != a {
		t.Errorf("final accuracy %v (summary %v): the tiny task should be learnt", a, sum.FinalAccuracy())
	}
}

// Staleness counts the versions published between a learner's download and its arrival, also
// when learners overtake each other. Learner 0 (6 GHz) runs out of energy after about 4.3 s of
// work, learner 1 (0.7 GHz) uses its whole budget T = 10 s, so learner 0 uploads twice while
// learner 1 trains once:
//
//	t ≈ 4.4  learner 0, round 1: downloaded v0, staleness 0 → v1
//	t ≈ 8.8  learner 0, round 2: downloaded v1, staleness 0 → v2
//	t ≈ 9.9  learner 1, round 1: downloaded v0, staleness 2 → v3
//	t ≈ 13.2 learner 0, round 3: downloaded v2, staleness 1 → v4
//	t = 15   the horizon: learner 0 round 4 (from v4) and learner 1 round 2 (from v3) unfinished
func TestAsyncStalenessWhenOvertaking(t *testing.T) {
	cfg := asyncConfig()
	cfg.Async.Horizon = 15
	cfg.EnergyMean, cfg.EnergySpread = 9, 0
	fast, slow := DefaultLearner(6e9), DefaultLearner(0.7e9)
	fast.Position = &device.Point{X: 100}
	slow.Position = &device.Point{X: -100}
	cfg.Learners = []Learner{fast, slow}
	_, o := runAsync(t, cfg, WithoutTraining())
	type row struct {
		learner, round, version int
		staleness, outcome      string
	}
	want := []row{
		{0, 1, 0, "0", "on-time"},
		{0, 2, 1, "0", "on-time"},
		{1, 1, 0, "2", "on-time"},
		{0, 3, 2, "1", "on-time"},
		{0, 4, 4, "", "unfinished"},
		{1, 2, 3, "", "unfinished"},
	}
	rows := learnerRows(t, o.rounds.Bytes())
	var got []row
	for _, r := range rows {
		got = append(got, row{int(num(t, r["learner"])), int(num(t, r["round"])), int(num(t, r["version"])), r["staleness"], r["outcome"]})
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("rounds (learner, round, version, staleness, outcome):\n got %v\nwant %v\n%s", got, want, o.rounds.String())
	}
	aggs := learnerRows(t, o.aggs.Bytes())
	wantAggs := [][3]string{{"1", "0", "0"}, {"2", "0", "0"}, {"3", "1", "2"}, {"4", "0", "1"}}
	if len(aggs) != len(wantAggs) {
		t.Fatalf("%d aggregations, want %d:\n%s", len(aggs), len(wantAggs), o.aggs.String())
	}
	for i, a := range aggs {
		if w := wantAggs[i]; a["version"] != w[0] || a["learners"] != w[1] || a["staleness"] != w[2] {
			t.Errorf("aggregation %d: version %s, learners %s, staleness %s; want %v", i, a["version"], a["learners"], a["staleness"], w)
		}
	}
	// FedAsync's weight is α·(1 + s)^(−1/2) with the defaults α = 0.6, a = 0.5.
	if w := num(t, aggs[2]["weights"]); math.Abs(w-0.6/math.Sqrt(3)) > 1e-15 {
		t.Errorf("weight of the update of staleness 2: %v, want %v", w, 0.6/math.Sqrt(3))
	}
}

// FedBuff publishes once per buffer_size arrivals, and merges exactly those.
func TestAsyncFedBuffBuffers(t *testing.T) {
	cfg := asyncConfig()
	cfg.Aggregation = aggregate.Config{Name: "fedbuff", Params: param.Values{"buffer_size": 3}}
	sum, o := runAsync(t, cfg)
	arrived := 0
	for _, r := range learnerRows(t, o.rounds.Bytes()) {
		if r["outcome"] == string(OnTime) {
			arrived++
		}
	}
	aggs := learnerRows(t, o.aggs.Bytes())
	if len(aggs) != arrived/3 || sum.Aggregations != len(aggs) {
		t.Fatalf("%d arrivals gave %d aggregations (summary %d), want %d", arrived, len(aggs), sum.Aggregations, arrived/3)
	}
	for i, a := range aggs {
		if a["merged"] != "3" || a["version"] != fmt.Sprint(i+1) {
			t.Errorf("aggregation %d: %v", i, a)
		}
	}
	if e := learnerRows(t, o.evals.Bytes()); num(t, e[len(e)-1]["accuracy"]) < 0.5 {
		t.Errorf("final evaluation %v: fedbuff should learn the tiny task", e[len(e)-1])
	}
}

// Outputs are byte-identical whatever the worker count, and from run to run.
func TestAsyncDeterminism(t *testing.T) {
	cfg := asyncConfig()
	cfg.Aggregation = aggregate.Config{Name: "fedbuff", Params: param.Values{"buffer_size": 2}}
	cfg.Async.Concurrency = 3
	cfg.Learners[1].RandomDown = &channel.OnOff{MeanUp: 8, MeanDown: 1}
	cfg.Learners[2].Position = nil
	cfg.Learners[2].Mobility = device.MobilityConfig{Model: "waypoint", Params: param.Values{"min_speed_mps": 5.0, "max_speed_mps": 20.0}}
	_, a := runAsync(t, cfg)
	_, b := runAsync(t, cfg)
	cfg2 := cfg
	cfg2.Workers = 2
	_, w2 := runAsync(t, cfg2)
	for name, pair := range map[string][2]*asyncFiles{"same seed": {a, b}, "2 workers": {a, w2}} {
		for _, f := range []struct {
			name string
			x, y *bytes.Buffer
		}{{"rounds", &pair[0].rounds, &pair[1].rounds}, {"evals", &pair[0].evals, &pair[1].evals},
			{"aggregations", &pair[0].aggs, &pair[1].aggs}, {"trace.jsonl", &pair[0].jsonl, &pair[1].jsonl},
			{"trace.json", &pair[0].chrome, &pair[1].chrome}} {
			if !bytes.Equal(f.x.Bytes(), f.y.Bytes()) {
				t.Errorf("%s: %s differs", name, f.name)
			}
		}
	}
	cfg.Seed++
	_, c := runAsync(t, cfg)
	if bytes.Equal(a.evals.Bytes(), c.evals.Bytes()) {
		t.Error("a different seed gave the same evaluations")
	}
}

// Every joule charged to a round comes out of the learner's battery, the evaluations count
// all of them, and a battery that empties mid-round stops its learner there for good.
func TestAsyncEnergyAndBattery(t *testing.T) {
	cfg := asyncConfig()
	caps := []float64{30, 12, 0.3, math.Inf(1)}
	for i := range cfg.Learners {
		cfg.Learners[i].BatteryJ = caps[i]
	}
	sum, o := runAsync(t, cfg)
	spent := make([]float64, len(caps))
	last := append([]float64(nil), caps...)
	deadAt := map[int]float64{}
	rounds := make([]int, len(caps))
	for _, r := range learnerRows(t, o.rounds.Bytes()) {
		k := int(num(t, r["learner"]))
		if _, dead := deadAt[k]; dead {
			t.Errorf("%s after the learner died", roundKey(r))
		}
		rounds[k]++
		spent[k] += num(t, r["energy_j"])
		if r["battery_j"] == "" { // an empty cell: mains power
			last[k] = math.Inf(1)
		} else {
			last[k] = num(t, r["battery_j"])
		}
		if r["outcome"] == string(Dead) {
			deadAt[k] = num(t, r["end_s"])
			if last[k] != 0 {
				t.Errorf("%s: dead with %v J left", roundKey(r), last[k])
			}
		}
	}
	for k := range caps {
		if math.IsInf(caps[k], 1) {
			continue
		}
		if drop := caps[k] - last[k]; !near(drop, spent[k], 1e-12) {
			t.Errorf("learner %d: battery dropped %v J but the rounds charge %v J", k, drop, spent[k])
		}
	}
	if _, ok := deadAt[2]; !ok {
		t.Fatalf("learner 2 with 0.3 J did not die:\n%s", o.rounds.String())
	}
	if !strings.Contains(o.jsonl.String(), fmt.Sprintf(`"kind":"died","cycle":%d,"learner":2`, rounds[2])) {
		t.Errorf("trace lacks learner 2's death in its last round, %d", rounds[2])
	}
	var total float64
	for _, e := range spent {
		total += e
	}
	ev := sum.Evals[len(sum.Evals)-1]
	if !near(ev.EnergyJ, total, 1e-12) || ev.Alive != 3 {
		t.Errorf("last evaluation: %v J, %d alive; the rounds charge %v J and one learner died", ev.EnergyJ, ev.Alive, total)
	}
}

// An outage during an upload stalls it: the upload takes the outage longer but costs no more
// energy, since the radio draws only while the link is up. If the stall runs past the round's
// budget T, the round is cut and the learner starts the next one.
func TestAsyncOutageStallsUpload(t *testing.T) {
	base := asyncConfig()
	base.Async.Horizon = 12
	base.EnergyMean, base.EnergySpread = 0.5, 0 // learner 0 (2.4 GHz) is energy-bound: its round is short
	_, o := runAsync(t, base, WithoutTraining())
	first := learnerRows(t, o.rounds.Bytes())
	var r0 map[string]string
	for _, r := range first {
		if r["learner"] == "0" && r["round"] == "1" {
			r0 = r
		}
	}
	upStart := num(t, r0["start_s"]) + num(t, r0["down_s"]) + num(t, r0["compute_s"])
	slack := base.Deadline - (num(t, r0["end_s"]) - num(t, r0["start_s"]))
	if slack < 2 {
		t.Fatalf("learner 0's first round leaves %v s of its budget; the test needs 2", slack)
	}
	for _, tc := range []struct {
		outage  float64
		outcome Outcome
	}{{1, OnTime}, {slack + 1, Late}} {
		cfg := base
		cfg.Learners = append([]Learner(nil), base.Learners...)
		cfg.Learners[0].Outages = []channel.Interval{{Start: upStart + 0.05, Duration: tc.outage}}
		_, o := runAsync(t, cfg, WithoutTraining())
		rows := learnerRows(t, o.rounds.Bytes())
		var r, next map[string]string
		for _, x := range rows {
			if x["learner"] == "0" && x["round"] == "1" {
				r = x
			}
			if x["learner"] == "0" && x["round"] == "2" {
				next = x
			}
		}
		if r["outcome"] != string(tc.outcome) {
			t.Fatalf("outage of %v s: outcome %s, want %s\n%v", tc.outage, r["outcome"], tc.outcome, r)
		}
		if tc.outcome == OnTime {
			if up := num(t, r["up_s"]); !near(up, num(t, r0["up_s"])+tc.outage, 1e-9) {
				t.Errorf("stalled upload took %v s, want %v + %v", up, r0["up_s"], tc.outage)
			}
			if e := num(t, r["energy_j"]); !near(e, num(t, r0["energy_j"]), 1e-9) {
				t.Errorf("stalled round cost %v J, without the outage %s J", e, r0["energy_j"])
			}
			continue
		}
		if end := num(t, r["end_s"]); !near(end, base.Deadline*(1+deadlineSlack), 1e-12) {
			t.Errorf("cut round ended at %v s, want at its budget", end)
		}
		if next == nil || num(t, next["start_s"]) != num(t, r["end_s"]) {
			t.Errorf("after the cut, the next round %v does not start at once", next)
		}
	}
}

// At most async.concurrency rounds run at once; the others wait for a slot.
func TestAsyncConcurrency(t *testing.T) {
	cfg := asyncConfig()
	cfg.Async.Concurrency = 2
	_, o := runAsync(t, cfg, WithoutTraining())
	type span struct{ a, b float64 }
	var spans []span
	for _, r := range learnerRows(t, o.rounds.Bytes()) {
		if r["outcome"] != string(Excluded) {
			spans = append(spans, span{num(t, r["start_s"]), num(t, r["end_s"])})
		}
	}
	if len(spans) < 4 {
		t.Fatalf("only %d rounds", len(spans))
	}
	for _, s := range spans {
		in := 0
		for _, x := range spans {
			if x.a <= s.a && s.a < x.b {
				in++
			}
		}
		if in > 2 {
			t.Fatalf("%d rounds in flight at %v s, limit 2", in, s.a)
		}
	}
}

// The run ends after async.aggregations, or when every battery is empty.
func TestAsyncEndConditions(t *testing.T) {
	cfg := asyncConfig()
	cfg.Async.Aggregations = 5
	sum, o := runAsync(t, cfg, WithoutTraining())
	if sum.Reason != ReasonAggregations || sum.Aggregations != 5 || !sum.Completed() {
		t.Errorf("reason %q after %d aggregations", sum.Reason, sum.Aggregations)
	}
	if !strings.Contains(o.jsonl.String(), `"kind":"run-end"`) || len(sum.Evals) == 0 || sum.Evals[len(sum.Evals)-1].Version != 5 {
		t.Errorf("the run's end is not recorded or evaluated: %+v", sum.Evals)
	}
	cfg = asyncConfig()
	cfg.Async.Horizon = 1000
	for i := range cfg.Learners {
		cfg.Learners[i].BatteryJ = 5
	}
	sum, _ = runAsync(t, cfg, WithoutTraining())
	if sum.Reason != reasonAllDead || sum.SimTime >= 1000 || sum.Completed() {
		t.Errorf("reason %q at %v s", sum.Reason, sum.SimTime)
	}
}

// In the synchronous schedule, the evaluation clock adds rows between the cycles' ends, with
// the energy of the phases in progress; without it the evaluations file holds the cycles.
func TestSyncEvaluationClock(t *testing.T) {
	cfg := tinyConfig()
	paperBits(&cfg)
	cfg.Cycles = 2
	cfg.EvalEvery = 4
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var evals bytes.Buffer
	var files runFiles
	rec := append(files.recorder(), NewEvalsCSV(&evals))
	sum, err := s.Run(context.Background(), rec)
	if err != nil {
		t.Fatal(err)
	}
	rec.Close()
	rows := learnerRows(t, evals.Bytes())
	// Ticks at 0, 4, 8, 12, 16 s (versions 0, 0, 0, 1, 1); the cycles end just before 10 and 20 s.
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%.0f:%s", num(t, r["time_s"]), r["version"]))
	}
	if strings.Join(got, " ") != "0:0 4:0 8:0 10:1 12:1 16:1 20:2" {
		t.Fatalf("evaluations (time:version) %v\n%s", got, evals.String())
	}
	prev := 0.0
	for _, r := range rows {
		if e := num(t, r["energy_j"]); e < prev {
			t.Errorf("energy so far decreases: %v after %v", e, prev)
		} else {
			prev = e
		}
	}
	var total float64
	for _, c := range sum.Cycles {
		total += c.EnergyJ
	}
	if last := num(t, rows[len(rows)-1]["energy_j"]); !near(last, total, 1e-12) {
		t.Errorf("last evaluation %v J, the cycles %v J", last, total)
	}
	if len(sum.Evals) != 5 || sum.Evals[0].Version != 0 || sum.Evals[3].Version != 1 {
		t.Errorf("clock evaluations %+v", sum.Evals)
	}
}

// The schedule's keys are checked with the rest and named by their scenario keys.
func TestScheduleProblems(t *testing.T) {
	for _, tc := range []struct {
		mod func(*Config)
		key string
	}{
		{func(c *Config) { c.Schedule = "later" }, "simulation.schedule"},
		{func(c *Config) { c.EvalEvery = -1 }, "simulation.eval_every_s"},
		{func(c *Config) { c.Async.Horizon = 60 }, "async"},
		{func(c *Config) { c.Aggregation.Name = "fedbuff" }, "aggregation.name"},
		{func(c *Config) {
			c.Schedule = Asynchronous
			c.Aggregation = aggregate.Config{Name: "fedbuff", Params: param.Values{"buffer_size": 0}}
		}, "aggregation.buffer_size"},
		{func(c *Config) { c.Schedule = Asynchronous; c.Async.Horizon = math.NaN() }, "async.horizon_s"},
		{func(c *Config) { c.Schedule = Asynchronous; c.Async.Concurrency = -2 }, "async.concurrency"},
		{func(c *Config) { c.Schedule = Asynchronous; c.Async.Aggregations = -1 }, "async.aggregations"},
	} {
		c := tinyConfig()
		tc.mod(&c)
		ce, ok := AsConfigError(c.Validate())
		if !ok || len(ce.Problems) != 1 || ce.Problems[0].Key != tc.key {
			t.Errorf("want one problem at %s, got %v", tc.key, c.Validate())
		}
	}
}
