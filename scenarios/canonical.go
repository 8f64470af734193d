package scenarios

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/mel-des/mel-des/dataset"
	"github.com/mel-des/mel-des/device"
	"github.com/mel-des/mel-des/mel"
	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/param"
)

// FileNamer names a file a scenario reads (a mobility trace) in a written scenario. The
// resolved scenario a run writes next to its outputs stores each such file beside it, so that
// the run directory holds everything needed to repeat the run.
type FileNamer func(f param.FileData) string

// TOML renders the resolved scenario as a scenario file: every key at the value this run
// uses, in the documented units, learners with equal settings grouped; simulation.workers is
// left out, since results do not depend on it. Loading the text
// (with the files named by name available beside it) gives the same configuration, so
// `mel-des run DIR/scenario.toml` repeats the run byte for byte. Paths of data files are
// written absolute. name may be nil: files are then named by their resolved path.
func (s *Scenario) TOML(name FileNamer) string {
	if name == nil {
		name = func(f param.FileData) string { return f.Path }
	}
	var w tomlWriter
	w.comment("mel-des scenario, resolved: every key at the value of this run.")
	w.kv("name", s.Name)
	if s.Description != "" {
		w.kv("description", s.Description)
	}
	w.config(s.Config, name)
	w.table("output")
	w.kv("files", s.Output.Files)
	if n := s.Output.TraceLearners; n != nil {
		w.kv("trace_learners", *n)
	}
	return w.String()
}

// Canonical renders s's configuration deterministically as TOML text that is equal for two
// scenarios exactly when they configure the same run: TOML without the name, description,
// output settings and worker count, which do not change results, and with each file a
// scenario reads named by a hash of its contents. It is meant for keying sweep cells and for
// diffs.
func (s *Scenario) Canonical() string {
	var w tomlWriter
	w.config(s.Config, func(f param.FileData) string {
		sum := sha256.Sum256(f.Data)
		return "sha256:" + hex.EncodeToString(sum[:])
	})
	return w.String()
}

// Hash returns the first 16 hex digits of the SHA-256 of Canonical.
func (s *Scenario) Hash() string {
	sum := sha256.Sum256([]byte(s.Canonical()))
	return hex.EncodeToString(sum[:8])
}

// tomlWriter builds TOML text.
type tomlWriter struct{ strings.Builder }

func (w *tomlWriter) comment(s string) { fmt.Fprintf(w, "# %s\n", s) }

func (w *tomlWriter) table(name string) { fmt.Fprintf(w, "\n[%s]\n", name) }

func (w *tomlWriter) array(name string) { fmt.Fprintf(w, "\n[[%s]]\n", name) }

func (w *tomlWriter) kv(key string, v any) { fmt.Fprintf(w, "%s = %s\n", key, tomlValue(v)) }

