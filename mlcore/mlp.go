package mlcore

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// DefaultSizes returns the layer sizes of the paper's network,
// 784-300-124-60-10 (280,934 parameters with biases).
func DefaultSizes() []int { return []int{784, 300, 124, 60, 10} }

// MLP is a multilayer perceptron with ReLU hidden layers and a softmax
// cross-entropy output, in float32. Its parameters live in one flat slice:
// layer l (l = 0 .. Layers()-1, from sizes[l] inputs to sizes[l+1] outputs)
// is a (sizes[l]+1)×sizes[l+1] row-major block whose first sizes[l] rows are
// the weights (row = input, column = output) and whose last row is the bias.
//
// An MLP is not safe for concurrent use; give every learner its own (Clone).
type MLP struct {
	sizes  []int
	params []float32
	off    []int // off[l] is the start of layer l in params; off[Layers()] = len(params)
}

// NewMLP returns a network with the given layer sizes (nil means
// DefaultSizes) and He-initialised weights: normal with standard deviation
// sqrt(2/fan-in), from a stream seeded by seed; biases are zero. Panics if
// there are fewer than two sizes or a size is below 1.
func NewMLP(sizes []int, seed uint64) *MLP {
	if sizes == nil {
		sizes = DefaultSizes()
	}
	m := newShape(sizes)
	rng := rand.New(rand.NewPCG(seed, 0x6865696e6974)) // stream "heinit"
	for l := 0; l < m.Layers(); l++ {
		w, _ := m.Layer(l)
		std := math.Sqrt(2 / float64(m.sizes[l]))
		for i := range w {
			w[i] = float32(std * rng.NormFloat64())
		}
	}
	return m
}

func newShape(sizes []int) *MLP {
	if len(sizes) < 2 {
		panic(fmt.Sprintf("mlcore: NewMLP: need at least two layer sizes, got %v", sizes))
	}
	m := &MLP{sizes: append([]int(nil), sizes...), off: make([]int, len(sizes))}
	n := 0
	for l := 0; l+1 < len(sizes); l++ {
		if sizes[l] < 1 || sizes[l+1] < 1 {
			panic(fmt.Sprintf("mlcore: NewMLP: layer sizes must be >= 1, got %v", sizes))
		}
		m.off[l] = n
		n += (sizes[l] + 1) * sizes[l+1]
	}
	m.off[len(sizes)-1] = n
	m.params = make([]float32, n)
	return m
}

// Sizes returns a copy of the layer sizes, input first.
func (m *MLP) Sizes() []int { return append([]int(nil), m.sizes...) }

// Layers returns the number of weight layers (len(Sizes()) - 1).
func (m *MLP) Layers() int { return len(m.sizes) - 1 }

// Inputs returns the number of input features.
func (m *MLP) Inputs() int { return m.sizes[0] }

// Classes returns the number of outputs.
func (m *MLP) Classes() int { return m.sizes[len(m.sizes)-1] }

// NumParams returns the number of parameters, weights and biases.
func (m *MLP) NumParams() int { return len(m.params) }

// Params returns the parameters as one flat slice (a view: writes change
// the model), layer by layer in the layout described on MLP.
func (m *MLP) Params() []float32 { return m.params }

// Layer returns views of layer l's weights (sizes[l]×sizes[l+1], row-major,
// row = input) and biases (sizes[l+1]). Panics if l is out of range.
func (m *MLP) Layer(l int) (w, b []float32) {
	in, out := m.sizes[l], m.sizes[l+1]
	blk := m.params[m.off[l]:m.off[l+1]]
	return blk[: in*out : in*out], blk[in*out:]
}

// block returns layer l's (in+1)×out parameter block.
func (m *MLP) block(l int) []float32 { return m.params[m.off[l]:m.off[l+1]] }

// FLOPsPerSample returns the floating-point operations (a multiply-add
// counts two) that one SGD step spends per sample: the forward pass
// (2·(in+1)·out per layer), the weight and bias gradients (the same again)
// and the input gradients of every layer but the first (2·in·out). The
// elementwise work (ReLU, softmax, the update itself) is not counted. For
// the default network this is 1.21 MFLOP; the simulator's C_m (CPU cycles
// per sample per iteration) is this figure over the device's FLOPs per
// cycle.
func (m *MLP) FLOPsPerSample() float64 {
	var f float64
	for l := 0; l < m.Layers(); l++ {
		in, out := float64(m.sizes[l]), float64(m.sizes[l+1])
		f += 4 * (in + 1) * out
		if l > 0 {
			f += 2 * in * out
		}
	}
	return f
}

// Clone returns a deep copy of m.
func (m *MLP) Clone() *MLP {
	c := &MLP{sizes: m.Sizes(), off: append([]int(nil), m.off...)}
	c.params = append([]float32(nil), m.params...)
	return c
}

// CopyFrom overwrites m's parameters with src's. Panics if the layer sizes
// differ.
func (m *MLP) CopyFrom(src *MLP) {
	m.mustMatch(src, "CopyFrom")
	copy(m.params, src.params)
}

// SameShape reports whether m and o have the same layer sizes.
func (m *MLP) SameShape(o *MLP) bool {
	if len(m.sizes) != len(o.sizes) {
		return false
	}
	for i := range m.sizes {
		if m.sizes[i] != o.sizes[i] {
			return false
		}
	}
	return true
}

func (m *MLP) mustMatch(o *MLP, op string) {
	if !m.SameShape(o) {
		panic(fmt.Sprintf("mlcore: %s: layer sizes %v and %v differ", op, m.sizes, o.sizes))
	}
}

// Average sets dst to the weighted average Σ w_k·models[k] / Σ w_k of the
// models, with the weights normalised in float64 and every parameter summed
// in model order, so the result does not depend on anything but the inputs.
// dst may be one of the models. Models with weight 0 are skipped. Panics
// if the lengths differ, a weight is negative or not finite, all weights
// are zero or a model's sizes differ from dst's.
func Average(dst *MLP, models []*MLP, weights []float64) {
	if len(models) != len(weights) {
		panic(fmt.Sprintf("mlcore: Average: %d models but %d weights", len(models), len(weights)))
	}
	var total float64
	for k, w := range weights {
		if !(w >= 0) || math.IsInf(w, 0) {
			panic(fmt.Sprintf("mlcore: Average: weight %d is %g; want finite and >= 0", k, w))
		}
		dst.mustMatch(models[k], "Average")
		total += w
	}
	if !(total > 0) {
		panic("mlcore: Average: all weights are zero")
	}
	// Accumulate in float64 per chunk so dst may alias a model.
	const chunk = 4096
	var acc [chunk]float64
	for lo := 0; lo < len(dst.params); lo += chunk {
		hi := min(lo+chunk, len(dst.params))
		a := acc[:hi-lo]
		clear(a)
		for k, mk := range models {
			if weights[k] == 0 {
				continue
			}
			addScaled(a, weights[k]/total, mk.params[lo:hi])
		}
		for i := range a {
			dst.params[lo+i] = float32(a[i])
		}
	}
}
