package mel

import (
	"fmt"
	"math"
	"strings"

	"github.com/mel-des/mel-des/aggregate"
	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/policy"
	"github.com/mel-des/mel-des/sim"
)

// The asynchronous schedule as kernel events. There is no global cycle; every learner loops
// on its own:
//
//	t             the learner asks for a slot (at most Async.Concurrency rounds run at once;
//	              the others wait in a first-come, first-served queue)
//	start         draw its energy cap E_k, read its channel, plan (tau_k, d_k) with the policy
//	              on a one-learner problem (budget T and E_k, samples D_k; see Async), pick the
//	              samples, copy the current global model (version v), queue the epochs
//	…             download, tau_k local iterations and upload: the round of the synchronous
//	              cycle (round.go), with energy drawn as it is spent and a battery that can
//	              empty; a round still busy at start + T is cut and its work discarded
//	arrival       the aggregator receives the model with staleness = current version − v;
//	              if it publishes, the version goes up; the learner asks for a slot again
//
// A learner that cannot start (link down, or no feasible plan) sits the round out and asks
// again when its link changes state, or after T. The run ends at the time horizon, after the
// configured number of aggregations, or when every battery is empty; rounds in progress then
// are abandoned (outcome unfinished) and the global model is evaluated a last time.
//
// As in the synchronous cycle, the real training runs ahead on the worker pool: the epochs of
// a round depend only on the copy of the global model taken at its start, its samples and
// its own random stream (per learner and round), and the kernel consumes them in
// simulated-time order, so outputs do not depend on the worker count. Memory: the global
// model, one model per round in flight (a round's buffer is reused by the next round once it
// ends) — so at most Async.Concurrency, the knob that bounds memory for many learners — and,
// for an aggregator that merges deltas (fedbuff), one base copy of the global model per
// round in flight plus the aggregator's buffer.

// ReasonHorizon and ReasonAggregations are Summary.Reason of an asynchronous run that
// reached its time horizon or its number of aggregations.
const (
	ReasonHorizon      = "reached the time horizon"
	ReasonAggregations = "reached the number of aggregations"
)

// reasonAllDead is why a run of either schedule ends when no learner is left.
const reasonAllDead = "every learner's battery is empty"

// asyncRun is the state of the asynchronous schedule.
type asyncRun struct {
	s       *System
	agg     aggregate.Aggregator
	deltas  bool // the aggregator needs each update's base model
	horizon float64
	slots   int
	version int
	ls      []asyncLearner
	queue   []int // learners waiting for a slot, first come first served
	busy    int   // rounds in flight
	energy  float64
	samples int64
	bases   []*mlcore.MLP // spare base copies
	ended   bool
}

// asyncLearner is one learner's state between and during rounds.
type asyncLearner struct {
	rounds  int // rounds started, counting those sat out
	r       *round
	rec     *RoundRecord
	base    *mlcore.MLP
	cut     sim.Handle
	never   bool // its share of the data is below d_l: it can never take part
	waiting bool // queued for a slot, or waiting to retry
}

var _ roundOwner = (*asyncRun)(nil)

// startAsync begins the asynchronous schedule at time 0.
func (s *System) startAsync() {
	K := len(s.world.learners)
	a := &asyncRun{s: s, agg: s.learn.agg, deltas: s.aggKind.Deltas, horizon: s.cfg.horizon(),
		slots: s.cfg.Async.Concurrency, ls: make([]asyncLearner, K)}
	if a.slots == 0 || a.slots > K {
		a.slots = K
	}
	s.as = a
	s.k.ScheduleAt(sim.Time(a.horizon), func() { a.end(ReasonHorizon) })
	for k := range K {
		a.request(k)
	}
}

// request puts learner k in the queue for a slot and starts whoever can start.
func (a *asyncRun) request(k int) {
	st := &a.ls[k]
	if a.ended || st.never || st.waiting || a.s.world.learners[k].dead {
		return
	}
	st.waiting = true
	a.queue = append(a.queue, k)
	a.dispatch()
}

// dispatch starts rounds for the learners at the head of the queue while slots are free.
func (a *asyncRun) dispatch() {
	for !a.ended && a.busy < a.slots && len(a.queue) > 0 {
		k := a.queue[0]
		a.queue = a.queue[1:]
		a.ls[k].waiting = false
		if a.begin(k) {
			a.busy++
		}
	}
}

// share returns D_k, the samples of one round of learner k.
func (a *asyncRun) share(k int) int {
	ln := a.s.learn
	K := len(a.s.world.learners)
	if a.s.cfg.Mode == FL {
		local := len(ln.local[k])
		if a.s.cfg.Samples == 0 {
			return local
		}
		return min(a.s.cfg.Samples/K, local)
	}
	return ln.d / K
}

