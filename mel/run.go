package mel

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/mel-des/mel-des/aggregate"
	"github.com/mel-des/mel-des/dataset"
	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/param"
	"github.com/mel-des/mel-des/policy"
	"github.com/mel-des/mel-des/sim"
)

// ReasonCompleted is Summary.Reason of a run that ran all its cycles.
const ReasonCompleted = "completed all cycles"

// ReasonInterrupted is Summary.Reason of a run stopped through its context.
const ReasonInterrupted = "interrupted"

// Summary is what a run returns: every completed cycle's metrics, every evaluation of the
// evaluation clock, and why the run stopped.
type Summary struct {
	Cycles         []CycleRecord
	Evals          []EvalRecord // the evaluation clock's ticks and the asynchronous run's end
	Aggregations   int          // asynchronous schedule: global model versions published
	Reason         string       // ReasonCompleted, ReasonHorizon, ReasonAggregations, ReasonInterrupted, or why nobody could take part
	SimTime        float64      // simulated seconds at the end of the run
	Events         uint64       // kernel events executed
	SamplesTrained int64        // Σ over cycles of local iterations × samples actually processed
}

// Completed reports whether the run ran every configured cycle or, in the asynchronous
// schedule, reached its horizon or its number of aggregations.
func (s Summary) Completed() bool {
	return s.Reason == ReasonCompleted || s.Reason == ReasonHorizon || s.Reason == ReasonAggregations
}

// FinalAccuracy returns the test accuracy after the last completed cycle, or of the last
// evaluation of a run without cycles, or NaN if none.
func (s Summary) FinalAccuracy() float64 {
	if len(s.Cycles) == 0 {
		if n := len(s.Evals); n > 0 {
			return s.Evals[n-1].Accuracy
		}
		return math.NaN()
	}
	return s.Cycles[len(s.Cycles)-1].Accuracy
}

// System is one MEL run: the world (learners, links, batteries), the learning state (data,
// models, the worker pool) and the policy, wired into a discrete-event kernel that plays the
// global cycles. Build it with New, run it once with Run, and Close it.
type System struct {
	cfg   Config // with the defaults filled in
	st    streams
	k     *sim.Kernel
	pol   policy.Policy
	world *world
	learn *learning
	rec   *recording // set by Run
	cyc   *cycle     // the cycle in progress
	ncyc  int        // cycles started
	sum   Summary
	done  bool
	// downSince is, per learner, when its link went down, NaN while it is up.
	downSince []float64
	failure   error // the policy's failure that ended the run (a *PolicyError)

	aggKind aggregate.Kind // the aggregation scheme (its aggregator is learning's)
	as      *asyncRun      // the asynchronous schedule; nil in the synchronous one
	more    moreRecording  // rounds, evaluations and aggregations; set by Run

	trace traceLimit      // WithTraceLearners
	stop  <-chan struct{} // Run's ctx.Done(), which streamed training polls
}

// Option changes how New builds a System.
type Option func(*System)

// WithPool makes the system train on p instead of a pool of its own. Several systems may share
// one pool; results do not depend on it.
func WithPool(p *mlcore.Pool) Option { return func(s *System) { s.learn.pool = p } }

// WithData makes the system use already loaded data instead of loading them from the data
// source: train and test must be what Config.Data.Source loads (the subsets are still
// applied). It lets a sweep load a data set once for many runs.
func WithData(train, test *mlcore.Dataset) Option {
	return func(s *System) { s.learn.train, s.learn.test = train, test }
}

// WithoutTraining skips the real training, averaging and evaluation (the model copies are
// still made): the run's timing, energy and outcomes are unchanged, its accuracies and losses
// are NaN. Benchmarks use it to measure what the simulation adds to the arithmetic.
func WithoutTraining() Option { return func(s *System) { s.learn.skip = true } }

// New checks cfg (zero fields read as their defaults), opens its data source, and builds the
// system: learners, links, mobility, outages and the policy. The data are loaded when Run
// starts, so that New is cheap (see FirstProblem). A bad configuration gives a *ConfigError
// whose problems name the scenario keys.
func New(cfg Config, opts ...Option) (*System, error) {
	cfg = cfg.withDefaults()
	ps := cfg.staticProblems()
	if len(ps) > 0 {
		return nil, ps.err()
	}
	src, err := cfg.Data.Source.Open()
	if err != nil {
		return nil, openProblems(err).err()
	}
	info := src.Info()
	if ps := cfg.dataProblems(info, len(cfg.Learners)); len(ps) > 0 {
		return nil, ps.err()
	}
	s := &System{cfg: cfg, st: streams{cfg.Seed}, k: sim.New()}
	s.learn = &learning{cfg: &s.cfg, src: src, layers: cfg.Model.Layers(info.Features, info.Classes)}
	for _, o := range opts {
		o(s)
	}
	if s.pol, err = policy.New(cfg.Policy, cfg.PolicyParams); err != nil {
		return nil, fmt.Errorf("mel: %w", err)
	}
	if s.learn.agg, s.aggKind, err = cfg.Aggregation.New(cfg.async()); err != nil {
		return nil, fmt.Errorf("mel: %w", err)
	}
	s.learn.d = cfg.Samples
	if s.learn.d == 0 {
		s.learn.d = info.Train
		if s.learn.train != nil {
			s.learn.d = s.learn.train.N
		}
		if n := cfg.Data.TrainSubset; n > 0 {
			s.learn.d = min(s.learn.d, n)
		}
	}
	if s.world, err = newWorld(&s.cfg, s.learn.layers, s.st); err != nil {
		return nil, err
	}
	return s, nil
}

