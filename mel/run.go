package mel

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/policy"
)

// ReasonCompleted is Summary.Reason of a run that ran all its cycles.
const ReasonCompleted = "completed all cycles"

// ReasonInterrupted is Summary.Reason of a run stopped through its context.
const ReasonInterrupted = "interrupted"

// Summary is what a run returns: every completed cycle's metrics and why the run stopped.
type Summary struct {
	Cycles         []CycleRecord
	Reason         string  // ReasonCompleted, ReasonInterrupted, or why nobody could take part
	SimTime        float64 // simulated seconds at the end of the run
	Events         uint64  // kernel events executed
	SamplesTrained int64   // Σ over cycles of local iterations × samples actually processed
}

// Completed reports whether the run ran every configured cycle.
func (s Summary) Completed() bool { return s.Reason == ReasonCompleted }

// FinalAccuracy returns the test accuracy after the last completed cycle, or NaN if none.
func (s Summary) FinalAccuracy() float64 {
	if len(s.Cycles) == 0 {
		return math.NaN()
	}
	return s.Cycles[len(s.Cycles)-1].Accuracy
}

// Run simulates the configured cycles, sending records to rec (nil: none), and returns the
// summary. It ends early, cleanly and with the reason in Summary.Reason, when every battery is
// empty or the policy finds no feasible plan. Cancelling ctx stops the run at the next event
// (Summary.Reason = ReasonInterrupted, error ctx.Err()); the records up to the last completed
// cycle have been delivered. Run does not close rec: the caller does, also after an error, so
// that the files are complete. A System runs once; Close it afterwards.
func (s *System) Run(ctx context.Context, rec Recorder) (Summary, error) {
	if s.rec != nil {
		return Summary{}, errors.New("mel: a System runs only once")
	}
	if rec == nil {
		rec = Recorders(nil)
	}
	s.rec = rec
	if err := s.setup(); err != nil {
		return Summary{}, err
	}
	// The context is polled before every event rather than watched with context.AfterFunc,
	// whose function runs on a goroutine of its own: a cancel that has returned (Ctrl-C's
	// handler, a recorder) is then seen at the very next event, never some events later.
	// A non-blocking receive from a closed or nil channel costs a few nanoseconds.
	done := ctx.Done()
	s.k.Schedule(0, s.startCycle)
	for !s.done && s.err == nil {
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
	if s.err != nil {
		s.abandonCycle()
		return s.sum, fmt.Errorf("mel: recording: %w", s.err)
	}
	if s.sum.Reason == ReasonInterrupted {
		return s.sum, ctx.Err()
	}
	return s.sum, nil
}

// interrupt stops the run between two events.
func (s *System) interrupt() {
	s.abandonCycle()
	s.finish(ReasonInterrupted)
}

// abandonCycle stops the training of the cycle in progress and waits for it, so that no
// goroutine works for this system after Run returns.
func (s *System) abandonCycle() {
	if s.cyc == nil || s.cyc.ended {
		return
	}
	for _, p := range s.cyc.parts {
		if p != nil && p.run != nil {
			p.run.Stop()
			p.run.Wait()
		}
	}
}

// Close releases the system's worker pool, unless it was given one with WithPool.
func (s *System) Close() {
	if s.ownPool && s.pool != nil {
		s.pool.Close()
		s.pool = nil
	}
}

// setup loads the data, partitions it in FL mode, initialises the model and the pool.
func (s *System) setup() error {
	d := s.cfg.Data
	if s.train == nil || s.test == nil {
		switch d.Source {
		case MNIST:
			train, test, err := mlcore.LoadMNIST(d.Dir)
			if err != nil {
				return err
			}
			s.train, s.test = train, test
		case Synthetic:
			all := mlcore.Synthetic(d.SyntheticTrain+d.SyntheticTest, d.SyntheticDim, d.SyntheticClasses, s.seed(streamSynthetic, 0))
			n := d.SyntheticTrain
			s.train = all.Head(n)
			s.test = &mlcore.Dataset{X: all.X[n*all.Dim:], Y: all.Y[n:], N: all.N - n, Dim: all.Dim, Classes: all.Classes}
		}
	}
	if d.TrainSubset > 0 && d.TrainSubset < s.train.N {
		perm := s.rng(streamData, 0).Perm(s.train.N)
		s.train = s.train.Subset(perm[:d.TrainSubset])
	}
	if d.TestSubset > 0 && d.TestSubset < s.test.N {
		s.test = s.test.Head(d.TestSubset)
	}
	layers := s.cfg.Model.Layers
	if s.train.Dim != layers[0] || s.test.Dim != layers[0] {
		return fmt.Errorf("mel: the data have %d features but Model.Layers[0] = %d", s.train.Dim, layers[0])
	}
	if s.train.Classes > layers[len(layers)-1] {
		return fmt.Errorf("mel: the data have %d classes but the model's output has %d", s.train.Classes, layers[len(layers)-1])
	}
	if s.cfg.Samples == 0 {
		s.d = s.train.N
	} else if s.cfg.Samples > s.train.N {
		return fmt.Errorf("mel: Samples = %d: more than the %d training samples", s.cfg.Samples, s.train.N)
	}
	if s.cfg.Mode == FL {
		r, K := s.rng(streamFLPartition, 0), len(s.learners)
		switch d.Partition {
		case IID:
			s.local = mlcore.PartitionIID(r, s.train.N, K)
		case Dirichlet:
			s.local = mlcore.PartitionDirichlet(r, s.train.Y, s.train.Classes, K, d.Alpha)
		case Shards:
			if K*d.Shards > s.train.N {
				return fmt.Errorf("mel: Data.Shards = %d: %d learners × %d shards exceed the %d training samples", d.Shards, K, d.Shards, s.train.N)
			}
			s.local = mlcore.PartitionShards(r, s.train.Y, K, d.Shards)
		}
	}
	s.global = mlcore.NewMLP(layers, s.seed(streamModel, 0))
	for _, l := range s.learners {
		l.model = s.global.Clone()
	}
	if s.pool == nil {
		s.pool = mlcore.NewPool(s.cfg.Workers)
		s.ownPool = true
	}
	return nil
}

// LearnerState is one learner as the orchestrator sees it at the start of the first cycle.
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
// learner. It needs no data and no training, so `mel-des plan` can show allocations at once.
func (s *System) FirstProblem() (policy.Problem, []LearnerState) {
	if !s.cfg.CapsPerRun {
		s.drawCaps(s.rng(streamCaps, 1))
	}
	recs := make([]LearnerRecord, len(s.learners))
	prob, members, _ := s.problem(0, recs, 1)
	states := make([]LearnerState, len(s.learners))
	for k, l := range s.learners {
		states[k] = LearnerState{Learner: k, FreqHz: l.cpu.FreqHz, DistanceM: recs[k].DistanceM,
			RateBps: recs[k].RateBps, CapJ: s.caps[k], Row: -1}
	}
	for i, k := range members {
		states[k].Row = i
	}
	return prob, states
}
