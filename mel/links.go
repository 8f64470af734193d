package mel

import (
	"math"

	"github.com/mel-des/mel-des/policy"
	"github.com/mel-des/mel-des/sim"
)

// Link outages as events: every learner whose link has an outage process gets a kernel event
// at each change of its link's state, for the whole run. A down period becomes a link-down
// span on the learner's track in the trace (reported when the link comes back, or cut when
// the run ends first), so that Perfetto shows when each learner was unreachable, and a
// reactive policy (policy.Reviser) is told of each change while a cycle runs. The events
// change nothing themselves: transfers already integrate the outages through channel.Link.

// watchLinks arms the first link change of every learner with outages.
func (s *System) watchLinks() {
	s.downSince = make([]float64, len(s.world.learners))
	for k, l := range s.world.learners {
		s.downSince[k] = math.NaN()
		o := l.link.Outage
		if o == nil {
			continue
		}
		if !o.Up(0) {
			s.downSince[k] = 0
		}
		s.nextLinkChange(k, 0)
	}
}

// nextLinkChange schedules learner k's next link change after time t, if any.
func (s *System) nextLinkChange(k int, t float64) {
	next := s.world.learners[k].link.Outage.NextChange(t)
	if math.IsInf(next, 1) {
		return
	}
	s.k.ScheduleAt(sim.Time(next), func() { s.linkChange(k) })
}

// linkChange handles a possible change of learner k's link state at the current time.
func (s *System) linkChange(k int) {
	now := s.now()
	up := s.world.learners[k].link.Outage.Up(now)
	down := !math.IsNaN(s.downSince[k])
	switch {
	case up && down:
		s.rec.event(Event{Time: s.downSince[k], Dur: now - s.downSince[k], Kind: EvLinkDown, Cycle: s.ncyc, Learner: k})
		s.downSince[k] = math.NaN()
		s.cyc.change(policy.LinkUp, k)
	case !up && !down:
		s.downSince[k] = now
		s.cyc.change(policy.LinkDown, k)
	}
	s.nextLinkChange(k, now)
}

// closeLinks reports the down periods still open when the run ends, cut.
func (s *System) closeLinks() {
	now := s.now()
	for k, since := range s.downSince {
		if !math.IsNaN(since) {
			s.rec.event(Event{Time: since, Dur: now - since, Kind: EvLinkDown, Cycle: s.ncyc, Learner: k, Cut: true})
			s.downSince[k] = math.NaN()
		}
	}
}
