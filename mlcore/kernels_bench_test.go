package mlcore

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkKernels measures the two products at the first layer's shapes
// (batch 32, 785×300 weights with the bias row) and reports GFLOP/s.
func BenchmarkKernels(b *testing.B) {
	const in, out, lanes = 785, 300, 32
	rng := rand.New(rand.NewPCG(1, 1))
	w := randSlice(rng, in*out)
	x := randSlice(rng, in*lanes)
	z := make([]float32, out*lanes)
	d := randSlice(rng, lanes*out)
	for _, k := range impls() {
		b.Run(fmt.Sprintf("forward/impl=%v", k), func(b *testing.B) {
			for b.Loop() {
				lanesMul(k, w, 1, out, x, lanes, in, z, lanes, nil, out, lanes, epiReLU)
			}
			b.ReportMetric(2*in*out*lanes*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		b.Run(fmt.Sprintf("backward/impl=%v", k), func(b *testing.B) {
			dx := make([]float32, in*lanes)
			for b.Loop() {
				lanesMul(k, w, out, 1, z, lanes, out, dx, lanes, x, in-1, lanes, epiMask)
			}
			b.ReportMetric(2*(in-1)*out*lanes*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		b.Run(fmt.Sprintf("update/impl=%v", k), func(b *testing.B) {
			for b.Loop() {
				updMul(k, w, out, x, lanes, 1, d, out, lanes, in, out, -1e-9)
			}
			b.ReportMetric(2*in*out*lanes*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
