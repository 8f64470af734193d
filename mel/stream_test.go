package mel

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/mel-des/mel-des/channel"
	"github.com/mel-des/mel-des/mlcore"
)

// manyConfig is a cell of K small learners on a small synthetic set: the four CPU classes of
// the paper, d = 4·K samples (a few per learner, min_samples 1), a 16-8-4 network whose
// transfers weigh like the paper's, and C_m set so that a learner does a few local iterations
// in T = 10 s. Every seventh learner has a battery too small for a cycle's work and dies in
// the first cycle, every eleventh loses its link from 2 s to 12 s (late, then excluded), so
// that trained models that are not averaged go through the stream too.
func manyConfig(K, workers int) Config {
	c := DefaultConfig()
	c.Cycles = 2
	c.Deadline = 10
	c.EnergyMean, c.EnergySpread = 10, 2.5
	c.Staleness = 2
	c.MinSamples = 1
	c.CyclesPerSample = 7e8
	c.Data = Data{Source: syntheticData(4*K, 200, 16, 4)}
	c.Model = Model{Hidden: []int{8}, Batch: 16, LR: 0.1}
	c.Learners = nil
	freqs := []float64{6.0e9, 2.4e9, 1.4e9, 0.7e9}
	for k := range K {
		l := DefaultLearner(freqs[k%len(freqs)])
		switch {
		case k%7 == 3:
			l.BatteryJ = 0.3
		case k%11 == 5:
			l.Outages = []channel.Interval{{Start: 2, Duration: 10}}
		}
		c.Learners = append(c.Learners, l)
	}
	paperBits(&c)
	c.Workers = workers
	return c
}

// TestStreamBuffersBounded runs a few hundred learners on four workers and checks, from the
// counts of the model buffers taken and given back, that no more than buffersPerWorker per
// worker were ever out at once and that every one came back. Run it with -race too: the
// workers train, wait for their turn and add to the average concurrently.
func TestStreamBuffersBounded(t *testing.T) {
	const workers = 4
	cfg := manyConfig(300, workers)
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var o runFiles
	rec := o.recorder()
	sum, err := s.Run(context.Background(), rec)
	if cerr := rec.Close(); err != nil || cerr != nil || !sum.Completed() {
		t.Fatalf("run: %v, %v, %s", err, cerr, sum.Reason)
	}
	trained := 0
	outcomes := map[string]int{}
	for _, r := range learnerRows(t, o.learners.Bytes()) {
		if r["tau_done"] != "0" {
			trained++
		}
		outcomes[r["outcome"]]++
	}
	live, peak, taken := s.learn.bufs.counts()
	t.Logf("%d learner-cycles trained, %d buffers taken, at most %d out at once; outcomes %v", trained, taken, peak, outcomes)
	if limit := buffersPerWorker * workers; peak > limit || peak < 1 {
		t.Errorf("%d model buffers out at once, want 1 to %d", peak, limit)
	}
	if live != 0 {
		t.Errorf("%d model buffers still out after the run", live)
	}
	if taken != int64(trained) {
		t.Errorf("%d buffers taken for %d learner-cycles trained", taken, trained)
	}
	for _, want := range []Outcome{OnTime, Late, Dead, Excluded} {
		if outcomes[string(want)] == 0 {
			t.Errorf("no learner ended a cycle %s; the scenario no longer streams every kind of learner", want)
		}
	}
}

// TestWorkersSameBytes runs 1,000 learners with 1, 2 and 8 workers: the four files must be
// byte-identical, and every completed iteration must carry its training loss.
func TestWorkersSameBytes(t *testing.T) {
	var ref *runFiles
	for _, w := range []int{1, 2, 8} {
		_, o := runConfig(t, manyConfig(1000, w))
		if ref == nil {
			ref = o
			checkComputeLosses(t, o.jsonl.Bytes())
			continue
		}
		if !bytes.Equal(ref.cycles.Bytes(), o.cycles.Bytes()) || !bytes.Equal(ref.learners.Bytes(), o.learners.Bytes()) ||
			!bytes.Equal(ref.jsonl.Bytes(), o.jsonl.Bytes()) || !bytes.Equal(ref.chrome.Bytes(), o.chrome.Bytes()) {
			t.Errorf("%d workers: outputs differ from 1 worker's", w)
		}
	}
}

