package mel_test

import (
	"context"
	"fmt"

	"github.com/mel-des/mel-des/dataset"
	"github.com/mel-des/mel-des/device"
	"github.com/mel-des/mel-des/mel"
	"github.com/mel-des/mel-des/param"
)

// A small synthetic run: four learners at 250 m, the paper's radio and energy settings,
// three cycles of HA-Async.
func Example() {
	cfg := mel.DefaultConfig()
	cfg.Cycles = 3
	cfg.Staleness = 2
	cfg.MinSamples = 20
	cfg.CyclesPerSample = 1.68e6 // the paper's C_m, although the network below is small
	cfg.Data = mel.Data{Source: dataset.Config{Source: "synthetic", Params: param.Values{
		"synthetic_train": 1200, "synthetic_test": 400, "synthetic_dim": 24, "synthetic_classes": 4}}}
	cfg.Model = mel.Model{Hidden: []int{16}, Batch: 16, LR: 0.1}
	cfg.Learners = nil
	for _, ghz := range []float64{2.4, 1.4, 1.0, 0.7} {
		l := mel.DefaultLearner(ghz * 1e9)
		l.Position = &device.Point{X: 250}
		cfg.Learners = append(cfg.Learners, l)
	}
	s, err := mel.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	sum, err := s.Run(context.Background(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range sum.Cycles {
		fmt.Printf("cycle %d: %.3f-%.3f s, %d of %d arrived, %d local updates\n",
			c.Cycle, c.Start, c.End, c.Arrived, c.Planned, c.TauDone)
	}
	fmt.Println(sum.Reason)
	// Output:
	// cycle 1: 0.000-9.948 s, 4 of 4 arrived, 110 local updates
	// cycle 2: 9.948-19.895 s, 4 of 4 arrived, 110 local updates
	// cycle 3: 19.895-29.843 s, 4 of 4 arrived, 110 local updates
	// completed all cycles
}