// tomlValue writes a value as TOML: numbers in the shortest form that reads back exactly.
func tomlValue(v any) string {
	switch x := v.(type) {
	case string:
		return tomlString(x)
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float64:
		switch {
		case math.IsInf(x, 1):
			return "inf"
		case math.IsInf(x, -1):
			return "-inf"
		case math.IsNaN(x):
			return "nan"
		}
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.FormatFloat(x, 'f', -1, 64) // a TOML integer, read back as the same number
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case []int:
		parts := make([]string, len(x))
		for i, n := range x {
			parts[i] = strconv.Itoa(n)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []float64:
		parts := make([]string, len(x))
		for i, f := range x {
			parts[i] = tomlValue(f)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []string:
		parts := make([]string, len(x))
		for i, s := range x {
			parts[i] = tomlString(s)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return tomlString(fmt.Sprint(v))
}

// inverse returns a value v with forward(v) == target, the shortest decimal near guess if
// one exists, so that a unit converted at load (GHz → Hz, dBm → W) is written back in the
// file's unit and reads back to exactly the same SI value.
func inverse(target, guess float64, forward func(float64) float64) float64 {
	if math.IsInf(target, 0) || math.IsNaN(target) {
		return guess
	}
	for prec := 1; prec <= 17; prec++ {
		v, err := strconv.ParseFloat(strconv.FormatFloat(guess, 'g', prec, 64), 64)
		if err == nil && forward(v) == target {
			return v
		}
	}
	lo, hi := guess, guess
	for range 64 {
		lo, hi = math.Nextafter(lo, math.Inf(-1)), math.Nextafter(hi, math.Inf(1))
		if forward(lo) == target {
			return lo
		}
		if forward(hi) == target {
			return hi
		}
	}
	return guess
}

func ghz(hz float64) float64 {
	return inverse(hz, hz/1e9, func(g float64) float64 { return g * 1e9 })
}

func dBm(w float64) float64 {
	return inverse(w, 10*math.Log10(w)+30, dBmToW)
}

// config writes every key of c but simulation.workers, which does not change results.
func (w *tomlWriter) config(c mel.Config, name FileNamer) {
	c = c.Resolved() // every default filled in, as the run will use it
	w.table("simulation")
	w.kv("seed", c.Seed)
	w.kv("cycles", c.Cycles)
	w.kv("deadline_s", c.Deadline)
	w.kv("energy_j", c.EnergyMean)
	w.kv("energy_spread_j", c.EnergySpread)
	w.kv("caps_per_run", c.CapsPerRun)
	w.kv("staleness", c.Staleness)
	w.kv("mode", string(c.Mode))
	w.kv("samples", c.Samples)
	w.kv("min_samples", c.MinSamples)
	w.kv("model_bits_per_param", c.ModelBitsPerParam)
	w.kv("sample_bits_per_feature", c.SampleBitsPerFeature)
	w.kv("cycles_per_sample", c.CyclesPerSample)
	async := c.Schedule == mel.Asynchronous
	if async {
		w.kv("schedule", string(mel.Asynchronous))
		every := c.EvalEvery
		if every == 0 {
			every = c.Deadline // the asynchronous schedule's clock by default
		}
		w.kv("eval_every_s", every)
	} else if c.EvalEvery != 0 {
		w.kv("eval_every_s", c.EvalEvery)
	}

	r := c.Radio
	w.table("radio")
	bw := r.BandwidthHz
	w.kv("bandwidth_mhz", inverse(bw, bw/1e6, func(m float64) float64 { return m * 1e6 }))
	w.kv("noise_dbm_hz", r.NoiseDensityDBmHz)
	w.kv("pathloss_a_db", r.PathLossA)
	w.kv("pathloss_b_db", r.PathLossB)
	w.kv("shadowing_sigma_db", r.ShadowingSigmaDB)
	w.kv("shadowing_coherence_s", r.ShadowingCoherenceS)
	w.kv("cell_radius_m", r.CellRadiusM)
	w.kv("min_distance_m", r.MinDistanceM)
	w.kv("distance_step_m", r.DistanceStepM)
	cell := r.Cell()

	// Consecutive learners that render alike form one group.
	var groups []string
	var counts []int
	for _, l := range c.Learners {
		g := learnerTOML(l, cell, name)
		if n := len(groups); n > 0 && groups[n-1] == g {
			counts[n-1]++
			continue
		}
		groups, counts = append(groups, g), append(counts, 1)
	}
	for i, g := range groups {
		w.array("learners")
		w.kv("count", counts[i])
		w.WriteString(g)
	}
	for k, l := range c.Learners {
		for _, o := range l.Outages {
			w.array("outage")
			w.kv("learner", k)
			w.kv("start_s", o.Start)
			w.kv("duration_s", o.Duration)
		}
	}

	d := c.Data
	w.table("dataset")
	w.kv("source", d.Source.Name())
	if _, p, err := d.Source.Resolve(); err == nil {
		k, _ := dataset.Lookup(d.Source.Name())
		w.params(k.Params, p, name)
	}
	w.kv("train_subset", d.TrainSubset)
	w.kv("test_subset", d.TestSubset)
	w.kv("partition", string(d.Partition))
	w.kv("alpha", d.Alpha)
	w.kv("shards", d.Shards)

	m := c.Model
	w.table("model")
	w.kv("hidden", m.Hidden)
	w.kv("batch", m.Batch)
	w.kv("learning_rate", m.LR)
	switch m.Update {
	case "":
		w.kv("local_update", string(mlcore.EpochUpdate))
	case mlcore.StepsUpdate:
		w.kv("local_update", string(m.Update))
		w.kv("local_steps", m.Steps)
	default:
		w.kv("local_update", string(m.Update))
	}

	w.table("policy")
	w.kv("name", c.Policy)
	keys := make([]string, 0, len(c.PolicyParams))
	for k := range c.PolicyParams {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		w.kv(k, c.PolicyParams[k])
	}
	w.schedule(c, async, name)
}

// schedule writes [aggregation] and [async]. They are left out of a synchronous scenario
// that keeps the default aggregation, so that its text, and the hash that keys its sweep
// cells, are what they were before the asynchronous schedule existed.
func (w *tomlWriter) schedule(c mel.Config, async bool, name FileNamer) {
	if async || !c.Aggregation.IsZero() {
		w.table("aggregation")
		w.kv("name", c.Aggregation.NameFor(async))
		if k, p, err := c.Aggregation.Resolve(async); err == nil {
			w.params(k.Params, p, name)
		}
	}
	if !async {
		return
	}
	a := c.Async
	w.table("async")
	w.kv("horizon_s", c.Horizon())
	w.kv("aggregations", a.Aggregations)
	w.kv("concurrency", a.Concurrency)
}

// learnerTOML renders the keys of one learner, without count, as a [[learners]] group body.
func learnerTOML(l mel.Learner, cell device.Cell, name FileNamer) string {
	var w tomlWriter
	w.kv("cpu_ghz", ghz(l.FreqHz))
	w.kv("kappa", l.Kappa)
	w.kv("tx_power_dbm", dBm(l.TxPowerW))
	w.kv("battery_j", l.BatteryJ)
	if p := l.Position; p != nil {
		w.kv("position_m", []float64{p.X, p.Y})
	}
	if m, p, err := l.Mobility.Resolve(cell); err == nil && m.Name != device.StaticModel {
		w.table("learners.mobility")
		w.kv("model", m.Name)
		w.params(m.Params, p, name)
	}
	if o := l.RandomDown; o != nil {
		w.table("learners.outages")
		w.kv("mean_up_s", o.MeanUp)
		w.kv("mean_down_s", o.MeanDown)
	}
	return strings.TrimPrefix(w.String(), "\n")
}

// params writes a plug-in's resolved parameters in the order of its specs.
func (w *tomlWriter) params(specs []param.Spec, p param.Values, name FileNamer) {
	for _, s := range specs {
		v, ok := p[s.Key]
		if !ok {
			continue
		}
		switch s.Kind {
		case param.File:
			v = name(v.(param.FileData))
		case param.Path:
			if abs, err := filepath.Abs(v.(string)); err == nil {
				v = abs
			}
		}
		w.kv(s.Key, v)
	}
}

// tomlString quotes s as a TOML basic string, escaping what TOML requires.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
