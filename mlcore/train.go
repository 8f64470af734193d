package mlcore

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// SGD configures plain mini-batch stochastic gradient descent. The zero
// value means the defaults: batch 32, learning rate 0.05.
type SGD struct {
	Batch  int        // samples per mini-batch; 0 means 32
	LR     float32    // learning rate; 0 means 0.05
	Update UpdateKind // what one local update is (Iterate); "" means EpochUpdate
	Steps  int        // StepsUpdate: mini-batch steps per update
}

func (c SGD) batch() int {
	if c.Batch <= 0 {
		return 32
	}
	return c.Batch
}

func (c SGD) lr() float32 {
	if c.LR == 0 {
		return 0.05
	}
	return c.LR
}

// Workspace holds the scratch buffers of training and evaluation so that
// steady-state epochs allocate nothing. The zero value is ready to use and
// grows to fit; a Workspace may be reused across models and datasets but
// not used by two goroutines at once. Its contents never influence results.
type Workspace struct {
	impl   impl // kernel implementation; the zero value is replaced by bestImpl
	set    bool
	sizes  []int
	ls     int         // lanes per feature row (batch rounded up to laneQuantum)
	act    [][]float32 // act[l]: (sizes[l]+1)×ls, last row the bias "ones"; act[L]: logits
	dzT    [][]float32 // dzT[l], l >= 1: sizes[l]×ls, gradient of layer l's pre-activation
	dzB    [][]float32 // dzB[l], l >= 1: batch×sizes[l], the same batch-major
	order  []int
	loss   []float64 // per-sample loss of the current batch
	pred   []uint8   // per-sample prediction of the current batch
	shadow *MLP      // a full-batch step's copy of the model being updated
}

// NewWorkspace returns an empty workspace (the same as new(Workspace)).
func NewWorkspace() *Workspace { return new(Workspace) }

