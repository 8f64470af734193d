package mlcore

import (
	"fmt"
	"math/rand/v2"
)

// Dataset is a labelled set of N samples of Dim features each, held in
// memory. X is row-major (sample i is X[i*Dim:(i+1)*Dim]) with features in
// [0, 1] for the datasets this package makes; Y[i] in [0, Classes) is the
// label of sample i.
type Dataset struct {
	X       []float32 // N×Dim features, row-major
	Y       []uint8   // N labels
	N       int       // number of samples
	Dim     int       // features per sample
	Classes int       // number of labels
}

// Row returns the features of sample i (a view, not a copy).
func (d *Dataset) Row(i int) []float32 { return d.X[i*d.Dim : (i+1)*d.Dim : (i+1)*d.Dim] }

// Validate reports whether the dataset's fields agree with each other.
func (d *Dataset) Validate() error {
	switch {
	case d == nil:
		return fmt.Errorf("mlcore: nil dataset")
	case d.N < 0 || d.Dim <= 0 || d.Classes <= 0 || d.Classes > 256:
		return fmt.Errorf("mlcore: dataset has N=%d, Dim=%d, Classes=%d; want N >= 0, Dim > 0, 0 < Classes <= 256", d.N, d.Dim, d.Classes)
	case len(d.X) != d.N*d.Dim:
		return fmt.Errorf("mlcore: dataset has %d features, want N×Dim = %d", len(d.X), d.N*d.Dim)
	case len(d.Y) != d.N:
		return fmt.Errorf("mlcore: dataset has %d labels, want N = %d", len(d.Y), d.N)
	}
	for i, y := range d.Y {
		if int(y) >= d.Classes {
			return fmt.Errorf("mlcore: dataset label %d of sample %d is not below Classes = %d", y, i, d.Classes)
		}
	}
	return nil
}

// Subset returns a new dataset holding copies of the samples idx, in that
// order. It costs O(len(idx)·Dim). Panics if an index is out of range.
func (d *Dataset) Subset(idx []int) *Dataset {
	s := &Dataset{
		X:       make([]float32, len(idx)*d.Dim),
		Y:       make([]uint8, len(idx)),
		N:       len(idx),
		Dim:     d.Dim,
		Classes: d.Classes,
	}
	for j, i := range idx {
		copy(s.X[j*d.Dim:(j+1)*d.Dim], d.Row(i))
		s.Y[j] = d.Y[i]
	}
	return s
}

// Head returns the dataset's first n samples as a view that shares its
// storage (n is clamped to [0, N]).
func (d *Dataset) Head(n int) *Dataset {
	n = max(0, min(n, d.N))
	return &Dataset{X: d.X[:n*d.Dim], Y: d.Y[:n], N: n, Dim: d.Dim, Classes: d.Classes}
}

// Synthetic returns n samples of dim features in [0, 1] and classes labels
// with learnable structure: each class has a random prototype whose
// features are 0.2 or 0.8, and a sample is its class's prototype plus
// Gaussian noise of standard deviation 0.3, clipped to [0, 1]. Labels are
// uniform. The same arguments give the same dataset. Panics if dim or
// classes is not positive, classes > 256 or n < 0.
func Synthetic(n, dim, classes int, seed uint64) *Dataset {
	if n < 0 || dim <= 0 || classes <= 0 || classes > 256 {
		panic(fmt.Sprintf("mlcore: Synthetic(%d, %d, %d): need n >= 0, dim > 0, 0 < classes <= 256", n, dim, classes))
	}
	rng := rand.New(rand.NewPCG(seed, 0x73796e7468)) // stream "synth"
	proto := make([]float32, classes*dim)
	for i := range proto {
		proto[i] = 0.2
		if rng.IntN(2) == 1 {
			proto[i] = 0.8
		}
	}
	d := &Dataset{X: make([]float32, n*dim), Y: make([]uint8, n), N: n, Dim: dim, Classes: classes}
	for i := 0; i < n; i++ {
		c := rng.IntN(classes)
		d.Y[i] = uint8(c)
		row, pr := d.Row(i), proto[c*dim:(c+1)*dim]
		for k := range row {
			row[k] = min(1, max(0, pr[k]+float32(0.3*rng.NormFloat64())))
		}
	}
	return d
}
