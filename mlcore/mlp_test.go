package mlcore

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ref64 is a float64 reference of the network: weights per layer as
// (in+1)×out blocks with the bias last, like MLP's layout.
type ref64 struct {
	sizes []int
	w     [][]float64
}

func toRef(m *MLP) *ref64 {
	r := &ref64{sizes: m.Sizes()}
	for l := 0; l < m.Layers(); l++ {
		blk := m.block(l)
		w := make([]float64, len(blk))
		for i, x := range blk {
			w[i] = float64(x)
		}
		r.w = append(r.w, w)
	}
	return r
}

// loss returns the mean cross-entropy of the samples batch and, if grad is
// not nil, adds its gradient (same layout as w) to grad.
func (r *ref64) loss(data *Dataset, batch []int, grad [][]float64) float64 {
	L := len(r.sizes) - 1
	var total float64
	for _, s := range batch {
		acts := [][]float64{make([]float64, data.Dim)}
		for k, x := range data.Row(s) {
			acts[0][k] = float64(x)
		}
		for l := 0; l < L; l++ {
			in, out := r.sizes[l], r.sizes[l+1]
			z := make([]float64, out)
			for j := 0; j < out; j++ {
				v := r.w[l][in*out+j]
				for k := 0; k < in; k++ {
					v += acts[l][k] * r.w[l][k*out+j]
				}
				if l < L-1 {
					v = math.Max(v, 0)
				}
				z[j] = v
			}
			acts = append(acts, z)
		}
		z := acts[L]
		mx := z[0]
		for _, v := range z {
			mx = math.Max(mx, v)
		}
		var sum float64
		for _, v := range z {
			sum += math.Exp(v - mx)
		}
		y := int(data.Y[s])
		total += math.Log(sum) - (z[y] - mx)
		if grad == nil {
			continue
		}
		dz := make([]float64, len(z))
		for j, v := range z {
			dz[j] = math.Exp(v-mx) / sum / float64(len(batch))
		}
		dz[y] -= 1 / float64(len(batch))
		for l := L - 1; l >= 0; l-- {
			in, out := r.sizes[l], r.sizes[l+1]
			da := make([]float64, in)
			for k := 0; k <= in; k++ {
				a := 1.0
				if k < in {
					a = acts[l][k]
				}
				for j := 0; j < out; j++ {
					grad[l][k*out+j] += a * dz[j]
					if k < in {
						da[k] += r.w[l][k*out+j] * dz[j]
					}
				}
			}
			for k := range da {
				if acts[l][k] <= 0 {
					da[k] = 0
				}
			}
			dz = da
		}
	}
	return total / float64(len(batch))
}

