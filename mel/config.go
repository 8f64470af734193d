package mel

import (
	"errors"
	"fmt"
	"math"

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
// Start from DefaultConfig, which holds the defaults of DESIGN.md (the paper's Table 1), and
// change what differs.
type Config struct {
	Seed   uint64 // master seed; every stochastic component derives its own stream from it
	Cycles int    // number of global cycles to run (> 0)

	Deadline     float64 // T: the cycle deadline, s (> 0)
	EnergyMean   float64 // E: mean per-cycle energy cap, J (> 0)
	EnergySpread float64 // σ: E_k = E + σ·(2U−1), U ~ U(0,1), J (0 ≤ σ < E)
	CapsPerRun   bool    // draw E_k once per run instead of every cycle
	Staleness    int     // c: max tau_k − min tau_l over included learners (≥ 0)

	Mode       Mode
	Samples    int // d: samples distributed per cycle; 0 = the whole training set (PL) or all local data (FL)
	MinSamples int // d_l: lower bound on d_k for a learner that takes part (≥ 1)

	ModelBitsPerParam    float64 // P_m, bits per model parameter (32)
	SampleBitsPerFeature float64 // P_d, bits per sample feature (8)
	CyclesPerSample      float64 // C_m, CPU cycles per sample per local iteration; 0 = derived from the model

	Radio    Radio
	Learners []Learner
	Data     Data
	Model    Model

	Policy       string        // registered policy name, see policy.Names
	PolicyParams policy.Params // the policy's own parameters (nil: defaults)

	Workers int // goroutines for the real training; 0 = GOMAXPROCS. Results do not depend on it.
}

// Radio describes the cell and the channel shared by all learners.
type Radio struct {
	BandwidthHz         float64 // W per learner, Hz (5e6)
	NoiseDensityDBmHz   float64 // N0, dBm/Hz (−174)
	PathLossA           float64 // dB at 1 km (128)
	PathLossB           float64 // dB per decade of distance (37.1)
	ShadowingSigmaDB    float64 // log-normal shadowing σ, dB (0: none)
	ShadowingCoherenceS float64 // shadowing is redrawn every this many seconds (> 0 when σ > 0)
	CellRadiusM         float64 // learners are placed and move inside this disc, m (500)
	MinDistanceM        float64 // random placement keeps at least this far from the centre, m (10)
	DistanceStepM       float64 // a moving learner's rate is re-evaluated whenever it may have moved this far, m (5)
}

// Learner describes one learner's hardware, placement, mobility and link outages.
type Learner struct {
	FreqHz     float64 // CPU frequency, Hz
	Kappa      float64 // switched capacitance κ, J/(cycle·Hz²)
	TxPowerW   float64 // transmit power, W
	BatteryJ   float64 // battery capacity, J; +Inf = mains powered
	Position   *Point  // start position; nil = uniform in the cell annulus, seeded
	Mobility   Mobility
	Outages    []Interval // scheduled link outages
	RandomDown *OnOff     // random link outages; nil = none
}

// Point is a position in metres with the orchestrator at the origin.
type Point struct{ X, Y float64 }

// Interval is a scheduled outage: the link is down in [Start, Start+Duration), seconds.
type Interval struct{ Start, Duration float64 }

// OnOff is a random outage process with exponential up and down times of the given means, s.
type OnOff struct{ MeanUp, MeanDown float64 }

// MobilityKind names a mobility model.
type MobilityKind string

// The mobility models.
const (
	Static         MobilityKind = "static"
	RandomWaypoint MobilityKind = "waypoint"
	RandomWalk     MobilityKind = "walk"
	TraceMobility  MobilityKind = "trace"
)

// Mobility selects a learner's mobility model and its parameters. Speeds in m/s, times in s.
type Mobility struct {
	Kind     MobilityKind // "" means Static
	MinSpeed float64      // waypoint, walk: speeds are drawn uniformly from [MinSpeed, MaxSpeed]
	MaxSpeed float64
	Pause    float64    // waypoint: pause at each waypoint
	Turn     float64    // walk: a new speed and direction are drawn every Turn seconds
	Trace    []Waypoint // trace: positions at given times, linearly interpolated
}

// Waypoint is one row of a mobility trace: at time T (s) the learner is at (X, Y) m.
type Waypoint struct{ T, X, Y float64 }

// DataSource names where the samples come from.
type DataSource string

// The data sources.
const (
	MNIST     DataSource = "mnist"
	Synthetic DataSource = "synthetic"
)

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
	Source      DataSource
	Dir         string // MNIST directory; "" = the files shipped with the GoMNIST module
	TrainSubset int    // use only the first n training samples after a seeded shuffle; 0 = all
	TestSubset  int    // evaluate on the first n test samples; 0 = all

	// Synthetic data (Source == Synthetic): sizes and shape.
	SyntheticTrain, SyntheticTest, SyntheticDim, SyntheticClasses int

	Partition Partition // FL only
	Alpha     float64   // Dirichlet concentration (> 0)
	Shards    int       // shards per learner (≥ 1)
}

