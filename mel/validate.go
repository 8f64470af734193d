package mel

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/mel-des/mel-des/dataset"
	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/param"
	"github.com/mel-des/mel-des/policy"
)

// Problem is one thing wrong with a Config. It names the scenario key it concerns, in the
// vocabulary of docs/scenario.md, so that the scenario decoder can point at the line that set
// it; Go callers read the same words.
type Problem struct {
	Learner int    // the learner concerned, from 0, or −1 for the run as a whole
	Key     string // key path: "simulation.energy_spread_j"; for a learner relative to its table: "mobility.max_speed_mps"
	Msg     string // what is wrong and what is allowed
}

// String formats the problem as "learner 3: mobility.max_speed_mps: MSG" or "KEY: MSG".
func (p Problem) String() string {
	s := p.Key + ": " + p.Msg
	if p.Key == "" {
		s = p.Msg
	}
	if p.Learner >= 0 {
		s = fmt.Sprintf("learner %d: %s", p.Learner, s)
	}
	return s
}

// ConfigError lists every problem of a Config, in the order found.
type ConfigError struct {
	Problems []Problem
}

// Error formats one problem per line, each prefixed "mel: ".
func (e *ConfigError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = "mel: " + p.String()
	}
	return strings.Join(lines, "\n")
}

// problems collects the problems of a configuration.
type problems []Problem

func (ps *problems) add(learner int, key, format string, a ...any) {
	*ps = append(*ps, Problem{Learner: learner, Key: key, Msg: fmt.Sprintf(format, a...)})
}

// params adds the problems a plug-in's check returned, its keys under prefix.
func (ps *problems) params(learner int, prefix string, err error) {
	for _, p := range param.Problems(err) {
		key := prefix
		if p.Key != "" {
			key = prefix + "." + p.Key
		}
		*ps = append(*ps, Problem{Learner: learner, Key: key, Msg: p.Msg})
	}
}

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &ConfigError{Problems: ps}
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func fnum(v float64) string { return param.FormatNumber(v) }

// Validate reports every problem of c that can be seen without opening the data: values out
// of their ranges, rules between fields, unknown mobility models, data sources and policies
// and their parameters. The error is a *ConfigError. Zero fields are read as their defaults.
// New checks the same and, once the data source is open, the sizes that depend on the data.
func (c Config) Validate() error {
	c = c.withDefaults()
	return c.staticProblems().err()
}

