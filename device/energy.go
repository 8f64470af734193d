package device

import (
	"fmt"
	"math"
)

// CPU is a learner's processor under the dynamic-power model: one cycle at
// frequency f costs κ·f² joules, so running flat out draws κ·f³ watts.
type CPU struct {
	// FreqHz is the clock frequency f in hertz.
	FreqHz float64
	// Kappa is the switched capacitance κ in J/(cycle·Hz²).
	Kappa float64
}

// Validate returns an error naming the first invalid field: FreqHz must be
// finite and positive, Kappa finite and non-negative.
func (c CPU) Validate() error {
	if !(c.FreqHz > 0) || math.IsInf(c.FreqHz, 0) {
		return fmt.Errorf("device: CPU.FreqHz must be finite and > 0, got %v", c.FreqHz)
	}
	if !(c.Kappa >= 0) || math.IsInf(c.Kappa, 0) {
		return fmt.Errorf("device: CPU.Kappa must be finite and >= 0, got %v", c.Kappa)
	}
	return nil
}

// IterTime returns the time in seconds of one local iteration (one epoch)
// over samples samples at cyclesPerSample cycles each: d·C_m/f.
func (c CPU) IterTime(samples int, cyclesPerSample float64) float64 {
	return float64(samples) * cyclesPerSample / c.FreqHz
}

// IterEnergy returns the energy in joules of one local iteration over
// samples samples at cyclesPerSample cycles each: κ·d·C_m·f².
func (c CPU) IterEnergy(samples int, cyclesPerSample float64) float64 {
	return c.Kappa * float64(samples) * cyclesPerSample * c.FreqHz * c.FreqHz
}

// Power returns the power in watts drawn while computing, κ·f³; it equals
// IterEnergy/IterTime for any workload, so a battery can be drained at this
// constant power while an iteration runs.
func (c CPU) Power() float64 {
	return c.Kappa * c.FreqHz * c.FreqHz * c.FreqHz
}

// Battery is an energy store with a capacity and a level in joules. An
// infinite capacity stands for a mains-powered learner whose level never
// drops. The level never goes negative, and a battery that has emptied
// delivers nothing more.
type Battery struct {
	capacity float64
	level    float64
}

// NewBattery returns a full battery of capacityJ joules, or +Inf for mains
// power. It returns an error if the capacity is not positive.
func NewBattery(capacityJ float64) (*Battery, error) {
	if !(capacityJ > 0) {
		return nil, fmt.Errorf("device: battery capacity must be > 0 J, got %v", capacityJ)
	}
	return &Battery{capacity: capacityJ, level: capacityJ}, nil
}

// Capacity returns the capacity in joules (+Inf for mains power).
func (b *Battery) Capacity() float64 { return b.capacity }

// Level returns the energy left in joules (+Inf for mains power).
func (b *Battery) Level() float64 { return b.level }

// Mains reports whether the battery stands for mains power.
func (b *Battery) Mains() bool { return math.IsInf(b.capacity, 1) }

// Empty reports whether the battery has no energy left.
func (b *Battery) Empty() bool { return b.level <= 0 }

// Draw takes up to joules joules from the battery and returns how much it
// delivered, which is less than asked when the battery runs out. emptied
// reports whether the battery is empty after the call, including when it
// already was (then drawn is 0). Draw panics if joules is negative or NaN.
func (b *Battery) Draw(joules float64) (drawn float64, emptied bool) {
	if !(joules >= 0) {
		panic(fmt.Sprintf("device: Battery.Draw: energy must be >= 0 J, got %v", joules))
	}
	if b.Mains() {
		return joules, false
	}
	if joules >= b.level {
		drawn, b.level = b.level, 0
		return drawn, true
	}
	b.level -= joules
	return joules, false
}

// TimeToEmpty returns the time in seconds after which drawing powerW watts
// empties the battery: level/power, +Inf for mains power or zero power, 0
// for an empty battery. It panics if powerW is negative or NaN.
func (b *Battery) TimeToEmpty(powerW float64) float64 {
	if !(powerW >= 0) {
		panic(fmt.Sprintf("device: Battery.TimeToEmpty: power must be >= 0 W, got %v", powerW))
	}
	switch {
	case b.Empty():
		return 0
	case b.Mains() || powerW == 0:
		return math.Inf(1)
	}
	return b.level / powerW
}

// Drain draws powerW watts for durationS seconds. If the battery lasts,
// it returns (durationS, false). If it empties first, it returns the exact
// elapsed time level/power at which it emptied, in [0, durationS], and
// true; an already empty battery returns (0, true). Drain panics if powerW
// or durationS is negative or NaN, or if powerW is infinite.
func (b *Battery) Drain(powerW, durationS float64) (emptyAfter float64, emptied bool) {
	if !(powerW >= 0) || math.IsInf(powerW, 1) {
		panic(fmt.Sprintf("device: Battery.Drain: power must be finite and >= 0 W, got %v", powerW))
	}
	if !(durationS >= 0) {
		panic(fmt.Sprintf("device: Battery.Drain: duration must be >= 0 s, got %v", durationS))
	}
	if b.Empty() {
		return 0, true
	}
	if b.Mains() || powerW == 0 {
		return durationS, false
	}
	left := b.level / powerW
	if left <= durationS {
		b.level = 0
		return left, true
	}
	// The energy is below the level, so the level stays positive.
	b.level -= powerW * durationS
	if b.level <= 0 {
		// Rounding: durationS < level/power yet power·durationS >= level.
		b.level = 0
		return durationS, true
	}
	return durationS, false
}
