package mel

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/policy"
	"github.com/mel-des/mel-des/sim"
)

// A global cycle (DESIGN.md, Algorithm 1 of the paper) as kernel events:
//
//	t0            startCycle: read every live learner's channel, build the Problem, call the policy,
//	              hand out the samples, start each included learner's downlink, arm the deadline
//	t0+down       the downlink ends: the first local iteration starts
//	…             each iteration's end is an event; there the real epoch's result is collected
//	…             after tau_k iterations the uplink starts; its end is the learner's arrival
//	min(all arrived, t0+T)   endCycle: average the arrived models, evaluate, record
//
// A battery that empties, at an instant computed when a phase starts, is an event too: the
// learner stops there, its pending event is cancelled and it takes no further part.
//
// The real training runs ahead on the mlcore pool: at the cycle start each included learner's
// tau_k epochs are queued (Pool.Train); the event that ends iteration j blocks until epoch j is
// done (Run.WaitEpoch). An epoch depends only on the learner's copy of the global model, its
// samples and its own random stream, never on timing, and the kernel consumes results in
// simulated-time order, so every output is bit-identical whatever the worker count or
// GOMAXPROCS. Work of a learner that dies or misses the deadline is stopped and discarded.

// deadlineSlack is the relative slack of the deadline: a learner whose upload completes within
// T·(1+deadlineSlack) of the cycle start is on time. The policies meet T exactly in their own
// arithmetic, and the kernel adds the same durations in another order, so a plan that uses all
// of T may finish a few ulps late; the slack (10 ns for T = 10 s) keeps it on time.
const deadlineSlack = policy.CheckTolerance

// cycle is the state of one global cycle.
type cycle struct {
	n        int
	t0       float64
	prob     policy.Problem
	plan     policy.Plan
	parts    []*part         // by learner id; nil if the learner has no work this cycle
	recs     []LearnerRecord // by learner id
	pending  int             // learners with work that have neither arrived nor stopped
	died     int
	deadline sim.Handle
	ended    bool
}

// part is one learner's work in one cycle.
type part struct {
	l     *learner
	rec   *LearnerRecord
	tau   int
	n     int // samples actually trained (FL: min(d_k, local data))
	run   *mlcore.Run
	phase EventKind // the phase in progress
	start float64   // when it started
	iter  int       // compute: 1-based iteration in progress
	power float64   // watts drawn from the battery during the phase
	bits  float64   // transfer: bits to move
	ev    sim.Handle
	done  bool // arrived, late or dead
}

func (s *System) now() float64 { return float64(s.k.Now()) }

// record passes an event to the recorder; the first recorder error stops the run.
func (s *System) record(e Event) {
	if err := s.rec.Event(e); err != nil && s.err == nil {
		s.err = err
		s.k.Stop()
	}
}

// subRNG returns the stream of a component that is redrawn per cycle and per learner.
func (s *System) subRNG(kind uint64, cyc, index int) *rand.Rand {
	return rand.New(rand.NewPCG(s.cfg.Seed, kind<<56|uint64(uint32(cyc))<<28|uint64(uint32(index))))
}

// problem reads the live learners' channels at time t and builds the cycle's Problem. It
// fills recs (one per learner) and returns the learner id of each problem row.
func (s *System) problem(t float64, recs []LearnerRecord, cyc int) (policy.Problem, []int, int) {
	prob := policy.Problem{T: s.cfg.Deadline, D: s.d, DL: s.cfg.MinSamples, C: s.cfg.Staleness}
	var members []int
	alive := 0
	for k, l := range s.learners {
		recs[k] = LearnerRecord{Cycle: cyc, Learner: k, Outcome: Excluded, CapJ: s.caps[k],
			TrainLoss: math.NaN(), BatteryJ: l.bat.Level()}
		if l.dead {
			recs[k].Outcome = Dead
			continue
		}
		alive++
		coef, dist, rate := s.physical(l, t)
		recs[k].DistanceM, recs[k].RateBps = dist, rate
		if rate == 0 { // link down at the cycle start: the orchestrator cannot reach it
			continue
		}
		coef.E = s.caps[k]
		prob.Learners = append(prob.Learners, coef)
		members = append(members, k)
	}
	return prob, members, alive
}

