package mel

import (
	"math"
	"slices"

	"github.com/mel-des/mel-des/aggregate"
	"github.com/mel-des/mel-des/channel"
	"github.com/mel-des/mel-des/dataset"
	"github.com/mel-des/mel-des/device"
	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/policy"
)

// Mode says where the learners' training data comes from.
type Mode string

const (
	// PL is parallelised learning (the paper's default): every cycle the orchestrator shuffles
	// its dataset and sends d_k samples to learner k along with the model.
	PL Mode = "pl"
	// FL is federated learning: learners own local datasets; only the model travels, and learner
	// k trains on min(d_k, local size) of its own samples.
	FL Mode = "fl"
)

// Config describes a whole MEL run in SI units: seconds, hertz, watts, joules, metres, bits.
// DefaultConfig holds the defaults of DESIGN.md (the paper's Table 1); start from it and
// change what differs.
//
// The zero value is valid too: every field whose zero would be meaningless (a cycle count,
// a deadline, a bandwidth, a CPU's capacitance, ...) takes its DefaultConfig value. Fields
// where zero is a setting of its own keep it: Seed, EnergySpread (caps all equal to E),
// Staleness (synchronous), Samples (all), Radio.ShadowingSigmaDB (no shadowing),
// Radio.MinDistanceM (no minimum) and CyclesPerSample (derived from the model).
type Config struct {
	Seed   uint64 // master seed; every stochastic component derives its own stream from it
	Cycles int    // number of global cycles to run; 0 = 12

	Deadline     float64 // T: the cycle deadline, s; 0 = 10
	EnergyMean   float64 // E: mean per-cycle energy cap, J; 0 = 10
	EnergySpread float64 // σ: E_k = E + σ·(2U−1), U ~ U(0,1), J (0 ≤ σ < E)
	CapsPerRun   bool    // draw E_k once per run instead of every cycle
	Staleness    int     // c: max tau_k − min tau_l over included learners (≥ 0)

	Mode       Mode // "" = PL
	Samples    int  // d: samples distributed per cycle; 0 = the whole training set (PL) or all local data (FL)
	MinSamples int  // d_l: lower bound on d_k for a learner that takes part; 0 = 100

	ModelBitsPerParam    float64 // P_m, bits per model parameter; 0 = 32
	SampleBitsPerFeature float64 // P_d, bits per sample feature; 0 = 8
	CyclesPerSample      float64 // C_m, CPU cycles per sample per local iteration; 0 = derived from the model

	Radio    Radio
	Learners []Learner // nil = the paper's 20 learners
	Data     Data
	Model    Model

	Policy       string        // registered policy name, see policy.Names; "" = ha-async-sai
	PolicyParams policy.Params // the policy's own parameters (nil: defaults)

	Schedule    Schedule         // "" = Synchronous: the global cycles of Algorithm 1
	Aggregation aggregate.Config // how arrived models are merged; zero = fedavg (sync), fedasync (async)
	Async       Async            // the asynchronous schedule's settings; zero = its defaults
	EvalEvery   float64          // evaluate the global model every this many simulated seconds; 0 = sync: at cycle ends only, async: every Deadline

	Workers int // goroutines for the real training; 0 = GOMAXPROCS. Results do not depend on it.
}

// Radio describes the cell and the channel shared by all learners. Zero fields take the
// defaults given, except ShadowingSigmaDB and MinDistanceM, whose zero is a setting.
type Radio struct {
	BandwidthHz         float64 // W per learner, Hz; 0 = 5e6
	NoiseDensityDBmHz   float64 // N0, dBm/Hz; 0 = −174
	PathLossA           float64 // dB at 1 km; 0 = 128
	PathLossB           float64 // dB per decade of distance; 0 = 37.1
	ShadowingSigmaDB    float64 // log-normal shadowing σ, dB (0: none)
	ShadowingCoherenceS float64 // shadowing is redrawn every this many seconds; 0 = 1
	CellRadiusM         float64 // learners are placed and move inside this disc, m; 0 = 500
	MinDistanceM        float64 // random placement keeps at least this far from the centre, m (DefaultConfig: 10)
	DistanceStepM       float64 // a moving learner's rate is re-evaluated whenever it may have moved this far, m; 0 = 5
}

// Cell returns the disc the learners live in.
func (r Radio) Cell() device.Cell { return device.Cell{Radius: r.CellRadiusM, MinDist: r.MinDistanceM} }

// Learner describes one learner's hardware, placement, mobility and link outages. Zero
// fields take the defaults of DefaultLearner, except FreqHz, which must be set.
type Learner struct {
	FreqHz     float64               // CPU frequency, Hz (> 0)
	Kappa      float64               // switched capacitance κ, J/(cycle·Hz²); 0 = 1e-29
	TxPowerW   float64               // transmit power, W; 0 = 23 dBm
	BatteryJ   float64               // battery capacity, J; +Inf = mains powered; 0 = +Inf
	Position   *device.Point         // start position; nil = uniform in the cell annulus, seeded
	Mobility   device.MobilityConfig // the mobility model; zero = static
	Outages    []channel.Interval    // scheduled link outages; overlapping ones merge
	RandomDown *channel.OnOff        // random link outages; nil = none
}

// Partition names how FL-mode local datasets are drawn.
type Partition string

// The FL partitions.
const (
	IID       Partition = "iid"
	Dirichlet Partition = "dirichlet"
	Shards    Partition = "shards"
)