// TestGradient checks the float64 reference's backward pass against
// central finite differences, then every kernel implementation's float32
// gradient against the reference, on a small network with a batch that is
// not a multiple of the lane width.
func TestGradient(t *testing.T) {
	data := Synthetic(40, 9, 4, 5)
	m := NewMLP([]int{9, 7, 6, 5, 4}, 3)
	// Non-zero biases so the bias gradient is exercised through the ReLUs.
	rng := rand.New(rand.NewPCG(9, 9))
	for l := 0; l < m.Layers(); l++ {
		_, b := m.Layer(l)
		for i := range b {
			b[i] = float32(0.1 * rng.NormFloat64())
		}
	}
	batch := []int{3, 1, 4, 15, 9, 26, 5, 35, 8, 37, 2, 11, 30, 19, 23, 0, 7, 33, 12}
	ref := toRef(m)
	want := make([][]float64, len(ref.w))
	for l := range want {
		want[l] = make([]float64, len(ref.w[l]))
	}
	ref.loss(data, batch, want)

	const eps = 1e-6
	for l := range ref.w {
		for i := range ref.w[l] {
			old := ref.w[l][i]
			ref.w[l][i] = old + eps
			up := ref.loss(data, batch, nil)
			ref.w[l][i] = old - eps
			down := ref.loss(data, batch, nil)
			ref.w[l][i] = old
			fd := (up - down) / (2 * eps)
			if d := math.Abs(fd - want[l][i]); d > 1e-7+1e-6*math.Abs(fd) {
				t.Fatalf("reference layer %d param %d: backprop %.10g, finite difference %.10g", l, i, want[l][i], fd)
			}
		}
	}

	for _, k := range impls() {
		g := newShape(m.Sizes())
		ws := &Workspace{impl: k, set: true}
		ws.fit(m.sizes, 32)
		lossSum := m.backprop(ws, data, batch, g, 1)
		if wantLoss := ref.loss(data, batch, nil); math.Abs(lossSum/float64(len(batch))-wantLoss) > 1e-5 {
			t.Errorf("%v: loss %.8g, reference %.8g", k, lossSum/float64(len(batch)), wantLoss)
		}
		for l := range want {
			blk := g.block(l)
			for i, w := range want[l] {
				if d := math.Abs(float64(blk[i]) - w); d > 1e-5+1e-4*math.Abs(w) {
					t.Fatalf("%v: layer %d param %d: gradient %.8g, reference %.8g", k, l, i, blk[i], w)
				}
			}
		}
	}
}

// TestEpochImplementationsAgree trains the same network for an epoch with
// every kernel implementation; they differ only by float32 rounding.
func TestEpochImplementationsAgree(t *testing.T) {
	data := Synthetic(500, 50, 5, 1)
	var ref *MLP
	for _, k := range impls() {
		m := NewMLP([]int{50, 33, 17, 5}, 2)
		ws := &Workspace{impl: k, set: true}
		m.Epoch(data, seq(data.N), SGD{Batch: 20}, rand.New(rand.NewPCG(1, 1)), ws)
		if ref == nil {
			ref = m
			continue
		}
		for i, x := range m.Params() {
			if d := math.Abs(float64(x - ref.Params()[i])); d > 1e-3 {
				t.Fatalf("%v: param %d = %g, go kernel %g", k, i, x, ref.Params()[i])
			}
		}
	}
}

// TestEpochLearnsSynthetic checks that a few epochs learn the synthetic
// set, that the loss falls, and that the default SGD is batch 32, lr 0.05.
func TestEpochLearnsSynthetic(t *testing.T) {
	train := Synthetic(2000, 64, 10, 1)
	// Same seed means same prototypes; draw a disjoint test set from the tail.
	test := Synthetic(2500, 64, 10, 1).Subset(seq(2500)[2000:])
	m := NewMLP([]int{64, 32, 10}, 4)
	rng := rand.New(rand.NewPCG(2, 2))
	ws := NewWorkspace()
	first := m.Epoch(train, seq(train.N), SGD{}, rng, ws)
	var last float64
	for range 3 {
		last = m.Epoch(train, seq(train.N), SGD{}, rng, ws)
	}
	if !(last < first) {
		t.Errorf("loss went from %g to %g", first, last)
	}
	if _, acc := Evaluate(m, test); acc < 0.95 {
		t.Errorf("test accuracy %.3f after 4 epochs, want >= 0.95", acc)
	}
	if c := (SGD{}); c.batch() != 32 || c.lr() != 0.05 {
		t.Errorf("defaults: batch %d lr %g", c.batch(), c.lr())
	}
}