// staticProblems checks c, whose defaults are filled in.
func (c *Config) staticProblems() problems {
	var ps problems
	pos := func(key string, v float64) {
		if !finite(v) || v <= 0 {
			ps.add(-1, key, "%v: must be finite and > 0", v)
		}
	}
	nonneg := func(key string, v float64) {
		if !finite(v) || v < 0 {
			ps.add(-1, key, "%v: must be finite and ≥ 0", v)
		}
	}
	if c.Cycles < 1 {
		ps.add(-1, "simulation.cycles", "%d: must be ≥ 1", c.Cycles)
	}
	pos("simulation.deadline_s", c.Deadline)
	pos("simulation.energy_j", c.EnergyMean)
	nonneg("simulation.energy_spread_j", c.EnergySpread)
	if finite(c.EnergySpread) && c.EnergyMean > 0 && c.EnergySpread >= c.EnergyMean {
		ps.add(-1, "simulation.energy_spread_j", "σ = %s J must be below energy_j = %s J so that every energy cap is positive",
			fnum(c.EnergySpread), fnum(c.EnergyMean))
	}
	if c.Staleness < 0 {
		ps.add(-1, "simulation.staleness", "%d: must be ≥ 0", c.Staleness)
	}
	if c.Mode != PL && c.Mode != FL {
		ps.add(-1, "simulation.mode", "%q: must be %q or %q", c.Mode, PL, FL)
	}
	if c.Samples < 0 {
		ps.add(-1, "simulation.samples", "%d: must be ≥ 0 (0 = all)", c.Samples)
	}
	if c.MinSamples < 1 {
		ps.add(-1, "simulation.min_samples", "%d: must be ≥ 1", c.MinSamples)
	}
	if c.Samples > 0 && c.MinSamples > c.Samples {
		ps.add(-1, "simulation.min_samples", "%d is more than the %d samples handed out per cycle", c.MinSamples, c.Samples)
	}
	pos("simulation.model_bits_per_param", c.ModelBitsPerParam)
	pos("simulation.sample_bits_per_feature", c.SampleBitsPerFeature)
	nonneg("simulation.cycles_per_sample", c.CyclesPerSample)
	if c.Workers < 0 {
		ps.add(-1, "simulation.workers", "%d: must be ≥ 0 (0 = all cores)", c.Workers)
	}

	r := c.Radio
	pos("radio.bandwidth_mhz", r.BandwidthHz)
	if !finite(r.NoiseDensityDBmHz) {
		ps.add(-1, "radio.noise_dbm_hz", "%v: must be finite", r.NoiseDensityDBmHz)
	}
	if !finite(r.PathLossA) {
		ps.add(-1, "radio.pathloss_a_db", "%v: must be finite", r.PathLossA)
	}
	pos("radio.pathloss_b_db", r.PathLossB)
	nonneg("radio.shadowing_sigma_db", r.ShadowingSigmaDB)
	pos("radio.shadowing_coherence_s", r.ShadowingCoherenceS)
	pos("radio.cell_radius_m", r.CellRadiusM)
	nonneg("radio.min_distance_m", r.MinDistanceM)
	if finite(r.MinDistanceM) && r.CellRadiusM > 0 && r.MinDistanceM >= r.CellRadiusM {
		ps.add(-1, "radio.min_distance_m", "%s m must be below cell_radius_m = %s m", fnum(r.MinDistanceM), fnum(r.CellRadiusM))
	}
	pos("radio.distance_step_m", r.DistanceStepM)

	if len(c.Learners) == 0 {
		ps.add(-1, "learners", "no learners: need at least one")
	}
	for k, l := range c.Learners {
		ps = append(ps, l.problems(k, r)...)
	}

	d := c.Data
	_, _, err := d.Source.Resolve()
	ps.params(-1, "dataset", err)
	if d.TrainSubset < 0 {
		ps.add(-1, "dataset.train_subset", "%d: must be ≥ 0 (0 = all)", d.TrainSubset)
	}
	if d.TestSubset < 0 {
		ps.add(-1, "dataset.test_subset", "%d: must be ≥ 0 (0 = all)", d.TestSubset)
	}
	switch d.Partition {
	case IID, Dirichlet, Shards:
	default:
		ps.add(-1, "dataset.partition", "%q: must be one of iid, dirichlet, shards", d.Partition)
	}
	pos("dataset.alpha", d.Alpha)
	if d.Shards < 1 {
		ps.add(-1, "dataset.shards", "%d: must be ≥ 1", d.Shards)
	}

	for i, w := range c.Model.Hidden {
		if w < 1 {
			ps.add(-1, fmt.Sprintf("model.hidden[%d]", i), "%d: must be ≥ 1", w)
		}
	}
	if c.Model.Batch < 1 {
		ps.add(-1, "model.batch", "%d: must be ≥ 1", c.Model.Batch)
	}
	pos("model.learning_rate", c.Model.LR)
	switch c.Model.Update {
	case "", mlcore.EpochUpdate, mlcore.FullBatchUpdate:
	case mlcore.StepsUpdate:
		if c.Model.Steps < 1 {
			ps.add(-1, "model.local_steps", "%d: local_update = \"steps\" needs at least one step", c.Model.Steps)
		}
	default:
		ps.add(-1, "model.local_update", "%q: must be \"epoch\", \"full-batch\" or \"steps\"", c.Model.Update)
	}
	if _, err := policy.New(c.Policy, c.PolicyParams); err != nil {
		ps.add(-1, "policy.name", "rejected by the policy: %v", err)
	}
	return append(ps, c.scheduleProblems()...)
}

