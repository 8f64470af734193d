package scenarios

import (
	"math"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/mel-des/mel-des/mel"
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

// Sizes of the MNIST sets.
const (
	mnistTrain = 60_000
	mnistTest  = 10_000
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
			d.problem(it, "wrong type: want a string, got %s", typeName(it.v))
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
	d.learners(root, &c)
	d.dataset(root.sub("dataset"), &c.Data)
	hidden := d.model(root.sub("model"), &c.Model)
	d.policy(root.sub("policy"), &c)
	s.Output = d.output(root.sub("output"))
	d.check(&c, hidden)
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

// dataset reads [dataset].
func (d *decoder) dataset(t *table, data *mel.Data) {
	src := string(data.Source)
	if t.str("source", &src, string(mel.MNIST), string(mel.Synthetic)) {
		data.Source = mel.DataSource(src)
	}
	if t.str("dir", &data.Dir) && data.Dir != "" {
		data.Dir = d.origin.resolve(data.Dir)
		if data.Source == mel.MNIST {
			if st, err := os.Stat(data.Dir); err != nil {
				d.problem(d.at(t.full("dir")), "cannot use %s: %v", data.Dir, unwrapPath(err))
			} else if !st.IsDir() {
				d.problem(d.at(t.full("dir")), "%s is not a directory; want the directory holding the MNIST idx files", data.Dir)
			}
		}
	}
	t.int("train_subset", 0, maxSamples, &data.TrainSubset)
	t.int("test_subset", 0, maxSamples, &data.TestSubset)
	t.int("synthetic_train", 1, maxSamples, &data.SyntheticTrain)
	t.int("synthetic_test", 1, maxSamples, &data.SyntheticTest)
	t.int("synthetic_dim", 1, maxWidth, &data.SyntheticDim)
	t.int("synthetic_classes", 2, maxClasses, &data.SyntheticClasses)
	part := string(data.Partition)
	if t.str("partition", &part, string(mel.IID), string(mel.Dirichlet), string(mel.Shards)) {
		data.Partition = mel.Partition(part)
	}
	t.float("alpha", positive(1e6), "", &data.Alpha)
	t.int("shards", 1, 10_000, &data.Shards)
}

// model reads [model] and returns the hidden widths; the input and output widths are set
// from the data set by check.
func (d *decoder) model(t *table, m *mel.Model) []int {
	t.hints = map[string]string{"layers": "write hidden = [...] with the hidden widths only; the input and output widths come from the data set"}
	hidden := slices.Clone(m.Layers[1 : len(m.Layers)-1])
	t.ints("hidden", 0, maxHidden, 1, maxWidth, &hidden)
	t.int("batch", 1, 1_000_000, &m.Batch)
	t.float("learning_rate", positive(100), "", &m.LR)
	return hidden
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
func (d *decoder) output(t *table) Output {
	files := OutputFiles()
	out := Output{Files: OutputFiles()}
	if t.str("dir", &out.Dir) && strings.ContainsRune(out.Dir, 0) {
		d.problem(d.at(t.full("dir")), "a directory name cannot contain a NUL byte")
		out.Dir = ""
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
			d.problem(e, "wrong type: want a string, got %s", typeName(v))
		case !slices.Contains(files, s):
			d.problem(e, "unknown output file: want %s", quoteAll(files))
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

// check verifies what involves several keys and completes the model's layers.
func (d *decoder) check(c *mel.Config, hidden []int) {
	if c.EnergySpread >= c.EnergyMean {
		d.problem(d.at("simulation.energy_spread_j"), "σ = %s J must be below energy_j = %s J so that every energy cap is positive",
			fmtNum(c.EnergySpread), fmtNum(c.EnergyMean))
	}
	r := c.Radio
	if r.MinDistanceM >= r.CellRadiusM {
		d.problem(d.at("radio.min_distance_m"), "%s m must be below cell_radius_m = %s m", fmtNum(r.MinDistanceM), fmtNum(r.CellRadiusM))
	}

	data := c.Data
	train, test := mnistTrain, mnistTest
	if data.Source == mel.Synthetic {
		train, test = data.SyntheticTrain, data.SyntheticTest
	}
	if data.TrainSubset > train {
		d.problem(d.at("dataset.train_subset"), "%d is more than the %d training samples of the %s data", data.TrainSubset, train, data.Source)
	} else if data.TrainSubset > 0 {
		train = data.TrainSubset
	}
	if data.TestSubset > test {
		d.problem(d.at("dataset.test_subset"), "%d is more than the %d test samples of the %s data", data.TestSubset, test, data.Source)
	}
	if c.Samples > train {
		d.problem(d.at("simulation.samples"), "%d is more than the %d training samples in use (0 = all)", c.Samples, train)
	}
	if limit := cmp0(c.Samples, train); c.MinSamples > limit {
		d.problem(d.at("simulation.min_samples"), "%d is more than the %d samples handed out per cycle", c.MinSamples, limit)
	}
	if c.Mode == mel.FL && data.Partition == mel.Shards && len(c.Learners) > 0 && len(c.Learners)*data.Shards > train {
		d.problem(d.at("dataset.shards"), "%d learners × %d shards need at least one sample per shard, but there are %d training samples",
			len(c.Learners), data.Shards, train)
	}
	in, out := data.Shape()
	c.Model.Layers = append(append([]int{in}, hidden...), out)
}

// cmp0 returns a unless it is 0, in which case it returns b.
func cmp0(a, b int) int {
	if a == 0 {
		return b
	}
	return a
}