// Model is the network and its SGD settings.
type Model struct {
	Layers []int   // layer widths from input to classes; the first must equal the data's features
	Batch  int     // mini-batch size
	LR     float64 // SGD learning rate
}

// DefaultLearner returns a static learner with the given CPU frequency and the paper's
// defaults: κ = 1e-29, 23 dBm, mains powered, random placement.
func DefaultLearner(freqHz float64) Learner {
	return Learner{FreqHz: freqHz, Kappa: 1e-29, TxPowerW: 0.19952623149688797,
		BatteryJ: math.Inf(1), Mobility: Mobility{Kind: Static}}
}

// DefaultConfig returns the paper's setting (DESIGN.md): 20 static learners, 5 each at 6.0,
// 2.4, 1.4 and 0.7 GHz, T = 10 s, E = 10 J, σ = 2.5 J, c = 1, PL mode on full MNIST, the
// 784-300-124-60-10 network, 12 cycles, policy ha-async-sai.
func DefaultConfig() Config {
	var ls []Learner
	for _, f := range []float64{6.0e9, 2.4e9, 1.4e9, 0.7e9} {
		for range 5 {
			ls = append(ls, DefaultLearner(f))
		}
	}
	return Config{
		Seed: 1, Cycles: 12,
		Deadline: 10, EnergyMean: 10, EnergySpread: 2.5, Staleness: 1,
		Mode: PL, MinSamples: 100,
		ModelBitsPerParam: 32, SampleBitsPerFeature: 8,
		Radio: Radio{BandwidthHz: 5e6, NoiseDensityDBmHz: -174, PathLossA: 128, PathLossB: 37.1,
			ShadowingCoherenceS: 1, CellRadiusM: 500, MinDistanceM: 10, DistanceStepM: 5},
		Learners: ls,
		Data: Data{Source: MNIST, SyntheticTrain: 6000, SyntheticTest: 1000, SyntheticDim: 64,
			SyntheticClasses: 10, Partition: IID, Alpha: 0.5, Shards: 2},
		Model:  Model{Layers: []int{784, 300, 124, 60, 10}, Batch: 32, LR: 0.05},
		Policy: "ha-async-sai",
	}
}

