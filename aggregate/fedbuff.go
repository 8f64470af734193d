package aggregate

import (
	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/param"
)

// FedBuff buffers model deltas and applies them M at a time (Nguyen et al., AISTATS 2022).
// Update k brings Δ_k = x_k − base_k, the change it made to the global model it started
// from; once M updates are buffered the global model moves by
//
//	x ← x + η·Σ_k d_k·s(staleness_k)·Δ_k / Σ_k d_k
//
// and a new version is published. With s ≡ 1, η = 1 and every base equal to x, that is
// FedAvg of the buffered models. The staleness weights are not renormalised, so stale
// updates shrink the step rather than only their share of it. The buffer is a float64 sum,
// one copy of the model in size; deltas are added as they arrive, in arrival order.
type FedBuff struct {
	M         int       // buffer size: updates per aggregation (≥ 1)
	LR        float64   // η, the server learning rate
	Staleness Staleness // s

	acc     []float64
	wsum    float64
	pending []Contribution
}

var _ Aggregator = (*FedBuff)(nil)

// Add adds u's weighted delta to the buffer; when it holds M updates, it applies them to
// global and returns their contributions (weight η·d_k·s_k / Σ d). Panics if global is set
// but u.Base is nil.
func (a *FedBuff) Add(global *mlcore.MLP, u Update) []Contribution {
	s := a.Staleness.Weight(u.Staleness)
	if global != nil {
		if u.Base == nil {
			panic("aggregate: fedbuff: an update without its base model")
		}
		x, base := u.Model.Params(), u.Base.Params()
		if a.acc == nil {
			a.acc = make([]float64, len(x))
		}
		w := u.Weight * s
		for i, xi := range x {
			a.acc[i] += w * (float64(xi) - float64(base[i]))
		}
	}
	a.wsum += u.Weight
	a.pending = append(a.pending, Contribution{Learner: u.Learner, Version: u.Version, Staleness: u.Staleness, Weight: u.Weight * s})
	if len(a.pending) < a.M {
		return nil
	}
	return a.Flush(global)
}

// Flush applies the buffered updates, however many, and returns their contributions; nil
// when the buffer is empty.
func (a *FedBuff) Flush(global *mlcore.MLP) []Contribution {
	if len(a.pending) == 0 {
		return nil
	}
	f := a.LR / a.wsum
	if global != nil && a.acc != nil {
		g := global.Params()
		for i, d := range a.acc {
			g[i] = float32(float64(g[i]) + f*d)
		}
		clear(a.acc)
	}
	out := a.pending
	for i := range out {
		out[i].Weight *= f
	}
	a.pending, a.wsum = nil, 0
	return out
}

func init() {
	Register(Kind{
		Name:    "fedbuff",
		Summary: "FedBuff: buffer_size updates buffered, their deltas weighted by d_k·s(staleness), applied times server_lr",
		Params: append([]param.Spec{
			{Key: "buffer_size", Kind: param.Int, Range: param.Closed(1, 100000), Default: 10,
				Doc: "M, the updates buffered per aggregation"},
			{Key: "server_lr", Kind: param.Float, Range: param.Positive(100), Default: 1.0,
				Doc: "η, the server learning rate: the buffered mean delta is applied times η"},
		}, stalenessSpecs()...),
		Async:  true,
		Deltas: true,
		New: func(p param.Values) (Aggregator, error) {
			return &FedBuff{M: p.Int("buffer_size"), LR: p.Float("server_lr"), Staleness: staleness(p)}, nil
		},
	})
}
