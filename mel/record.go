package mel

import "errors"

// Outcome is what became of a learner in one global cycle.
type Outcome string

// The outcomes a learner can have in a cycle.
const (
	// OnTime: the learner's model arrived at the orchestrator before the deadline.
	OnTime Outcome = "on-time"
	// Late: the learner was still busy at the deadline t0+T; its work is discarded.
	Late Outcome = "late"
	// Dead: the learner's battery emptied during this cycle or earlier; it takes no further part.
	Dead Outcome = "dead"
	// Excluded: the learner was alive but the policy gave it no work (tau = d = 0).
	Excluded Outcome = "excluded"
)

// CycleRecord holds the metrics of one global cycle. Times are simulated seconds, energies joules.
type CycleRecord struct {
	Cycle          int     // 1-based index of the global cycle
	Start, End     float64 // simulated start and end of the cycle
	Accuracy       float64 // test accuracy of the global model after aggregation, in [0, 1]
	Loss           float64 // mean test cross-entropy after aggregation
	Objective      float64 // the policy's objective (1/K)·Σ tau_k over the learners planned for
	Planned        int     // learners given work by the plan
	Arrived        int     // learners whose model arrived in time and was averaged
	TauPlanned     int     // Σ tau_k planned
	TauDone        int     // Σ local iterations completed by learners whose model arrived
	TauComputed    int     // Σ local iterations completed by every learner with work, arrived or not
	Misses         int     // learners that were given work but did not deliver (late or dead)
	Died           int     // learners whose battery emptied in this cycle
	EnergyJ        float64 // energy drawn from all batteries in this cycle
	Alive          int     // learners with charge left at the end of the cycle
	SamplesTrained int64   // Σ tau_k·d_k actually processed (also by learners that missed)
}

// LearnerRecord holds what one learner planned and did in one cycle. Durations are simulated
// seconds; a phase that never started has zero duration. Planned values are those the policy's
// coefficients predict from the channel at the cycle start.
type LearnerRecord struct {
	Cycle, Learner          int
	Outcome                 Outcome
	TauPlanned, TauDone     int
	TauRevised              int     // tau after the policy's last revision while the cycle ran (TauPlanned if none)
	Revisions               int     // revisions of the learner's work by a reactive policy in this cycle
	Samples                 int     // d_k, as planned
	SamplesTrained          int64   // samples actually processed: iterations done × samples one iteration touches (d_k, or min(d_k, local data) in FL; steps × batch for mini-batch steps)
	RateBps                 float64 // link rate at plan time, bit/s
	DistanceM               float64 // distance to the orchestrator at plan time, m
	CapJ                    float64 // energy cap E_k of this cycle
	DownPlanned, Down       float64 // downlink duration (model, plus samples in PL mode)
	ComputePlanned, Compute float64 // time spent computing local iterations
	UpPlanned, Up           float64 // uplink duration
	EnergyPlannedJ          float64 // energy the plan predicts
	EnergyJ                 float64 // energy actually drawn in this cycle
	BatteryJ                float64 // charge left at the end of the cycle (+Inf for mains power)
	TrainLoss               float64 // mean training loss of the last completed local iteration (NaN if none)
}

// EventKind names a trace event.
type EventKind string

// Trace event kinds. Spans have a duration; the others are instants.
const (
	EvCycleStart EventKind = "cycle-start" // instant, orchestrator
	EvPlan       EventKind = "plan"        // instant, orchestrator: the policy's decision
	EvDownlink   EventKind = "downlink"    // span, learner
	EvCompute    EventKind = "compute"     // span, learner: one local iteration (Iter = 1..tau)
	EvUplink     EventKind = "uplink"      // span, learner
	EvDeadline   EventKind = "deadline"    // instant, learner: still busy at t0+T
	EvDied       EventKind = "died"        // instant, learner: battery empty
	EvLinkDown   EventKind = "link-down"   // span, learner: the link is down (an outage); Cut if it is still down when the run ends
	EvRevise     EventKind = "revise"      // instant, learner: a reactive policy changed its work (Note says how and why)
	EvCycleEnd   EventKind = "cycle-end"   // instant, orchestrator: aggregation and evaluation
	EvRunEnd     EventKind = "run-end"     // instant, orchestrator: why the run stopped
)

// Orchestrator is the Learner value of trace events that belong to the orchestrator.
const Orchestrator = -1

// Event is one entry of the event trace. A span covers [Time, Time+Dur]; an instant has Dur = 0.
// Spans are reported when they end (or are cut short), so Time is their start.
type Event struct {
	Time    float64
	Dur     float64
	Kind    EventKind
	Cycle   int
	Learner int     // Orchestrator (-1) or a learner index
	Iter    int     // compute: which local iteration (1-based)
	Bits    float64 // downlink/uplink: bits moved
	EnergyJ float64 // energy drawn during the span
	Loss    float64 // compute: mean training loss of the epoch; cycle-end: test loss
	Acc     float64 // cycle-end: test accuracy
	Cut     bool    // the span was cut short by the deadline or an empty battery
	Note    string  // free text: plan summary, reason the run ended
}

// Recorder receives the records of a run. Close flushes and completes the output; a run's
// caller calls it once, also when the run stops early, so that files are complete and
// parseable. What a recorder receives depends on which of EventRecorder, LearnerRecorder and
// CycleRecorder it also implements (in the manner of io.WriterTo beside io.Writer): a writer
// of per-cycle metrics implements CycleRecorder and nothing else. Records arrive in
// simulated-time order; implementations must not retain their slices.
type Recorder interface {
	Close() error
}

// EventRecorder is a Recorder that receives the event trace.
type EventRecorder interface {
	Recorder
	Event(Event) error
}

