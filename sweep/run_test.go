package sweep

import (
	"context"
	"errors"
	"github.com/mel-des/mel-des/dataset"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/figures"
	"github.com/mel-des/mel-des/mel"
)

// cancelAfter is an Observer that cancels a context after n cells.
type cancelAfter struct {
	n, done int
	cancel  context.CancelFunc
	plans   []Plan
}

func (c *cancelAfter) Start(p Plan) { c.plans = append(c.plans, p) }
func (c *cancelAfter) CellDone(r CellResult) {
	if c.done++; c.done == c.n {
		c.cancel()
	}
}

// runInto runs s into results and fails the test on error.
func runInto(t *testing.T, s *Sweep, opts Options) Report {
	t.Helper()
	rep, err := Run(context.Background(), s, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return rep
}

// TestRunDeterministic checks that the results do not depend on the parallelism or the
// worker count, and that they hold what the figures package needs.
func TestRunDeterministic(t *testing.T) {
	dir := t.TempDir()
	s := writeSweep(t, dir, "tiny", tinySweep)
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	rep := runInto(t, s, Options{Results: a, Parallel: 1, Workers: 1})
	if rep.Cells != 12 || rep.Ran != 12 || rep.Skipped != 0 || rep.Samples <= 0 {
		t.Errorf("report %+v", rep)
	}
	runInto(t, s, Options{Results: b, Parallel: 3, Workers: 2})
	samePair(t, b, a)

	f, err := os.Open(a)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := figures.ReadResults(f)
	if err != nil {
		t.Fatalf("figures cannot read the results: %v", err)
	}
	if res.Len() != 12*2 {
		t.Errorf("%d rows, want 24", res.Len())
	}
	if got, _ := res.Values("staleness"); strings.Join(got, " ") != "0 1 2" {
		t.Errorf("staleness values %q", got)
	}
	_, idx := readPair(t, a)
	lines := strings.Split(strings.TrimSpace(idx), "\n")
	if lines[0] != "cell,index,cycles,reason,axes" || len(lines) != 13 {
		t.Fatalf("index:\n%s", idx)
	}
	c := s.Cells[4]
	if want := c.Hash + ",4,2," + mel.ReasonCompleted + "," + c.Label(); lines[5] != want {
		t.Errorf("index line of cell 4:\n got %s\nwant %s", lines[5], want)
	}

	again := runInto(t, s, Options{Results: a})
	if again.Ran != 0 || again.Skipped != 12 {
		t.Errorf("second run: ran %d, skipped %d; want 0, 12", again.Ran, again.Skipped)
	}
	samePair(t, b, a)
}

// TestRunInterruptedAndResumed checks that a sweep stopped after some cells and run again
// gives the same files as an uninterrupted one, and that the stopped run recorded only
// whole cells.
func TestRunInterruptedAndResumed(t *testing.T) {
	dir := t.TempDir()
	s := writeSweep(t, dir, "tiny", tinySweep)
	want := filepath.Join(dir, "want.csv")
	runInto(t, s, Options{Results: want, Parallel: 1})

	got := filepath.Join(dir, "got.csv")
	for _, stopAfter := range []int{1, 5} {
		ctx, cancel := context.WithCancel(context.Background())
		obs := &cancelAfter{n: stopAfter, cancel: cancel}
		rep, err := Run(ctx, s, Options{Results: got, Parallel: 2, Observer: obs})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("stopped run: err %v, want context.Canceled", err)
		}
		if rep.Ran < 1 || rep.Skipped+rep.Ran >= 12 {
			t.Fatalf("stopped run: ran %d, skipped %d", rep.Ran, rep.Skipped)
		}
		done, err := Complete(s, got)
		if err != nil || len(done) != rep.Skipped+rep.Ran {
			t.Fatalf("after the stop: %d complete cells (%v), want %d", len(done), err, rep.Skipped+rep.Ran)
		}
		r, _ := readPair(t, got)
		if rows := strings.Count(r, "\n") - 1; rows != 2*len(done) {
			t.Errorf("after the stop: %d rows for %d complete cells", rows, len(done))
		}
	}
	rep := runInto(t, s, Options{Results: got, Parallel: 2, Workers: 1})
	if rep.Skipped < 2 || rep.Skipped+rep.Ran != 12 {
		t.Errorf("resumed run: skipped %d, ran %d", rep.Skipped, rep.Ran)
	}
	samePair(t, got, want)
}