func (s *System) startCycle() {
	s.ncyc++
	t0 := s.now()
	K := len(s.learners)
	c := &cycle{n: s.ncyc, t0: t0, parts: make([]*part, K), recs: make([]LearnerRecord, K)}
	s.cyc = c
	if !s.cfg.CapsPerRun {
		s.drawCaps(s.rng(streamCaps, c.n))
	}
	s.record(Event{Time: t0, Kind: EvCycleStart, Cycle: c.n, Learner: Orchestrator})
	prob, members, alive := s.problem(t0, c.recs, c.n)
	if alive == 0 {
		s.finish("every learner's battery is empty")
		return
	}
	if len(members) == 0 {
		s.finish(fmt.Sprintf("cycle %d: every live learner's link is down at the cycle start", c.n))
		return
	}
	plan, err := s.pol.Plan(prob)
	if err != nil {
		s.finish(fmt.Sprintf("cycle %d: no feasible plan: %v", c.n, err))
		return
	}
	c.prob, c.plan = prob, plan
	s.record(Event{Time: t0, Kind: EvPlan, Cycle: c.n, Learner: Orchestrator, Note: planNote(s.pol.Name(), plan)})

	idx := s.assignSamples(c, members, plan)
	for i, k := range members {
		tau, d := plan.Tau[i], plan.D[i]
		if tau == 0 {
			continue
		}
		l := s.learners[k]
		rec := &c.recs[k]
		p := &part{l: l, rec: rec, tau: tau, n: len(idx[i])}
		c.parts[k] = p
		c.pending++
		rec.TauPlanned, rec.Samples = tau, d
		down := s.modelBits
		if s.cfg.Mode == PL {
			down += float64(d) * s.sampleBits
		}
		rec.DownPlanned = down / rec.RateBps
		rec.ComputePlanned = float64(tau) * l.cpu.IterTime(d, s.cm)
		rec.UpPlanned = s.modelBits / rec.RateBps
		_, rec.EnergyPlannedJ = prob.Usage(i, tau, d)
		l.model.CopyFrom(s.global)
		if !s.noSGD {
			p.run = s.pool.Train(l.model, s.train, idx[i], s.sgd, s.subRNG(streamTrain, c.n, k), tau)
		}
		s.beginTransfer(p, EvDownlink, down, 0)
	}
	c.deadline = s.k.ScheduleAt(sim.Time(t0+s.cfg.Deadline*(1+deadlineSlack)), s.deadline)
	if c.pending == 0 {
		s.endCycle()
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

// assignSamples returns the sample indices each problem row trains on this cycle. PL: a fresh
// seeded shuffle of the training set cut into the planned d_k. FL: min(d_k, local size) of the
// learner's own samples, picked by a per-cycle stream of that learner.
func (s *System) assignSamples(c *cycle, members []int, plan policy.Plan) [][]int {
	if s.cfg.Mode == PL {
		return mlcore.PartitionPL(s.subRNG(streamData, c.n, 0), s.train.N, plan.D)
	}
	idx := make([][]int, len(members))
	for i, k := range members {
		local := s.local[k]
		n := min(plan.D[i], len(local))
		if n == len(local) {
			idx[i] = local
			continue
		}
		pick := append([]int(nil), local...)
		r := s.subRNG(streamData, c.n, k+1)
		for j := range n { // partial Fisher-Yates: the first n are a uniform sample
			m := j + r.IntN(len(pick)-j)
			pick[j], pick[m] = pick[m], pick[j]
		}
		idx[i] = pick[:n:n]
	}
	return idx
}

// beginTransfer starts a downlink or uplink of bits at the current time. The uplink draws
// power while the link is up; the downlink costs the learner nothing (DESIGN.md: the
// orchestrator's energy is not counted). A transfer that cannot finish within the link's
// horizon gets no end event: the deadline cuts it.
func (s *System) beginTransfer(p *part, kind EventKind, bits, power float64) {
	now := s.now()
	p.phase, p.start, p.bits, p.power = kind, now, bits, power
	finish, err := p.l.link.Transfer(now, bits)
	if err != nil {
		finish = math.Inf(1)
	}
	if power > 0 && !p.l.bat.Mains() {
		limit := math.Min(finish, s.cyc.t0+s.cfg.Deadline*(1+deadlineSlack))
		if t, ok := s.transmitEmpty(p, now, limit); ok {
			p.ev = s.k.ScheduleAt(sim.Time(t), func() { s.die(p) })
			return
		}
	}
	if !math.IsInf(finish, 1) {
		p.ev = s.k.ScheduleAt(sim.Time(finish), func() { s.endTransfer(p) })
	}
}

// transmitEmpty returns the instant before limit at which the battery empties when it
// transmits at p.power from time from on, drawing only while the link is up.
func (s *System) transmitEmpty(p *part, from, limit float64) (float64, bool) {
	need := p.l.bat.TimeToEmpty(p.power) // seconds of transmission the battery can pay for
	o := p.l.link.Outage
	if o == nil {
		return from + need, from+need < limit
	}
	for t := from; t < limit; {
		next := o.NextChange(t)
		if o.Up(t) {
			span := math.Min(next, limit) - t
			if need < span {
				return t + need, true
			}
			need -= span
		}
		t = next
	}
	return 0, false
}

// upTime returns how long the link of l is up within [a, b].
func upTime(l *learner, a, b float64) float64 {
	o := l.link.Outage
	if o == nil {
		return b - a
	}
	up := 0.0
	for t := a; t < b; {
		next := math.Min(o.NextChange(t), b)
		if o.Up(t) {
			up += next - t
		}
		t = next
	}
	return up
}

func (s *System) beginCompute(p *part, iter int) {
	now := s.now()
	p.phase, p.start, p.iter, p.power = EvCompute, now, iter, p.l.cpu.Power()
	end := now + p.l.cpu.IterTime(p.n, s.cm)
	if !p.l.bat.Mains() {
		if t := now + p.l.bat.TimeToEmpty(p.power); t < end {
			p.ev = s.k.ScheduleAt(sim.Time(t), func() { s.die(p) })
			return
		}
	}
	p.ev = s.k.ScheduleAt(sim.Time(end), func() { s.endCompute(p) })
}

// closePhase ends the phase in progress at the current time: it draws the phase's energy,
// adds its duration to the learner's record and reports the span.
func (s *System) closePhase(p *part, cut bool) {
	now := s.now()
	dur := now - p.start
	var energy float64
	switch p.phase {
	case EvCompute:
		energy = p.power * dur
	case EvUplink:
		energy = p.power * upTime(p.l, p.start, now)
	}
	if energy > 0 {
		energy, _ = p.l.bat.Draw(energy)
	}
	p.rec.EnergyJ += energy
	e := Event{Time: p.start, Dur: dur, Kind: p.phase, Cycle: s.cyc.n, Learner: p.l.id,
		EnergyJ: energy, Cut: cut, Loss: math.NaN()}
	switch p.phase {
	case EvDownlink:
		p.rec.Down += dur
	case EvUplink:
		p.rec.Up += dur
	case EvCompute:
		p.rec.Compute += dur
		e.Iter = p.iter
	}
	if p.phase != EvCompute {
		e.Bits = p.bits
		if cut {
			e.Bits, _ = p.l.link.Bits(p.start, now)
		}
	} else if !cut && p.run != nil {
		// The epoch this event completes must be done before the simulation goes on.
		if loss, ok := p.run.WaitEpoch(p.iter - 1); ok {
			e.Loss = loss
			p.rec.TrainLoss = loss
		}
	}
	s.record(e)
}

func (s *System) endTransfer(p *part) {
	s.closePhase(p, false)
	if p.phase == EvDownlink {
		s.beginCompute(p, 1)
		return
	}
	p.rec.Outcome = OnTime
	s.partDone(p)
}

func (s *System) endCompute(p *part) {
	s.closePhase(p, false)
	p.rec.TauDone++
	if p.iter < p.tau {
		s.beginCompute(p, p.iter+1)
		return
	}
	s.beginTransfer(p, EvUplink, s.modelBits, p.l.txW)
}

// die stops a learner whose battery has just emptied.
func (s *System) die(p *part) {
	s.closePhase(p, true)
	if lvl := p.l.bat.Level(); lvl > 0 { // rounding: the computed instant drew a hair less
		got, _ := p.l.bat.Draw(lvl)
		p.rec.EnergyJ += got
	}
	p.l.dead = true
	p.rec.Outcome = Dead
	s.cyc.died++
	s.record(Event{Time: s.now(), Kind: EvDied, Cycle: s.cyc.n, Learner: p.l.id,
		Note: fmt.Sprintf("battery empty during %s", p.phase)})
	s.stopWork(p)
	s.partDone(p)
}

// stopWork abandons a learner's training run.
func (s *System) stopWork(p *part) {
	if p.run != nil {
		p.run.Stop()
	}
}

func (s *System) partDone(p *part) {
	p.done = true
	c := s.cyc
	c.pending--
	if c.pending == 0 && !c.ended {
		s.k.Cancel(c.deadline)
		s.endCycle()
	}
}

// deadline ends the cycle at t0+T: learners still busy are late and keep nothing.
func (s *System) deadline() {
	c := s.cyc
	for _, p := range c.parts {
		if p == nil || p.done {
			continue
		}
		s.k.Cancel(p.ev)
		s.closePhase(p, true)
		p.rec.Outcome = Late
		p.done = true
		s.record(Event{Time: s.now(), Kind: EvDeadline, Cycle: c.n, Learner: p.l.id,
			Note: fmt.Sprintf("still in %s at the deadline", p.phase)})
		s.stopWork(p)
	}
	c.pending = 0
	s.endCycle()
}

// endCycle averages the models that arrived (weights: samples trained), evaluates the new
// global model, records the cycle and starts the next one.
func (s *System) endCycle() {
	c := s.cyc
	c.ended = true
	now := s.now()
	var models []*mlcore.MLP
	var weights []float64
	cr := CycleRecord{Cycle: c.n, Start: c.t0, End: now, Objective: c.plan.Objective,
		Died: c.died, Loss: math.NaN(), Accuracy: math.NaN()}
	for k, p := range c.parts {
		if p == nil {
			continue
		}
		if p.run != nil {
			p.run.Wait() // stopped runs end after their epoch in flight; the model is reused next cycle
		}
		cr.Planned++
		cr.TauPlanned += p.tau
		cr.SamplesTrained += int64(p.rec.TauDone) * int64(p.n)
		cr.EnergyJ += p.rec.EnergyJ
		if p.rec.Outcome == OnTime {
			cr.Arrived++
			cr.TauDone += p.rec.TauDone
			if p.n > 0 && !s.noSGD {
				models = append(models, s.learners[k].model)
				weights = append(weights, float64(p.n))
			}
		} else {
			cr.Misses++
		}
	}
	if len(models) > 0 {
		mlcore.Average(s.global, models, weights)
	}
	if !s.noSGD {
		cr.Loss, cr.Accuracy = s.pool.Evaluate(s.global, s.test)
	}
	for k, l := range s.learners {
		if !l.dead {
			cr.Alive++
		}
		c.recs[k].BatteryJ = l.bat.Level()
		if err := s.rec.Learner(c.recs[k]); err != nil && s.err == nil {
			s.err = err
		}
	}
	if err := s.rec.Cycle(cr); err != nil && s.err == nil {
		s.err = err
	}
	s.sum.Cycles = append(s.sum.Cycles, cr)
	s.sum.SamplesTrained += cr.SamplesTrained
	s.record(Event{Time: now, Kind: EvCycleEnd, Cycle: c.n, Learner: Orchestrator, Loss: cr.Loss,
		Acc: cr.Accuracy, EnergyJ: cr.EnergyJ, Note: fmt.Sprintf("%d of %d arrived", cr.Arrived, cr.Planned)})
	switch {
	case s.err != nil:
		s.k.Stop()
	case s.ncyc >= s.cfg.Cycles:
		s.finish(ReasonCompleted)
	default:
		s.k.Schedule(0, s.startCycle)
	}
}

// finish ends the run with the given reason.
func (s *System) finish(reason string) {
	s.done = true
	s.sum.Reason = reason
	s.record(Event{Time: s.now(), Kind: EvRunEnd, Cycle: s.ncyc, Learner: Orchestrator, Note: reason})
	s.k.Stop()
}