// Data selects the dataset and, in FL mode, how it is split among learners.
type Data struct {
	Source      dataset.Config // the data source; zero = MNIST
	TrainSubset int            // use only the first n training samples after a seeded shuffle; 0 = all
	TestSubset  int            // evaluate on the first n test samples; 0 = all

	Partition Partition // FL only; "" = IID
	Alpha     float64   // Dirichlet concentration (> 0); 0 = 0.5
	Shards    int       // shards per learner (≥ 1); 0 = 2
}

// Model is the network and its SGD settings. The input width is the data's features and the
// output width its classes.
type Model struct {
	Hidden []int   // hidden layer widths; nil = the paper's [300, 124, 60]; an empty non-nil slice = none
	Batch  int     // mini-batch size; 0 = 32
	LR     float64 // SGD learning rate; 0 = 0.05
	// Update is what one local iteration is: an epoch over the learner's samples in
	// mini-batches (""), one full-batch gradient step (the paper's equations read
	// literally), or Steps mini-batch steps. The CPU time and energy of an iteration follow
	// the samples it touches, and so do the policy's coefficients.
	Update mlcore.UpdateKind
	Steps  int // mini-batch steps per iteration when Update is mlcore.StepsUpdate
}

// sgd returns the SGD settings of m.
func (m Model) sgd() mlcore.SGD {
	return mlcore.SGD{Batch: m.Batch, LR: float32(m.LR), Update: m.Update, Steps: m.Steps}
}

// iterSamples returns the samples one local iteration touches when that number is fixed
// (mini-batch steps), 0 when it is all of the learner's samples.
func (m Model) iterSamples() int {
	if m.Update == mlcore.StepsUpdate {
		return m.sgd().Touched(0)
	}
	return 0
}

// Layers returns the widths of every layer for data with the given features and classes.
func (m Model) Layers(features, classes int) []int {
	return append(append([]int{features}, m.Hidden...), classes)
}

// Paper defaults that are not zero.
const (
	defaultKappa   = 1e-29
	defaultTxPower = 0.19952623149688797 // 23 dBm in W
	defaultPolicy  = "ha-async-sai"
)

// DefaultLearner returns a static learner with the given CPU frequency and the paper's
// defaults: κ = 1e-29, 23 dBm, mains powered, random placement.
func DefaultLearner(freqHz float64) Learner {
	return Learner{FreqHz: freqHz, Kappa: defaultKappa, TxPowerW: defaultTxPower, BatteryJ: math.Inf(1)}
}

// paperLearners returns the paper's 20 learners: 5 each at 6.0, 2.4, 1.4 and 0.7 GHz.
func paperLearners() []Learner {
	var ls []Learner
	for _, f := range []float64{6.0e9, 2.4e9, 1.4e9, 0.7e9} {
		for range 5 {
			ls = append(ls, DefaultLearner(f))
		}
	}
	return ls
}

// DefaultConfig returns the paper's setting (DESIGN.md): 20 static learners, 5 each at 6.0,
// 2.4, 1.4 and 0.7 GHz, T = 10 s, E = 10 J, σ = 2.5 J, c = 1, PL mode on full MNIST, the
// 784-300-124-60-10 network, 12 cycles, policy ha-async-sai.
func DefaultConfig() Config {
	c := Config{Seed: 1, EnergySpread: 2.5, Staleness: 1, Radio: Radio{MinDistanceM: 10}}
	c = c.withDefaults()
	c.Data.Source.Source = dataset.DefaultSource
	return c
}

// Resolved returns c with every zero field that has a default set to it: the configuration
// a System runs (slices are copied). Writers of a configuration use it rather than repeat
// the defaults.
func (c Config) Resolved() Config { return c.withDefaults() }

// withDefaults returns c with every zero field that has a default set to it. Slices are
// copied, so the result can be changed without touching c.
func (c Config) withDefaults() Config {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	defInt := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	defInt(&c.Cycles, 12)
	def(&c.Deadline, 10)
	def(&c.EnergyMean, 10)
	if c.Mode == "" {
		c.Mode = PL
	}
	defInt(&c.MinSamples, 100)
	def(&c.ModelBitsPerParam, 32)
	def(&c.SampleBitsPerFeature, 8)
	r := &c.Radio
	def(&r.BandwidthHz, 5e6)
	def(&r.NoiseDensityDBmHz, -174)
	def(&r.PathLossA, 128)
	def(&r.PathLossB, 37.1)
	def(&r.ShadowingCoherenceS, 1)
	def(&r.CellRadiusM, 500)
	def(&r.DistanceStepM, 5)
	if c.Learners == nil {
		c.Learners = paperLearners()
	} else {
		c.Learners = slices.Clone(c.Learners)
	}
	for i := range c.Learners {
		l := &c.Learners[i]
		def(&l.Kappa, defaultKappa)
		def(&l.TxPowerW, defaultTxPower)
		def(&l.BatteryJ, math.Inf(1))
		l.Outages = slices.Clone(l.Outages)
	}
	if c.Data.Partition == "" {
		c.Data.Partition = IID
	}
	def(&c.Data.Alpha, 0.5)
	defInt(&c.Data.Shards, 2)
	if c.Model.Hidden == nil {
		c.Model.Hidden = []int{300, 124, 60}
	} else {
		c.Model.Hidden = slices.Clone(c.Model.Hidden)
	}
	defInt(&c.Model.Batch, 32)
	def(&c.Model.LR, 0.05)
	if c.Policy == "" {
		c.Policy = defaultPolicy
	}
	return c
}
