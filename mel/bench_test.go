package mel

import (
	"context"
	"testing"
	"time"

	"github.com/mel-des/mel-des/dataset"
	"github.com/mel-des/mel-des/mlcore"
)

// BenchmarkCycle runs paper-sized global cycles (20 learners, full MNIST, T = 10 s, E = 10 J,
// ha-async-sai, c = 1) on all cores — three per iteration, so that the one-off set-up (model
// initialisation, the learners' model buffers) weighs as it does in a run of a few cycles —
// and reports the samples the learners trained per wall second. It also runs the very same
// cycles with the real training, averaging and evaluation switched off (WithoutTraining) and reports
// that wall time as a share of the real one: "overhead-%" is everything the simulation adds
// to mlcore's arithmetic (set-up, kernel, policy, channel integration, sample partitions,
// model copies to the learners, the four output files written to memory).
func BenchmarkCycle(b *testing.B) {
	train, test, err := dataset.LoadMNIST("")
	if err != nil {
		b.Skip(err)
	}
	cfg := DefaultConfig()
	cfg.Cycles = 3
	pool := mlcore.NewPool(0)
	defer pool.Close()
	run := func(noSGD bool) (time.Duration, int64) {
		opts := []Option{WithPool(pool), WithData(train, test)}
		if noSGD {
			opts = append(opts, WithoutTraining())
		}
		s, err := New(cfg, opts...)
		if err != nil {
			b.Fatal(err)
		}
		var o runFiles
		rec := o.recorder()
		start := time.Now()
		sum, err := s.Run(context.Background(), rec)
		rec.Close()
		wall := time.Since(start)
		if err != nil || !sum.Completed() {
			b.Fatalf("%v %s", err, sum.Reason)
		}
		return wall, sum.SamplesTrained
	}
	var real, bare time.Duration
	var samples int64
	b.ResetTimer()
	for b.Loop() {
		w, n := run(false)
		real += w
		samples += n
		b.StopTimer()
		w, _ = run(true)
		bare += w
		b.StartTimer()
	}
	b.ReportMetric(float64(samples)/real.Seconds(), "samples/s")
	b.ReportMetric(100*bare.Seconds()/real.Seconds(), "overhead-%")
}
