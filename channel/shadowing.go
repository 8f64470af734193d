package channel

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Stream identifiers keep the random streams of different process kinds
// apart even when a caller hands them the same seed.
const (
	streamShadowing uint64 = 0x5348_4144_4f57 // "SHADOW"
	streamOnOff     uint64 = 0x4f4e_4f46_46   // "ONOFF"
)

// Shadowing is log-normal shadowing: an extra loss X ~ N(0, σ²) in dB that
// is redrawn at the start of every coherence interval and held constant
// within it. Interval i covers [i·Tc, (i+1)·Tc).
//
// The draw of interval i is a pure function of (seed, i), computed on demand
// from its own generator, so a Shadowing uses O(1) memory and can be queried
// at any time in any order. A Shadowing caches its last draw and is not safe
// for concurrent use.
type Shadowing struct {
	sigma     float64
	coherence float64
	seed      uint64

	// Cache of the most recently drawn interval.
	cached    bool
	lastIndex float64
	lastValue DB
}

// NewShadowing returns shadowing with standard deviation sigmaDB decibels,
// redrawn every coherenceS seconds from the stream given by seed. A sigma of
// zero means no shadowing (At is always 0 and NextChange is +Inf); a
// coherence of +Inf means a single draw for all time. It returns an error if
// sigmaDB is negative or not finite, or if sigmaDB > 0 and coherenceS is not
// positive.
func NewShadowing(sigmaDB DB, coherenceS float64, seed uint64) (*Shadowing, error) {
	s := float64(sigmaDB)
	if !(s >= 0) || math.IsInf(s, 0) {
		return nil, fmt.Errorf("channel: shadowing sigma must be finite and >= 0, got %v dB", s)
	}
	if s > 0 && !(coherenceS > 0) {
		return nil, fmt.Errorf("channel: shadowing coherence must be > 0 s, got %v", coherenceS)
	}
	return &Shadowing{sigma: s, coherence: coherenceS, seed: seed}, nil
}

// Sigma returns the standard deviation of the shadowing in dB.
func (s *Shadowing) Sigma() DB { return DB(s.sigma) }

// Coherence returns the coherence interval in seconds.
func (s *Shadowing) Coherence() float64 { return s.coherence }

// At returns the shadowing loss in dB at time t seconds (positive values
// weaken the link). A nil *Shadowing means no shadowing and returns 0.
func (s *Shadowing) At(t float64) DB {
	if s == nil || s.sigma == 0 {
		return 0
	}
	i := gridIndex(t, s.coherence)
	if s.cached && s.lastIndex == i {
		return s.lastValue
	}
	key := mix(s.seed, uint64(int64(i)))
	v := DB(s.sigma * rand.New(rand.NewPCG(key, streamShadowing)).NormFloat64())
	s.cached, s.lastIndex, s.lastValue = true, i, v
	return v
}

// NextChange returns the first coherence boundary strictly after t seconds,
// or +Inf if the shadowing never changes (nil, sigma zero or infinite
// coherence).
func (s *Shadowing) NextChange(t float64) float64 {
	if s == nil || s.sigma == 0 {
		return math.Inf(1)
	}
	return gridNext(t, s.coherence)
}

// gridIndex returns i such that i·step <= t < (i+1)·step, with the products
// computed in float64 exactly as gridNext computes them, so that a boundary
// returned by gridNext always starts the next interval. An infinite step
// gives a single interval 0.
func gridIndex(t, step float64) float64 {
	if math.IsInf(step, 1) {
		return 0
	}
	i := math.Floor(t / step)
	for i*step > t {
		i--
	}
	for (i+1)*step <= t {
		i++
	}
	return i
}

// gridNext returns the first grid point (i+1)·step strictly after t, or +Inf
// for an infinite step.
func gridNext(t, step float64) float64 {
	if math.IsInf(step, 1) {
		return math.Inf(1)
	}
	return (gridIndex(t, step) + 1) * step
}

// mix hashes a seed and an index into a well-spread 64-bit key (the
// SplitMix64 finaliser), so that neighbouring indices give unrelated
// generators.
func mix(seed, i uint64) uint64 {
	z := seed + 0x9e3779b97f4a7c15*(i+1)
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
