package mlcore

import (
	"fmt"
	"math"
)

// Accumulator is the streaming form of Average: it adds models one at a time to a float64
// running sum, so that a weighted average of any number of models needs one model at a
// time instead of all of them at once. Given the same models and weights in the same order,
// Store writes exactly the parameters Average would: both normalise a weight by the total
// in float64 and add w·x parameter by parameter with the same arithmetic, starting from zero.
//
// An Accumulator holds 8 bytes per model parameter. It is not safe for concurrent use.
type Accumulator struct {
	sizes []int
	sum   []float64
	total float64
	added bool
}

// NewAccumulator returns an accumulator for models shaped like m.
func NewAccumulator(m *MLP) *Accumulator {
	return &Accumulator{sizes: m.Sizes(), sum: make([]float64, m.NumParams())}
}

// Reset starts a new average whose weights add up to total, the Σ w_k that Average would
// compute over the same weights (in their order). Panics if total is not finite and > 0.
func (a *Accumulator) Reset(total float64) {
	if !(total > 0) || math.IsInf(total, 1) {
		panic(fmt.Sprintf("mlcore: Accumulator.Reset: total %g; want finite and > 0", total))
	}
	clear(a.sum)
	a.total, a.added = total, false
}

// Add adds m with weight w (not yet normalised) to the sum; a weight of 0 adds nothing, as in
// Average. It costs one multiply-add per parameter. Panics if w is negative or not finite,
// m's sizes differ from the accumulator's, or Reset was not called.
func (a *Accumulator) Add(m *MLP, w float64) {
	if !(w >= 0) || math.IsInf(w, 0) {
		panic(fmt.Sprintf("mlcore: Accumulator.Add: weight %g; want finite and >= 0", w))
	}
	if !equalInts(a.sizes, m.sizes) {
		panic(fmt.Sprintf("mlcore: Accumulator.Add: layer sizes %v and %v differ", a.sizes, m.sizes))
	}
	if a.total == 0 {
		panic("mlcore: Accumulator.Add before Reset")
	}
	if w == 0 {
		return
	}
	addScaled(a.sum, w/a.total, m.params)
	a.added = true
}

// Store writes the average into dst, rounded to float32. Panics if dst's sizes differ or no
// model with a positive weight was added (Average panics when all weights are zero).
func (a *Accumulator) Store(dst *MLP) {
	if !equalInts(a.sizes, dst.sizes) {
		panic(fmt.Sprintf("mlcore: Accumulator.Store: layer sizes %v and %v differ", a.sizes, dst.sizes))
	}
	if !a.added {
		panic("mlcore: Accumulator.Store: no model with a positive weight was added")
	}
	for i, v := range a.sum {
		dst.params[i] = float32(v)
	}
}

// addScaled adds w·x to a, element by element in float64. Average and Accumulator share it so
// that they round alike.
func addScaled(a []float64, w float64, x []float32) {
	a = a[:len(x)]
	for i, v := range x {
		a[i] += w * float64(v)
	}
}
