package mlcore

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestAccumulatorMatchesAverage adds random models one by one, with random weights (some
// zero), and requires the very bits Average gives for the same models and weights.
func TestAccumulatorMatchesAverage(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	sizes := []int{37, 23, 11, 5}
	for trial := range 50 {
		n := 1 + rng.IntN(30)
		models := make([]*MLP, n)
		weights := make([]float64, n)
		total := 0.0
		for k := range models {
			models[k] = NewMLP(sizes, rng.Uint64())
			if rng.IntN(5) > 0 || k == 0 {
				weights[k] = float64(1 + rng.IntN(5000))
			}
			total += weights[k]
		}
		want := NewMLP(sizes, 0)
		Average(want, models, weights)
		acc := NewAccumulator(want)
		acc.Reset(total)
		for k, m := range models {
			acc.Add(m, weights[k])
		}
		got := NewMLP(sizes, 1)
		acc.Store(got)
		if !slices.Equal(got.Params(), want.Params()) {
			t.Fatalf("trial %d: %d models: the accumulator's average differs from Average's", trial, n)
		}
	}
}

func TestAccumulatorPanics(t *testing.T) {
	m := NewMLP([]int{3, 2}, 1)
	for name, f := range map[string]func(){
		"add before reset":   func() { NewAccumulator(m).Add(m, 1) },
		"zero total":         func() { NewAccumulator(m).Reset(0) },
		"negative weight":    func() { a := NewAccumulator(m); a.Reset(1); a.Add(m, -1) },
		"other sizes":        func() { a := NewAccumulator(m); a.Reset(1); a.Add(NewMLP([]int{3, 3}, 1), 1) },
		"store with nothing": func() { a := NewAccumulator(m); a.Reset(1); a.Add(m, 0); a.Store(m) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
