package mlcore

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// trainLearners trains learners copies of global on disjoint data with
// the given number of workers, each for a few epochs with its own stream,
// and returns the trained models and their per-epoch losses.
func trainLearners(workers int, global *MLP, data *Dataset, parts [][]int, epochs int) ([]*MLP, [][]float64) {
	pool := NewPool(workers)
	defer pool.Close()
	runs := make([]*Run, len(parts))
	for k := range parts {
		rng := rand.New(rand.NewPCG(42, uint64(k)))
		runs[k] = pool.Train(global.Clone(), data, parts[k], SGD{Batch: 16}, rng, epochs)
	}
	models := make([]*MLP, len(parts))
	losses := make([][]float64, len(parts))
	for k, r := range runs {
		for e := range epochs {
			l, ok := r.WaitEpoch(e)
			if !ok {
				panic("epoch not run")
			}
			losses[k] = append(losses[k], l)
		}
		r.Wait()
		models[k] = r.Model()
	}
	return models, losses
}

// TestPoolWorkerCountIndependent trains several learners with 1 and with 2
// (and 5) workers and requires bit-identical parameters and losses.
func TestPoolWorkerCountIndependent(t *testing.T) {
	data := Synthetic(1200, 40, 6, 3)
	parts := PartitionIID(rand.New(rand.NewPCG(1, 1)), data.N, 6)
	global := NewMLP([]int{40, 24, 12, 6}, 7)
	ref, refLoss := trainLearners(1, global, data, parts, 3)
	for _, w := range []int{2, 5} {
		got, loss := trainLearners(w, global, data, parts, 3)
		for k := range ref {
			if !slices.Equal(ref[k].Params(), got[k].Params()) || !slices.Equal(refLoss[k], loss[k]) {
				t.Fatalf("%d workers: learner %d differs from 1 worker", w, k)
			}
		}
	}
	// And the same as calling Epoch directly.
	m := global.Clone()
	rng := rand.New(rand.NewPCG(42, 0))
	for range 3 {
		m.Epoch(data, parts[0], SGD{Batch: 16}, rng, nil)
	}
	if !slices.Equal(m.Params(), ref[0].Params()) {
		t.Error("a pooled run differs from direct Epoch calls")
	}
	// Averaging after pooled training is deterministic too.
	a, b := global.Clone(), global.Clone()
	Average(a, ref, []float64{1, 2, 3, 4, 5, 6})
	got, _ := trainLearners(2, global, data, parts, 3)
	Average(b, got, []float64{1, 2, 3, 4, 5, 6})
	if !slices.Equal(a.Params(), b.Params()) {
		t.Error("averages differ")
	}
}

func TestPoolEvaluateMatchesSerial(t *testing.T) {
	data := Synthetic(2500, 30, 5, 8)
	m := NewMLP([]int{30, 20, 5}, 1)
	m.Epoch(data, seq(1000), SGD{}, rand.New(rand.NewPCG(1, 1)), nil)
	l1, a1 := Evaluate(m, data)
	for _, w := range []int{1, 3} {
		p := NewPool(w)
		l2, a2 := p.Evaluate(m, data)
		p.Close()
		if l1 != l2 || a1 != a2 {
			t.Errorf("%d workers: (%v, %v), serial (%v, %v)", w, l2, a2, l1, a1)
		}
	}
	if a1 < 0.5 {
		t.Errorf("accuracy %g after an epoch", a1)
	}
}

func TestRunStop(t *testing.T) {
	data := Synthetic(300, 10, 3, 1)
	pool := NewPool(1)
	defer pool.Close()
	// Block the only worker so the run cannot start before Stop.
	gate := make(chan struct{})
	f := pool.Submit(func() { <-gate })
	r := pool.Train(NewMLP([]int{10, 3}, 1), data, seq(300), SGD{}, rand.New(rand.NewPCG(1, 1)), 4)
	r.Stop()
	close(gate)
	f.Wait()
	if n := r.Wait(); n != 0 {
		t.Errorf("stopped before starting: %d epochs ran", n)
	}
	if _, ok := r.WaitEpoch(3); ok {
		t.Error("epoch 3 reported as run")
	}
	// A run stopped after its first epoch completes exactly that one.
	r2 := pool.Train(NewMLP([]int{10, 3}, 1), data, seq(300), SGD{}, rand.New(rand.NewPCG(1, 1)), 4)
	if _, ok := r2.WaitEpoch(0); !ok {
		t.Fatal("epoch 0 did not run")
	}
	r2.Stop()
	if n := r2.Wait(); n < 1 || n > 4 {
		t.Errorf("completed %d epochs", n)
	}
	if r0 := pool.Train(NewMLP([]int{10, 3}, 1), data, nil, SGD{}, nil, 0); r0.Wait() != 0 {
		t.Error("zero-epoch run")
	}
}

// TestPoolCloseDrainsRuns closes the pool while multi-epoch runs are still
// queued; they must all complete.
func TestPoolCloseDrainsRuns(t *testing.T) {
	data := Synthetic(200, 8, 2, 1)
	pool := NewPool(2)
	var runs []*Run
	for k := range 4 {
		runs = append(runs, pool.Train(NewMLP([]int{8, 2}, 1), data, seq(200), SGD{}, rand.New(rand.NewPCG(1, uint64(k))), 3))
	}
	pool.Close()
	for k, r := range runs {
		if n := r.Wait(); n != 3 {
			t.Errorf("run %d completed %d of 3 epochs", k, n)
		}
	}
}
