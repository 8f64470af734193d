package channel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// Outage is a process that takes the link down for some periods of time.
// Its state is piecewise constant on half-open intervals [a, b).
type Outage interface {
	// Up reports whether the link is up at time t seconds.
	Up(t float64) bool
	// NextChange returns the end, in seconds, of the interval of constant
	// state that contains t: the first time strictly after t at which Up
	// may change. It returns +Inf if the state never changes after t.
	NextChange(t float64) float64
}

var (
	_ Outage = (*Scheduled)(nil)
	_ Outage = (*RandomOnOff)(nil)
	_ Outage = Union(nil)
)

// Interval is a down period [Start, Start+Duration) in seconds.
type Interval struct {
	// Start is when the link goes down, in seconds.
	Start float64
	// Duration is how long it stays down, in seconds; +Inf means forever.
	Duration float64
}

// Scheduled is an outage process given by a fixed list of down intervals.
type Scheduled struct {
	// starts and ends are the merged, sorted, disjoint and non-adjacent
	// down intervals [starts[i], ends[i]).
	starts, ends []float64
}

// NewScheduled returns an outage process that is down exactly on the union
// of the given intervals. Overlapping or touching intervals are merged; the
// input order does not matter and the slice is not retained. It returns an
// error naming the interval if a start is not finite or a duration is not
// positive.
func NewScheduled(down []Interval) (*Scheduled, error) {
	iv := make([]Interval, len(down))
	for i, d := range down {
		if math.IsNaN(d.Start) || math.IsInf(d.Start, 0) {
			return nil, fmt.Errorf("channel: outage interval %d: start must be finite, got %v", i, d.Start)
		}
		if !(d.Duration > 0) {
			return nil, fmt.Errorf("channel: outage interval %d: duration must be > 0 s, got %v", i, d.Duration)
		}
		iv[i] = d
	}
	sort.SliceStable(iv, func(a, b int) bool { return iv[a].Start < iv[b].Start })
	s := &Scheduled{}
	for _, d := range iv {
		end := d.Start + d.Duration
		if n := len(s.ends); n > 0 && d.Start <= s.ends[n-1] {
			s.ends[n-1] = math.Max(s.ends[n-1], end)
			continue
		}
		s.starts = append(s.starts, d.Start)
		s.ends = append(s.ends, end)
	}
	return s, nil
}

// Intervals returns the merged down intervals in increasing order.
func (s *Scheduled) Intervals() []Interval {
	out := make([]Interval, len(s.starts))
	for i := range s.starts {
		out[i] = Interval{Start: s.starts[i], Duration: s.ends[i] - s.starts[i]}
	}
	return out
}

// Up reports whether the link is up at time t seconds. It costs
// O(log n) for n intervals.
func (s *Scheduled) Up(t float64) bool {
	i := s.last(t)
	return i < 0 || t >= s.ends[i]
}

// NextChange returns the first time after t seconds at which the state
// changes, or +Inf if it never does. It costs O(log n) for n intervals.
func (s *Scheduled) NextChange(t float64) float64 {
	i := s.last(t)
	if i >= 0 && t < s.ends[i] {
		return s.ends[i]
	}
	if i+1 < len(s.starts) {
		return s.starts[i+1]
	}
	return math.Inf(1)
}

// last returns the index of the last interval starting at or before t, or
// -1 if there is none.
func (s *Scheduled) last(t float64) int {
	return sort.Search(len(s.starts), func(i int) bool { return s.starts[i] > t }) - 1
}

// OnOffStart selects the state of a [RandomOnOff] process at time 0.
type OnOffStart int

const (
	// StartUp starts the process up at time 0.
	StartUp OnOffStart = iota
	// StartDown starts the process down at time 0.
	StartDown
	// StartStationary draws the state at time 0 from the long-run
	// distribution, up with probability meanUp/(meanUp+meanDown); by the
	// memorylessness of exponential times the process is then stationary.
	StartStationary
)

// OnOff configures a learner's random link outages: the link alternates between up and down
// periods with exponentially distributed lengths of the given means, in seconds. It is what a
// scenario's [learners.outages] table decodes into.
type OnOff struct {
	MeanUp   float64 // mean time the link stays up, s (> 0)
	MeanDown float64 // mean time the link stays down, s (> 0)
}

// New returns the process, stationary from time 0, drawing from the stream seed. Errors
// are those of NewRandomOnOff.
func (o OnOff) New(seed uint64) (*RandomOnOff, error) {
	return NewRandomOnOff(o.MeanUp, o.MeanDown, StartStationary, seed)
}

