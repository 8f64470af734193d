package aggregate

import (
	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/param"
)

// FedAvg averages the models that arrived in a cycle, weighted by the samples each trained
// on: the synchronous rule of the paper (eq. 3). It buffers the updates Add receives and
// merges them at Flush, the cycle's end; alone it never publishes, so it does not combine
// with the asynchronous schedule.
type FedAvg struct {
	models  []*mlcore.MLP
	weights []float64
	pending []Contribution
}

var _ Aggregator = (*FedAvg)(nil)

// Add buffers u until Flush; it keeps u.Model.
func (a *FedAvg) Add(_ *mlcore.MLP, u Update) []Contribution {
	a.models = append(a.models, u.Model)
	a.weights = append(a.weights, u.Weight)
	a.pending = append(a.pending, Contribution{Learner: u.Learner, Version: u.Version, Staleness: u.Staleness, Weight: u.Weight})
	return nil
}

// Flush sets global to the weighted average of the buffered models (mlcore.Average) and
// returns each one's normalised weight; nil when nothing arrived.
func (a *FedAvg) Flush(global *mlcore.MLP) []Contribution {
	if len(a.pending) == 0 {
		return nil
	}
	var total float64
	for _, w := range a.weights {
		total += w
	}
	if global != nil {
		mlcore.Average(global, a.models, a.weights)
	}
	out := a.pending
	for i := range out {
		out[i].Weight /= total
	}
	clear(a.models)
	a.models, a.weights, a.pending = a.models[:0], a.weights[:0], nil
	return out
}

func init() {
	Register(Kind{
		Name:    "fedavg",
		Summary: "FedAvg: at each cycle's end the arrived models averaged with weights d_k (the paper's eq. 3); synchronous only",
		Sync:    true,
		New:     func(param.Values) (Aggregator, error) { return &FedAvg{}, nil },
	})
}