// Check reports every problem of cfg that New would: the static checks of Validate and,
// after opening the data source (which reads at most file headers, or a whole CSV file),
// those that depend on the data's sizes. The error is a *ConfigError.
func Check(cfg Config) error {
	cfg = cfg.withDefaults()
	if ps := cfg.staticProblems(); len(ps) > 0 {
		return ps.err()
	}
	src, err := cfg.Data.Source.Open()
	if err != nil {
		return openProblems(err).err()
	}
	return cfg.dataProblems(src.Info(), len(cfg.Learners)).err()
}

// openProblems turns the error of opening the data source into problems: those about a
// parameter name its key under [dataset], others the source.
func openProblems(err error) problems {
	var ps problems
	for _, p := range param.Problems(err) {
		key := "dataset.source"
		if p.Key != "" {
			key = "dataset." + p.Key
		}
		ps = append(ps, Problem{Learner: -1, Key: key, Msg: p.Msg})
	}
	return ps
}

// Config returns the system's configuration, with the defaults filled in.
func (s *System) Config() Config { return s.cfg }

// CyclesPerSample returns C_m, the CPU cycles per sample per local iteration in use.
func (s *System) CyclesPerSample() float64 { return s.world.cm }

// ModelParams returns S_m, the number of model parameters.
func (s *System) ModelParams() int { return s.world.params }

// Layers returns the widths of the network's layers, input first.
func (s *System) Layers() []int { return append([]int(nil), s.learn.layers...) }

// DataInfo returns the sizes of the data source.
func (s *System) DataInfo() dataset.Info { return s.learn.src.Info() }

func (s *System) now() float64 { return float64(s.k.Now()) }

// Run simulates the configured cycles, sending records to rec (nil: none), and returns the
// summary. It ends early, cleanly and with the reason in Summary.Reason, when every battery is
// empty or the policy finds no feasible plan. Cancelling ctx stops the run at the next event,
// or, while a cycle's learners are trained at its end, before the next learner
// (Summary.Reason = ReasonInterrupted, error ctx.Err()); the records up to the last completed
// cycle have been delivered, the trace events the unfinished cycle held back for its training
// losses are dropped, and no worker is busy for the system when Run returns. Run does not
// close rec: the caller does, also after an error, so that the files are complete. A System
// runs once; Close it afterwards.
func (s *System) Run(ctx context.Context, rec Recorder) (Summary, error) {
	if s.rec != nil {
		return Summary{}, errors.New("mel: a System runs only once")
	}
	if rec == nil {
		rec = Recorders(nil)
	}
	s.rec = newRecording(rec, s.k, s.trace)
	if err := s.learn.loadData(s.st, len(s.world.learners)); err != nil {
		return Summary{}, err
	}
	s.more = newMoreRecording(rec, s.rec)
	if err := s.learn.setup(s.st, len(s.world.learners)); err != nil {
		return Summary{}, err
	}
	// The context is polled before every event rather than watched with context.AfterFunc,
	// whose function runs on a goroutine of its own: a cancel that has returned (Ctrl-C's
	// handler, a recorder) is then seen at the very next event, never some events later.
	// A non-blocking receive from a closed or nil channel costs a few nanoseconds.
	done := ctx.Done()
	s.stop = done
	s.watchLinks()
	s.k.Schedule(0, s.start)
	for !s.done && s.rec.err == nil {
		select {
		case <-done:
			s.interrupt()
		default:
		}
		if s.done {
			break
		}
		if !s.k.Step() {
			break
		}
	}
	s.sum.SimTime = s.now()
	s.sum.Events = s.k.Processed()
	if s.rec.err != nil {
		s.abandon()
		return s.sum, fmt.Errorf("mel: recording: %w", s.rec.err)
	}
	if s.failure != nil {
		return s.sum, s.failure
	}
	if s.sum.Reason == ReasonInterrupted {
		return s.sum, ctx.Err()
	}
	return s.sum, nil
}

// interrupt stops the run between two events.
func (s *System) interrupt() {
	s.abandon()
	s.finish(ReasonInterrupted)
}

