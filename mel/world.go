package mel

import (
	"fmt"
	"math/rand/v2"

	"github.com/mel-des/mel-des/channel"
	"github.com/mel-des/mel-des/device"
	"github.com/mel-des/mel-des/policy"
)

// The device package's mobility models are the channel's distance sources.
var _ channel.DistanceSource = device.Mobility(nil)

// world is the physical side of a run: the learners' hardware, batteries, positions and
// links, and their energy caps. It knows nothing of learning or of the cycle's logic.
type world struct {
	cfg      *Config
	learners []*learner
	caps     []float64 // E_k of the current cycle (or of the run, with CapsPerRun)
	cm       float64   // C_m, CPU cycles per sample per local iteration
	params   int       // S_m, model parameters
	modelBits,
	sampleBits float64 // P_m·S_m and F·P_d
}

// learner is one learner's hardware and radio link, alive across cycles.
type learner struct {
	id   int
	cpu  device.CPU
	txW  float64
	bat  *device.Battery
	mob  device.Mobility
	link *channel.Link
	dead bool
}

// newWorld builds the learners of cfg for a network of the given layer widths.
func newWorld(cfg *Config, layers []int, st streams) (*world, error) {
	w := &world{cfg: cfg, params: numParams(layers)}
	w.cm = cfg.CyclesPerSample
	if w.cm == 0 {
		w.cm = 6 * float64(w.params)
	}
	w.modelBits = cfg.ModelBitsPerParam * float64(w.params)
	w.sampleBits = cfg.SampleBitsPerFeature * float64(layers[0])
	for i, lc := range cfg.Learners {
		l, err := w.newLearner(i, lc, st)
		if err != nil {
			return nil, err
		}
		w.learners = append(w.learners, l)
	}
	w.caps = make([]float64, len(w.learners))
	if cfg.CapsPerRun {
		w.drawCaps(st.rng(streamCaps, 0))
	}
	return w, nil
}

// numParams returns the number of weights and biases of a fully connected network.
func numParams(layers []int) int {
	n := 0
	for i := 1; i < len(layers); i++ {
		n += (layers[i-1] + 1) * layers[i]
	}
	return n
}

func (w *world) newLearner(i int, lc Learner, st streams) (*learner, error) {
	r := w.cfg.Radio
	l := &learner{id: i, cpu: device.CPU{FreqHz: lc.FreqHz, Kappa: lc.Kappa}, txW: lc.TxPowerW}
	var err error
	if l.bat, err = device.NewBattery(lc.BatteryJ); err != nil {
		return nil, fmt.Errorf("mel: learner %d: %w", i, err)
	}
	var start device.Point
	if lc.Position != nil {
		start = *lc.Position
	} else {
		start = device.UniformDisc(st.rng(streamPlacement, i), r.CellRadiusM, r.MinDistanceM)
	}
	if l.mob, err = device.NewMobility(lc.Mobility, r.Cell(), start, st.seedOf(streamMobility, i)); err != nil {
		return nil, fmt.Errorf("mel: learner %d: %w", i, err)
	}
	var outs channel.Union
	if len(lc.Outages) > 0 {
		sch, err := channel.NewScheduled(lc.Outages)
		if err != nil {
			return nil, fmt.Errorf("mel: learner %d: %w", i, err)
		}
		outs = append(outs, sch)
	}
	if o := lc.RandomDown; o != nil {
		onoff, err := o.New(st.seedOf(streamOutage, i))
		if err != nil {
			return nil, fmt.Errorf("mel: learner %d: %w", i, err)
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
		Horizon: w.cfg.Deadline,
	}
	if len(outs) == 1 {
		l.link.Outage = outs[0]
	} else if len(outs) > 1 {
		l.link.Outage = outs
	}
	if r.ShadowingSigmaDB > 0 {
		l.link.Shadowing, err = channel.NewShadowing(channel.DB(r.ShadowingSigmaDB), r.ShadowingCoherenceS, st.seedOf(streamShadowing, i))
		if err != nil {
			return nil, fmt.Errorf("mel: radio: %w", err)
		}
	}
	if err := l.link.Validate(); err != nil {
		return nil, fmt.Errorf("mel: learner %d: %w", i, err)
	}
	return l, nil
}

// touched returns the samples one local iteration works through for a learner with n
// samples: n, or the fixed number of a few mini-batch steps.
func (w *world) touched(n int) int { return w.cfg.Model.sgd().Touched(n) }

// drawCaps draws every learner's energy cap E_k = E + σ·(2U−1), dead or alive, so that the
// stream's use does not depend on which learners are still alive.
func (w *world) drawCaps(r *rand.Rand) {
	for k := range w.caps {
		w.caps[k] = w.cfg.EnergyMean + w.cfg.EnergySpread*(2*r.Float64()-1)
	}
}

// coefficients returns learner l's coefficients at time t for the policy, and the channel
// figures they came from. A learner whose link is down at t has rate 0 and no coefficients.
func (w *world) coefficients(l *learner, t float64) (c policy.Learner, distance, rate float64) {
	distance = l.mob.DistanceAt(t)
	rate = l.link.Rate(t)
	if rate == 0 {
		return policy.Learner{}, distance, 0
	}
	c = policy.Coefficients(policy.Physical{
		CyclesPerSample: w.cm,
		FreqHz:          l.cpu.FreqHz,
		Kappa:           l.cpu.Kappa,
		RateBps:         rate,
		TxPowerW:        l.txW,
		ModelBits:       w.modelBits,
		SampleBits:      w.sampleBits,
		PL:              w.cfg.Mode == PL,
		IterSamples:     w.cfg.Model.iterSamples(),
	})
	c.E = w.caps[l.id]
	return c, distance, rate
}

// problem reads the live learners' channels at time t and builds a cycle's Problem for d
// samples. local, if not nil, is each learner's own data (FL): a learner cannot take more,
// one with fewer than d_l samples is left out, and d is capped at what the learners in the
// problem own. It fills recs (one per learner) and returns the learner id of each problem row
// and the number of learners alive.
func (w *world) problem(t float64, d int, local []int, recs []LearnerRecord, cyc int) (prob policy.Problem, members []int, alive int) {
	prob = policy.Problem{T: w.cfg.Deadline, D: d, DL: w.cfg.MinSamples, C: w.cfg.Staleness}
	owned := 0
	for k, l := range w.learners {
		recs[k] = LearnerRecord{Cycle: cyc, Learner: k, Outcome: Excluded, CapJ: w.caps[k],
			TrainLoss: nan, BatteryJ: l.bat.Level()}
		if l.dead {
			recs[k].Outcome = Dead
			continue
		}
		alive++
		coef, dist, rate := w.coefficients(l, t)
		recs[k].DistanceM, recs[k].RateBps = dist, rate
		if rate == 0 { // link down at the cycle start: the orchestrator cannot reach it
			continue
		}
		if local != nil {
			if local[k] < max(w.cfg.MinSamples, 1) { // too little data of its own to take part
				continue
			}
			coef.MaxD = local[k]
			owned += local[k]
		}
		prob.Learners = append(prob.Learners, coef)
		members = append(members, k)
	}
	if local != nil {
		prob.D = min(prob.D, owned)
	}
	return prob, members, alive
}
