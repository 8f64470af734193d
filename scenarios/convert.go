package scenarios

import (
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/mel-des/mel-des/dataset"
	"github.com/mel-des/mel-des/mel"
	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/param"
	"github.com/mel-des/mel-des/policy"
)

// Upper bounds on sizes, so that a typo (count = 1e9, cycles = 1e12) fails at load instead of
// exhausting memory or running for years. docs/scenario.md lists them with every key.
const (
	maxLearners = 100_000       // learners in total
	maxCycles   = 1_000_000     // global cycles
	maxSamples  = 1_000_000_000 // samples, subsets, synthetic sizes
	maxWorkers  = 1024          // worker goroutines
	maxWidth    = 100_000       // width of a layer, synthetic features
	maxHidden   = 16            // hidden layers
	maxClasses  = 256           // classes (mlcore stores labels in a byte)
	maxTime     = 1e6           // seconds: deadlines, pauses, coherence times
	maxEnergy   = 1e6           // joules per cycle
)

// scenario reads the whole tree into s.
func (d *decoder) scenario(s *Scenario) {
	root := d.newTable("", s.raw)
	root.hints = map[string]string{
		"seed":   "seed belongs in [simulation]",
		"cycles": "cycles belongs in [simulation]",
	}
	s.Name = s.defName
	if it, ok := root.get("name", true); ok {
		if n, isStr := it.v.(string); !isStr {
			d.problem(it, "wrong type: want a string, got %s", param.TypeName(it.v))
		} else if !nameRE.MatchString(n) {
			d.problem(it, "want 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (it names the run directory)")
		} else {
			s.Name = n
		}
	}
	root.str("description", &s.Description)

	c := mel.DefaultConfig()
	d.simulation(root.sub("simulation"), &c)
	d.radio(root.sub("radio"), &c.Radio)
	srcs := d.learners(root, &c)
	d.dataset(root.sub("dataset"), &c.Data)
	d.model(root.sub("model"), &c.Model)
	d.policy(root.sub("policy"), &c)
	d.aggregation(root.sub("aggregation"), &c)
	d.async(root.sub("async"), &c)
	s.Output = d.output(root.sub("output"), c.Schedule)
	d.srcs = srcs
	s.Config = c
}

// simulation reads [simulation].
func (d *decoder) simulation(t *table, c *mel.Config) {
	var seed int
	if t.int("seed", 0, math.MaxInt64, &seed) {
		c.Seed = uint64(seed)
	}
	t.int("cycles", 1, maxCycles, &c.Cycles)
	t.float("deadline_s", positive(maxTime), "s", &c.Deadline)
	t.float("energy_j", positive(maxEnergy), "J", &c.EnergyMean)
	t.float("energy_spread_j", closed(0, maxEnergy), "J", &c.EnergySpread)
	t.bool("caps_per_run", &c.CapsPerRun)
	t.int("staleness", 0, 1000, &c.Staleness)
	mode := string(c.Mode)
	if t.str("mode", &mode, string(mel.PL), string(mel.FL)) {
		c.Mode = mel.Mode(mode)
	}
	t.int("samples", 0, maxSamples, &c.Samples)
	t.int("min_samples", 1, maxSamples, &c.MinSamples)
	t.int("workers", 0, maxWorkers, &c.Workers)
	t.float("model_bits_per_param", positive(1024), "bits", &c.ModelBitsPerParam)
	t.float("sample_bits_per_feature", positive(1024), "bits", &c.SampleBitsPerFeature)
	t.float("cycles_per_sample", closed(0, 1e12), "CPU cycles", &c.CyclesPerSample)
	sched := string(mel.Synchronous)
	if t.str("schedule", &sched, string(mel.Synchronous), string(mel.Asynchronous)) {
		c.Schedule = mel.Schedule(sched)
	}
	t.float("eval_every_s", closed(0, maxTime), "s", &c.EvalEvery)
}

// radio reads [radio], converting MHz to Hz.
func (d *decoder) radio(t *table, r *mel.Radio) {
	mhz := r.BandwidthHz / 1e6
	if t.float("bandwidth_mhz", positive(1e5), "MHz", &mhz) {
		r.BandwidthHz = mhz * 1e6
	}
	t.float("noise_dbm_hz", closed(-300, 0), "dBm/Hz", &r.NoiseDensityDBmHz)
	t.float("pathloss_a_db", closed(0, 500), "dB", &r.PathLossA)
	t.float("pathloss_b_db", positive(200), "dB per decade", &r.PathLossB)
	t.float("shadowing_sigma_db", closed(0, 50), "dB", &r.ShadowingSigmaDB)
	t.float("shadowing_coherence_s", positive(maxTime), "s", &r.ShadowingCoherenceS)
	t.float("cell_radius_m", positive(1e6), "m", &r.CellRadiusM)
	t.float("min_distance_m", closed(0, 1e6), "m", &r.MinDistanceM)
	t.float("distance_step_m", positive(1e6), "m", &r.DistanceStepM)
}

// datasets is the registry of data sources, as the decoder sees it.
var datasets = registry{names: dataset.Kinds, params: func(n string) []param.Spec {
	k, _ := dataset.Lookup(n)
	return k.Params
}}

