package mel

import (
	"math/rand/v2"
	"sync"

	"github.com/mel-des/mel-des/mlcore"
)

// Streamed training. A learner's local iterations depend only on the global model, its
// samples and its own random stream, never on timing, and the timing never depends on what
// training computes. So a synchronous cycle is played in two passes (cycle.go): the kernel
// first plays the cycle's events without training, holding back the trace events whose
// training loss is not known yet (recording.eventPending); at the cycle's end every learner
// that completed at least one iteration is trained for exactly the iterations it completed,
// and the models that arrived are averaged as they come out of training.
//
// Memory does not grow with the number of learners: the learners are trained in id order
// over the pool, each in a model buffer taken from a small set (buffers) of at most
// 2 × workers, and a trained model that arrived goes into one float64 accumulator. The
// average is bit-identical to mlcore.Average over the same models in id order whatever the
// worker count: a model is added only after every arrived model of a lower id (sequencer), so
// a worker that finishes early leaves its buffer waiting until its turn comes. Admission
// blocks while every buffer is taken, so at most 2 × workers learners are in flight: the one
// whose turn it is and the ones that finished or run after it. Two buffers per worker keep
// the workers busy while the learner whose turn it is still trains, and each epoch is a pool
// job of its own, so that the learners in flight take turns and the last ones of a cycle
// finish together rather than one worker training the last learner alone.

// buffersPerWorker is how many model buffers a system may hold per pool worker.
const buffersPerWorker = 2

// trainJob is one learner's training at the end of a synchronous cycle.
type trainJob struct {
	k      int       // learner id: its random stream
	idx    []int     // its samples
	epochs int       // the local iterations it completed in the simulation (rec.TauDone)
	losses []float64 // the epochs' mean training losses, written by the job
	weight float64   // samples its model counts for in the average; 0: not averaged (late, dead)
}

// buffers hands out model buffers, at most limit at a time, and reuses those given back.
// Its counters let tests check the bound. Safe for concurrent use.
type buffers struct {
	mu    sync.Mutex
	cond  sync.Cond
	like  *mlcore.MLP // the shape of a buffer
	free  []*mlcore.MLP
	limit int
	live  int   // buffers taken and not given back
	peak  int   // the largest live seen
	taken int64 // buffers taken in all
}

func newBuffers(like *mlcore.MLP, limit int) *buffers {
	b := &buffers{like: like, limit: limit}
	b.cond.L = &b.mu
	return b
}

// take returns a buffer with unspecified contents, waiting while limit buffers are out.
func (b *buffers) take() *mlcore.MLP {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.live >= b.limit {
		b.cond.Wait()
	}
	b.live++
	b.taken++
	b.peak = max(b.peak, b.live)
	if n := len(b.free); n > 0 {
		m := b.free[n-1]
		b.free = b.free[:n-1]
		return m
	}
	return b.like.Clone()
}

// give returns a buffer taken from b.
func (b *buffers) give(m *mlcore.MLP) {
	b.mu.Lock()
	b.free = append(b.free, m)
	b.live--
	b.mu.Unlock()
	b.cond.Signal()
}

// counts returns the buffers out now, the most that were out at once, and how many were
// taken in all.
func (b *buffers) counts() (live, peak int, taken int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.live, b.peak, b.taken
}

// sequencer adds trained models to the accumulator in job order, whichever worker finishes
// first. The worker that finds the next job's model ready adds it and every ready one after
// it; the others leave theirs waiting and return, so no pool job ever blocks on another.
type sequencer struct {
	mu    sync.Mutex
	jobs  []trainJob
	ready []*mlcore.MLP // by job: the trained model waiting for its turn
	done  []bool        // by job: trained (and, without a weight, its buffer given back)
	next  int           // the first job not yet added
	busy  bool          // a worker is adding
	acc   *mlcore.Accumulator
	bufs  *buffers
}

// finish reports job i trained; m is its model if it is to be averaged, else nil.
func (q *sequencer) finish(i int, m *mlcore.MLP) {
	q.mu.Lock()
	q.done[i], q.ready[i] = true, m
	if q.busy {
		q.mu.Unlock()
		return
	}
	q.busy = true
	for q.next < len(q.done) && q.done[q.next] {
		j := q.next
		m := q.ready[j]
		q.ready[j] = nil
		q.mu.Unlock()
		if m != nil {
			q.acc.Add(m, q.jobs[j].weight)
			q.bufs.give(m)
		}
		q.mu.Lock()
		q.next++
	}
	q.busy = false
	q.mu.Unlock()
}

// stream trains the jobs (in learner-id order) on the pool and, if any has a weight, replaces
// the global model by the weighted average of their models, exactly as aggregate would over
// the same learners. Cycle n's streams are used. It returns false, having averaged nothing,
// if stop was closed before every job was started; jobs already started are waited for, so no
// worker is busy for the system when stream returns.
func (ln *learning) stream(st streams, n int, jobs []trainJob, stop <-chan struct{}) bool {
	var total float64
	for _, j := range jobs {
		total += j.weight // in learner order, as mlcore.Average sums its weights
	}
	average := total > 0 && !ln.skip
	if average {
		ln.acc.Reset(total)
	}
	q := &sequencer{jobs: jobs, ready: make([]*mlcore.MLP, len(jobs)), done: make([]bool, len(jobs)),
		acc: ln.acc, bufs: ln.bufs}
	var wg sync.WaitGroup
	stopped := false
	for i := range jobs {
		select {
		case <-stop:
			stopped = true
		default:
		}
		if stopped {
			break
		}
		wg.Add(1)
		ln.train1(st, n, &jobs[i], ln.bufs.take(), func(m *mlcore.MLP) {
			q.finish(i, m)
			wg.Done()
		})
	}
	wg.Wait()
	if stopped {
		return false
	}
	if average {
		ln.acc.Store(ln.global)
	}
	return true
}

// turnWork is the work, in samples × parameters, after which a learner's training gives its
// worker to the next learner in flight: about a millisecond of training. Smaller epochs run
// back to back, where a trip through the pool's queue would cost more than they do.
const turnWork = 1 << 24

// train1 trains job j in the buffer m on the pool. Once it has done turnWork, it queues the
// rest behind the other learners in flight, so that they advance in turn and the last ones of
// a cycle finish close together instead of one worker training the last learner alone. done
// gets the trained model if it is to be averaged, else nil (the buffer already given back).
// Which worker runs which epoch changes no result.
func (ln *learning) train1(st streams, n int, j *trainJob, m *mlcore.MLP, done func(*mlcore.MLP)) {
	var rng *rand.Rand
	e := 0
	perEpoch := len(j.idx) * m.NumParams()
	var step func(ws *mlcore.Workspace)
	step = func(ws *mlcore.Workspace) {
		if rng == nil {
			m.CopyFrom(ln.global)
			rng = st.sub(streamTrain, n, j.k)
		}
		for work := 0; !ln.skip && e < j.epochs; work += perEpoch {
			if work >= turnWork {
				ln.pool.Go(step)
				return
			}
			j.losses[e] = m.Iterate(ln.train, j.idx, ln.sgd, rng, ws)
			e++
		}
		if j.weight == 0 || ln.skip {
			ln.bufs.give(m)
			m = nil
		}
		done(m)
	}
	ln.pool.Go(step)
}
