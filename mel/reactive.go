package mel

import (
	"errors"
	"fmt"
	"math"

	"github.com/mel-des/mel-des/policy"
)

// A policy acts on a cycle twice: it plans the cycle at its start, and, if it implements
// policy.IterationObserver or policy.Reviser, it is consulted while the cycle runs. Whatever
// it answers is checked before it takes effect: a plan by policy.Check (shape, every
// constraint), a revision against its limits (no more than the staleness window and the
// learner's energy cap allow). A policy that breaks them, or panics, ends the run with a
// *PolicyError naming the policy, the cycle, the learner and the broken rule; the records of
// the completed cycles stand.

// PolicyError is how a run ends when its policy fails: a plan of the wrong shape or one that
// breaks a constraint, a revision beyond its limits, or a panic in the policy's code. A
// policy that finds no feasible plan does not fail: the run ends cleanly with that reason.
type PolicyError struct {
	Policy string // the policy's registered name
	Cycle  int    // the cycle in which it failed
	Err    error  // what went wrong
}

// Error reports the policy, the cycle and the failure.
func (e *PolicyError) Error() string {
	return fmt.Sprintf("mel: policy %s, cycle %d: %v", e.Policy, e.Cycle, e.Err)
}

// Unwrap returns the failure.
func (e *PolicyError) Unwrap() error { return e.Err }

// fail ends the run because the policy failed: the cycle in progress is abandoned, the
// completed cycles' records stand.
func (s *System) fail(err error) {
	if s.failure != nil {
		return
	}
	s.failure = err
	s.abandon()
	if s.cyc != nil {
		s.cyc.ended = true
	}
	s.finish(fmt.Sprintf("the policy failed: %v", errors.Unwrap(err)))
}

// policyErr wraps err as the policy's failure in cycle n.
func (s *System) policyErr(n int, format string, a ...any) *PolicyError {
	return &PolicyError{Policy: s.pol.Name(), Cycle: n, Err: fmt.Errorf(format, a...)}
}

// plan asks the policy for cycle n's plan and checks it. A plan that breaks the problem's
// rules, or a panic, is a *PolicyError; the policy's own error (no feasible plan) is
// returned as it is.
func (s *System) plan(n int, prob policy.Problem) (policy.Plan, error) {
	plan, err := policy.PlanChecked(s.pol, prob)
	var fe *policy.FaultError
	if errors.As(err, &fe) {
		return plan, &PolicyError{Policy: s.pol.Name(), Cycle: n, Err: fe.Err}
	}
	return plan, err
}

// observe returns what a reactive policy sees of round r now: its deadline is its cycle's
// (or, in the asynchronous schedule, its own start plus T).
func (r *round) observe(busy bool) policy.Observation {
	s := r.s
	now := s.now()
	l := r.l
	w := s.world
	o := policy.Observation{
		Learner: r.row, Time: now, Start: r.t0, End: r.t0 + s.cfg.Deadline,
		Tau: r.tau, Done: r.rec.TauDone, Samples: r.n, Busy: busy,
		IterTime: l.cpu.IterTime(w.touched(r.n), w.cm), IterEnergy: l.cpu.IterEnergy(w.touched(r.n), w.cm),
		LinkUp: l.link.Up(now), PlanRateBps: r.rec.RateBps,
		BatteryJ: l.bat.Level(), SpentJ: r.rec.EnergyJ, CapJ: r.rec.CapJ,
	}
	if o.LinkUp {
		o.RateBps = l.link.Rate(now)
	}
	rate := o.RateBps
	if rate <= 0 {
		rate = o.PlanRateBps
	}
	o.UploadTime = w.modelBits / rate
	o.UploadEnergy = l.txW * o.UploadTime
	if o.Busy { // the iteration in progress has drawn energy not booked yet
		o.SpentJ += r.power * (now - r.start)
	}
	return o
}

// goOn asks an iteration-observing policy whether r, which has just completed an iteration
// and has more planned, goes on. A stop is recorded as a revision.
func (c *cycle) goOn(r *round) bool { return askGoOn(c.s, r, c.n) }