// finite reports whether v is neither NaN nor infinite.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Validate reports every problem of c at once, naming the field and the value.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf("mel: "+format, a...)) }
	pos := func(name string, v float64) {
		if !finite(v) || v <= 0 {
			bad("%s = %v: must be finite and > 0", name, v)
		}
	}
	nonneg := func(name string, v float64) {
		if !finite(v) || v < 0 {
			bad("%s = %v: must be finite and ≥ 0", name, v)
		}
	}
	if c.Cycles <= 0 {
		bad("Cycles = %d: must be > 0", c.Cycles)
	}
	pos("Deadline", c.Deadline)
	pos("EnergyMean", c.EnergyMean)
	nonneg("EnergySpread", c.EnergySpread)
	if finite(c.EnergySpread) && finite(c.EnergyMean) && c.EnergySpread >= c.EnergyMean && c.EnergyMean > 0 {
		bad("EnergySpread = %v: must be < EnergyMean = %v so that every cap is positive", c.EnergySpread, c.EnergyMean)
	}
	if c.Staleness < 0 {
		bad("Staleness = %d: must be ≥ 0", c.Staleness)
	}
	if c.Mode != PL && c.Mode != FL {
		bad("Mode = %q: must be %q or %q", c.Mode, PL, FL)
	}
	if c.Samples < 0 {
		bad("Samples = %d: must be ≥ 0 (0 = all)", c.Samples)
	}
	if c.MinSamples < 1 {
		bad("MinSamples = %d: must be ≥ 1", c.MinSamples)
	}
	pos("ModelBitsPerParam", c.ModelBitsPerParam)
	pos("SampleBitsPerFeature", c.SampleBitsPerFeature)
	nonneg("CyclesPerSample", c.CyclesPerSample)
	if c.Workers < 0 {
		bad("Workers = %d: must be ≥ 0 (0 = all cores)", c.Workers)
	}
	r := c.Radio
	pos("Radio.BandwidthHz", r.BandwidthHz)
	if !finite(r.NoiseDensityDBmHz) {
		bad("Radio.NoiseDensityDBmHz = %v: must be finite", r.NoiseDensityDBmHz)
	}
	if !finite(r.PathLossA) {
		bad("Radio.PathLossA = %v: must be finite", r.PathLossA)
	}
	pos("Radio.PathLossB", r.PathLossB)
	nonneg("Radio.ShadowingSigmaDB", r.ShadowingSigmaDB)
	if r.ShadowingSigmaDB > 0 {
		pos("Radio.ShadowingCoherenceS", r.ShadowingCoherenceS)
	}
	pos("Radio.CellRadiusM", r.CellRadiusM)
	nonneg("Radio.MinDistanceM", r.MinDistanceM)
	if finite(r.MinDistanceM) && finite(r.CellRadiusM) && r.MinDistanceM >= r.CellRadiusM && r.CellRadiusM > 0 {
		bad("Radio.MinDistanceM = %v: must be < CellRadiusM = %v", r.MinDistanceM, r.CellRadiusM)
	}
	pos("Radio.DistanceStepM", r.DistanceStepM)
	if len(c.Learners) == 0 {
		bad("Learners: need at least one learner")
	}
	for i, l := range c.Learners {
		errs = append(errs, l.validate(i, r.CellRadiusM)...)
	}
	errs = append(errs, c.Data.validate(c.Mode)...)
	if len(c.Model.Layers) < 2 {
		bad("Model.Layers = %v: need at least input and output widths", c.Model.Layers)
	}
	for i, w := range c.Model.Layers {
		if w <= 0 {
			bad("Model.Layers[%d] = %d: must be > 0", i, w)
		}
	}
	if n := len(c.Model.Layers); n >= 2 {
		in, out := c.Data.Shape()
		if in > 0 && c.Model.Layers[0] != in {
			bad("Model.Layers[0] = %d: must equal the %d features of the %s data", c.Model.Layers[0], in, c.Data.Source)
		}
		if out > 0 && c.Model.Layers[n-1] != out {
			bad("Model.Layers[%d] = %d: must equal the %d classes of the %s data", n-1, c.Model.Layers[n-1], out, c.Data.Source)
		}
	}
	if c.Model.Batch <= 0 {
		bad("Model.Batch = %d: must be > 0", c.Model.Batch)
	}
	pos("Model.LR", c.Model.LR)
	if c.Policy == "" {
		bad("Policy: must name a policy, one of %v", policy.Names())
	} else if _, err := policy.New(c.Policy, c.PolicyParams); err != nil {
		errs = append(errs, fmt.Errorf("mel: Policy: %w", err))
	}
	return errors.Join(errs...)
}