// RandomOnOff is an alternating renewal process with exponentially
// distributed up and down times. Times before 0 are treated as time 0.
//
// The realisation is generated forward lazily from its seed and cached, so
// the state at t is a pure function of (seed, t) whatever the order of
// queries. Memory and the cost of the first query at t grow with the number
// of changes before t, about t/(meanUp+meanDown)·2. A RandomOnOff is not safe
// for concurrent use.
type RandomOnOff struct {
	meanUp, meanDown float64
	upAt0            bool
	rng              *rand.Rand
	// changes holds the strictly increasing times at which the state
	// flips; the state on [changes[i-1], changes[i]) is upAt0 xor (i odd).
	changes []float64
}

// NewRandomOnOff returns a random on/off process with mean up time meanUpS
// and mean down time meanDownS, in seconds, starting as selected by start and
// drawing from the stream given by seed. It returns an error if a mean is not
// positive and finite or start is unknown.
func NewRandomOnOff(meanUpS, meanDownS float64, start OnOffStart, seed uint64) (*RandomOnOff, error) {
	if !(meanUpS > 0) || math.IsInf(meanUpS, 0) {
		return nil, fmt.Errorf("channel: random on/off mean up time must be finite and > 0 s, got %v", meanUpS)
	}
	if !(meanDownS > 0) || math.IsInf(meanDownS, 0) {
		return nil, fmt.Errorf("channel: random on/off mean down time must be finite and > 0 s, got %v", meanDownS)
	}
	o := &RandomOnOff{
		meanUp:   meanUpS,
		meanDown: meanDownS,
		rng:      rand.New(rand.NewPCG(seed, streamOnOff)),
	}
	switch start {
	case StartUp:
		o.upAt0 = true
	case StartDown:
		o.upAt0 = false
	case StartStationary:
		o.upAt0 = o.rng.Float64() < meanUpS/(meanUpS+meanDownS)
	default:
		return nil, fmt.Errorf("channel: random on/off start must be StartUp, StartDown or StartStationary, got %d", start)
	}
	return o, nil
}

// Up reports whether the link is up at time t seconds. Like NextChange, it
// panics if t is NaN or +Inf, which would need an infinite realisation.
func (o *RandomOnOff) Up(t float64) bool {
	return o.upAt0 != (o.index(t)%2 == 1)
}

// NextChange returns the first time strictly after t seconds at which the
// state flips. It is always finite.
func (o *RandomOnOff) NextChange(t float64) float64 {
	return o.changes[o.index(t)]
}

// index extends the realisation past t and returns the number of changes at
// or before t; changes[index] is then the next change after t.
func (o *RandomOnOff) index(t float64) int {
	if math.IsNaN(t) || math.IsInf(t, 1) {
		panic(fmt.Sprintf("channel: RandomOnOff: time must not be NaN or +Inf, got %v", t))
	}
	for len(o.changes) == 0 || o.changes[len(o.changes)-1] <= t {
		last := 0.0
		if n := len(o.changes); n > 0 {
			last = o.changes[n-1]
		}
		mean := o.meanDown
		if o.upAt0 == (len(o.changes)%2 == 0) {
			mean = o.meanUp
		}
		next := last + mean*o.rng.ExpFloat64()
		if next <= last {
			// A draw too small to move the clock still counts as a change.
			next = math.Nextafter(last, math.Inf(1))
		}
		o.changes = append(o.changes, next)
	}
	return sort.Search(len(o.changes), func(i int) bool { return o.changes[i] > t })
}

// Union is an outage process that is down whenever any of its members is
// down. Nil members are ignored; an empty Union is always up.
type Union []Outage

// Up reports whether every member is up at time t seconds.
func (u Union) Up(t float64) bool {
	for _, o := range u {
		if o != nil && !o.Up(t) {
			return false
		}
	}
	return true
}

// NextChange returns the first time strictly after t seconds at which the
// union's state changes, or +Inf if it never does. While the union is down it
// steps through the members' changes until all are up at once, so its cost
// grows with the number of member changes during the down period.
func (u Union) NextChange(t float64) float64 {
	if u.Up(t) {
		next := math.Inf(1)
		for _, o := range u {
			if o != nil {
				next = math.Min(next, o.NextChange(t))
			}
		}
		return next
	}
	s := t
	for {
		// Every member down at s stays down until at least its next change.
		next := s
		for _, o := range u {
			if o != nil && !o.Up(s) {
				next = math.Max(next, o.NextChange(s))
			}
		}
		if math.IsInf(next, 1) || u.Up(next) {
			return next
		}
		s = next
	}
}
