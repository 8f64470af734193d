package mel

import (
	"bytes"
	"context"
	"testing"
)

// tinyConfig is a fast synthetic setting: four static learners at 250 m on a small network,
// with the paper's C_m so that the timing is paper-like while the arithmetic is cheap.
func tinyConfig() Config {
	c := DefaultConfig()
	c.Cycles = 3
	c.Deadline = 10
	c.EnergyMean, c.EnergySpread = 10, 2.5
	c.Staleness = 2
	c.MinSamples = 20
	c.CyclesPerSample = 1.68e6
	c.Data = Data{Source: Synthetic, SyntheticTrain: 1200, SyntheticTest: 400, SyntheticDim: 24,
		SyntheticClasses: 4, Partition: IID, Alpha: 0.5, Shards: 2}
	c.Model = Model{Layers: []int{24, 16, 4}, Batch: 16, LR: 0.1}
	c.Learners = nil
	for i, f := range []float64{2.4e9, 1.4e9, 1.0e9, 0.7e9} {
		l := DefaultLearner(f)
		l.Position = &Point{X: 250 * float64(1-2*(i%2)), Y: 0}
		c.Learners = append(c.Learners, l)
	}
	c.Workers = 1
	return c
}

// outputs holds the four files of a run.
type outputs struct{ cycles, learners, jsonl, chrome bytes.Buffer }

func (o *outputs) recorder() Recorder {
	return Recorders{NewCyclesCSV(&o.cycles), NewLearnersCSV(&o.learners), NewTraceJSONL(&o.jsonl), NewTraceChrome(&o.chrome)}
}

// runConfig runs cfg to the end and returns its summary and files.
func runConfig(t testing.TB, cfg Config, opts ...Option) (Summary, *outputs) {
	t.Helper()
	s, err := New(cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var o outputs
	rec := o.recorder()
	sum, err := s.Run(context.Background(), rec)
	if cerr := rec.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	if err != nil {
		t.Fatal(err)
	}
	return sum, &o
}

// paperBits makes the small test network as heavy on the air as the paper's 784-300-124-60-10
// model (≈ 9 Mbit) and its samples as heavy as MNIST's (6,272 bits), so that transfers take
// paper-like times while the arithmetic stays cheap.
func paperBits(c *Config) {
	c.ModelBitsPerParam = 32 * 280934 / float64(numParams(c.Model.Layers))
	c.SampleBitsPerFeature = 8 * 784 / float64(c.Model.Layers[0])
}
