package mel

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/sim"
)

// round is one learner's work given by a plan: download the model (and its samples in PL
// mode), tau local iterations, upload the model. Every phase is a kernel event over the
// learner's time-varying link and CPU; energy is drawn from the battery as it is spent, and a
// battery that empties stops the learner at that instant. The round tells its owner (the
// cycle) when it has ended: arrived, cut short, or dead.
type round struct {
	s     *System
	owner roundOwner
	l     *learner
	rec   *LearnerRecord
	cycle int     // the cycle number shown in records
	until float64 // nothing after this instant can count (the deadline, with its slack)
	row   int     // the learner's row in the cycle's Problem
	t0    float64 // the start of its cycle (of the round itself, asynchronously): its deadline is t0 + T
	tau   int     // local iterations to do: the plan's, or a reactive policy's revision
	n     int     // samples actually trained (FL: min(d_k, local data))
	run   *mlcore.Run
	// With a reactive policy in the asynchronous schedule the number of iterations is known
	// only as they complete, so the real training goes in lock step: one epoch is queued at
	// a time (lockstep), and epoch0 counts the epochs of the runs before the current one.
	lockstep bool
	epoch0   int
	idx      []int      // the samples: trained at the cycle's end (streamed), or on the pool
	rng      *rand.Rand // asynchronous: the round's training stream
	loss     []float64  // streamed: the iterations' training losses, filled at the cycle's end
	phase    EventKind  // the phase in progress
	start    float64    // when it started
	iter     int        // compute: 1-based iteration in progress
	power    float64    // watts drawn from the battery during the phase
	bits     float64    // transfer: bits to move
	ev       sim.Handle
	done     bool // arrived, late or dead
}

// roundOwner is told when a round ends (arrived on time, or died) and asked, after each
// completed iteration with more to do, whether the round goes on.
type roundOwner interface {
	roundDone(r *round)
	died()
	goOn(r *round) bool
}

// begin starts the round's downlink of bits at the current time.
func (r *round) begin(down float64) { r.beginTransfer(EvDownlink, down, 0) }

// beginTransfer starts a downlink or uplink of bits at the current time. The uplink draws
// power while the link is up; the downlink costs the learner nothing (DESIGN.md: the
// orchestrator's energy is not counted). A transfer that cannot finish within the link's
// horizon gets no end event: the deadline cuts it.
func (r *round) beginTransfer(kind EventKind, bits, power float64) {
	now := r.s.now()
	r.phase, r.start, r.bits, r.power = kind, now, bits, power
	finish, err := r.l.link.Transfer(now, bits)
	if err != nil {
		finish = math.Inf(1)
	}
	if power > 0 && !r.l.bat.Mains() {
		if t, ok := r.transmitEmpty(now, math.Min(finish, r.until)); ok {
			r.ev = r.s.k.ScheduleAt(sim.Time(t), r.die)
			return
		}
	}
	if !math.IsInf(finish, 1) {
		r.ev = r.s.k.ScheduleAt(sim.Time(finish), r.endTransfer)
	}
}

// transmitEmpty returns the instant before limit at which the battery empties when it
// transmits at r.power from time from on, drawing only while the link is up.
func (r *round) transmitEmpty(from, limit float64) (float64, bool) {
	need := r.l.bat.TimeToEmpty(r.power) // seconds of transmission the battery can pay for
	o := r.l.link.Outage
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

func (r *round) beginCompute(iter int) {
	now := r.s.now()
	r.phase, r.start, r.iter, r.power = EvCompute, now, iter, r.l.cpu.Power()
	end := now + r.l.cpu.IterTime(r.s.world.touched(r.n), r.s.world.cm)
	if !r.l.bat.Mains() {
		if t := now + r.l.bat.TimeToEmpty(r.power); t < end {
			r.ev = r.s.k.ScheduleAt(sim.Time(t), r.die)
			return
		}
	}
	r.ev = r.s.k.ScheduleAt(sim.Time(end), r.endCompute)
}

// closePhase ends the phase in progress at the current time: it draws the phase's energy,
// adds its duration to the learner's record and reports the span.
func (r *round) closePhase(cut bool) {
	now := r.s.now()
	dur := now - r.start
	var energy float64
	switch r.phase {
	case EvCompute:
		energy = r.power * dur
	case EvUplink:
		energy = r.power * upTime(r.l, r.start, now)
	}
	if energy > 0 {
		energy, _ = r.l.bat.Draw(energy)
	}
	r.rec.EnergyJ += energy
	e := Event{Time: r.start, Dur: dur, Kind: r.phase, Cycle: r.cycle, Learner: r.l.id,
		EnergyJ: energy, Cut: cut, Loss: nan}
	switch r.phase {
	case EvDownlink:
		r.rec.Down += dur
	case EvUplink:
		r.rec.Up += dur
	case EvCompute:
		r.rec.Compute += dur
		e.Iter = r.iter
	}
	if r.phase != EvCompute {
		e.Bits = r.bits
		if cut {
			e.Bits, _ = r.l.link.Bits(r.start, now)
		}
	} else if !cut && r.run != nil {
		// The epoch this event completes must be done before the simulation goes on.
		if loss, ok := r.run.WaitEpoch(r.iter - 1 - r.epoch0); ok {
			e.Loss = loss
			r.rec.TrainLoss = loss
		}
	} else if !cut && r.loss != nil {
		// Trained at the cycle's end: the event waits there for its loss.
		r.s.rec.eventPending(e, &r.loss[r.iter-1])
		return
	}
	r.s.rec.event(e)
}

func (r *round) endTransfer() {
	r.closePhase(false)
	if r.phase == EvDownlink {
		r.beginCompute(1)
		return
	}
	r.rec.Outcome = OnTime
	r.finish()
}

func (r *round) endCompute() {
	r.closePhase(false)
	r.rec.TauDone++
	if r.iter < r.tau && r.owner.goOn(r) {
		if r.lockstep && r.run != nil {
			r.run.Wait()
			r.epoch0 = r.iter
			r.run = r.s.learn.resume(r.l.id, r.idx, r.rng, 1)
		}
		r.beginCompute(r.iter + 1)
		return
	}
	if r.s.failure != nil {
		return
	}
	r.beginTransfer(EvUplink, r.s.world.modelBits, r.l.txW)
}

// die stops a learner whose battery has just emptied.
func (r *round) die() {
	r.closePhase(true)
	if lvl := r.l.bat.Level(); lvl > 0 { // rounding: the computed instant drew a hair less
		got, _ := r.l.bat.Draw(lvl)
		r.rec.EnergyJ += got
	}
	r.l.dead = true
	r.rec.Outcome = Dead
	r.owner.died()
	r.s.rec.event(Event{Time: r.s.now(), Kind: EvDied, Cycle: r.cycle, Learner: r.l.id,
		Note: fmt.Sprintf("battery empty during %s", r.phase)})
	r.stopWork()
	r.finish()
}

// cut ends the round at the current time, still busy: the deadline has come.
func (r *round) cut() {
	r.s.k.Cancel(r.ev)
	r.closePhase(true)
	r.rec.Outcome = Late
	r.done = true
	r.s.rec.event(Event{Time: r.s.now(), Kind: EvDeadline, Cycle: r.cycle, Learner: r.l.id,
		Note: fmt.Sprintf("still in %s at the deadline", r.phase)})
	r.stopWork()
}

// stopWork abandons the learner's training run.
func (r *round) stopWork() {
	if r.run != nil {
		r.run.Stop()
	}
}

// finish marks the round done and tells its owner.
func (r *round) finish() {
	r.done = true
	r.owner.roundDone(r)
}
