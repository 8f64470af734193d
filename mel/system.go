package mel

import (
	"fmt"
	"math/rand/v2"

	"github.com/mel-des/mel-des/channel"
	"github.com/mel-des/mel-des/device"
	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/policy"
	"github.com/mel-des/mel-des/sim"
)

// The device package's mobility models are the channel's distance sources.
var _ channel.DistanceSource = device.Mobility(nil)

// Stream ids: every stochastic component draws from its own PCG stream, seeded with the run's
// seed and an id made of a kind (high 32 bits) and a learner or cycle index (low 32 bits), so
// that adding a learner or a cycle never shifts another component's draws.
const (
	streamPlacement uint64 = iota + 1
	streamMobility
	streamShadowing
	streamOutage
	streamCaps
	streamData
	streamTrain
	streamModel
	streamSynthetic
	streamFLPartition
)

func streamID(kind uint64, index int) uint64 { return kind<<32 | uint64(uint32(index)) }

func (s *System) rng(kind uint64, index int) *rand.Rand {
	return rand.New(rand.NewPCG(s.cfg.Seed, streamID(kind, index)))
}

// seed returns a 64-bit seed for a component that takes a seed rather than a generator.
func (s *System) seed(kind uint64, index int) uint64 { return s.rng(kind, index).Uint64() }

// System is one MEL run: the learners, their links, the data, the model and the policy wired
// into a discrete-event kernel. Build it with New, run it once with Run, and Close it.
type System struct {
	cfg      Config
	k        *sim.Kernel
	pol      policy.Policy
	learners []*learner

	cm         float64 // C_m, CPU cycles per sample per local iteration
	params     int     // S_m, model parameters
	modelBits  float64 // P_m·S_m
	sampleBits float64 // F·P_d
	d          int     // samples distributed per cycle

	// Learning state, set up by Run (loadData).
	train, test *mlcore.Dataset
	local       [][]int // FL: each learner's own sample indices
	global      *mlcore.MLP
	pool        *mlcore.Pool
	ownPool     bool
	sgd         mlcore.SGD

	rec   Recorder
	cyc   *cycle // the cycle in progress
	ncyc  int    // cycles started
	caps  []float64
	sum   Summary
	done  bool
	err   error // first recorder error; stops the run
	noSGD bool  // tests only: skip the real training to measure the simulation overhead
}

// learner is one learner's hardware and radio link, alive across cycles.
type learner struct {
	id    int
	cpu   device.CPU
	txW   float64
	bat   *device.Battery
	mob   device.Mobility
	link  *channel.Link
	model *mlcore.MLP // the learner's copy of the model, reused every cycle
	dead  bool
}

// Option changes how New builds a System.
type Option func(*System)

// WithPool makes the system train on p instead of a pool of its own. Several systems may share
// one pool; results do not depend on it.
func WithPool(p *mlcore.Pool) Option { return func(s *System) { s.pool = p } }

// WithData makes the system use already loaded data instead of loading it: train and test
// must match Config.Data (the subsets are still applied). It lets sweeps load MNIST once.
func WithData(train, test *mlcore.Dataset) Option {
	return func(s *System) { s.train, s.test = train, test }
}

// New validates cfg and builds the system: learners, links, mobility, outages and the policy.
// Data and the model are set up when Run starts, so that New is cheap (see FirstPlan).
func New(cfg Config, opts ...Option) (*System, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.Learners = append([]Learner(nil), cfg.Learners...)
	s := &System{cfg: cfg, k: sim.New()}
	for _, o := range opts {
		o(s)
	}
	pol, err := policy.New(cfg.Policy, cfg.PolicyParams)
	if err != nil {
		return nil, fmt.Errorf("mel: %w", err)
	}
	s.pol = pol
	s.params = numParams(cfg.Model.Layers)
	s.cm = cfg.CyclesPerSample
	if s.cm == 0 {
		s.cm = 6 * float64(s.params)
	}
	s.modelBits = cfg.ModelBitsPerParam * float64(s.params)
	features, _ := cfg.Data.Shape()
	s.sampleBits = cfg.SampleBitsPerFeature * float64(features)
	s.d = cfg.Samples
	if s.d == 0 {
		s.d = s.trainSize()
	} else if n := s.trainSize(); s.d > n {
		return nil, fmt.Errorf("mel: Samples = %d: more than the %d training samples", s.d, n)
	}
	s.sgd = mlcore.SGD{Batch: cfg.Model.Batch, LR: float32(cfg.Model.LR)}
	for i, lc := range cfg.Learners {
		l, err := s.newLearner(i, lc)
		if err != nil {
			return nil, err
		}
		s.learners = append(s.learners, l)
	}
	s.caps = make([]float64, len(s.learners))
	if cfg.CapsPerRun {
		s.drawCaps(s.rng(streamCaps, 0))
	}
	return s, nil
}

// numParams returns the number of weights and biases of a fully connected network.
func numParams(layers []int) int {
	n := 0
	for i := 1; i < len(layers); i++ {
		n += (layers[i-1] + 1) * layers[i]
	}
	return n
}

// trainSize returns the number of training samples the run will use.
func (s *System) trainSize() int {
	d := s.cfg.Data
	n := 60000
	if d.Source == Synthetic {
		n = d.SyntheticTrain
	}
	if s.train != nil {
		n = s.train.N
	}
	if d.TrainSubset > 0 {
		n = min(n, d.TrainSubset)
	}
	return n
}