func TestMLPShape(t *testing.T) {
	m := NewMLP(nil, 1)
	if got := m.NumParams(); got != 280934 {
		t.Errorf("NumParams = %d, want 280934", got)
	}
	if f := m.FLOPsPerSample(); math.Abs(f-1.2135e6) > 1e3 {
		t.Errorf("FLOPsPerSample = %g, want about 1.21e6", f)
	}
	w, b := m.Layer(1)
	if len(w) != 300*124 || len(b) != 124 {
		t.Errorf("Layer(1): %d weights, %d biases", len(w), len(b))
	}
	for _, x := range b {
		if x != 0 {
			t.Fatal("biases not zero-initialised")
		}
	}
	var s, s2 float64
	for _, x := range w {
		s += float64(x)
		s2 += float64(x) * float64(x)
	}
	n := float64(len(w))
	if std := math.Sqrt(s2/n - (s/n)*(s/n)); math.Abs(std-math.Sqrt(2.0/300)) > 0.003 {
		t.Errorf("He init std %g, want %g", std, math.Sqrt(2.0/300))
	}
	c := m.Clone()
	c.Params()[0]++
	if c.Params()[0] == m.Params()[0] {
		t.Error("Clone shares storage")
	}
	c.CopyFrom(m)
	if c.Params()[0] != m.Params()[0] {
		t.Error("CopyFrom did not copy")
	}
	if NewMLP(nil, 1).Params()[1000] != m.Params()[1000] || NewMLP(nil, 2).Params()[1000] == m.Params()[1000] {
		t.Error("initialisation is not a function of the seed")
	}
}

func TestAverage(t *testing.T) {
	a := NewMLP([]int{6, 5, 3}, 1)
	b := NewMLP([]int{6, 5, 3}, 2)
	dst := NewMLP([]int{6, 5, 3}, 3)
	Average(dst, []*MLP{a, a.Clone(), a.Clone()}, []float64{1, 7, 0.3})
	for i, x := range dst.Params() {
		if x != a.Params()[i] {
			t.Fatalf("average of identical models: param %d = %g, want %g", i, x, a.Params()[i])
		}
	}
	Average(dst, []*MLP{a, b}, []float64{300, 100})
	for i, x := range dst.Params() {
		want := 0.75*float64(a.Params()[i]) + 0.25*float64(b.Params()[i])
		if math.Abs(float64(x)-want) > 1e-6 {
			t.Fatalf("weighted average: param %d = %g, want %g", i, x, want)
		}
	}
	Average(dst, []*MLP{a, b}, []float64{0, 5})
	for i, x := range dst.Params() {
		if x != b.Params()[i] {
			t.Fatal("a zero weight still counted")
		}
	}
	// dst may be one of the inputs.
	c := a.Clone()
	Average(c, []*MLP{c, b}, []float64{1, 1})
	if want := float32(0.5*float64(a.Params()[0]) + 0.5*float64(b.Params()[0])); c.Params()[0] != want {
		t.Errorf("aliased average: %g, want %g", c.Params()[0], want)
	}
	defer func() {
		if recover() == nil {
			t.Error("Average with all-zero weights did not panic")
		}
	}()
	Average(dst, []*MLP{a}, []float64{0})
}

// TestWorkspaceDoesNotMatter trains with a fresh workspace and with one
// that was shaped by other work first (wider lanes, another network); the
// parameters must be bit-identical.
func TestWorkspaceDoesNotMatter(t *testing.T) {
	data := Synthetic(300, 12, 3, 4)
	a, b := NewMLP([]int{12, 9, 3}, 1), NewMLP([]int{12, 9, 3}, 1)
	a.Epoch(data, seq(300), SGD{Batch: 20}, rand.New(rand.NewPCG(1, 1)), nil)
	ws := NewWorkspace()
	Evaluate(NewMLP([]int{12, 5, 5, 3}, 2), data)
	NewMLP([]int{12, 5, 5, 3}, 2).Epoch(data, seq(50), SGD{Batch: 100}, rand.New(rand.NewPCG(2, 2)), ws)
	b.Epoch(data, seq(300), SGD{Batch: 20}, rand.New(rand.NewPCG(1, 1)), ws)
	for i, x := range a.Params() {
		if x != b.Params()[i] {
			t.Fatalf("param %d: %g with a fresh workspace, %g with a reused one", i, x, b.Params()[i])
		}
	}
}
