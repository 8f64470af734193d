package mlcore

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchData is MNIST-shaped random data like the numpy anchor: pixels
// uniform in [0, 1), labels uniform in 0..9.
func benchData(n int, seed uint64) *Dataset {
	rng := rand.New(rand.NewPCG(seed, 7))
	d := &Dataset{X: make([]float32, n*784), Y: make([]uint8, n), N: n, Dim: 784, Classes: 10}
	for i := range d.X {
		d.X[i] = rng.Float32()
	}
	for i := range d.Y {
		d.Y[i] = uint8(rng.IntN(10))
	}
	return d
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// BenchmarkLocalEpoch is one local iteration of the default network: one
// epoch over 3,000 MNIST-shaped samples in batches of 32 on one goroutine,
// the workload of shared/anchors/mlp_epoch.py.
func BenchmarkLocalEpoch(b *testing.B) {
	const n = 3000
	data := benchData(n, 1)
	idx := seq(n)
	for _, k := range impls() {
		b.Run(fmt.Sprintf("impl=%v", k), func(b *testing.B) {
			m := NewMLP(nil, 1)
			ws := &Workspace{impl: k, set: true}
			rng := rand.New(rand.NewPCG(1, 2))
			m.Epoch(data, idx, SGD{}, rng, ws)
			for b.Loop() {
				m.Epoch(data, idx, SGD{}, rng, ws)
			}
			sps := n * float64(b.N) / b.Elapsed().Seconds()
			b.ReportMetric(sps, "samples/s")
			b.ReportMetric(sps*m.FLOPsPerSample()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkParallelLearners is one cycle's local work: 20 learners, each
// one epoch over its own 3,000 MNIST-shaped samples from a copy of the
// global model, on a pool of 1 worker and of GOMAXPROCS workers; it reports
// the aggregate samples/s.
func BenchmarkParallelLearners(b *testing.B) {
	const learners, n = 20, 3000
	data := benchData(learners*n, 2)
	global := NewMLP(nil, 1)
	for _, workers := range []int{1, 0} {
		pool := NewPool(workers)
		b.Run(fmt.Sprintf("learners=20/workers=%d", pool.Workers()), func(b *testing.B) {
			parts := PartitionPL(rand.New(rand.NewPCG(1, 1)), data.N, slicesRepeat(n, learners))
			models := make([]*MLP, learners)
			for k := range models {
				models[k] = global.Clone()
			}
			for b.Loop() {
				runs := make([]*Run, learners)
				for k := range runs {
					models[k].CopyFrom(global)
					runs[k] = pool.Train(models[k], data, parts[k], SGD{}, rand.New(rand.NewPCG(1, uint64(k))), 1)
				}
				for _, r := range runs {
					r.Wait()
				}
			}
			b.ReportMetric(learners*n*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
		})
		pool.Close()
	}
}

func slicesRepeat(v, n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// BenchmarkEvaluate evaluates the default network on 10,000 MNIST-shaped
// samples, serially and on a pool of GOMAXPROCS workers.
func BenchmarkEvaluate(b *testing.B) {
	data := benchData(10000, 3)
	m := NewMLP(nil, 1)
	b.Run("serial", func(b *testing.B) {
		for b.Loop() {
			Evaluate(m, data)
		}
		b.ReportMetric(float64(data.N)*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
	})
	pool := NewPool(0)
	defer pool.Close()
	b.Run(fmt.Sprintf("workers=%d", pool.Workers()), func(b *testing.B) {
		for b.Loop() {
			pool.Evaluate(m, data)
		}
		b.ReportMetric(float64(data.N)*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
	})
}