// LearnerRecorder is a Recorder that receives a row per learner per cycle.
type LearnerRecorder interface {
	Recorder
	Learner(LearnerRecord) error
}

// CycleRecorder is a Recorder that receives a row per cycle.
type CycleRecorder interface {
	Recorder
	Cycle(CycleRecord) error
}

// Recorders fans records out to several recorders in order: each record goes to those that
// receive its kind. The first error is returned, but every recorder still receives every
// record and is closed.
type Recorders []Recorder

var (
	_ EventRecorder   = Recorders(nil)
	_ LearnerRecorder = Recorders(nil)
	_ CycleRecorder   = Recorders(nil)
)

// Event implements EventRecorder.
func (rs Recorders) Event(e Event) error {
	var errs []error
	for _, r := range rs {
		if er, ok := r.(EventRecorder); ok {
			errs = append(errs, er.Event(e))
		}
	}
	return errors.Join(errs...)
}

// Learner implements LearnerRecorder.
func (rs Recorders) Learner(l LearnerRecord) error {
	var errs []error
	for _, r := range rs {
		if lr, ok := r.(LearnerRecorder); ok {
			errs = append(errs, lr.Learner(l))
		}
	}
	return errors.Join(errs...)
}

// Cycle implements CycleRecorder.
func (rs Recorders) Cycle(c CycleRecord) error {
	var errs []error
	for _, r := range rs {
		if cr, ok := r.(CycleRecorder); ok {
			errs = append(errs, cr.Cycle(c))
		}
	}
	return errors.Join(errs...)
}

// Close implements Recorder.
func (rs Recorders) Close() error {
	var errs []error
	for _, r := range rs {
		errs = append(errs, r.Close())
	}
	return errors.Join(errs...)
}

// recording delivers a run's records to its recorder, remembering the first error. An error
// from the event trace stops the kernel at once; the other records' errors stop the run at
// the end of the cycle.
//
// A compute event whose training loss is not known yet (the synchronous cycle trains at its
// end, stream.go) is held with a ticket, the place the loss will be written to; every event
// after it is held behind it, so that the trace keeps the simulated-time order. flush sends
// the held events once the losses are in; drop forgets them (an interrupted cycle).
type recording struct {
	ev     EventRecorder
	lr     LearnerRecorder
	cr     CycleRecorder
	err    error
	k      interface{ Stop() }
	held   []heldEvent // events waiting for a loss, or behind one, in order
	traceN int         // learner events only for learners below traceN; < 0: all
}

// heldEvent is an event waiting to be sent; loss, if not nil, is its ticket.
type heldEvent struct {
	e    Event
	loss *float64
}

// traceLimit is the setting of WithTraceLearners; the zero value traces every learner.
type traceLimit struct {
	set bool
	n   int
}

// WithTraceLearners limits the event trace to the learners 0 .. n−1: the events of the other
// learners are not recorded (the orchestrator's and the cycles' always are), so that a run of
// many learners can keep a trace of a few of them. It changes nothing else: the per-learner
// and per-cycle records still cover every learner. Without it every learner is traced.
// Panics if n < 0.
func WithTraceLearners(n int) Option {
	if n < 0 {
		panic("mel: WithTraceLearners: negative learner count")
	}
	return func(s *System) { s.trace = traceLimit{set: true, n: n} }
}

func newRecording(r Recorder, k interface{ Stop() }, lim traceLimit) *recording {
	rec := &recording{k: k, traceN: -1}
	if lim.set {
		rec.traceN = lim.n
	}
	if wantsEvents(r) { // else nothing is held: a run that writes no trace keeps no events
		rec.ev, _ = r.(EventRecorder)
	}
	rec.lr, _ = r.(LearnerRecorder)
	rec.cr, _ = r.(CycleRecorder)
	return rec
}

// wantsEvents reports whether r receives the event trace: Recorders implements
// EventRecorder for any members, so it wants events if one of them does.
func wantsEvents(r Recorder) bool {
	if rs, ok := r.(Recorders); ok {
		for _, m := range rs {
			if wantsEvents(m) {
				return true
			}
		}
		return false
	}
	_, ok := r.(EventRecorder)
	return ok
}

func (r *recording) keep(err error) {
	if err != nil && r.err == nil {
		r.err = err
	}
}

// traced reports whether e goes into the event trace.
func (r *recording) traced(e Event) bool {
	return r.ev != nil && (r.traceN < 0 || e.Learner < r.traceN)
}

func (r *recording) event(e Event) {
	if !r.traced(e) {
		return
	}
	if len(r.held) > 0 {
		r.held = append(r.held, heldEvent{e: e})
		return
	}
	r.send(e)
}

// eventPending records e, whose Loss is to be read from *loss when the held events are
// flushed.
func (r *recording) eventPending(e Event, loss *float64) {
	if r.traced(e) {
		r.held = append(r.held, heldEvent{e: e, loss: loss})
	}
}

// flush sends the held events, with their losses, and stops at the first error.
func (r *recording) flush() {
	for i, h := range r.held {
		if h.loss != nil {
			h.e.Loss = *h.loss
		}
		r.held[i] = heldEvent{}
		if r.err == nil {
			r.send(h.e)
		}
	}
	r.held = r.held[:0]
}

// drop forgets the held events.
func (r *recording) drop() {
	clear(r.held)
	r.held = r.held[:0]
}

func (r *recording) send(e Event) {
	if err := r.ev.Event(e); err != nil && r.err == nil {
		r.err = err
		r.k.Stop()
	}
}

func (r *recording) learner(l LearnerRecord) {
	if r.lr != nil {
		r.keep(r.lr.Learner(l))
	}
}

func (r *recording) cycle(c CycleRecord) {
	if r.cr != nil {
		r.keep(r.cr.Cycle(c))
	}
}