// finish ends the run with the given reason.
func (s *System) finish(reason string) {
	s.done = true
	s.sum.Reason = reason
	s.closeLinks()
	s.rec.event(Event{Time: s.now(), Kind: EvRunEnd, Cycle: s.ncyc, Learner: Orchestrator, Note: reason})
	s.k.Stop()
}

// Close releases the system's worker pool, unless it was given one with WithPool.
func (s *System) Close() { s.learn.close() }

// LearnerState is one learner as the orchestrator sees it at the start of the first cycle.
// In FL mode its local data is known only once the data are loaded: FirstProblem loads them.
type LearnerState struct {
	Learner   int
	FreqHz    float64
	DistanceM float64
	RateBps   float64 // 0 if the link is down: the learner is left out of the problem
	CapJ      float64 // energy cap E_k of the first cycle
	Row       int     // the learner's row in the problem, or −1 if it is left out
}

// FirstProblem returns the allocation problem of the first cycle exactly as Run would build it
// (positions and channels at time 0, the first cycle's energy caps), with the state of every
// learner. It needs no training, and in PL mode no data, so `mel-des plan` can show
// allocations at once; in FL mode it loads the data to learn each learner's local data set,
// which bounds its samples. A failure to load them is returned.
func (s *System) FirstProblem() (policy.Problem, []LearnerState, error) {
	w := s.world
	if s.cfg.Mode == FL && s.learn.local == nil {
		if err := s.learn.loadData(s.st, len(w.learners)); err != nil {
			return policy.Problem{}, nil, err
		}
	}
	if !s.cfg.CapsPerRun {
		w.drawCaps(s.st.rng(streamCaps, 1))
	}
	recs := make([]LearnerRecord, len(w.learners))
	prob, members, _ := w.problem(0, s.learn.d, s.learn.localSizes(), recs, 1)
	states := make([]LearnerState, len(w.learners))
	for k, l := range w.learners {
		states[k] = LearnerState{Learner: k, FreqHz: l.cpu.FreqHz, DistanceM: recs[k].DistanceM,
			RateBps: recs[k].RateBps, CapJ: w.caps[k], Row: -1}
	}
	for i, k := range members {
		states[k].Row = i
	}
	return prob, states, nil
}

// Preflight checks what can be known before a run: that the first cycle can be planned at
// the learners' start positions. It reports, naming the key to change and by how much, when
// the learners taking part cannot each get min_samples of the samples handed out, when the
// deadline is shorter than any learner needs for one update on min_samples samples, when the
// energy cap is below what any learner needs for one, and otherwise whatever makes the
// policy fail on the first cycle. The error is a *ConfigError. In FL mode it loads the data.
func (s *System) Preflight() error {
	prob, _, err := s.FirstProblem()
	if err != nil {
		return err
	}
	var ps problems
	n := len(prob.Learners)
	if n == 0 {
		ps.add(-1, "learners", "no learner can take part in the first cycle: every link is down at the start, or (FL) no learner owns min_samples = %d samples", s.cfg.MinSamples)
		return ps.err()
	}
	dmin := max(s.cfg.MinSamples, 1)
	if n*dmin > prob.D {
		ps.add(-1, "simulation.min_samples", "%d learners × min_samples %d = %d samples, more than the %d handed out per cycle: lower min_samples to at most %d, or raise simulation.samples",
			n, dmin, n*dmin, prob.D, prob.D/n)
	}
	bestT, bestE, tk := math.Inf(1), math.Inf(1), 0
	for i, l := range prob.Learners {
		fd := float64(dmin)
		if t := l.C2*fd + l.C3 + l.C1*fd + l.C0; t < bestT {
			bestT, tk = t, i
		}
		if e := l.G2*fd + l.G3 + l.G1*fd + l.G0; e < bestE {
			bestE = e
		}
	}
	if bestT > prob.T {
		l := prob.Learners[tk]
		ps.add(-1, "simulation.deadline_s", "%s s is shorter than any learner needs for one update on min_samples = %d samples at its start position: the quickest needs %.3g s (%.3g s of it moving the model%s): raise deadline_s above %.3g s",
			fnum(prob.T), dmin, bestT, l.C0, map[bool]string{true: " and samples", false: ""}[l.C1 > 0], bestT)
	}
	if top := s.cfg.EnergyMean + s.cfg.EnergySpread; bestE > top {
		ps.add(-1, "simulation.energy_j", "no learner can do one update on min_samples = %d samples within its energy cap (at most %s J): the most frugal needs %.3g J; raise energy_j",
			dmin, fnum(top), bestE)
	}
	if len(ps) == 0 {
		if _, err := s.pol.Plan(prob); err != nil {
			hint := ""
			var ie *policy.InfeasibleError
			if errors.As(err, &ie) && len(ie.Learners) > 0 && !ie.Excluded {
				hint = " (set policy.allow_exclusion = true to leave such learners out, or give them more time or energy)"
			}
			ps.add(-1, "policy.name", "the first cycle cannot be planned: %v%s", err, hint)
		}
	}
	return ps.err()
}