func (l Learner) validate(i int, radius float64) []error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("mel: Learners[%d].%s", i, fmt.Sprintf(format, a...)))
	}
	if !finite(l.FreqHz) || l.FreqHz <= 0 {
		bad("FreqHz = %v: must be finite and > 0", l.FreqHz)
	}
	if !finite(l.Kappa) || l.Kappa <= 0 {
		bad("Kappa = %v: must be finite and > 0", l.Kappa)
	}
	if !finite(l.TxPowerW) || l.TxPowerW <= 0 {
		bad("TxPowerW = %v: must be finite and > 0", l.TxPowerW)
	}
	if math.IsNaN(l.BatteryJ) || l.BatteryJ <= 0 {
		bad("BatteryJ = %v: must be > 0 (+Inf = mains powered)", l.BatteryJ)
	}
	if p := l.Position; p != nil {
		if !finite(p.X) || !finite(p.Y) {
			bad("Position = (%v, %v): must be finite", p.X, p.Y)
		} else if d := math.Hypot(p.X, p.Y); d > radius {
			bad("Position = (%v, %v): %.1f m from the orchestrator, outside the cell radius %v m", p.X, p.Y, d, radius)
		}
	}
	m := l.Mobility
	switch m.Kind {
	case "", Static:
	case RandomWaypoint, RandomWalk:
		if !finite(m.MinSpeed) || m.MinSpeed < 0 || (m.Kind == RandomWaypoint && m.MinSpeed == 0) {
			bad("Mobility.MinSpeed = %v: must be finite and > 0 (≥ 0 for a walk)", m.MinSpeed)
		}
		if !finite(m.MaxSpeed) || m.MaxSpeed <= 0 || m.MaxSpeed < m.MinSpeed {
			bad("Mobility.MaxSpeed = %v: must be finite, > 0 and ≥ MinSpeed = %v", m.MaxSpeed, m.MinSpeed)
		}
		if m.Kind == RandomWaypoint && (!finite(m.Pause) || m.Pause < 0) {
			bad("Mobility.Pause = %v: must be finite and ≥ 0", m.Pause)
		}
		if m.Kind == RandomWalk && (!finite(m.Turn) || m.Turn <= 0) {
			bad("Mobility.Turn = %v: must be finite and > 0", m.Turn)
		}
	case TraceMobility:
		if len(m.Trace) == 0 {
			bad("Mobility.Trace: a trace needs at least one waypoint")
		}
		for j, w := range m.Trace {
			if !finite(w.T) || !finite(w.X) || !finite(w.Y) {
				bad("Mobility.Trace[%d] = %v: must be finite", j, w)
			} else if j > 0 && w.T <= m.Trace[j-1].T {
				bad("Mobility.Trace[%d].T = %v: times must increase (previous %v)", j, w.T, m.Trace[j-1].T)
			}
		}
	default:
		bad("Mobility.Kind = %q: must be one of static, waypoint, walk, trace", m.Kind)
	}
	for j, o := range l.Outages {
		if !finite(o.Start) || o.Start < 0 {
			bad("Outages[%d].Start = %v: must be finite and ≥ 0", j, o.Start)
		}
		if !finite(o.Duration) || o.Duration <= 0 {
			bad("Outages[%d].Duration = %v: must be finite and > 0", j, o.Duration)
		}
	}
	if o := l.RandomDown; o != nil {
		if !finite(o.MeanUp) || o.MeanUp <= 0 {
			bad("RandomDown.MeanUp = %v: must be finite and > 0", o.MeanUp)
		}
		if !finite(o.MeanDown) || o.MeanDown <= 0 {
			bad("RandomDown.MeanDown = %v: must be finite and > 0", o.MeanDown)
		}
	}
	return errs
}

// Shape returns the number of features and classes of the selected data, or zeros for an
// unknown source.
func (d Data) Shape() (features, classes int) {
	switch d.Source {
	case MNIST:
		return 784, 10
	case Synthetic:
		return d.SyntheticDim, d.SyntheticClasses
	}
	return 0, 0
}

func (d Data) validate(mode Mode) []error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf("mel: Data."+format, a...)) }
	switch d.Source {
	case MNIST:
	case Synthetic:
		if d.SyntheticTrain <= 0 || d.SyntheticTest <= 0 || d.SyntheticDim <= 0 || d.SyntheticClasses < 2 {
			bad("Synthetic sizes (train %d, test %d, dim %d, classes %d): must be > 0 (classes ≥ 2)",
				d.SyntheticTrain, d.SyntheticTest, d.SyntheticDim, d.SyntheticClasses)
		}
	default:
		bad("Source = %q: must be %q or %q", d.Source, MNIST, Synthetic)
	}
	if d.TrainSubset < 0 {
		bad("TrainSubset = %d: must be ≥ 0 (0 = all)", d.TrainSubset)
	}
	if d.TestSubset < 0 {
		bad("TestSubset = %d: must be ≥ 0 (0 = all)", d.TestSubset)
	}
	if mode == FL {
		switch d.Partition {
		case IID:
		case Dirichlet:
			if !finite(d.Alpha) || d.Alpha <= 0 {
				bad("Alpha = %v: must be finite and > 0", d.Alpha)
			}
		case Shards:
			if d.Shards < 1 {
				bad("Shards = %d: must be ≥ 1", d.Shards)
			}
		default:
			bad("Partition = %q: must be one of iid, dirichlet, shards", d.Partition)
		}
	}
	return errs
}
