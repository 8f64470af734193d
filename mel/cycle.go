package mel

import (
	"errors"
	"fmt"
	"math"

	"github.com/mel-des/mel-des/policy"
	"github.com/mel-des/mel-des/sim"
)

// A global cycle (DESIGN.md, Algorithm 1 of the paper) as kernel events:
//
//	t0            start: read every live learner's channel, build the Problem, call the policy,
//	              hand out the samples, start each included learner's round, arm the deadline
//	t0+down       a round's downlink ends: its first local iteration starts
//	…             each iteration's end is an event; there the real epoch's result is collected
//	…             after tau_k iterations the uplink starts; its end is the learner's arrival
//	min(all arrived, t0+T)   end: average the arrived models, evaluate, record
//
// A battery that empties, at an instant computed when a phase starts, is an event too: the
// learner stops there, its pending event is cancelled and it takes no further part.
//
// The real training runs ahead on the mlcore pool: at the cycle start each included learner's
// tau_k epochs are queued (learning.start); the event that ends iteration j blocks until epoch
// j is done (Run.WaitEpoch). An epoch depends only on the learner's copy of the global model,
// its samples and its own random stream, never on timing, and the kernel consumes results in
// simulated-time order, so every output is bit-identical whatever the worker count or
// GOMAXPROCS. Work of a learner that dies or misses the deadline is stopped and discarded.

// deadlineSlack is the relative slack of the deadline: a learner whose upload completes within
// T·(1+deadlineSlack) of the cycle start is on time. The policies meet T exactly in their own
// arithmetic, and the kernel adds the same durations in another order, so a plan that uses all
// of T may finish a few ulps late; the slack (10 ns for T = 10 s) keeps it on time.
const deadlineSlack = policy.CheckTolerance

var nan = math.NaN()

// cycle is the state of one global cycle.
type cycle struct {
	s        *System
	n        int
	t0       float64
	plan     policy.Plan
	rounds   []*round        // by learner id; nil if the learner has no work this cycle
	recs     []LearnerRecord // by learner id
	pending  int             // rounds that have neither arrived nor stopped
	deaths   int
	deadline sim.Handle
	ended    bool
}

var _ roundOwner = (*cycle)(nil)

// startCycle begins the next global cycle at the current time.
func (s *System) startCycle() {
	s.ncyc++
	t0 := s.now()
	K := len(s.world.learners)
	c := &cycle{s: s, n: s.ncyc, t0: t0, rounds: make([]*round, K), recs: make([]LearnerRecord, K)}
	s.cyc = c
	if !s.cfg.CapsPerRun {
		s.world.drawCaps(s.st.rng(streamCaps, c.n))
	}
	s.rec.event(Event{Time: t0, Kind: EvCycleStart, Cycle: c.n, Learner: Orchestrator})

	// The orchestrator reads every learner's channel and energy cap and asks the policy.
	prob, members, alive := s.world.problem(t0, s.learn.d, s.learn.localSizes(), c.recs, c.n)
	if alive == 0 {
		s.finish("every learner's battery is empty")
		return
	}
	if len(members) == 0 {
		s.finish(fmt.Sprintf("cycle %d: every live learner's link is down at the cycle start", c.n))
		return
	}
	plan, err := s.plan(c.n, prob)
	var pe *PolicyError
	if errors.As(err, &pe) {
		s.fail(pe)
		return
	}
	if err != nil {
		s.finish(fmt.Sprintf("cycle %d: no feasible plan: %v", c.n, err))
		return
	}
	c.plan = plan
	s.rec.event(Event{Time: t0, Kind: EvPlan, Cycle: c.n, Learner: Orchestrator, Note: planNote(s.pol.Name(), plan)})

	// Each learner with work downloads the model (and its samples), trains tau_k local
	// iterations and uploads the model, racing the deadline.
	idx := s.learn.assign(s.st, c.n, members, plan)
	w := s.world
	_, observes := s.pol.(policy.IterationObserver)
	_, revises := s.pol.(policy.Reviser)
	reactive := observes || revises
	for i, k := range members {
		tau, d := plan.Tau[i], plan.D[i]
		if tau == 0 {
			continue
		}
		l := w.learners[k]
		rec := &c.recs[k]
		r := &round{s: s, owner: c, l: l, rec: rec, cycle: c.n, until: t0 + s.cfg.Deadline*(1+deadlineSlack),
			row: i, t0: t0, tau: tau, n: len(idx[i])}
		c.rounds[k] = r
		c.pending++
		rec.TauPlanned, rec.TauRevised, rec.Samples = tau, tau, d
		down := w.modelBits
		if s.cfg.Mode == PL {
			down += float64(d) * w.sampleBits
		}
		rec.DownPlanned = down / rec.RateBps
		rec.ComputePlanned = float64(tau) * l.cpu.IterTime(w.touched(d), w.cm)
		rec.UpPlanned = w.modelBits / rec.RateBps
		_, rec.EnergyPlannedJ = prob.Usage(i, tau, d)
		r.idx, r.rng = idx[i], s.st.sub(streamTrain, c.n, k)
		r.lockstep = reactive
		epochs := tau
		if reactive {
			epochs = 1
		}
		r.run = s.learn.start(k, r.idx, r.rng, epochs)
		r.begin(down)
	}
	c.deadline = s.k.ScheduleAt(sim.Time(t0+s.cfg.Deadline*(1+deadlineSlack)), c.expire)
	if c.pending == 0 {
		c.end()
	}
}

