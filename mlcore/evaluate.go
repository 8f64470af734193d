package mlcore

import "math"

// Evaluation splits the test set into fixed chunks whose partial sums are
// combined in chunk order, so the serial and the pooled evaluation return
// the same bits.
const (
	evalChunk = 1024 // samples per partial sum (and per pool job)
	evalBatch = 64   // samples per forward pass
)

// Evaluate returns the mean softmax cross-entropy loss and the accuracy
// (fraction of samples whose largest output is the label) of m on test,
// computed in batches on the calling goroutine. Both are 0 for an empty
// set. Panics if test's Dim or Classes do not match the network.
func Evaluate(m *MLP, test *Dataset) (loss, accuracy float64) {
	m.checkData(test, "Evaluate")
	ws := new(Workspace)
	parts := make([]evalPart, (test.N+evalChunk-1)/evalChunk)
	for c := range parts {
		parts[c] = m.evalChunk(ws, test, c)
	}
	return combine(parts, test.N)
}

type evalPart struct {
	loss    float64
	correct int
}

func combine(parts []evalPart, n int) (loss, accuracy float64) {
	if n == 0 {
		return 0, 0
	}
	var l float64
	var c int
	for _, p := range parts {
		l += p.loss
		c += p.correct
	}
	return l / float64(n), float64(c) / float64(n)
}

// evalChunk evaluates the samples of chunk c of test.
func (m *MLP) evalChunk(ws *Workspace, test *Dataset, c int) evalPart {
	ws.fit(m.sizes, evalBatch)
	lo, hi := c*evalChunk, min((c+1)*evalChunk, test.N)
	idx := ws.order[:0]
	for i := lo; i < hi; i++ {
		idx = append(idx, i)
	}
	ws.order = idx
	var p evalPart
	L, ls, C := m.Layers(), ws.ls, m.Classes()
	for s := 0; s < len(idx); s += evalBatch {
		batch := idx[s:min(s+evalBatch, len(idx))]
		m.forward(ws, test, batch)
		z := ws.act[L]
		for i, smp := range batch {
			mx, arg := colMax(z, ls, i, C)
			var sum float64
			for k := 0; k < C; k++ {
				sum += math.Exp(float64(z[k*ls+i] - mx))
			}
			y := int(test.Y[smp])
			p.loss += math.Log(sum) - float64(z[y*ls+i]-mx)
			if arg == y {
				p.correct++
			}
		}
	}
	return p
}

// colMax returns the largest of sample i's logits (column i of z, whose rows are ls apart)
// and its class, the first on ties. Softmax subtracts it for stability; evaluation and
// training's accuracy count it as the prediction.
func colMax(z []float32, ls, i, classes int) (float32, int) {
	mx, arg := z[i], 0
	for k := 1; k < classes; k++ {
		if v := z[k*ls+i]; v > mx {
			mx, arg = v, k
		}
	}
	return mx, arg
}