// begin starts a round of learner k at the current time, or records that it sits this one
// out and arranges its retry. It reports whether a round started.
func (a *asyncRun) begin(k int) bool {
	s, w := a.s, a.s.world
	st := &a.ls[k]
	l := w.learners[k]
	now := s.now()
	st.rounds++
	n := st.rounds
	if !s.cfg.CapsPerRun {
		w.caps[k] = s.cfg.EnergyMean + s.cfg.EnergySpread*(2*s.st.sub(streamCaps, n, k).Float64()-1)
	}
	rec := &RoundRecord{Start: now, Version: a.version, Staleness: -1,
		LearnerRecord: LearnerRecord{Cycle: n, Learner: k, Outcome: Excluded, CapJ: w.caps[k], TrainLoss: nan, BatteryJ: l.bat.Level()}}
	coef, dist, rate := w.coefficients(l, now)
	rec.DistanceM, rec.RateBps = dist, rate
	D := a.share(k)
	switch {
	case D < max(s.cfg.MinSamples, 1):
		st.never = true
		a.sitOut(rec, fmt.Sprintf("round %d: its %d samples are fewer than d_l = %d; it never takes part", n, D, s.cfg.MinSamples), math.Inf(1))
		return false
	case rate == 0:
		retry := math.Inf(1)
		if o := l.link.Outage; o != nil {
			retry = o.NextChange(now)
		}
		a.sitOut(rec, fmt.Sprintf("round %d: link down", n), retry)
		return false
	}
	prob := policy.Problem{Learners: []policy.Learner{coef}, T: s.cfg.Deadline, D: D, DL: s.cfg.MinSamples, C: s.cfg.Staleness}
	plan, err := s.plan(n, prob)
	if pe, failed := err.(*PolicyError); failed {
		s.fail(pe)
		return false
	}
	if err != nil || plan.Tau[0] == 0 {
		why := "excluded by the policy"
		if err != nil {
			why = "no feasible plan: " + strings.ReplaceAll(err.Error(), "\n", "; ")
		}
		a.sitOut(rec, fmt.Sprintf("round %d: %s", n, why), now+s.cfg.Deadline)
		return false
	}
	tau, d := plan.Tau[0], plan.D[0]
	idx := a.samplesOf(k, n, d)
	r := &round{s: s, owner: a, l: l, rec: &rec.LearnerRecord, cycle: n, t0: now,
		until: now + s.cfg.Deadline*(1+deadlineSlack), tau: tau, n: len(idx)}
	rec.TauPlanned, rec.TauRevised, rec.Samples = tau, tau, d
	down := w.modelBits
	if s.cfg.Mode == PL {
		down += float64(d) * w.sampleBits
	}
	rec.DownPlanned = down / rate
	rec.ComputePlanned = float64(tau) * l.cpu.IterTime(w.touched(d), w.cm)
	rec.UpPlanned = w.modelBits / rate
	_, rec.EnergyPlannedJ = prob.Usage(0, tau, d)
	st.r, st.rec = r, rec
	if a.deltas && !s.learn.skip {
		st.base = a.takeBase()
		st.base.CopyFrom(s.learn.global)
	}
	s.rec.event(Event{Time: now, Kind: EvPlan, Cycle: n, Learner: k,
		Note: fmt.Sprintf("round %d: version %d, tau %d, d %d", n, a.version, tau, d)})
	r.idx, r.rng = idx, s.st.sub(streamTrain, n, k)
	epochs := tau
	if _, observes := s.pol.(policy.IterationObserver); observes {
		r.lockstep, epochs = true, 1 // a stop after any iteration must leave exactly that model
	}
	r.run = s.learn.start(k, r.idx, r.rng, epochs)
	r.begin(down)
	st.cut = s.k.ScheduleAt(sim.Time(r.until), func() { a.cutRound(k) })
	return true
}

// sitOut records a round that learner k did not start and schedules its next try at retry
// (none if it is not before the horizon).
func (a *asyncRun) sitOut(rec *RoundRecord, why string, retry float64) {
	s := a.s
	k := rec.Learner
	rec.End = s.now()
	s.rec.event(Event{Time: rec.End, Kind: EvPlan, Cycle: rec.Cycle, Learner: k, Note: why})
	s.more.round(*rec)
	if retry < a.horizon {
		a.ls[k].waiting = true
		s.k.ScheduleAt(sim.Time(retry), func() {
			a.ls[k].waiting = false
			a.request(k)
		})
	}
}

// samplesOf returns the indices learner k trains on in its round n: PL, d samples of the
// training set drawn uniformly without replacement; FL, min(d, local size) of its own.
func (a *asyncRun) samplesOf(k, n, d int) []int {
	ln := a.s.learn
	var pool []int
	if a.s.cfg.Mode == FL {
		pool = ln.local[k]
	} else {
		pool = make([]int, ln.train.N)
		for i := range pool {
			pool[i] = i
		}
	}
	m := min(d, len(pool))
	if m == len(pool) {
		return pool
	}
	pick := append([]int(nil), pool...)
	r := a.s.st.sub(streamData, n, k+1)
	for j := range m { // partial Fisher-Yates: the first m are a uniform sample
		q := j + r.IntN(len(pick)-j)
		pick[j], pick[q] = pick[q], pick[j]
	}
	return pick[:m:m]
}

