package sweep

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/mel-des/mel-des/dataset"
	"github.com/mel-des/mel-des/mel"
	"github.com/mel-des/mel-des/mlcore"
)

// DefaultParallel is the number of cells Run runs at once unless told otherwise. A cell
// alternates between serial work (the event loop, the policy's solver, copying models,
// aggregation) and training spread over the shared pool, and near the end of each cycle only
// the learners with the most local updates still train, so one cell cannot keep the pool
// busy and two barely do. Measured on the 2-core machine with the paper's sweeps: 2 cells at
// once used 138 % CPU and trained 157 k samples/s, 3 cells used 198 % and trained 234 k
// samples/s. On a machine with many cores, raise it further.
const DefaultParallel = 3

// Options tunes Run. The zero value runs every cell of the sweep with the defaults.
type Options struct {
	Results  string   // results CSV; "" = Shard.Path(Sweep.Results)
	Parallel int      // cells at once; 0 = Sweep.Parallel, else DefaultParallel
	Workers  int      // training goroutines shared by all cells; 0 = Sweep.Workers, else GOMAXPROCS
	Shard    Shard    // the part of the cells to run; the zero Shard runs all
	Observer Observer // told about progress; nil = nobody
}

// Observer follows a sweep. Run calls its methods from one goroutine, in order, never
// concurrently; they should return quickly, since cells wait for them.
type Observer interface {
	// Start is called once, after the results were checked and before any cell runs.
	Start(Plan)
	// CellDone is called when a cell has been recorded as complete or has failed. Cells
	// stopped by the context are not reported.
	CellDone(CellResult)
}

// Plan is what Run found before running anything.
type Plan struct {
	Results      string // the results CSV; its index is Results + IndexSuffix
	Shard        Shard
	Cells        int // cells of the sweep in the shard
	Skipped      int // of those, complete in the results already
	DroppedRows  int // rows removed from the results: cells not complete, or a torn line
	DroppedCells int // distinct cells among those rows
	Foreign      int // complete cells in the results that the sweep does not have, kept
	Parallel     int // cells at once
	Workers      int // training goroutines
}

// CellResult is one cell's outcome.
type CellResult struct {
	Cell    *Cell
	Summary mel.Summary   // the run's summary; Summary.Reason says why it stopped
	Err     error         // nil, or why the cell failed: it is not recorded and runs again next time
	Wall    time.Duration // wall-clock time of the run
	Done    int           // cells of the shard complete so far, counting the skipped ones
}

// Report sums up a sweep.
type Report struct {
	Plan
	Ran         int           // cells run and recorded as complete
	Failed      int           // cells that failed with an error
	Interrupted int           // cells stopped by the context midway, not recorded
	Samples     int64         // samples trained by the cells run (Σ tau_k·d_k)
	Wall        time.Duration // wall-clock time of Run
}

// Run runs the cells of s in opts.Shard that the results do not hold yet and records each
// one when it ends, in one write per cell, followed by its index line. Cells run
// opts.Parallel at once on one shared pool of opts.Workers goroutines; MNIST is loaded at
// most once. A cell that stops early (no feasible plan, every battery empty) is complete
// with the cycles it ran. A cell that fails is reported and not recorded, so that it runs
// again next time; Run carries on with the others and returns an error at the end.
//
// Cancelling ctx stops every running cell at its next event; those cells are not recorded
// and Run returns ctx.Err() without further changes to the files. Otherwise, once the
// cells are done, Run rewrites the results and the index in canonical order, so that they
// are the same bytes whatever the parallelism, the worker count, or the interruptions and
// resumptions on the way.
func Run(ctx context.Context, s *Sweep, opts Options) (rep Report, err error) {
	start := time.Now()
	defer func() { rep.Wall = time.Since(start) }()
	path := opts.Results
	if path == "" {
		path = opts.Shard.Path(s.Results)
	}
	j, t, err := openJournal(s, path)
	if err != nil {
		return rep, err
	}
	defer j.close(false)
	complete := t.completeSet()
	var todo []*Cell
	for _, c := range s.Cells {
		if opts.Shard.Contains(c.Index) {
			rep.Cells++
			if complete[c.Hash] {
				rep.Skipped++
			} else {
				todo = append(todo, c)
			}
		}
	}
	for h := range complete {
		if s.Cell(h) == nil {
			rep.Foreign++
		}
	}
	rep.Results, rep.Shard, rep.DroppedRows, rep.DroppedCells = path, opts.Shard, t.droppedRows, t.droppedCells
	rep.Parallel = cmp.Or(opts.Parallel, s.Parallel, DefaultParallel)
	rep.Workers = cmp.Or(opts.Workers, s.Workers, runtime.GOMAXPROCS(0))
	obs := opts.Observer
	if obs == nil {
		obs = nopObserver{}
	}
	obs.Start(rep.Plan)

	pool := mlcore.NewPool(rep.Workers)
	defer pool.Close()
	r := &runner{pool: pool, data: &dataCache{}}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := r.start(runCtx, todo, min(rep.Parallel, max(1, len(todo))))
	var fatal, firstFail error
	for res := range results {
		switch {
		case errors.Is(res.Err, errNotStarted):
			continue
		case res.Err != nil && runCtx.Err() != nil:
			rep.Interrupted++
			continue
		case res.Err != nil:
			rep.Failed++
			firstFail = cmp.Or(firstFail, fmt.Errorf("cell %d (%s): %w", res.Cell.Index, res.Cell.Label(), res.Err))
		default:
			if err := j.append(res.Cell, res.Summary); err != nil {
				fatal = err
				cancel()
				continue
			}
			rep.Ran++
			rep.Samples += res.Summary.SamplesTrained
		}
		res.Done = rep.Skipped + rep.Ran
		obs.CellDone(res)
	}
	switch {
	case fatal != nil:
		return rep, fatal
	case ctx.Err() != nil:
		return rep, ctx.Err()
	}
	if err := j.finish(); err != nil {
		return rep, err
	}
	if rep.Failed > 0 {
		return rep, fmt.Errorf("sweep: %d of %d cells failed and will run again next time; the first: %w", rep.Failed, len(todo), firstFail)
	}
	return rep, nil
}