// planNote summarises a plan for the trace.
func planNote(name string, pl policy.Plan) string {
	lo, hi, n := math.MaxInt, 0, 0
	for _, t := range pl.Tau {
		if t > 0 {
			lo, hi, n = min(lo, t), max(hi, t), n+1
		}
	}
	if n == 0 {
		lo = 0
	}
	return fmt.Sprintf("%s: %d learners, tau %d..%d, objective %.4g, relaxed tau %.4g",
		name, n, lo, hi, pl.Objective, pl.Diag.RelaxedTau)
}

// roundDone is called when a round has arrived or its learner died; the cycle ends when no
// round is pending.
func (c *cycle) roundDone(r *round) {
	c.pending--
	if r.rec.Outcome == OnTime && c.pending > 0 {
		c.change(policy.Arrival, r.l.id)
	}
	if c.pending == 0 && !c.ended {
		c.s.k.Cancel(c.deadline)
		c.end()
	}
}

func (c *cycle) died() { c.deaths++ }

// expire ends the cycle at t0+T: learners still busy are late and keep nothing.
func (c *cycle) expire() {
	for _, r := range c.rounds {
		if r != nil && !r.done {
			r.cut()
		}
	}
	c.pending = 0
	c.end()
}

// end averages the models that arrived (weights: samples trained), evaluates the new global
// model, records the cycle and starts the next one.
func (c *cycle) end() {
	s := c.s
	c.ended = true
	now := s.now()
	var arrived []int
	var weights []float64
	cr := CycleRecord{Cycle: c.n, Start: c.t0, End: now, Objective: c.plan.Objective,
		Died: c.deaths, Loss: nan, Accuracy: nan}
	for k, r := range c.rounds {
		if r == nil {
			continue
		}
		if r.run != nil {
			r.run.Wait() // stopped runs end after their epoch in flight; the model is reused next cycle
		}
		cr.Planned++
		cr.TauPlanned += r.rec.TauPlanned
		cr.TauComputed += r.rec.TauDone
		r.rec.SamplesTrained = int64(r.rec.TauDone) * int64(s.world.touched(r.n))
		cr.SamplesTrained += r.rec.SamplesTrained
		cr.EnergyJ += r.rec.EnergyJ
		if r.rec.Outcome == OnTime {
			cr.Arrived++
			cr.TauDone += r.rec.TauDone
			if r.n > 0 {
				arrived = append(arrived, k)
				weights = append(weights, float64(r.n))
			}
		} else {
			cr.Misses++
		}
	}
	s.learn.aggregate(arrived, weights)
	cr.Loss, cr.Accuracy = s.learn.evaluate()
	for k, l := range s.world.learners {
		if !l.dead {
			cr.Alive++
		}
		c.recs[k].BatteryJ = l.bat.Level()
		s.rec.learner(c.recs[k])
	}
	s.rec.cycle(cr)
	s.sum.Cycles = append(s.sum.Cycles, cr)
	s.sum.SamplesTrained += cr.SamplesTrained
	s.rec.event(Event{Time: now, Kind: EvCycleEnd, Cycle: c.n, Learner: Orchestrator, Loss: cr.Loss,
		Acc: cr.Accuracy, EnergyJ: cr.EnergyJ, Note: fmt.Sprintf("%d of %d arrived", cr.Arrived, cr.Planned)})
	switch {
	case s.rec.err != nil:
		s.k.Stop()
	case s.ncyc >= s.cfg.Cycles:
		s.finish(ReasonCompleted)
	default:
		s.k.Schedule(0, s.startCycle)
	}
}

// abandon stops the training of an unfinished cycle and waits for it, so that no goroutine
// works for the system after Run returns.
func (c *cycle) abandon() {
	if c == nil || c.ended {
		return
	}
	for _, r := range c.rounds {
		if r != nil && r.run != nil {
			r.run.Stop()
			r.run.Wait()
		}
	}
}
