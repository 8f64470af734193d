package mel

import (
	"fmt"
	"math/rand/v2"

	"github.com/mel-des/mel-des/aggregate"
	"github.com/mel-des/mel-des/dataset"
	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/policy"
)

// learning is the learning side of a run: the data, each learner's local data set in FL
// mode, the global model, the model buffers and the accumulator of streamed training
// (stream.go) and the worker pool that trains them. It knows nothing of time, radios or
// energy.
type learning struct {
	cfg    *Config
	src    dataset.Source
	layers []int
	d      int // samples handed out per cycle

	train, test *mlcore.Dataset
	local       [][]int // FL: each learner's own sample indices
	global      *mlcore.MLP
	models      []*mlcore.MLP       // start: a learner's own copy of the model, made on first use
	free        []*mlcore.MLP       // asynchronous: buffers of rounds that ended, for the next ones
	bufs        *buffers            // stream: model buffers, at most buffersPerWorker per worker
	acc         *mlcore.Accumulator // stream: the running weighted sum of the arrived models
	pool        *mlcore.Pool
	ownPool     bool
	sgd         mlcore.SGD
	skip        bool // no real training, averaging or evaluation (WithoutTraining)
	loaded      bool // loadData ran

	agg aggregate.Aggregator // merges arrived models into global (the schedule's aggregation scheme)
}

// loadData loads the data (unless given) and partitions it in FL mode; it does nothing the
// second time. K is the number of learners.
func (ln *learning) loadData(st streams, K int) error {
	if ln.loaded {
		return nil
	}
	ln.loaded = true
	d := ln.cfg.Data
	if ln.train == nil || ln.test == nil {
		train, test, err := ln.src.Load(st.seedOf(streamSynthetic, 0))
		if err != nil {
			return err
		}
		ln.train, ln.test = train, test
	}
	if d.TrainSubset > 0 && d.TrainSubset < ln.train.N {
		perm := st.rng(streamData, 0).Perm(ln.train.N)
		ln.train = ln.train.Subset(perm[:d.TrainSubset])
	}
	if d.TestSubset > 0 && d.TestSubset < ln.test.N {
		ln.test = ln.test.Head(d.TestSubset)
	}
	in, out := ln.layers[0], ln.layers[len(ln.layers)-1]
	if ln.train.Dim != in || ln.test.Dim != in {
		return fmt.Errorf("mel: the data have %d features but the network takes %d inputs", ln.train.Dim, in)
	}
	if ln.train.Classes > out {
		return fmt.Errorf("mel: the data have %d classes but the model's output has %d", ln.train.Classes, out)
	}
	if ln.cfg.Samples == 0 {
		ln.d = ln.train.N
	} else if ln.cfg.Samples > ln.train.N {
		return fmt.Errorf("mel: simulation.samples = %d: more than the %d training samples", ln.cfg.Samples, ln.train.N)
	}
	if ln.cfg.Mode == FL {
		r := st.rng(streamFLPartition, 0)
		switch d.Partition {
		case IID:
			ln.local = mlcore.PartitionIID(r, ln.train.N, K)
		case Dirichlet:
			ln.local = mlcore.PartitionDirichlet(r, ln.train.Y, ln.train.Classes, K, d.Alpha)
		case Shards:
			if K*d.Shards > ln.train.N {
				return fmt.Errorf("mel: dataset.shards = %d: %d learners × %d shards exceed the %d training samples", d.Shards, K, d.Shards, ln.train.N)
			}
			ln.local = mlcore.PartitionShards(r, ln.train.Y, K, d.Shards)
		}
	}
	return nil
}

// localSizes returns each learner's local data size in FL mode, nil in PL mode.
func (ln *learning) localSizes() []int {
	if ln.cfg.Mode != FL || ln.local == nil {
		return nil
	}
	n := make([]int, len(ln.local))
	for k, l := range ln.local {
		n[k] = len(l)
	}
	return n
}

// setup initialises the model and the pool, once the data are loaded. K is the number of
// learners.
func (ln *learning) setup(st streams, K int) error {
	ln.global = mlcore.NewMLP(ln.layers, st.seedOf(streamModel, 0))
	ln.models = make([]*mlcore.MLP, K)
	if ln.pool == nil {
		ln.pool = mlcore.NewPool(ln.cfg.Workers)
		ln.ownPool = true
	}
	ln.bufs = newBuffers(ln.global, buffersPerWorker*ln.pool.Workers())
	ln.acc = mlcore.NewAccumulator(ln.global)
	ln.sgd = ln.cfg.Model.sgd()
	return nil
}

// assign returns the sample indices each problem row trains on in cycle n. PL: a fresh
// seeded shuffle of the training set cut into the planned d_k. FL: min(d_k, local size) of
// the learner's own samples, picked by a per-cycle stream of that learner.
func (ln *learning) assign(st streams, n int, members []int, plan policy.Plan) [][]int {
	if ln.cfg.Mode == PL {
		return mlcore.PartitionPL(st.sub(streamData, n, 0), ln.train.N, plan.D)
	}
	idx := make([][]int, len(members))
	for i, k := range members {
		local := ln.local[k]
		m := min(plan.D[i], len(local))
		if m == len(local) {
			idx[i] = local
			continue
		}
		pick := append([]int(nil), local...)
		r := st.sub(streamData, n, k+1)
		for j := range m { // partial Fisher-Yates: the first m are a uniform sample
			q := j + r.IntN(len(pick)-j)
			pick[j], pick[q] = pick[q], pick[j]
		}
		idx[i] = pick[:m:m]
	}
	return idx
}

// start gives learner k a copy of the global model and queues its epochs real epochs over
// the samples idx, drawing from rng, to run ahead of the simulation (Run.WaitEpoch). It
// returns nil when training is switched off. The copy is the learner's own, kept for the
// run: the synchronous cycle does not use start but streams its training (stream.go), which
// holds no model per learner.
func (ln *learning) start(k int, idx []int, rng *rand.Rand, epochs int) *mlcore.Run {
	if ln.models[k] == nil {
		if n := len(ln.free); n > 0 {
			ln.models[k], ln.free = ln.free[n-1], ln.free[:n-1]
		} else {
			ln.models[k] = ln.global.Clone()
		}
	}
	ln.models[k].CopyFrom(ln.global)
	if ln.skip {
		return nil
	}
	return ln.pool.Train(ln.models[k], ln.train, idx, ln.sgd, rng, epochs)
}

// resume queues epochs more real epochs of learner k's model, where its last run left it.
func (ln *learning) resume(k int, idx []int, rng *rand.Rand, epochs int) *mlcore.Run {
	if ln.skip {
		return nil
	}
	return ln.pool.Train(ln.models[k], ln.train, idx, ln.sgd, rng, epochs)
}

// release returns learner k's model buffer, once its run has ended and its model has been
// used, for the next round of any learner: the asynchronous schedule holds one model per
// round in flight, not one per learner.
func (ln *learning) release(k int) {
	if m := ln.models[k]; m != nil {
		ln.free = append(ln.free, m)
		ln.models[k] = nil
	}
}

// evaluate returns the global model's test loss and accuracy, NaN when training is off.
func (ln *learning) evaluate() (loss, accuracy float64) {
	if ln.skip {
		return nan, nan
	}
	return ln.pool.Evaluate(ln.global, ln.test)
}

// close releases the pool if it is the learning's own.
func (ln *learning) close() {
	if ln.ownPool && ln.pool != nil {
		ln.pool.Close()
		ln.pool = nil
	}
}
