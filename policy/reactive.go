package policy

import "math"

// A Policy plans each cycle once, at its start. A policy may also act while the cycle runs by
// implementing the small interfaces below (in the manner of io.WriterTo beside io.Writer):
// the simulation consults it at the end of every local iteration of a learner
// (IterationObserver) and when a learner's link goes down or comes back or a learner's model
// arrives (Reviser). It sees plain Observation values and nothing of the simulation kernel,
// and its answers must be deterministic. Every decision that changes a learner's work is
// recorded: a "revise" event in the trace and the tau_revised and revisions columns of
// learners.csv.

// Observation is what a reactive policy sees of one learner while a cycle runs. Times are
// simulated seconds, energies joules.
type Observation struct {
	Learner int     // the learner's row in the cycle's Problem (and Plan)
	Time    float64 // now
	Start   float64 // the cycle's start t0
	End     float64 // the cycle's deadline t0 + T: the upload must have arrived by then

	Tau     int  // local iterations the learner is to do now (the plan's, or the last revision's)
	Done    int  // local iterations completed
	Samples int  // d_k
	Busy    bool // an iteration is in progress (Reviser only; at AfterIteration none is)

	IterTime   float64 // how long one local iteration takes
	IterEnergy float64 // the energy one local iteration draws

	LinkUp       bool    // the link is up now
	RateBps      float64 // the link's rate now (0 while it is down)
	PlanRateBps  float64 // the rate the plan was made with, at the cycle's start
	UploadTime   float64 // how long the upload would take at the current rate; at the plan's rate while the link is down (the outage's length is unknown)
	UploadEnergy float64 // the energy that upload would draw, at the same rate

	BatteryJ float64 // charge left (+Inf for mains power)
	SpentJ   float64 // energy drawn in this cycle so far
	CapJ     float64 // the learner's energy cap E_k for this cycle
}

// Remaining returns the time left until the cycle's deadline.
func (o Observation) Remaining() float64 { return o.End - o.Time }

// IterationObserver is a Policy that decides, at the end of each local iteration of a
// learner, whether it goes on.
type IterationObserver interface {
	Policy
	// AfterIteration is called when a learner has completed an iteration and has more to do
	// (o.Done < o.Tau). Returning false stops it: it uploads the model after the iterations
	// done, and the plan's tau is not reached.
	AfterIteration(o Observation) (goOn bool)
}

// ChangeKind says what happened to the learners of a cycle.
type ChangeKind int

// The changes a Reviser is told about.
const (
	LinkDown ChangeKind = iota + 1 // a learner's link went down
	LinkUp                         // a learner's link came back
	Arrival                        // a learner's model arrived at the orchestrator
)

// String returns "link-down", "link-up" or "arrival".
func (k ChangeKind) String() string {
	switch k {
	case LinkDown:
		return "link-down"
	case LinkUp:
		return "link-up"
	case Arrival:
		return "arrival"
	}
	return "change"
}

// Change is an event that may call for revising the work of the learners still computing.
type Change struct {
	Kind    ChangeKind
	Learner int     // the learner it happened to: its row in the cycle's Problem, or −1 if it has none
	Time    float64 // when, simulated seconds
}

// Reviser is a Policy that revises, when a learner's link goes down or comes back or a
// learner's model arrives, how many iterations the learners still computing do.
type Reviser interface {
	Policy
	// Revise is given the change and an observation of every learner still downloading or
	// computing, in row order, and returns the new total iterations of each (nil: no
	// change). A revision may lower a learner's tau (the iteration in progress still
	// completes), and may raise it only as far as the cycle's staleness window allows
	// (max tau − min tau ≤ c over the learners the plan included, revisions counted, and
	// no learner above the plan's highest tau plus c) and as far as its energy cap does
	// (RevisionFits). A revision outside these limits ends the run with an error naming the
	// policy and the learner.
	Revise(c Change, computing []Observation) []int
}

// RevisionFits reports whether a learner observed as o can do tau iterations in total and
// then upload within its energy cap and its battery, at the current rate (a link that is
// down counts at the rate of the plan).
func RevisionFits(o Observation, tau int) bool {
	left := float64(tau - o.Done)
	if o.Busy {
		left = math.Max(left, 1) // the iteration in progress completes
	}
	need := left*o.IterEnergy + o.UploadEnergy
	return o.SpentJ+need <= o.CapJ*(1+CheckTolerance) && need <= o.BatteryJ
}