// checkComputeLosses requires a finite loss on every compute event that was not cut, and
// none on those cut short.
func checkComputeLosses(t *testing.T, jsonl []byte) {
	t.Helper()
	n := 0
	for _, line := range bytes.Split(bytes.TrimSpace(jsonl), []byte("\n")) {
		var e struct {
			Kind string   `json:"kind"`
			Loss *float64 `json:"loss"`
			Cut  bool     `json:"cut"`
		}
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatal(err)
		}
		if e.Kind != string(EvCompute) {
			continue
		}
		n++
		if got := e.Loss != nil; got == e.Cut {
			t.Fatalf("compute event with loss %v and cut %v: %s", e.Loss, e.Cut, line)
		}
	}
	if n == 0 {
		t.Fatal("no compute event in the trace")
	}
}

// testLearning is a learning side of its own for the unit tests of stream.
func testLearning(workers int) *learning {
	ln := &learning{train: mlcore.Synthetic(600, 12, 3, 5), global: mlcore.NewMLP([]int{12, 7, 3}, 9),
		pool: mlcore.NewPool(workers), ownPool: true, sgd: mlcore.SGD{Batch: 8, LR: 0.1}}
	ln.bufs = newBuffers(ln.global, buffersPerWorker*workers)
	ln.acc = mlcore.NewAccumulator(ln.global)
	return ln
}

// testJobs returns 40 learners' jobs: random samples, 1 to 4 epochs, a third not averaged.
func testJobs() []trainJob {
	rng := rand.New(rand.NewPCG(5, 6))
	jobs := make([]trainJob, 40)
	for i := range jobs {
		idx := rng.Perm(600)[:1+rng.IntN(30)]
		jobs[i] = trainJob{k: 2 * i, idx: idx, epochs: 1 + rng.IntN(4), losses: nanLosses(4, 0)}
		if i%3 != 1 {
			jobs[i].weight = float64(len(idx))
		}
	}
	return jobs
}

// TestStreamMatchesAverage checks stream against the plain computation: every learner trained
// on a copy of the global model of its own, then mlcore.Average over the averaged ones in
// learner order. Global model and losses must agree bit for bit, for 1 and 3 workers.
func TestStreamMatchesAverage(t *testing.T) {
	st := streams{seed: 11}
	const cycle = 3
	want := testLearning(1)
	defer want.close()
	wantJobs := testJobs()
	var models []*mlcore.MLP
	var weights []float64
	for i := range wantJobs {
		j := &wantJobs[i]
		m := want.global.Clone()
		rng := st.sub(streamTrain, cycle, j.k)
		for e := range j.epochs {
			j.losses[e] = m.Epoch(want.train, j.idx, want.sgd, rng, nil)
		}
		if j.weight > 0 {
			models, weights = append(models, m), append(weights, j.weight)
		}
	}
	mlcore.Average(want.global, models, weights)
	for _, workers := range []int{1, 3} {
		ln := testLearning(workers)
		jobs := testJobs()
		if !ln.stream(st, cycle, jobs, nil) {
			t.Fatal("stream stopped without being asked to")
		}
		if !slices.Equal(ln.global.Params(), want.global.Params()) {
			t.Errorf("%d workers: the streamed average differs from mlcore.Average's", workers)
		}
		for i := range jobs {
			if !slices.EqualFunc(jobs[i].losses, wantJobs[i].losses, sameFloat) {
				t.Errorf("%d workers: learner %d's losses %v, want %v", workers, jobs[i].k, jobs[i].losses, wantJobs[i].losses)
			}
		}
		if live, _, _ := ln.bufs.counts(); live != 0 {
			t.Errorf("%d workers: %d buffers still out", workers, live)
		}
		ln.close()
	}
}