// fit shapes the workspace for network sizes and batches of up to batch
// samples.
func (ws *Workspace) fit(sizes []int, batch int) {
	if !ws.set {
		ws.impl, ws.set = bestImpl, true
	}
	ls := (batch + laneQuantum - 1) / laneQuantum * laneQuantum
	if ls <= ws.ls && equalInts(ws.sizes, sizes) {
		return
	}
	ls = max(ls, ws.ls)
	L := len(sizes) - 1
	ws.sizes = append(ws.sizes[:0], sizes...)
	ws.ls = ls
	ws.act = make([][]float32, L+1)
	ws.dzT = make([][]float32, L+1)
	ws.dzB = make([][]float32, L+1)
	for l := 0; l <= L; l++ {
		rows := sizes[l] + 1
		if l == L {
			rows = sizes[l]
		}
		ws.act[l] = make([]float32, rows*ls)
		if l > 0 {
			ws.dzT[l] = make([]float32, sizes[l]*ls)
			ws.dzB[l] = make([]float32, ls*sizes[l])
		}
	}
	ws.loss = make([]float64, ls)
	ws.pred = make([]uint8, ls)
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Epoch runs one local iteration: one pass of mini-batch SGD over the
// samples idx of data, visited in an order reshuffled from rng, updating m
// in place. It returns the mean training loss over the pass (each sample's
// loss taken before its batch's update). scratch may be nil. The result
// depends only on m, data, idx, cfg, rng's state and Kernels(). Costs about
// m.FLOPsPerSample()·len(idx) floating-point operations. Panics if data's
// Dim or Classes do not match the network or an index is out of range.
func (m *MLP) Epoch(data *Dataset, idx []int, cfg SGD, rng *rand.Rand, scratch *Workspace) (meanLoss float64) {
	if len(idx) == 0 {
		return 0
	}
	ws, B, order := m.shuffled(data, idx, cfg, rng, scratch, "Epoch")
	var total float64
	prefetch(data, order[:min(B, len(order))])
	for s := 0; s < len(order); s += B {
		if s+B < len(order) {
			prefetch(data, order[s+B:min(s+2*B, len(order))])
		}
		total += m.step(ws, data, order[s:min(s+B, len(order))], cfg.lr())
	}
	return total / float64(len(order))
}

// shuffled checks the data, readies a workspace (scratch, or a new one) for batches of
// cfg's size and returns it with the batch size and the samples idx in an order reshuffled
// from rng (held in the workspace).
func (m *MLP) shuffled(data *Dataset, idx []int, cfg SGD, rng *rand.Rand, scratch *Workspace, op string) (*Workspace, int, []int) {
	m.checkData(data, op)
	ws := scratch
	if ws == nil {
		ws = new(Workspace)
	}
	B := cfg.batch()
	ws.fit(m.sizes, B)
	ws.order = append(ws.order[:0], idx...)
	order := ws.order
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	return ws, B, order
}

func (m *MLP) checkData(data *Dataset, op string) {
	if data.Dim != m.Inputs() || data.Classes > m.Classes() {
		panic(fmt.Sprintf("mlcore: %s: dataset has %d features and %d classes; the network takes %d inputs and has %d outputs",
			op, data.Dim, data.Classes, m.Inputs(), m.Classes()))
	}
}

// step applies one SGD update from the samples batch and returns the sum
// of their losses.
func (m *MLP) step(ws *Workspace, data *Dataset, batch []int, lr float32) float64 {
	return m.backprop(ws, data, batch, m, -lr)
}

// backprop runs the samples batch forward and backward through m and adds
// alpha times the gradient of their mean loss to dst's parameters; dst may
// be m itself (then each layer's input gradient is taken through its old
// weights before they change). It returns the sum of the losses.
func (m *MLP) backprop(ws *Workspace, data *Dataset, batch []int, dst *MLP, alpha float32) float64 {
	n := len(batch)
	lanes := m.forward(ws, data, batch)
	L, ls := m.Layers(), ws.ls
	loss := m.softmaxGrad(ws, data, batch, lanes)
	k := ws.impl
	for l := L - 1; l >= 0; l-- {
		in, out := m.sizes[l], m.sizes[l+1]
		if l > 0 {
			// Input gradient through the old weights, masked by ReLU'.
			lanesMul(k, m.block(l), out, 1, ws.dzT[l+1], ls, out, ws.dzT[l], ls, ws.act[l], in, lanes, epiMask)
		}
		// Weight and bias gradient fused with the update: W += alpha·Aᵀ·dZ.
		updMul(k, dst.block(l), out, ws.act[l], ls, 1, ws.dzB[l+1], out, n, in+1, out, alpha)
		if l > 0 && !transposeAsm(k, ws.dzB[l], in, ws.dzT[l], ls, in, n) {
			transpose(ws.dzB[l], in, ws.dzT[l], ls, in, n)
		}
	}
	return loss
}

// forward runs the network on the samples batch (at most ws.ls of them)
// and leaves the logits in ws.act[L]; it returns the lanes computed.
func (m *MLP) forward(ws *Workspace, data *Dataset, batch []int) (lanes int) {
	n, ls, L := len(batch), ws.ls, m.Layers()
	lanes = (n + laneQuantum - 1) / laneQuantum * laneQuantum
	if !gatherAsm(ws.impl, ws.act[0], ls, data, batch, lanes) {
		gather(ws.act[0], ls, data, batch, lanes)
	}
	ones := ws.act[0][data.Dim*ls : data.Dim*ls+lanes]
	for i := range ones {
		ones[i] = 0
		if i < n {
			ones[i] = 1
		}
	}
	for l := 1; l < L; l++ {
		ones := ws.act[l][m.sizes[l]*ls:]
		for i := range lanes {
			ones[i] = 0
			if i < n {
				ones[i] = 1
			}
		}
	}
	for l := 0; l < L; l++ {
		in, out := m.sizes[l], m.sizes[l+1]
		mode := epiReLU
		if l == L-1 {
			mode = epiStore
		}
		lanesMul(ws.impl, m.block(l), 1, out, ws.act[l], ls, in+1, ws.act[l+1], ls, nil, out, lanes, mode)
	}
	return lanes
}

// gather writes the samples batch feature-major into the first Dim rows of
// dst (ls lanes each): dst[k*ls+i] = feature k of sample batch[i], and
// lanes n..lanes-1 zero.
func gather(dst []float32, ls int, data *Dataset, batch []int, lanes int) {
	dim, n := data.Dim, len(batch)
	const kb = 16 // feature block: 16 rows × ls lanes stay in L1 while samples stream
	for k0 := 0; k0 < dim; k0 += kb {
		k1 := min(k0+kb, dim)
		for i, s := range batch {
			row := data.X[s*dim+k0 : s*dim+k1]
			for k, x := range row {
				dst[(k0+k)*ls+i] = x
			}
		}
		for k := k0; k < k1; k++ {
			clear(dst[k*ls+n : k*ls+lanes])
		}
	}
}

// transpose writes the first n lanes of the rows×ls feature-major src into
// the n×ld batch-major dst: dst[i*ld+k] = src[k*ls+i].
func transpose(dst []float32, ld int, src []float32, ls, rows, n int) {
	const kb = 16
	for k0 := 0; k0 < rows; k0 += kb {
		k1 := min(k0+kb, rows)
		for i := 0; i < n; i++ {
			d := dst[i*ld+k0 : i*ld+k1]
			for k := range d {
				d[k] = src[(k0+k)*ls+i]
			}
		}
	}
}

// softmaxGrad turns the logits in ws.act[L] into the output gradient
// (softmax - onehot)/n, feature-major in ws.dzT[L] and batch-major in
// ws.dzB[L], records each sample's loss and prediction, and returns the
// summed loss.
func (m *MLP) softmaxGrad(ws *Workspace, data *Dataset, batch []int, lanes int) float64 {
	L, ls, C := m.Layers(), ws.ls, m.Classes()
	z, dzT, dzB := ws.act[L], ws.dzT[L], ws.dzB[L]
	n := len(batch)
	inv := 1 / float64(n)
	var total float64
	for i, s := range batch {
		y := int(data.Y[s])
		mx, arg := colMax(z, ls, i, C)
		var sum float64
		for c := 0; c < C; c++ {
			e := math.Exp(float64(z[c*ls+i] - mx))
			dzT[c*ls+i] = float32(e)
			sum += e
		}
		l := math.Log(sum) - float64(z[y*ls+i]-mx)
		ws.loss[i], ws.pred[i] = l, uint8(arg)
		total += l
		for c := 0; c < C; c++ {
			g := float64(dzT[c*ls+i]) / sum
			if c == y {
				g--
			}
			g32 := float32(g * inv)
			dzT[c*ls+i] = g32
			dzB[i*C+c] = g32
		}
	}
	for c := 0; c < C; c++ {
		clear(dzT[c*ls+n : c*ls+lanes])
	}
	return total
}

// UpdateKind says what one local update (the paper's local iteration) is.
type UpdateKind string

// The kinds of local update.
const (
	// EpochUpdate is one pass of mini-batch SGD over the learner's samples (the default).
	EpochUpdate UpdateKind = "epoch"
	// FullBatchUpdate is one gradient step on the mean loss over all the learner's samples,
	// the paper's equations (1)-(2) read literally: the gradient is taken at the weights the
	// update started from, in chunks of Batch samples, and applied once.
	FullBatchUpdate UpdateKind = "full-batch"
	// StepsUpdate is a fixed number of mini-batch steps (SGD.Steps), whatever the number of
	// samples: Steps·Batch samples are touched, drawn from a fresh shuffle of the learner's
	// samples and wrapping around it when it holds fewer.
	StepsUpdate UpdateKind = "steps"
)

// Touched returns the samples one local update of kind cfg.Update works through for a
// learner with n samples: n for an epoch or a full-batch step, Steps·Batch for steps. It is
// what the CPU work, and so the time and energy, of an update are proportional to.
func (c SGD) Touched(n int) int {
	if c.Update == StepsUpdate {
		return c.Steps * c.batch()
	}
	return n
}

// Iterate runs one local update of kind cfg.Update over the samples idx of data and
// returns the mean training loss of the samples it touched (each taken before the update
// that used it). Like Epoch, the result depends only on m, data, idx, cfg, rng's state and
// Kernels(). A full-batch step needs a second model's worth of memory, kept in scratch.
func (m *MLP) Iterate(data *Dataset, idx []int, cfg SGD, rng *rand.Rand, scratch *Workspace) (meanLoss float64) {
	switch cfg.Update {
	case "", EpochUpdate:
		return m.Epoch(data, idx, cfg, rng, scratch)
	case FullBatchUpdate:
		return m.fullBatch(data, idx, cfg, scratch)
	case StepsUpdate:
		return m.steps(data, idx, cfg, rng, scratch)
	}
	panic(fmt.Sprintf("mlcore: Iterate: unknown update kind %q", cfg.Update))
}

// fullBatch applies one gradient step on the mean loss over idx. The gradient of each chunk
// of Batch samples is added, weighted by its share of the samples, into a shadow copy of the
// model while the forward and backward passes use the unchanged weights.
func (m *MLP) fullBatch(data *Dataset, idx []int, cfg SGD, scratch *Workspace) float64 {
	if len(idx) == 0 {
		return 0
	}
	m.checkData(data, "Iterate")
	ws := scratch
	if ws == nil {
		ws = new(Workspace)
	}
	B := cfg.batch()
	ws.fit(m.sizes, B)
	if ws.shadow == nil || !ws.shadow.SameShape(m) {
		ws.shadow = newShape(m.sizes)
	}
	shadow := ws.shadow
	shadow.CopyFrom(m)
	n := float32(len(idx))
	var total float64
	for s := 0; s < len(idx); s += B {
		chunk := idx[s:min(s+B, len(idx))]
		total += m.backprop(ws, data, chunk, shadow, -cfg.lr()*float32(len(chunk))/n)
	}
	m.CopyFrom(shadow)
	return total / float64(len(idx))
}

// steps runs cfg.Steps mini-batch steps of Batch samples each, taken in turn from a fresh
// shuffle of idx and wrapping around it.
func (m *MLP) steps(data *Dataset, idx []int, cfg SGD, rng *rand.Rand, scratch *Workspace) float64 {
	if len(idx) == 0 || cfg.Steps <= 0 {
		return 0
	}
	ws, B, order := m.shuffled(data, idx, cfg, rng, scratch, "Iterate")
	batch := make([]int, B)
	var total float64
	pos := 0
	for range cfg.Steps {
		for i := range batch {
			batch[i] = order[pos]
			if pos++; pos == len(order) {
				pos = 0
			}
		}
		total += m.step(ws, data, batch, cfg.lr())
	}
	return total / float64(cfg.Steps*B)
}
