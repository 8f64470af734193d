package mel

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/mel-des/mel-des/dataset"
	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/policy"
)

// BenchmarkCycle runs whole global cycles, everything included, on all cores.
//
// learners=20 is the paper's cycle (20 learners, full MNIST, T = 10 s, E = 10 J, ha-async-sai,
// c = 1), three cycles per iteration so that the one-off set-up (model initialisation, the
// model buffers) weighs as it does in a run of a few cycles, with the four output files
// written to memory. It reports the samples the learners trained per wall second and
// "overhead-%": the wall time of the very same cycles with the real training, averaging and
// evaluation switched off (WithoutTraining), as a share of the real one — everything the
// simulation adds to mlcore's arithmetic (set-up, kernel, policy, channel integration, sample
// partitions, model copies, the output files).
//
// learners=1000, 10000 and 100000 are cells of many small learners (cellConfig, the
// synthetic-100k scenario's setting), two cycles per iteration with the four writers writing
// to io.Discard. Besides samples/s they report the kernel's events per wall second, the live
// heap per learner at the end of a cycle over the heap before the run ("B/learner", from an
// extra run outside the timer), and the shares of the wall time spent planning ("plan-%",
// the policy's Plan calls) and training ("train-%", the wall time saved by WithoutTraining).
func BenchmarkCycle(b *testing.B) {
	b.Run("learners=20", benchPaperCycle)
	for _, k := range []int{1000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("learners=%d", k), func(b *testing.B) { benchCell(b, k) })
	}
}

func benchPaperCycle(b *testing.B) {
	train, test, err := dataset.LoadMNIST("")
	if err != nil {
		b.Skip(err)
	}
	cfg := DefaultConfig()
	cfg.Cycles = 3
	pool := mlcore.NewPool(0)
	defer pool.Close()
	run := func(noSGD bool) benchRun {
		var o runFiles
		return runBench(b, cfg, o.recorder(), noSGD, WithPool(pool), WithData(train, test))
	}
	var real, bare time.Duration
	var samples int64
	b.ResetTimer()
	for b.Loop() {
		r := run(false)
		real += r.wall
		samples += r.samples
		b.StopTimer()
		bare += run(true).wall
		b.StartTimer()
	}
	b.ReportMetric(float64(samples)/real.Seconds(), "samples/s")
	b.ReportMetric(100*bare.Seconds()/real.Seconds(), "overhead-%")
}

// cellConfig is a cell of K small learners, the setting of scenarios/scale/synthetic-100k.toml
// at any K: the paper's four CPU classes in four blocks of K/4, T = 20 s, E = 20 J, c = 2, one sample per
// learner (d = K, min_samples 1) from 100,000 synthetic samples of 64 features in 10 classes,
// a 64-32-10 network, and C_m = 7e9 cycles per sample, so that a learner does one to three
// local iterations a cycle.
func cellConfig(K int) Config {
	c := DefaultConfig()
	c.Cycles = 2
	c.Deadline, c.EnergyMean, c.Staleness = 20, 20, 2
	c.MinSamples, c.Samples = 1, K
	c.CyclesPerSample = 7e9
	c.Data = Data{Source: syntheticData(100_000, 10_000, 64, 10)}
	c.Model = Model{Hidden: []int{32}, Batch: 32, LR: 0.05}
	freqs := []float64{6.0e9, 2.4e9, 1.4e9, 0.7e9}
	c.Learners = make([]Learner, K)
	for k := range c.Learners {
		c.Learners[k] = DefaultLearner(freqs[k*len(freqs)/K])
	}
	return c
}

func benchCell(b *testing.B, K int) {
	cfg := cellConfig(K)
	src, err := cfg.Data.Source.Open()
	if err != nil {
		b.Fatal(err)
	}
	train, test, err := src.Load(streams{cfg.Seed}.seedOf(streamSynthetic, 0))
	if err != nil {
		b.Fatal(err)
	}
	pool := mlcore.NewPool(0)
	defer pool.Close()
	opts := []Option{WithPool(pool), WithData(train, test)}
	discard := func() Recorders {
		return Recorders{NewCyclesCSV(io.Discard), NewLearnersCSV(io.Discard), NewTraceJSONL(io.Discard), NewTraceChrome(io.Discard)}
	}
	var real, bare, plan time.Duration
	var samples int64
	var events uint64
	b.ResetTimer()
	for b.Loop() {
		r := runBench(b, cfg, discard(), false, opts...)
		real += r.wall
		plan += r.plan
		samples += r.samples
		events += r.events
		b.StopTimer()
		bare += runBench(b, cfg, discard(), true, opts...).wall
		b.StartTimer()
	}
	b.StopTimer()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	heap := &heapProbe{Recorders: discard()}
	runBench(b, cfg, heap, false, opts...)
	b.ReportMetric(float64(samples)/real.Seconds(), "samples/s")
	b.ReportMetric(float64(events)/real.Seconds(), "events/s")
	b.ReportMetric(float64(heap.max-ms.HeapAlloc)/float64(K), "B/learner")
	b.ReportMetric(100*plan.Seconds()/real.Seconds(), "plan-%")
	b.ReportMetric(100*(1-bare.Seconds()/real.Seconds()), "train-%")
}

// benchRun is what one benchmarked run took.
type benchRun struct {
	wall, plan time.Duration
	samples    int64
	events     uint64
}

// runBench runs cfg to its end with rec, timing the whole run and the policy's Plan calls.
func runBench(b *testing.B, cfg Config, rec Recorder, noSGD bool, opts ...Option) benchRun {
	if noSGD {
		opts = append(opts, WithoutTraining())
	}
	s, err := New(cfg, opts...)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	tp := &timedPolicy{Policy: s.pol}
	s.pol = tp
	start := time.Now()
	sum, err := s.Run(context.Background(), rec)
	rec.Close()
	wall := time.Since(start)
	if err != nil || !sum.Completed() {
		b.Fatalf("%v %s", err, sum.Reason)
	}
	return benchRun{wall: wall, plan: tp.spent, samples: sum.SamplesTrained, events: sum.Events}
}

// timedPolicy adds up the wall time of a policy's Plan calls.
type timedPolicy struct {
	policy.Policy
	spent time.Duration
}

func (t *timedPolicy) Plan(p policy.Problem) (policy.Plan, error) {
	start := time.Now()
	defer func() { t.spent += time.Since(start) }()
	return t.Policy.Plan(p)
}

// heapProbe records the largest live heap seen at the end of a cycle, after a collection.
type heapProbe struct {
	Recorders
	max uint64
}

func (h *heapProbe) Cycle(c CycleRecord) error {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	h.max = max(h.max, ms.HeapAlloc)
	return h.Recorders.Cycle(c)
}