// TestRunRecoversFromCrash simulates crashes between the writes of a cell: rows without
// their index line, a torn row, a torn index line; a resumed run must remove them, run
// those cells again and end with the same files.
func TestRunRecoversFromCrash(t *testing.T) {
	dir := t.TempDir()
	s := writeSweep(t, dir, "tiny", tinySweep)
	want := filepath.Join(dir, "want.csv")
	runInto(t, s, Options{Results: want})
	wr, wi := readPair(t, want)
	idx := strings.SplitAfter(wi, "\n")
	res := strings.SplitAfter(wr, "\n")

	got := filepath.Join(dir, "got.csv")
	// Cells 10 and 11 lost their index lines (the last one torn mid-line), and a third
	// write was cut short in the results.
	torn := idx[11][:7]
	write := func(path, text string) {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(got, wr+res[3][:20])
	write(got+IndexSuffix, strings.Join(idx[:11], "")+torn)
	rep := runInto(t, s, Options{Results: got})
	if rep.Skipped != 10 || rep.Ran != 2 || rep.DroppedRows != 4 || rep.DroppedCells != 2 {
		t.Errorf("skipped %d, ran %d, dropped %d rows of %d cells; want 10, 2, 4, 2", rep.Skipped, rep.Ran, rep.DroppedRows, rep.DroppedCells)
	}
	samePair(t, got, want)

	// An index line whose cell has too many rows (a row written twice) is not trusted.
	write(got, wr+res[1])
	write(got+IndexSuffix, wi)
	rep = runInto(t, s, Options{Results: got})
	if rep.Ran != 1 || rep.DroppedRows != 3 {
		t.Errorf("repeated row: ran %d, dropped %d rows; want 1, 3", rep.Ran, rep.DroppedRows)
	}
	samePair(t, got, want)
}

// TestRunEarlyStopAndFailure checks that a cell whose run stops early is complete with its
// reason, and that a failing cell is reported, not recorded, and run again.
func TestRunEarlyStopAndFailure(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "nomnist"), 0o755); err != nil {
		t.Fatal(err)
	}
	// The MNIST cell fails when it runs: the files are looked for where $MELDES_MNIST_DIR
	// says, an empty directory.
	t.Setenv(dataset.MNISTDirEnv, filepath.Join(dir, "nomnist"))
	s := writeSweep(t, dir, "edge", `
base = "tiny-synthetic"
[[group]]
"simulation.deadline_s" = [0.05, 2]
[[group]]
"dataset.source" = ["mnist"]
"model.hidden" = [[16]]
`)
	var failed []CellResult
	obs := observerFunc(func(r CellResult) {
		if r.Err != nil {
			failed = append(failed, r)
		}
	})
	for range 2 {
		failed = nil
		rep, err := Run(context.Background(), s, Options{Observer: obs})
		if err == nil || !strings.Contains(err.Error(), "1 of ") || !strings.Contains(err.Error(), "MNIST") {
			t.Errorf("err = %v; want a failure of the MNIST cell", err)
		}
		if rep.Failed != 1 || len(failed) != 1 || failed[0].Cell.Index != 2 {
			t.Errorf("failed %d cells: %v", rep.Failed, failed)
		}
	}
	_, idx := readPair(t, s.Results)
	lines := strings.Split(strings.TrimSpace(idx), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], `,0,0,"cycle 1: no feasible plan`) || !strings.Contains(lines[2], ",1,3,"+mel.ReasonCompleted) {
		t.Errorf("index:\n%s", idx)
	}
}

// observerFunc is an Observer that passes CellDone to a function.
type observerFunc func(CellResult)

func (observerFunc) Start(Plan)              {}
func (f observerFunc) CellDone(r CellResult) { f(r) }