// takeBase returns a spare model buffer for a round's base.
func (a *asyncRun) takeBase() *mlcore.MLP {
	if n := len(a.bases); n > 0 {
		b := a.bases[n-1]
		a.bases = a.bases[:n-1]
		return b
	}
	return a.s.learn.global.Clone()
}

// roundDone is called when a round has arrived or its learner died.
func (a *asyncRun) roundDone(r *round) {
	k := r.l.id
	st := &a.ls[k]
	a.s.k.Cancel(st.cut)
	var merged []aggregate.Contribution
	if r.rec.Outcome == OnTime {
		st.rec.Staleness = a.version - st.rec.Version
		if r.n > 0 {
			merged = a.arrive(k, r)
		}
	}
	a.endRound(k)
	if merged != nil {
		a.publish(merged)
	}
	a.next(k)
}

func (a *asyncRun) died() {}

// goOn asks a policy that observes iterations whether round r goes on. (The asynchronous
// schedule does not consult a Reviser: no cycle couples the learners' rounds.)
func (a *asyncRun) goOn(r *round) bool { return askGoOn(a.s, r, r.cycle) }

// arrive hands learner k's model to the aggregator.
func (a *asyncRun) arrive(k int, r *round) []aggregate.Contribution {
	ln := a.s.learn
	st := &a.ls[k]
	u := aggregate.Update{Learner: k, Weight: float64(r.n), Version: st.rec.Version, Staleness: st.rec.Staleness}
	global := ln.global
	if ln.skip {
		global = nil
	} else {
		u.Model, u.Base = ln.models[k], st.base
	}
	return a.agg.Add(global, u)
}

// publish records a new global model version.
func (a *asyncRun) publish(merged []aggregate.Contribution) {
	s := a.s
	a.version++
	s.sum.Aggregations++
	now := s.now()
	s.more.aggregation(AggregationRecord{Time: now, Version: a.version, Merged: merged})
	parts := make([]string, len(merged))
	for i, c := range merged {
		parts[i] = fmt.Sprintf("%d (staleness %d, weight %.4g)", c.Learner, c.Staleness, c.Weight)
	}
	s.rec.event(Event{Time: now, Kind: EvAggregate, Cycle: a.version, Learner: Orchestrator,
		Note: fmt.Sprintf("version %d: merged %s", a.version, strings.Join(parts, ", "))})
	if lim := s.cfg.Async.Aggregations; lim > 0 && a.version >= lim {
		a.end(ReasonAggregations)
	}
}

// cutRound stops learner k's round at its budget T: its work is discarded.
func (a *asyncRun) cutRound(k int) {
	st := &a.ls[k]
	if st.r == nil || st.r.done {
		return
	}
	st.r.cut()
	a.endRound(k)
	a.next(k)
}

// endRound closes learner k's round: its training run is waited for (so that its model
// buffer can be reused), its base returned, its row written and its slot freed.
func (a *asyncRun) endRound(k int) {
	st := &a.ls[k]
	r, rec := st.r, st.rec
	if r.run != nil {
		r.run.Wait()
	}
	a.s.learn.release(k)
	if st.base != nil {
		a.bases = append(a.bases, st.base)
		st.base = nil
	}
	rec.End = a.s.now()
	rec.BatteryJ = r.l.bat.Level()
	a.energy += rec.EnergyJ
	rec.SamplesTrained = int64(rec.TauDone) * int64(a.s.world.touched(r.n))
	a.samples += rec.SamplesTrained
	a.s.more.round(*rec)
	st.r, st.rec = nil, nil
	a.busy--
}

// next lets learner k ask for its next round and hands its slot on; it ends the run when no
// learner is left.
func (a *asyncRun) next(k int) {
	if a.ended {
		return
	}
	if !a.s.world.learners[k].dead {
		a.request(k)
	}
	a.dispatch()
	for _, l := range a.s.world.learners {
		if !l.dead {
			return
		}
	}
	a.end(reasonAllDead)
}

// end stops the run: rounds in progress are abandoned, the global model is evaluated a last
// time.
func (a *asyncRun) end(reason string) {
	if a.ended {
		return
	}
	a.ended = true
	s := a.s
	for k := range a.ls {
		st := &a.ls[k]
		r := st.r
		if r == nil || r.done {
			continue
		}
		s.k.Cancel(st.cut)
		s.k.Cancel(r.ev)
		r.closePhase(true)
		r.done = true
		r.rec.Outcome = Unfinished
		r.stopWork()
		a.endRound(k)
	}
	s.sum.SamplesTrained = a.samples
	s.evaluateNow()
	s.finish(reason)
}

// abandon stops the training in flight and waits for it, so that no goroutine works for the
// system after Run returns.
func (a *asyncRun) abandon() {
	if a == nil {
		return
	}
	for _, st := range a.ls {
		if r := st.r; r != nil && r.run != nil {
			r.run.Stop()
			r.run.Wait()
		}
	}
}

// inFlight calls f for every round in progress.
func (a *asyncRun) inFlight(f func(r *round)) {
	for _, st := range a.ls {
		if st.r != nil {
			f(st.r)
		}
	}
}