// Complete reads the results of s at path without changing them and returns the hashes of
// the complete cells, as Run would find them.
func Complete(s *Sweep, path string) (map[string]bool, error) {
	t, err := load(path)
	if err != nil {
		return nil, err
	}
	if t.header != nil {
		if err := s.checkHeader(path, t.header); err != nil {
			return nil, err
		}
	}
	return t.completeSet(), nil
}

// runner runs cells on a shared pool.
type runner struct {
	pool *mlcore.Pool
	data *dataCache
}

// start runs the cells on parallel goroutines, in order, and returns their results as
// they end; the channel is closed when all have ended or, after ctx is done, when the
// running ones have stopped.
func (r *runner) start(ctx context.Context, cells []*Cell, parallel int) <-chan CellResult {
	jobs := make(chan *Cell)
	out := make(chan CellResult)
	var wg sync.WaitGroup
	for range parallel {
		wg.Go(func() {
			for c := range jobs {
				t0 := time.Now()
				sum, err := r.run(ctx, c)
				out <- CellResult{Cell: c, Summary: sum, Err: err, Wall: time.Since(t0)}
			}
		})
	}
	go func() {
		defer close(jobs)
		for _, c := range cells {
			select {
			case jobs <- c:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// errNotStarted marks a cell that was handed out after the context was done, and never ran.
var errNotStarted = errors.New("sweep: not started")

// run runs one cell to its end.
func (r *runner) run(ctx context.Context, c *Cell) (mel.Summary, error) {
	if ctx.Err() != nil {
		return mel.Summary{}, errNotStarted
	}
	cfg := c.Scenario.Config
	opts := []mel.Option{mel.WithPool(r.pool)}
	if !cfg.Data.Source.Seeded() {
		train, test, err := r.data.load(cfg.Data.Source)
		if err != nil {
			return mel.Summary{}, err
		}
		opts = append(opts, mel.WithData(train, test))
	}
	sys, err := mel.New(cfg, opts...)
	if err != nil {
		return mel.Summary{}, err
	}
	defer sys.Close()
	sum, err := sys.Run(ctx, nil)
	if err == nil && sum.Reason == mel.ReasonInterrupted {
		err = context.Canceled // cannot happen with mel's contract; never record a cut-short cell
	}
	return sum, err
}

// dataCache loads each data set that does not depend on the seed (MNIST, files) once and
// shares the read-only data between the cells of one Run. It belongs to a Run, never to the
// package, so runs share nothing.
type dataCache struct {
	mu   sync.Mutex
	sets map[string]*dataLoad // by dataset.Config.Key
}

// dataLoad is one data set, loaded once.
type dataLoad struct {
	once        sync.Once
	train, test *mlcore.Dataset
	err         error
}

// load returns the data of src, loading them on first use; concurrent callers wait for the
// one load.
func (d *dataCache) load(src dataset.Config) (train, test *mlcore.Dataset, err error) {
	key := src.Key()
	d.mu.Lock()
	if d.sets == nil {
		d.sets = map[string]*dataLoad{}
	}
	l := d.sets[key]
	if l == nil {
		l = &dataLoad{}
		d.sets[key] = l
	}
	d.mu.Unlock()
	l.once.Do(func() {
		s, err := src.Open()
		if err != nil {
			l.err = err
			return
		}
		l.train, l.test, l.err = s.Load(0)
	})
	return l.train, l.test, l.err
}

// nopObserver ignores everything.
type nopObserver struct{}

func (nopObserver) Start(Plan)          {}
func (nopObserver) CellDone(CellResult) {}
