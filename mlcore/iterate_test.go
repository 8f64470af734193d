package mlcore

import (
	"math"
	"math/rand/v2"
	"testing"
)

// maxDiff returns the largest absolute difference between two models' parameters.
func maxDiff(a, b *MLP) float64 {
	d := 0.0
	for i, x := range a.params {
		d = math.Max(d, math.Abs(float64(x-b.params[i])))
	}
	return d
}

// A full-batch step is one gradient step on the mean loss over all the samples: the same
// whatever the chunk size, and the same as an epoch whose one mini-batch is every sample.
func TestFullBatchIsOneStep(t *testing.T) {
	data := Synthetic(300, 12, 3, 5)
	idx := seq(90)
	base := NewMLP([]int{12, 8, 3}, 7)
	var ref *MLP
	var refLoss float64
	for _, b := range []int{90, 32, 7} {
		m := base.Clone()
		loss := m.Iterate(data, idx, SGD{Batch: b, LR: 0.1, Update: FullBatchUpdate}, rand.New(rand.NewPCG(1, 1)), nil)
		if ref == nil {
			ref, refLoss = m, loss
			continue
		}
		if d := maxDiff(ref, m); d > 1e-5 {
			t.Errorf("chunks of %d: parameters differ from one chunk by %g", b, d)
		}
		if math.Abs(loss-refLoss) > 1e-6 {
			t.Errorf("chunks of %d: loss %v, one chunk %v", b, loss, refLoss)
		}
	}
	ep := base.Clone()
	ep.Epoch(data, idx, SGD{Batch: 90, LR: 0.1}, rand.New(rand.NewPCG(1, 1)), nil)
	if d := maxDiff(ref, ep); d > 1e-5 {
		t.Errorf("full batch and a one-batch epoch differ by %g", d)
	}
	if d := maxDiff(ref, base); d == 0 {
		t.Error("the full-batch step changed nothing")
	}
}

// Steps runs exactly Steps mini-batches of Batch samples, wrapping around a small local set.
func TestStepsTouchAFixedNumber(t *testing.T) {
	data := Synthetic(300, 12, 3, 5)
	base := NewMLP([]int{12, 8, 3}, 7)
	cfg := SGD{Batch: 16, LR: 0.1, Update: StepsUpdate, Steps: 5}
	if got := cfg.Touched(1000); got != 80 {
		t.Errorf("Touched = %d, want 5 × 16", got)
	}
	if got := (SGD{}).Touched(1000); got != 1000 {
		t.Errorf("an epoch touches %d of 1000", got)
	}
	// One step over a batch as large as the set, starting from the same shuffle, is the
	// epoch with that batch.
	one := base.Clone()
	one.Iterate(data, seq(40), SGD{Batch: 40, LR: 0.1, Update: StepsUpdate, Steps: 1}, rand.New(rand.NewPCG(3, 3)), nil)
	ep := base.Clone()
	ep.Epoch(data, seq(40), SGD{Batch: 40, LR: 0.1}, rand.New(rand.NewPCG(3, 3)), nil)
	if d := maxDiff(one, ep); d != 0 {
		t.Errorf("one step of the whole set differs from its epoch by %g", d)
	}
	// A set smaller than the steps need is reused; the result is deterministic.
	a, b := base.Clone(), base.Clone()
	la := a.Iterate(data, seq(10), cfg, rand.New(rand.NewPCG(4, 4)), nil)
	lb := b.Iterate(data, seq(10), cfg, rand.New(rand.NewPCG(4, 4)), NewWorkspace())
	if maxDiff(a, b) != 0 || la != lb || la <= 0 {
		t.Errorf("steps over 10 samples: loss %v vs %v, diff %g", la, lb, maxDiff(a, b))
	}
}