// askGoOn asks the policy, if it observes iterations, whether round r goes on, in cycle (or
// round) n; a stop is recorded as a revision, a panic ends the run.
func askGoOn(s *System, r *round, n int) bool {
	obs, ok := s.pol.(policy.IterationObserver)
	if !ok {
		return true
	}
	o := r.observe(false)
	var goOn bool
	func() {
		defer func() {
			if p := recover(); p != nil {
				s.fail(s.policyErr(n, "AfterIteration panicked for learner %d: %v", r.l.id, p))
			}
		}()
		goOn = obs.AfterIteration(o)
	}()
	if s.failure != nil {
		return false
	}
	if !goOn {
		r.revise(r.rec.TauDone, fmt.Sprintf("stopped after iteration %d of %d", r.rec.TauDone, r.tau))
	}
	return goOn
}

// change tells a revising policy what happened and applies its revisions to the learners
// still downloading or computing.
func (c *cycle) change(kind policy.ChangeKind, learner int) {
	if c == nil || c.ended {
		return
	}
	rv, ok := c.s.pol.(policy.Reviser)
	if !ok {
		return
	}
	var live []*round
	var obs []policy.Observation
	for _, r := range c.rounds {
		if r != nil && !r.done && (r.phase == EvDownlink || r.phase == EvCompute) {
			live = append(live, r)
			obs = append(obs, r.observe(r.phase == EvCompute))
		}
	}
	if len(live) == 0 {
		return
	}
	row := -1
	if learner >= 0 && c.rounds[learner] != nil {
		row = c.rounds[learner].row
	}
	ch := policy.Change{Kind: kind, Learner: row, Time: c.s.now()}
	var taus []int
	func() {
		defer func() {
			if p := recover(); p != nil {
				c.s.fail(c.s.policyErr(c.n, "Revise panicked: %v", p))
			}
		}()
		taus = rv.Revise(ch, obs)
	}()
	if c.s.failure != nil || taus == nil {
		return
	}
	if len(taus) != len(live) {
		c.s.fail(c.s.policyErr(c.n, "Revise returned %d iteration counts for %d learners", len(taus), len(live)))
		return
	}
	// Check every revision against the staleness window of the cycle as revised.
	lo, hi := math.MaxInt, 0
	for _, r := range c.rounds {
		if r == nil {
			continue
		}
		t := r.tau
		for i, lr := range live {
			if lr == r {
				t = max(taus[i], minTau(lr, obs[i]))
			}
		}
		lo, hi = min(lo, t), max(hi, t)
	}
	for i, r := range live {
		want := taus[i]
		if want == r.tau {
			continue
		}
		if want > r.tau {
			if top := cap(r.loss); r.loss != nil && want > top {
				c.s.fail(c.s.policyErr(c.n, "learner %d: revision to tau = %d: more than the cycle's highest planned tau plus the staleness window, %d",
					r.l.id, want, top))
				return
			}
			if hi-lo > c.s.cfg.Staleness {
				c.s.fail(c.s.policyErr(c.n, "learner %d: revision to tau = %d leaves the staleness window: the cycle's taus would span [%d, %d], more than c = %d",
					r.l.id, want, lo, hi, c.s.cfg.Staleness))
				return
			}
			if !policy.RevisionFits(obs[i], want) {
				c.s.fail(c.s.policyErr(c.n, "learner %d: revision to tau = %d exceeds its energy: %d more iterations and the upload need more than its cap E_k = %.4g J (%.4g J spent) or its battery allows",
					r.l.id, want, want-obs[i].Done, obs[i].CapJ, obs[i].SpentJ))
				return
			}
		}
		got := max(want, minTau(r, obs[i]))
		if got == r.tau {
			continue
		}
		who := ""
		if learner >= 0 {
			who = fmt.Sprintf(" of learner %d", learner)
		}
		r.revise(got, fmt.Sprintf("tau %d → %d after the %s%s", r.tau, got, kind, who))
	}
}

// minTau is the fewest iterations a revision can leave r: the ones done, the one in progress,
// and at least one.
func minTau(r *round, o policy.Observation) int {
	n := o.Done
	if o.Busy {
		n++
	}
	return max(n, 1)
}

// revise records that r's work is now tau iterations.
func (r *round) revise(tau int, note string) {
	r.tau = tau
	if r.loss != nil && tau > len(r.loss) { // streamed: the losses of the added iterations
		r.loss = r.loss[:tau] // within the room nanLosses made; the held events point into it
	}
	r.rec.TauRevised = tau
	r.rec.Revisions++
	r.s.rec.event(Event{Time: r.s.now(), Kind: EvRevise, Cycle: r.cycle, Learner: r.l.id, Note: note})
}
