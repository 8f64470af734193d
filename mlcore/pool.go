package mlcore

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
)

// Pool runs jobs on a fixed set of worker goroutines, each with its own
// Workspace. Jobs start in submission order (FIFO); nothing a job computes
// through this package depends on which worker runs it or when, so results
// are bit-identical for any number of workers. A job must not block on
// another job of the same pool (with one worker that deadlocks). A Pool
// must be closed to release its goroutines. Its methods are safe for
// concurrent use.
type Pool struct {
	mu      sync.Mutex
	cond    *sync.Cond
	queue   []func(*Workspace)
	closed  bool
	workers int
	wg      sync.WaitGroup
}

// NewPool starts a pool of workers goroutines; workers <= 0 means
// runtime.GOMAXPROCS(0).
func NewPool(workers int) *Pool {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	p := &Pool{workers: workers}
	p.cond = sync.NewCond(&p.mu)
	p.wg.Add(workers)
	for range workers {
		go p.work()
	}
	return p
}

// Workers returns the number of worker goroutines.
func (p *Pool) Workers() int { return p.workers }

func (p *Pool) work() {
	defer p.wg.Done()
	ws := new(Workspace)
	for {
		p.mu.Lock()
		for len(p.queue) == 0 && !p.closed {
			p.cond.Wait()
		}
		if len(p.queue) == 0 {
			p.mu.Unlock()
			return
		}
		job := p.queue[0]
		p.queue[0] = nil
		p.queue = p.queue[1:]
		p.mu.Unlock()
		job(ws)
	}
}

// enqueue appends a job; it never blocks. Panics if the pool is closed.
func (p *Pool) enqueue(job func(*Workspace)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		panic("mlcore: Pool: submit after Close")
	}
	p.queue = append(p.queue, job)
	p.cond.Signal()
}

// requeue appends a continuation from inside a running job; unlike enqueue
// it is allowed while Close drains the queue (the worker running the job
// will find it).
func (p *Pool) requeue(job func(*Workspace)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.queue = append(p.queue, job)
	p.cond.Signal()
}

// Close lets the queued jobs and started runs finish, then stops the
// workers and returns. Submitting after Close panics; Close is idempotent.
func (p *Pool) Close() {
	p.mu.Lock()
	p.closed = true
	p.cond.Broadcast()
	p.mu.Unlock()
	p.wg.Wait()
}

// Future is the completion of a submitted job.
type Future struct{ done chan struct{} }

// Done returns a channel that is closed when the job has returned.
func (f *Future) Done() <-chan struct{} { return f.done }

// Wait blocks until the job has returned.
func (f *Future) Wait() { <-f.done }

// Submit queues job and returns its Future; it never blocks. A job that
// panics crashes the program, as in any goroutine. Panics if the pool is
// closed.
func (p *Pool) Submit(job func()) *Future {
	f := &Future{done: make(chan struct{})}
	p.enqueue(func(*Workspace) {
		defer close(f.done)
		job()
	})
	return f
}

// Go queues job to run on a worker with that worker's Workspace and returns at once. The job
// must not wait for another job of the pool. Panics if the pool is closed.
func (p *Pool) Go(job func(*Workspace)) { p.enqueue(job) }

// Evaluate is the package's Evaluate with the test set's chunks spread over
// the pool; it returns exactly the same values. It blocks until done, so it
// must not be called from inside a pool job.
func (p *Pool) Evaluate(m *MLP, test *Dataset) (loss, accuracy float64) {
	m.checkData(test, "Evaluate")
	parts := make([]evalPart, (test.N+evalChunk-1)/evalChunk)
	var wg sync.WaitGroup
	wg.Add(len(parts))
	for c := range parts {
		p.enqueue(func(ws *Workspace) {
			defer wg.Done()
			parts[c] = m.evalChunk(ws, test, c)
		})
	}
	wg.Wait()
	return combine(parts, test.N)
}

// Run is a learner's sequence of local epochs executing on a Pool (see
// Pool.Train). Each epoch is queued as its own job once the previous one is
// done, so the learners of a cycle advance round-robin. The result of every
// epoch depends only on the arguments of Train.
type Run struct {
	model *MLP
	data  *Dataset
	idx   []int
	cfg   SGD
	rng   *rand.Rand
	pool  *Pool
	loss  []float64
	ran   []bool
	done  []chan struct{}
	end   chan struct{}
	stop  atomic.Bool
	nDone int // epochs completed; read only after end is closed
}

// Train starts epochs local iterations of m over the samples idx of data on
// the pool, each an m.Epoch with the learner's own rng and cfg, and returns
// at once. m, idx and rng belong to the run until Wait returns; data must
// not change. Panics if epochs < 0 or the data do not fit the network.
func (p *Pool) Train(m *MLP, data *Dataset, idx []int, cfg SGD, rng *rand.Rand, epochs int) *Run {
	if epochs < 0 {
		panic("mlcore: Pool.Train: negative epochs")
	}
	m.checkData(data, "Train")
	r := &Run{
		model: m, data: data, idx: idx, cfg: cfg, rng: rng, pool: p,
		loss: make([]float64, epochs),
		ran:  make([]bool, epochs),
		done: make([]chan struct{}, epochs),
		end:  make(chan struct{}),
	}
	for e := range r.done {
		r.done[e] = make(chan struct{})
	}
	if epochs == 0 {
		r.finish(0)
		return r
	}
	p.enqueue(func(ws *Workspace) { r.epoch(ws, 0) })
	return r
}

// epoch runs epoch e, publishes it and queues the next one.
func (r *Run) epoch(ws *Workspace, e int) {
	if r.stop.Load() {
		r.finish(e)
		return
	}
	r.loss[e] = r.model.Iterate(r.data, r.idx, r.cfg, r.rng, ws)
	r.ran[e] = true
	close(r.done[e])
	if e+1 == len(r.done) {
		r.finish(e + 1)
		return
	}
	r.pool.requeue(func(ws *Workspace) { r.epoch(ws, e+1) })
}

// finish ends the run after n completed epochs.
func (r *Run) finish(n int) {
	r.nDone = n
	for e := n; e < len(r.done); e++ {
		close(r.done[e])
	}
	close(r.end)
}

// Epochs returns the number of epochs the run was started with.
func (r *Run) Epochs() int { return len(r.done) }

// EpochDone returns a channel that is closed when epoch e (0-based) has
// been applied to the model, or when the run has stopped without it.
// Panics if e is out of range.
func (r *Run) EpochDone(e int) <-chan struct{} { return r.done[e] }

// WaitEpoch blocks until epoch e is done and returns its mean training
// loss, or returns ok == false if the run was stopped before epoch e.
// Panics if e is out of range.
func (r *Run) WaitEpoch(e int) (meanLoss float64, ok bool) {
	<-r.done[e]
	return r.loss[e], r.ran[e]
}

// Stop asks the run to end after the epoch in progress (or at once if the
// next epoch has not started); it does not wait. Which epochs still
// complete depends on timing, so after Stop the model and rng are to be
// discarded, not used as results. Stop is idempotent.
func (r *Run) Stop() { r.stop.Store(true) }

// Wait blocks until the run has ended and returns the number of epochs
// completed (all of them unless stopped). After Wait the model and rng are
// the caller's again.
func (r *Run) Wait() (completed int) {
	<-r.end
	return r.nDone
}

// Model returns the model being trained; read it only after Wait.
func (r *Run) Model() *MLP { return r.model }
