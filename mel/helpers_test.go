package mel

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/dataset"
	"github.com/mel-des/mel-des/device"
	"github.com/mel-des/mel-des/param"
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
	c.Data = Data{Source: syntheticData(1200, 400, 24, 4), Partition: IID, Alpha: 0.5, Shards: 2}
	c.Model = Model{Hidden: []int{16}, Batch: 16, LR: 0.1}
	c.Learners = nil
	for i, f := range []float64{2.4e9, 1.4e9, 1.0e9, 0.7e9} {
		l := DefaultLearner(f)
		l.Position = &device.Point{X: 250 * float64(1-2*(i%2)), Y: 0}
		c.Learners = append(c.Learners, l)
	}
	c.Workers = 1
	return c
}

// syntheticData returns the configuration of a synthetic data set.
func syntheticData(train, test, dim, classes int) dataset.Config {
	return dataset.Config{Source: "synthetic", Params: param.Values{"synthetic_train": train,
		"synthetic_test": test, "synthetic_dim": dim, "synthetic_classes": classes}}
}

// traceMobility returns a trace mobility model through the given (t, x, y) points.
func traceMobility(points ...[3]float64) device.MobilityConfig {
	var b strings.Builder
	b.WriteString("t,x,y\n")
	for _, p := range points {
		fmt.Fprintf(&b, "%v,%v,%v\n", p[0], p[1], p[2])
	}
	return device.MobilityConfig{Model: "trace", Params: param.Values{
		"trace": param.FileData{Path: "test-trace.csv", Data: []byte(b.String())}}}
}

// runFiles holds the four files of a run.
type runFiles struct{ cycles, learners, jsonl, chrome bytes.Buffer }

func (o *runFiles) recorder() Recorders {
	return Recorders{NewCyclesCSV(&o.cycles), NewLearnersCSV(&o.learners), NewTraceJSONL(&o.jsonl), NewTraceChrome(&o.chrome)}
}

// runConfig runs cfg to the end and returns its summary and files.
func runConfig(t testing.TB, cfg Config, opts ...Option) (Summary, *runFiles) {
	t.Helper()
	s, err := New(cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var o runFiles
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
	layers := c.Model.Layers(24, 4)
	c.ModelBitsPerParam = 32 * 280934 / float64(numParams(layers))
	c.SampleBitsPerFeature = 8 * 784 / float64(layers[0])
}
