package mel

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/device"
	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/param"
)

// The zero Config is valid: every field whose zero is meaningless takes the paper's default,
// and the ones whose zero is a setting keep it.
func TestZeroConfigIsValid(t *testing.T) {
	var c Config
	if err := c.Validate(); err != nil {
		t.Fatalf("Config{}.Validate: %v", err)
	}
	d := c.withDefaults()
	def := DefaultConfig()
	if d.Cycles != def.Cycles || d.Deadline != def.Deadline || d.EnergyMean != def.EnergyMean ||
		d.MinSamples != def.MinSamples || d.Radio.BandwidthHz != def.Radio.BandwidthHz ||
		len(d.Learners) != 20 || d.Policy != def.Policy || d.Model.Batch != 32 || len(d.Model.Hidden) != 3 {
		t.Errorf("defaults not filled: %+v", d)
	}
	if d.Staleness != 0 || d.EnergySpread != 0 || d.Seed != 0 || d.Radio.MinDistanceM != 0 {
		t.Errorf("zero settings changed: c=%d σ=%v seed=%d min distance %v", d.Staleness, d.EnergySpread, d.Seed, d.Radio.MinDistanceM)
	}
	// A learner needs only its CPU; the rest defaults.
	c.Learners = []Learner{{FreqHz: 1e9}}
	c.Data.Source = syntheticData(200, 50, 8, 3)
	c.MinSamples = 10
	c.Cycles = 1
	s, err := New(c)
	if err != nil {
		t.Fatalf("New with one learner and zero fields: %v", err)
	}
	defer s.Close()
	l := s.Config().Learners[0]
	if l.Kappa != 1e-29 || l.TxPowerW != defaultTxPower || !math.IsInf(l.BatteryJ, 1) || l.Mobility.Name() != device.StaticModel {
		t.Errorf("learner defaults: %+v", l)
	}
	if got := s.Layers(); len(got) != 5 || got[0] != 8 || got[4] != 3 {
		t.Errorf("layers %v: want the data's 8 features, the paper's hidden widths, 3 classes", got)
	}
	if _, err := s.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	// The caller's Config is not changed by New.
	if c.Learners[0].Kappa != 0 || c.Model.Hidden != nil {
		t.Error("New changed the caller's Config")
	}
}

// Problems name the scenario key, and a learner's its index and key relative to its table.
func TestValidateNamesKeys(t *testing.T) {
	c := tinyConfig()
	c.EnergySpread = 20
	c.Radio.MinDistanceM = 600
	c.Learners[2].Mobility = device.MobilityConfig{Model: "waypoint", Params: param.Values{"min_speed_mps": 3.0, "max_speed_mps": 2.0}}
	c.Learners[3].Mobility = traceMobility([3]float64{0, 1, 1})
	c.Learners[3].Position = &device.Point{X: 5}
	err := c.Validate()
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("error %T %v, want *ConfigError", err, err)
	}
	want := map[string]bool{
		"simulation.energy_spread_j":        false,
		"radio.min_distance_m":              false,
		"learner 2: mobility.max_speed_mps": false,
		"learner 3: position_m":             false,
	}
	for _, p := range ce.Problems {
		k := p.Key
		if p.Learner >= 0 {
			k = "learner " + string(rune('0'+p.Learner)) + ": " + p.Key
		}
		if _, ok := want[k]; ok {
			want[k] = true
		}
	}
	for k, seen := range want {
		if !seen {
			t.Errorf("no problem on %s in:\n%v", k, err)
		}
	}
	if !strings.Contains(err.Error(), "mel: learner 2: mobility.max_speed_mps: max_speed_mps = 2 is below min_speed_mps = 3") {
		t.Errorf("message: %v", err)
	}
}

// onlyCycles is a writer that wants per-cycle rows and nothing else: no stubs.
type onlyCycles struct{ rows []CycleRecord }

func (o *onlyCycles) Cycle(c CycleRecord) error { o.rows = append(o.rows, c); return nil }
func (o *onlyCycles) Close() error              { return nil }

func TestRecordersDeliverByKind(t *testing.T) {
	var oc onlyCycles
	cfg := tinyConfig()
	var o runFiles
	rec := append(o.recorder(), &oc)
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sum, err := s.Run(context.Background(), rec)
	if err != nil {
		t.Fatal(err)
	}
	if len(oc.rows) != len(sum.Cycles) || len(oc.rows) != cfg.Cycles {
		t.Errorf("the cycle-only recorder got %d rows, want %d", len(oc.rows), cfg.Cycles)
	}
}

// With a fixed number of mini-batch steps per iteration, an iteration costs the same
// whatever d_k, the policy plans with that cost, and plan and run agree on a static world.
func TestStepsIterationCost(t *testing.T) {
	cfg := tinyConfig()
	paperBits(&cfg)
	cfg.Cycles = 1
	cfg.Model.Update, cfg.Model.Steps, cfg.Model.Batch = mlcore.StepsUpdate, 3, 16
	sum, o := runConfig(t, cfg)
	if !sum.Completed() || sum.Cycles[0].Misses != 0 {
		t.Fatalf("%+v", sum)
	}
	for _, r := range learnerRows(t, o.learners.Bytes()) {
		k := int(num(t, r["learner"]))
		per := 48 * cfg.CyclesPerSample / cfg.Learners[k].FreqHz // 3 steps × 16 samples
		tau := num(t, r["tau_done"])
		if got := num(t, r["compute_s"]); math.Abs(got-tau*per) > 1e-9*got {
			t.Errorf("learner %d: %v s for %v iterations of %v s", k, got, tau, per)
		}
		if num(t, r["samples_trained"]) != tau*48 {
			t.Errorf("learner %d: samples_trained %s", k, r["samples_trained"])
		}
	}
}