func (s *System) newLearner(i int, lc Learner) (*learner, error) {
	r := s.cfg.Radio
	l := &learner{id: i, cpu: device.CPU{FreqHz: lc.FreqHz, Kappa: lc.Kappa}, txW: lc.TxPowerW}
	var err error
	if l.bat, err = device.NewBattery(lc.BatteryJ); err != nil {
		return nil, fmt.Errorf("mel: Learners[%d]: %w", i, err)
	}
	var start device.Point
	if lc.Position != nil {
		start = device.Point{X: lc.Position.X, Y: lc.Position.Y}
	} else {
		start = device.UniformDisc(s.rng(streamPlacement, i), r.CellRadiusM, r.MinDistanceM)
	}
	m := lc.Mobility
	switch m.Kind {
	case "", Static:
		l.mob = device.Static(start)
	case RandomWaypoint:
		l.mob, err = device.NewRandomWaypoint(device.RandomWaypointConfig{Radius: r.CellRadiusM,
			MinDist: r.MinDistanceM, MinSpeed: m.MinSpeed, MaxSpeed: m.MaxSpeed, PauseS: m.Pause,
			Start: start, Seed: s.seed(streamMobility, i)})
	case RandomWalk:
		l.mob, err = device.NewRandomWalk(device.RandomWalkConfig{Radius: r.CellRadiusM,
			MinSpeed: m.MinSpeed, MaxSpeed: m.MaxSpeed, IntervalS: m.Turn, Start: start,
			Seed: s.seed(streamMobility, i)})
	case TraceMobility:
		pts := make([]device.TracePoint, len(m.Trace))
		for j, w := range m.Trace {
			pts[j] = device.TracePoint{T: w.T, X: w.X, Y: w.Y}
		}
		l.mob, err = device.NewTrace(pts)
	}
	if err != nil {
		return nil, fmt.Errorf("mel: Learners[%d].Mobility: %w", i, err)
	}
	var outs channel.Union
	if len(lc.Outages) > 0 {
		iv := make([]channel.Interval, len(lc.Outages))
		for j, o := range lc.Outages {
			iv[j] = channel.Interval{Start: o.Start, Duration: o.Duration}
		}
		sch, err := channel.NewScheduled(iv)
		if err != nil {
			return nil, fmt.Errorf("mel: Learners[%d].Outages: %w", i, err)
		}
		outs = append(outs, sch)
	}
	if o := lc.RandomDown; o != nil {
		onoff, err := channel.NewRandomOnOff(o.MeanUp, o.MeanDown, channel.StartStationary, s.seed(streamOutage, i))
		if err != nil {
			return nil, fmt.Errorf("mel: Learners[%d].RandomDown: %w", i, err)
		}
		outs = append(outs, onoff)
	}
	l.link = &channel.Link{
		BandwidthHz:        r.BandwidthHz,
		TxPowerW:           lc.TxPowerW,
		NoiseDensityWPerHz: channel.DBmToWatts(channel.DBm(r.NoiseDensityDBmHz)),
		PathLoss:           channel.PathLoss{A: r.PathLossA, B: r.PathLossB},
		Distance:           l.mob,
		Step:               device.SampleStep(l.mob, r.DistanceStepM),
		// A transfer still running one deadline after it started is late whatever happens
		// later, so there is no need to integrate further.
		Horizon: s.cfg.Deadline,
	}
	if len(outs) == 1 {
		l.link.Outage = outs[0]
	} else if len(outs) > 1 {
		l.link.Outage = outs
	}
	if r.ShadowingSigmaDB > 0 {
		l.link.Shadowing, err = channel.NewShadowing(channel.DB(r.ShadowingSigmaDB), r.ShadowingCoherenceS, s.seed(streamShadowing, i))
		if err != nil {
			return nil, fmt.Errorf("mel: Radio: %w", err)
		}
	}
	if err := l.link.Validate(); err != nil {
		return nil, fmt.Errorf("mel: Learners[%d]: %w", i, err)
	}
	return l, nil
}

// drawCaps draws every learner's energy cap E_k = E + σ·(2U−1), dead or alive, so that the
// stream's use does not depend on which learners are still alive.
func (s *System) drawCaps(r *rand.Rand) {
	for k := range s.caps {
		s.caps[k] = s.cfg.EnergyMean + s.cfg.EnergySpread*(2*r.Float64()-1)
	}
}

// Config returns the system's configuration.
func (s *System) Config() Config { return s.cfg }

// CyclesPerSample returns C_m, the CPU cycles per sample per local iteration in use.
func (s *System) CyclesPerSample() float64 { return s.cm }

// ModelParams returns S_m, the number of model parameters.
func (s *System) ModelParams() int { return s.params }

// physical returns the coefficients of learner l at time t for the policy, and the channel
// figures they came from. A learner whose link is down at t has rate 0.
func (s *System) physical(l *learner, t float64) (policy.Learner, float64, float64) {
	dist := l.mob.DistanceAt(t)
	rate := l.link.Rate(t)
	if rate == 0 {
		return policy.Learner{}, dist, 0
	}
	c := policy.Coefficients(policy.Physical{
		CyclesPerSample: s.cm,
		FreqHz:          l.cpu.FreqHz,
		Kappa:           l.cpu.Kappa,
		RateBps:         rate,
		TxPowerW:        l.txW,
		ModelBits:       s.modelBits,
		SampleBits:      s.sampleBits,
		PL:              s.cfg.Mode == PL,
	})
	return c, dist, rate
}