// problems checks one learner.
func (l Learner) problems(k int, r Radio) problems {
	var ps problems
	pos := func(key string, v float64, unit string) {
		if !finite(v) || v <= 0 {
			ps.add(k, key, "%v %s: must be finite and > 0", v, unit)
		}
	}
	pos("cpu_ghz", l.FreqHz, "Hz")
	pos("kappa", l.Kappa, "J/(cycle·Hz²)")
	pos("tx_power_dbm", l.TxPowerW, "W")
	if math.IsNaN(l.BatteryJ) || l.BatteryJ <= 0 {
		ps.add(k, "battery_j", "%v: must be > 0 (+Inf = mains powered)", l.BatteryJ)
	}
	if p := l.Position; p != nil {
		if !finite(p.X) || !finite(p.Y) {
			ps.add(k, "position_m", "(%v, %v): must be finite", p.X, p.Y)
		} else if d := math.Hypot(p.X, p.Y); r.CellRadiusM > 0 && d > r.CellRadiusM {
			ps.add(k, "position_m", "%.1f m from the orchestrator, outside the cell (radio.cell_radius_m = %s)", d, fnum(r.CellRadiusM))
		}
	}
	m, _, err := l.Mobility.Resolve(r.Cell())
	ps.params(k, "mobility", err)
	if err == nil && m.Positioned && l.Position != nil {
		ps.add(k, "position_m", "conflicts with mobility model %q, which gives the position", m.Name)
	}
	for j, o := range l.Outages {
		if !finite(o.Start) || o.Start < 0 {
			ps.add(k, "outages", "scheduled outage %d starts at %v s: must be finite and ≥ 0", j, o.Start)
		}
		if !(o.Duration > 0) {
			ps.add(k, "outages", "scheduled outage %d lasts %v s: must be > 0", j, o.Duration)
		}
	}
	if o := l.RandomDown; o != nil {
		if !finite(o.MeanUp) || o.MeanUp <= 0 {
			ps.add(k, "outages.mean_up_s", "%v: must be finite and > 0", o.MeanUp)
		}
		if !finite(o.MeanDown) || o.MeanDown <= 0 {
			ps.add(k, "outages.mean_down_s", "%v: must be finite and > 0", o.MeanDown)
		}
	}
	return ps
}

// dataProblems checks what depends on the data set's sizes. K is the number of learners.
func (c *Config) dataProblems(info dataset.Info, K int) problems {
	var ps problems
	d := c.Data
	name := d.Source.Name()
	train := info.Train
	if d.TrainSubset > info.Train {
		ps.add(-1, "dataset.train_subset", "%d is more than the %d training samples of the %s data", d.TrainSubset, info.Train, name)
	} else if d.TrainSubset > 0 {
		train = d.TrainSubset
	}
	if d.TestSubset > info.Test {
		ps.add(-1, "dataset.test_subset", "%d is more than the %d test samples of the %s data", d.TestSubset, info.Test, name)
	}
	if c.Samples > train {
		ps.add(-1, "simulation.samples", "%d is more than the %d training samples in use (0 = all)", c.Samples, train)
	}
	if c.Samples == 0 && c.MinSamples > train {
		ps.add(-1, "simulation.min_samples", "%d is more than the %d samples handed out per cycle", c.MinSamples, train)
	}
	if c.Mode == FL && d.Partition == Shards && K*d.Shards > train {
		ps.add(-1, "dataset.shards", "%d learners × %d shards need at least one sample per shard, but there are %d training samples",
			K, d.Shards, train)
	}
	if info.Classes < 2 || info.Classes > 256 {
		ps.add(-1, "dataset.source", "the %s data have %d classes; want 2 to 256", name, info.Classes)
	}
	return ps
}

// AsConfigError returns the *ConfigError in err's chain, if any.
func AsConfigError(err error) (*ConfigError, bool) {
	var ce *ConfigError
	ok := errors.As(err, &ce)
	return ce, ok
}