// A sweep refuses results that are not its own or cannot be trusted, and leaves no lock file
// behind that it created; a lock file that was there before stays.
func TestRunRefuses(t *testing.T) {
	dir := t.TempDir()
	s := writeSweep(t, dir, "tiny", tinySweep)
	runInto(t, s, Options{Shard: Shard{0, 6}})
	path := Shard{0, 6}.Path(s.Results)
	data, _ := os.ReadFile(path)
	index, _ := os.ReadFile(path + IndexSuffix)
	write := func(p string, b []byte) string {
		t.Helper()
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	noLock := func(t *testing.T, results string) {
		t.Helper()
		if _, err := os.Stat(results + LockSuffix); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s left behind after a refusal (%v)", results+LockSuffix, err)
		}
	}

	t.Run("other axes", func(t *testing.T) {
		other := writeSweep(t, dir, "tiny", strings.Replace(tinySweep, `"simulation.cycles" = [2]`, `"simulation.cycles" = [2]`+"\n\"radio.bandwidth_mhz\" = [5]", 1))
		moved := write(filepath.Join(dir, "moved.csv"), data)
		write(moved+IndexSuffix, index)
		_, err := Run(context.Background(), other, Options{Results: moved})
		var se *Error
		if !errors.As(err, &se) || !strings.Contains(err.Error(), "its axes changed") {
			t.Errorf("got %v", err)
		}
		noLock(t, moved)
	})
	t.Run("no index", func(t *testing.T) {
		lost := write(filepath.Join(dir, "lost.csv"), data)
		_, err := Run(context.Background(), s, Options{Results: lost})
		var re *ResultsError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), "no index") {
			t.Errorf("got %v", err)
		}
		noLock(t, lost)
		if _, err := os.Stat(lost + IndexSuffix); err == nil {
			t.Errorf("an index was written for %s", lost)
		}
	})
	t.Run("corrupt index", func(t *testing.T) {
		bad := write(filepath.Join(dir, "corrupt.csv"), data)
		write(bad+IndexSuffix, []byte("cell,index,cycles,reason,axes\nzzz,1,2,x,y\n"))
		_, err := Run(context.Background(), s, Options{Results: bad})
		var re *ResultsError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), "corrupt.csv.done:2:") {
			t.Errorf("got %v", err)
		}
		noLock(t, bad)
		if _, err := Complete(s, bad); err == nil {
			t.Error("Complete accepts the corrupt index")
		}
	})
	t.Run("a lock file that was there stays", func(t *testing.T) {
		lost := write(filepath.Join(dir, "lost2.csv"), data)
		write(lost+LockSuffix, nil)
		if _, err := Run(context.Background(), s, Options{Results: lost}); err == nil {
			t.Fatal("results without an index accepted")
		}
		if _, err := os.Stat(lost + LockSuffix); err != nil {
			t.Errorf("the lock file that was there before is gone: %v", err)
		}
	})
	t.Run("locked", func(t *testing.T) {
		j, _, err := openJournal(s, path)
		if err != nil {
			t.Fatal(err)
		}
		defer j.close(false)
		_, err = Run(context.Background(), s, Options{Results: path})
		if err == nil || !strings.Contains(err.Error(), "another mel-des sweep is writing") {
			t.Errorf("got %v", err)
		}
		if _, err := os.Stat(path + LockSuffix); err != nil {
			t.Errorf("the lock file of the running sweep is gone: %v", err)
		}
	})
}

// A lock file removed by a refused run while another process waited for it is not
// trusted: lockResults takes the lock on the file at the path.
func TestLockSurvivesRemoval(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	a, ok, err := lockResults(path)
	if err != nil || !ok || !a.created {
		t.Fatalf("first lock: %v, %v, created %v", ok, err, a != nil && a.created)
	}
	if b, ok, err := lockResults(path); err != nil || ok || b != nil {
		t.Errorf("second lock while the first is held: ok %v, %v", ok, err)
	}
	a.release(true)
	if _, err := os.Stat(path + LockSuffix); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused lock's file stays: %v", err)
	}
	b, ok, err := lockResults(path)
	if err != nil || !ok {
		t.Fatalf("lock after release: %v, %v", ok, err)
	}
	b.release(false)
	if _, err := os.Stat(path + LockSuffix); err != nil {
		t.Errorf("a lock file of a run that wrote results is gone: %v", err)
	}
}