func sameFloat(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

// TestStreamStops: a stop channel closed before the stream starts trains and averages nothing.
func TestStreamStops(t *testing.T) {
	ln := testLearning(2)
	defer ln.close()
	before := slices.Clone(ln.global.Params())
	stop := make(chan struct{})
	close(stop)
	jobs := testJobs()
	if ln.stream(streams{seed: 1}, 1, jobs, stop) {
		t.Fatal("stream did not report the stop")
	}
	if !slices.Equal(before, ln.global.Params()) {
		t.Error("a stopped stream changed the global model")
	}
	if !math.IsNaN(jobs[0].losses[0]) {
		t.Error("a stopped stream trained")
	}
	if live, _, taken := ln.bufs.counts(); live != 0 || taken != 0 {
		t.Errorf("%d buffers out, %d taken, want none", live, taken)
	}
}

// TestInterruptMidCycle cancels the run in the middle of its second cycle: the trace is the
// uninterrupted run's up to the cancel, without the held events of the unfinished cycle, and
// ends with the run-end event; the first cycle is recorded in full.
func TestInterruptMidCycle(t *testing.T) {
	cfg := manyConfig(60, 2)
	cfg.Cycles = 3
	_, full := runConfig(t, cfg)

	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var o runFiles
	rec := &cancelAtEvent{Recorders: o.recorder(), kind: EvPlan, cycle: 2, cancel: cancel}
	sum, err := s.Run(ctx, rec)
	if cerr := rec.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	if err != context.Canceled || sum.Reason != ReasonInterrupted || len(sum.Cycles) != 1 {
		t.Fatalf("err %v, reason %q, %d cycles: want context.Canceled after 1 cycle", err, sum.Reason, len(sum.Cycles))
	}
	got := bytes.Split(bytes.TrimSpace(o.jsonl.Bytes()), []byte("\n"))
	want := bytes.Split(full.jsonl.Bytes(), []byte("\n"))
	last := got[len(got)-1]
	if !bytes.Contains(last, []byte(`"kind":"run-end"`)) || !bytes.Contains(last, []byte(`"note":"interrupted"`)) {
		t.Errorf("the trace ends with %s, want the run-end event", last)
	}
	// The link-down periods still open at the interrupt are closed, cut, just before the
	// run-end event; the rest is the full run's trace up to the cancel.
	var kept [][]byte
	for _, l := range got[:len(got)-1] {
		if !(bytes.Contains(l, []byte(`"kind":"link-down"`)) && bytes.Contains(l, []byte(`"cut":true`))) {
			kept = append(kept, l)
		}
	}
	for i, l := range kept {
		if !bytes.Equal(l, want[i]) {
			t.Fatalf("line %d of the interrupted trace is %s, the full run's %s", i+1, l, want[i])
		}
		if bytes.Contains(l, []byte(`"cycle":2`)) && bytes.Contains(l, []byte(`"kind":"compute"`)) {
			t.Errorf("an event held back in the unfinished cycle was sent: %s", l)
		}
	}
	if rows := learnerRows(t, o.learners.Bytes()); len(rows) != len(cfg.Learners) {
		t.Errorf("%d learner rows, want the first cycle's %d", len(rows), len(cfg.Learners))
	}
	if live, _, _ := s.learn.bufs.counts(); live != 0 {
		t.Errorf("%d model buffers out after an interrupted run", live)
	}
}

// cancelAtEvent cancels a context when it sees an event of the given kind and cycle.
type cancelAtEvent struct {
	Recorders
	kind   EventKind
	cycle  int
	cancel func()
}

func (c *cancelAtEvent) Event(e Event) error {
	if e.Kind == c.kind && e.Cycle == c.cycle {
		c.cancel()
	}
	return c.Recorders.Event(e)
}

// TestEventErrorStopsRun: a trace writer that fails on the first compute event, which is sent
// only when its cycle's training is done, still stops the run with its error, and the cycle
// it belongs to is not recorded.
func TestEventErrorStopsRun(t *testing.T) {
	s, err := New(manyConfig(30, 2))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var o runFiles
	boom := errors.New("disk full")
	rec := Recorders{&failAt{kind: EvCompute, err: boom}, NewCyclesCSV(&o.cycles)}
	sum, err := s.Run(context.Background(), rec)
	rec.Close()
	if !errors.Is(err, boom) {
		t.Fatalf("err %v, want %v", err, boom)
	}
	if len(sum.Cycles) != 0 || bytes.Count(o.cycles.Bytes(), []byte("\n")) != 1 {
		t.Errorf("%d cycles in the summary, cycles CSV %q: want none", len(sum.Cycles), o.cycles.String())
	}
}

// failAt is an EventRecorder that fails on the first event of a kind.
type failAt struct {
	kind EventKind
	err  error
}

func (f *failAt) Event(e Event) error {
	if e.Kind == f.kind {
		return f.err
	}
	return nil
}

func (f *failAt) Close() error { return nil }

// TestTraceLearners: with WithTraceLearners(n) the trace is the full trace without the events
// of learners n and above, and the other files do not change.
func TestTraceLearners(t *testing.T) {
	cfg := manyConfig(40, 2)
	_, full := runConfig(t, cfg)
	for _, n := range []int{0, 5, 40} {
		_, o := runConfig(t, cfg, WithTraceLearners(n))
		var want [][]byte
		for _, l := range bytes.SplitAfter(full.jsonl.Bytes(), []byte("\n")) {
			var e struct{ Learner int }
			if len(l) > 0 && json.Unmarshal(l, &e) == nil && e.Learner < n {
				want = append(want, l)
			}
		}
		if got := o.jsonl.Bytes(); !bytes.Equal(got, bytes.Join(want, nil)) {
			t.Errorf("n = %d: the trace is not the full trace filtered to learners below %d", n, n)
		}
		if !bytes.Equal(full.cycles.Bytes(), o.cycles.Bytes()) || !bytes.Equal(full.learners.Bytes(), o.learners.Bytes()) {
			t.Errorf("n = %d: the trace limit changed the CSV files", n)
		}
		if n < 40 && bytes.Contains(o.chrome.Bytes(), []byte(`"learner `+strconv.Itoa(n)+`"`)) {
			t.Errorf("n = %d: the Chrome trace has a track for learner %d", n, n)
		}
	}
}

// TestSequencerOrder finishes jobs in random orders from several goroutines, with models whose
// float64 sum depends on the order of addition (huge values that cancel beside small ones):
// the average must always be the one of the learner order, as mlcore.Average gives it.
func TestSequencerOrder(t *testing.T) {
	const n = 60
	rng := rand.New(rand.NewPCG(7, 8))
	like := mlcore.NewMLP([]int{1, 1}, 1)
	models := make([]*mlcore.MLP, n)
	jobs := make([]trainJob, n)
	total := 0.0
	for i := range models {
		models[i] = like.Clone()
		p := models[i].Params()
		jobs[i].weight = float64(1 + rng.IntN(4))
		if i%5 == 4 {
			jobs[i].weight = 0
		}
		for j := range p {
			p[j] = float32(rng.IntN(9) + 1)
			if i%3 == 0 { // ±1e17 in turn, with equal weights: they cancel exactly in any order
				p[j] = float32(1e17 * float64(1-2*(i/3%2)))
				jobs[i].weight = 2
			}
		}
		total += jobs[i].weight
	}
	var averaged []*mlcore.MLP
	var weights []float64
	for i, m := range models {
		if jobs[i].weight > 0 {
			averaged, weights = append(averaged, m), append(weights, jobs[i].weight)
		}
	}
	want := like.Clone()
	mlcore.Average(want, averaged, weights)
	orders := 0
	for trial := range 200 {
		bufs := newBuffers(like, n)
		acc := mlcore.NewAccumulator(like)
		acc.Reset(total)
		q := &sequencer{jobs: jobs, ready: make([]*mlcore.MLP, n), done: make([]bool, n), acc: acc, bufs: bufs}
		for range n {
			bufs.take()
		}
		perm := rng.Perm(n)
		var wg sync.WaitGroup
		for g := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, i := range perm[g*n/3 : (g+1)*n/3] {
					m := models[i]
					if jobs[i].weight == 0 {
						bufs.give(m)
						m = nil
					}
					q.finish(i, m)
				}
			}()
		}
		wg.Wait()
		got := like.Clone()
		acc.Store(got)
		if !slices.Equal(got.Params(), want.Params()) {
			t.Fatalf("trial %d: finishing in the order %v gives %v, want %v", trial, perm, got.Params(), want.Params())
		}
		if live, _, _ := bufs.counts(); live != 0 {
			t.Fatalf("trial %d: %d buffers not given back", trial, live)
		}
		// The test can fail only if the order of addition matters for these models.
		inOrder := like.Clone()
		var permuted []*mlcore.MLP
		var pw []float64
		for _, i := range perm {
			if jobs[i].weight > 0 {
				permuted, pw = append(permuted, models[i]), append(pw, jobs[i].weight)
			}
		}
		mlcore.Average(inOrder, permuted, pw)
		if !slices.Equal(inOrder.Params(), want.Params()) {
			orders++
		}
	}
	if orders < 100 {
		t.Errorf("only %d of 200 orders change the average; the models do not test the order", orders)
	}
}

// TestNoTraceHoldsNothing: without a trace recorder no event is held back for its loss.
func TestNoTraceHoldsNothing(t *testing.T) {
	for _, rec := range []Recorder{nil, Recorders{NewCyclesCSV(&bytes.Buffer{})}, Recorders{Recorders{}}} {
		r := newRecording(rec, nil, traceLimit{})
		loss := 1.0
		r.eventPending(Event{Kind: EvCompute}, &loss)
		if len(r.held) != 0 {
			t.Errorf("%T%v: an event was held without a trace recorder", rec, rec)
		}
	}
	r := newRecording(Recorders{NewCyclesCSV(&bytes.Buffer{}), Recorders{NewTraceJSONL(&bytes.Buffer{})}}, nil, traceLimit{})
	r.eventPending(Event{Kind: EvCompute}, new(float64))
	if len(r.held) != 1 {
		t.Error("an event for a nested trace recorder was not held")
	}
}
