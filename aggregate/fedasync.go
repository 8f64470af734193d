package aggregate

import (
	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/param"
)

// FedAsync mixes every arriving model into the global one at once (Xie, Koyejo and Gupta,
// 2019): x ← (1 − α_t)·x + α_t·x_k with α_t = α·s(staleness). Every arrival publishes a new
// version.
type FedAsync struct {
	Alpha     float64   // α in (0, 1]: the mixing weight of a fresh update
	Staleness Staleness // s
}

var _ Aggregator = (*FedAsync)(nil)

// Add mixes u into global and returns its contribution, with weight α_t.
func (a *FedAsync) Add(global *mlcore.MLP, u Update) []Contribution {
	at := a.Alpha * a.Staleness.Weight(u.Staleness)
	if global != nil {
		mix(global.Params(), u.Model.Params(), at)
	}
	return []Contribution{{Learner: u.Learner, Version: u.Version, Staleness: u.Staleness, Weight: at}}
}

// Flush has nothing to do: FedAsync buffers nothing.
func (a *FedAsync) Flush(*mlcore.MLP) []Contribution { return nil }

// mix sets x to (1 − w)·x + w·y, per parameter in float64. With w = 1 the result is y
// exactly, with w = 0 it is x.
func mix(x, y []float32, w float64) {
	if len(x) != len(y) {
		panic("aggregate: models of different sizes")
	}
	v := 1 - w
	for i, yi := range y {
		x[i] = float32(v*float64(x[i]) + w*float64(yi))
	}
}

func init() {
	Register(Kind{
		Name:    "fedasync",
		Summary: "FedAsync: every arriving model mixed into the global one with weight alpha·s(staleness)",
		Params: append([]param.Spec{
			{Key: "alpha", Kind: param.Float, Range: param.Positive(1), Default: 0.6,
				Doc: "α, the mixing weight of an update of staleness 0"},
		}, stalenessSpecs()...),
		Async: true,
		New: func(p param.Values) (Aggregator, error) {
			return &FedAsync{Alpha: p.Float("alpha"), Staleness: staleness(p)}, nil
		},
	})
}
