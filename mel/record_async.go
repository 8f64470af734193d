package mel

import (
	"errors"

	"github.com/mel-des/mel-des/aggregate"
)

// Unfinished is the outcome of an asynchronous round still in progress when the run ended:
// its work is discarded.
const Unfinished Outcome = "unfinished"

// Trace event kinds of the evaluation clock and the asynchronous schedule.
const (
	EvAggregate EventKind = "aggregate" // instant, orchestrator: a new global model version (Cycle = the version)
	EvEval      EventKind = "eval"      // instant, orchestrator: the global model evaluated (Loss, Acc; Cycle = the version)
)

// RoundRecord holds what one learner planned and did in one round of the asynchronous
// schedule. LearnerRecord.Cycle is the learner's round number, from 1; every attempt to
// start a round counts, also one the learner sat out (outcome excluded: link down, or no
// feasible plan).
type RoundRecord struct {
	LearnerRecord
	Start, End float64 // simulated start (download) and end (arrival, cut, death) of the round
	Version    int     // the global model version the learner downloaded
	Staleness  int     // versions published between download and arrival; −1 if it did not arrive
}

// EvalRecord is one evaluation of the global model: at every tick of the evaluation clock
// and at the end of an asynchronous run (in the synchronous schedule, EvalsCSV also turns
// every cycle's end into a row). Energies are joules drawn from all batteries since the
// start, including the phases in progress.
type EvalRecord struct {
	Time           float64 // simulated time
	Version        int     // global model versions published so far (cycles ended, or aggregations)
	Accuracy, Loss float64 // test accuracy in [0, 1] and mean test cross-entropy
	EnergyJ        float64 // energy drawn by all learners so far
	SamplesTrained int64   // Σ local iterations × samples processed so far
	Alive          int     // learners with charge left
}

// AggregationRecord is one aggregation of the asynchronous schedule: a new global model.
type AggregationRecord struct {
	Time    float64
	Version int                      // the version it published, from 1
	Merged  []aggregate.Contribution // the updates merged, in arrival order
}

// RoundRecorder is a Recorder that receives a row per learner per asynchronous round.
type RoundRecorder interface {
	Recorder
	Round(RoundRecord) error
}

// EvalRecorder is a Recorder that receives every evaluation of the global model.
type EvalRecorder interface {
	Recorder
	Eval(EvalRecord) error
}

// AggregationRecorder is a Recorder that receives every aggregation of the asynchronous
// schedule.
type AggregationRecorder interface {
	Recorder
	Aggregation(AggregationRecord) error
}

var (
	_ RoundRecorder       = Recorders(nil)
	_ EvalRecorder        = Recorders(nil)
	_ AggregationRecorder = Recorders(nil)
)

// Round implements RoundRecorder.
func (rs Recorders) Round(r RoundRecord) error {
	var errs []error
	for _, x := range rs {
		if rr, ok := x.(RoundRecorder); ok {
			errs = append(errs, rr.Round(r))
		}
	}
	return errors.Join(errs...)
}

// Eval implements EvalRecorder.
func (rs Recorders) Eval(e EvalRecord) error {
	var errs []error
	for _, x := range rs {
		if er, ok := x.(EvalRecorder); ok {
			errs = append(errs, er.Eval(e))
		}
	}
	return errors.Join(errs...)
}

// Aggregation implements AggregationRecorder.
func (rs Recorders) Aggregation(a AggregationRecord) error {
	var errs []error
	for _, x := range rs {
		if ar, ok := x.(AggregationRecorder); ok {
			errs = append(errs, ar.Aggregation(a))
		}
	}
	return errors.Join(errs...)
}

// moreRecording delivers the records of the asynchronous schedule and the evaluation clock,
// keeping the first error in the run's recording (which stops the run at the next event).
type moreRecording struct {
	rec *recording
	rr  RoundRecorder
	er  EvalRecorder
	ar  AggregationRecorder
}

func newMoreRecording(r Recorder, rec *recording) moreRecording {
	m := moreRecording{rec: rec}
	m.rr, _ = r.(RoundRecorder)
	m.er, _ = r.(EvalRecorder)
	m.ar, _ = r.(AggregationRecorder)
	return m
}

func (m moreRecording) round(r RoundRecord) {
	if m.rr != nil {
		m.rec.keep(m.rr.Round(r))
	}
}

func (m moreRecording) eval(e EvalRecord) {
	if m.er != nil {
		m.rec.keep(m.er.Eval(e))
	}
}

func (m moreRecording) aggregation(a AggregationRecord) {
	if m.ar != nil {
		m.rec.keep(m.ar.Aggregation(a))
	}
}
