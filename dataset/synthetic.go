package dataset

import (
	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/param"
)

// synthetic is mlcore's seeded synthetic set: class prototypes plus Gaussian noise.
type synthetic struct{ info Info }

func (s synthetic) Info() Info { return s.info }

// Load generates train+test samples from seed, the first Train of them for training.
func (s synthetic) Load(seed uint64) (train, test *mlcore.Dataset, err error) {
	all := mlcore.Synthetic(s.info.Train+s.info.Test, s.info.Features, s.info.Classes, seed)
	n := s.info.Train
	return all.Head(n), &mlcore.Dataset{X: all.X[n*all.Dim:], Y: all.Y[n:], N: all.N - n, Dim: all.Dim, Classes: all.Classes}, nil
}

func init() {
	Register(Kind{
		Name:    "synthetic",
		Summary: "a seeded synthetic set: class prototypes plus Gaussian noise; small and learnable, for tests and scale studies",
		Seeded:  true,
		Params: []param.Spec{
			{Key: "synthetic_train", Kind: param.Int, Range: param.Closed(1, 1e9), Default: 6000, Doc: "training samples"},
			{Key: "synthetic_test", Kind: param.Int, Range: param.Closed(1, 1e9), Default: 1000, Doc: "test samples"},
			{Key: "synthetic_dim", Kind: param.Int, Range: param.Closed(1, 100000), Default: 64, Doc: "features per sample"},
			{Key: "synthetic_classes", Kind: param.Int, Range: param.Closed(2, maxIdxLabels), Default: 10, Doc: "classes"},
		},
		Open: func(p param.Values) (Source, error) {
			return synthetic{Info{Train: p.Int("synthetic_train"), Test: p.Int("synthetic_test"),
				Features: p.Int("synthetic_dim"), Classes: p.Int("synthetic_classes")}}, nil
		},
	})
}