// dataset reads [dataset]: the source and the keys its registration declares, the subsets
// and, for FL, the partition.
func (d *decoder) dataset(t *table, data *mel.Data) {
	src := data.Source.Name()
	if t.str("source", &src, dataset.Kinds()...) || !t.has("source") {
		data.Source = dataset.Config{Source: src, Params: d.pluginParams(t, datasets, "source", src)}
	} else {
		t.know(datasets.keys(datasets.users())...)
	}
	t.int("train_subset", 0, maxSamples, &data.TrainSubset)
	t.int("test_subset", 0, maxSamples, &data.TestSubset)
	part := string(data.Partition)
	if t.str("partition", &part, string(mel.IID), string(mel.Dirichlet), string(mel.Shards)) {
		data.Partition = mel.Partition(part)
	}
	t.float("alpha", positive(1e6), "", &data.Alpha)
	t.int("shards", 1, 10_000, &data.Shards)
}

// model reads [model]: the hidden widths (the input and output widths come from the data
// set) and the SGD settings.
func (d *decoder) model(t *table, m *mel.Model) {
	t.hints = map[string]string{"layers": "write hidden = [...] with the hidden widths only; the input and output widths come from the data set"}
	t.ints("hidden", 0, maxHidden, 1, maxWidth, &m.Hidden)
	t.int("batch", 1, 1_000_000, &m.Batch)
	t.float("learning_rate", positive(100), "", &m.LR)
	kind := string(m.Update)
	if kind == "" {
		kind = string(mlcore.EpochUpdate)
	}
	if t.str("local_update", &kind, string(mlcore.EpochUpdate), string(mlcore.FullBatchUpdate), string(mlcore.StepsUpdate)) {
		m.Update = mlcore.UpdateKind(kind)
		if m.Update == mlcore.EpochUpdate {
			m.Update = ""
		}
	}
	if t.int("local_steps", 1, 1_000_000, &m.Steps) && m.Update != mlcore.StepsUpdate {
		d := t.d
		d.problem(d.at(t.full("local_steps")), "used only with local_update = \"steps\"")
	}
}

// policy reads [policy]: the name, and every other key as the policy's own parameter, which
// policy.New checks.
func (d *decoder) policy(t *table, c *mel.Config) {
	t.open = true
	nameOK := t.str("name", &c.Policy, policy.Names()...) || !t.has("name")
	params := policy.Params{}
	var keys []string
	for k := range t.m {
		if k != "name" {
			keys = append(keys, k)
		}
	}
	for p, s := range d.sets {
		if k, ok := strings.CutPrefix(p, t.path+"."); ok && k != "name" && !strings.ContainsAny(k, ".[") {
			s.used = true
			if _, inFile := t.m[k]; !inFile {
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		it, _ := t.get(k, false)
		params[k] = it.v
	}
	if len(params) > 0 {
		c.PolicyParams = params
	}
	if !nameOK {
		return
	}
	if _, err := policy.New(c.Policy, c.PolicyParams); err != nil {
		at := d.at(t.full("name"))
		at.v = c.Policy
		msg := err.Error()
		for _, k := range keys {
			if strings.Contains(msg, `"`+k+`"`) || strings.Contains(msg, " "+k+":") {
				at, _ = t.get(k, false)
				break
			}
		}
		d.problem(at, "rejected by the policy: %s", msg)
	}
}

// output reads [output].
func (d *decoder) output(t *table, sched mel.Schedule) Output {
	files := OutputFiles()
	out := Output{Files: DefaultOutputFilesFor(sched)}
	if t.str("dir", &out.Dir) && strings.ContainsRune(out.Dir, 0) {
		d.problem(d.at(t.full("dir")), "a directory name cannot contain a NUL byte")
		out.Dir = ""
	}
	var n int
	if t.int("trace_learners", 0, maxLearners, &n) {
		out.TraceLearners = &n
	}
	it, ok := t.get("files", false)
	if !ok {
		return out
	}
	a, ok := t.list(it, 0, len(files))
	if !ok {
		return out
	}
	seen := map[string]bool{}
	good := true
	for i, v := range a {
		e := element(it, i, v)
		s, isStr := v.(string)
		switch {
		case !isStr:
			d.problem(e, "wrong type: want a string, got %s", param.TypeName(v))
		case !slices.Contains(files, s):
			d.problem(e, "unknown output file: %s", param.ChoiceMessage(s, files))
		case seen[s]:
			d.problem(e, "listed twice")
		default:
			seen[s] = true
			continue
		}
		good = false
	}
	if good {
		out.Files = slices.DeleteFunc(files, func(f string) bool { return !seen[f] })
	}
	return out
}

// check runs the configuration's own checks (mel.Check: every rule between keys, the
// mobility models' and data sources' rules, the sizes the data allow) and reports each
// problem at the key that set the value, merging problems shared by many learners of a group.
// It runs only when decoding found nothing wrong, so that a value already reported is not
// reported twice.
func (d *decoder) check(c mel.Config) {
	if len(d.probs) > 0 {
		return
	}
	ce, ok := mel.AsConfigError(mel.Check(c))
	if !ok {
		return
	}
	rep := &repeats{seen: map[string]int{}}
	for _, p := range ce.Problems {
		if p.Learner >= 0 && p.Learner < len(d.srcs) {
			rep.add(p.Learner, d.at(d.srcs[p.Learner].path(p.Key)), p.Msg)
			continue
		}
		d.problem(d.at(p.Key), "%s", p.Msg)
	}
	rep.flush(d)
}
