package mel

import (
	"fmt"
	"math"

	"github.com/mel-des/mel-des/sim"
)

// start begins a run at time 0: the evaluation clock, if any, then the schedule.
func (s *System) start() {
	if s.cfg.evalEvery() > 0 {
		s.scheduleTick(0)
	}
	if s.cfg.async() {
		s.startAsync()
		return
	}
	s.startCycle()
}

// scheduleTick arms the n-th tick of the evaluation clock, at n·Δt (computed, not summed,
// so that the ticks do not drift); tick 0 evaluates the initial model. In the asynchronous schedule the last tick comes before
// the horizon, where the run's end evaluates anyway.
func (s *System) scheduleTick(n int) {
	t := float64(n) * s.cfg.evalEvery()
	if s.cfg.async() && t >= s.cfg.horizon() {
		return
	}
	s.k.ScheduleAt(sim.Time(t), func() {
		s.evaluateNow()
		s.scheduleTick(n + 1)
	})
}

// evaluateNow evaluates the global model and records it with the energy and samples spent so
// far. A second evaluation at the same time of the same version is skipped.
func (s *System) evaluateNow() {
	now := s.now()
	v := s.version()
	if n := len(s.sum.Evals); n > 0 && s.sum.Evals[n-1].Time == now && s.sum.Evals[n-1].Version == v {
		return
	}
	loss, acc := s.learn.evaluate()
	e := EvalRecord{Time: now, Version: v, Accuracy: acc, Loss: loss, EnergyJ: s.energySoFar(),
		SamplesTrained: s.samplesSoFar(), Alive: s.alive()}
	s.sum.Evals = append(s.sum.Evals, e)
	s.more.eval(e)
	s.rec.event(Event{Time: now, Kind: EvEval, Cycle: v, Learner: Orchestrator, Loss: loss, Acc: acc,
		Note: fmt.Sprintf("%.6g J drawn so far", e.EnergyJ)})
}

// version returns the global model versions published so far: cycles ended, or
// aggregations.
func (s *System) version() int {
	if s.as != nil {
		return s.as.version
	}
	return len(s.sum.Cycles)
}

// rounds calls f for every round in progress.
func (s *System) rounds(f func(r *round)) {
	if s.as != nil {
		s.as.inFlight(f)
		return
	}
	if c := s.cyc; c != nil && !c.ended {
		for _, r := range c.rounds {
			if r != nil {
				f(r)
			}
		}
	}
}

// energySoFar returns the energy drawn by every learner since the start, including the part
// of the phases in progress.
func (s *System) energySoFar() float64 {
	var e float64
	if s.as != nil {
		e = s.as.energy
	} else {
		for _, c := range s.sum.Cycles {
			e += c.EnergyJ
		}
	}
	now := s.now()
	s.rounds(func(r *round) { e += r.rec.EnergyJ + r.drawing(now) })
	return e
}

// samplesSoFar returns Σ local iterations × samples completed since the start.
func (s *System) samplesSoFar() int64 {
	n := s.sum.SamplesTrained
	if s.as != nil {
		n = s.as.samples
	}
	s.rounds(func(r *round) { n += int64(r.rec.TauDone) * int64(r.n) })
	return n
}

// alive returns the number of learners with charge left.
func (s *System) alive() int {
	n := 0
	for _, l := range s.world.learners {
		if !l.dead {
			n++
		}
	}
	return n
}

// drawing returns the energy the phase in progress has drawn by now, which closePhase will
// take from the battery when the phase ends: computing draws all the time, an upload while
// the link is up, a download nothing.
func (r *round) drawing(now float64) float64 {
	if r.done {
		return 0
	}
	var e float64
	switch r.phase {
	case EvCompute:
		e = r.power * (now - r.start)
	case EvUplink:
		e = r.power * upTime(r.l, r.start, now)
	}
	return math.Min(e, r.l.bat.Level())
}

// abandon stops the training of the cycle or rounds in progress and waits for it.
func (s *System) abandon() {
	s.cyc.abandon()
	s.as.abandon()
}
