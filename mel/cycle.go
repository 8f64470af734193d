package mel

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/mel-des/mel-des/policy"
	"github.com/mel-des/mel-des/sim"
)

// A global cycle (DESIGN.md, Algorithm 1 of the paper) as kernel events:
//
//	t0            start: read every live learner's channel, build the Problem, call the policy,
//	              hand out the samples, start each included learner's round, arm the deadline
//	t0+down       a round's downlink ends: its first local iteration starts
//	…             each iteration's end is an event
//	…             after tau_k iterations the uplink starts; its end is the learner's arrival
//	min(all arrived, t0+T)   end: train, average the arrived models, evaluate, record
//
// A battery that empties, at an instant computed when a phase starts, is an event too: the
// learner stops there, its pending event is cancelled and it takes no further part.
//
// The real training happens at the cycle's end, streamed (stream.go): an epoch depends only on
// the global model, the learner's samples and its own random stream, never on timing, and the
// timing never on training, so the kernel plays the cycle without training and the recording
// holds the trace from the first compute event on, each compute event with a ticket for its
// loss. At the end every learner that completed iterations is trained for exactly those, in
// learner-id order over the pool, the arrived models are averaged in that order, the tickets
// are filled and the held events go out in their order. Every output is bit-identical whatever
// the worker count or GOMAXPROCS, and memory does not grow with the learners' models. Of a
// cycle interrupted before its end, the trace keeps only the events sent before its first
// compute event, and the other records nothing.

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
	room := 0 // the most iterations a revision may give a learner
	if _, revises := s.pol.(policy.Reviser); revises {
		room = slices.Max(plan.Tau) + s.cfg.Staleness
	}
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
		r.idx, r.loss = idx[i], nanLosses(tau, room)
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

// end trains the learners for the iterations they completed, averages the models that
// arrived (weights: samples trained), evaluates the new global model, records the cycle and
// starts the next one.
func (c *cycle) end() {
	s := c.s
	c.ended = true
	now := s.now()
	cr := CycleRecord{Cycle: c.n, Start: c.t0, End: now, Objective: c.plan.Objective,
		Died: c.deaths, Loss: nan, Accuracy: nan}
	var jobs []trainJob
	for k, r := range c.rounds {
		if r == nil {
			continue
		}
		cr.Planned++
		cr.TauPlanned += r.rec.TauPlanned
		cr.TauComputed += r.rec.TauDone
		r.rec.SamplesTrained = int64(r.rec.TauDone) * int64(s.world.touched(r.n))
		cr.SamplesTrained += r.rec.SamplesTrained
		cr.EnergyJ += r.rec.EnergyJ
		var weight float64
		if r.rec.Outcome == OnTime {
			cr.Arrived++
			cr.TauDone += r.rec.TauDone
			weight = float64(r.n)
		} else {
			cr.Misses++
		}
		if r.rec.TauDone > 0 {
			jobs = append(jobs, trainJob{k: k, idx: r.idx, epochs: r.rec.TauDone, losses: r.loss, weight: weight})
		}
	}
	if !s.learn.stream(s.st, c.n, jobs, s.stop) { // interrupted: the cycle leaves no trace
		s.rec.drop()
		s.interrupt()
		return
	}
	for _, j := range jobs {
		c.recs[j.k].TrainLoss = j.losses[j.epochs-1]
	}
	s.rec.flush()
	if s.rec.err != nil {
		s.k.Stop()
		return
	}
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

// nanLosses returns n training losses not known yet, with room for up to room: a reactive
// policy may raise a learner's iterations, never beyond the cycle's highest planned tau plus
// the staleness window, and the held events point into this slice, so it must not move.
func nanLosses(n, room int) []float64 {
	l := make([]float64, max(n, room))
	for i := range l {
		l[i] = nan
	}
	return l[:n]
}

// abandon forgets the events an unfinished cycle holds back and stops any training run ahead
// of the simulation, waiting for it, so that no goroutine works for the system after Run
// returns. (The synchronous cycle trains only in end, which waits for its workers itself.)
func (c *cycle) abandon() {
	if c == nil || c.ended {
		return
	}
	c.s.rec.drop()
	for _, r := range c.rounds {
		if r != nil && r.run != nil {
			r.run.Stop()
			r.run.Wait()
		}
	}
}
