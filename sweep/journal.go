package sweep

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mel-des/mel-des/mel"
)

// LockSuffix is appended to a results file's name to name the lock file that keeps two
// sweeps from writing the same results at once. The file stays after a run that wrote
// results; it holds nothing. A run that refuses the results removes a lock file it created.
const LockSuffix = ".lock"

// journal appends complete cells to a results file and its index, each cell in one write
// followed by an fsync, the rows before the index line, so that a crash at any point leaves
// files that load to the cells recorded so far.
type journal struct {
	s        *Sweep
	path     string
	lock     *fileLock
	res, idx *os.File
	err      error // the first write error; the files may end in a torn line after it
}

// openJournal takes the lock of the results file at path, loads it, checks that it belongs
// to s, rewrites it without incomplete cells and a torn line if it has any, and opens it
// for appending. It returns the journal and what the files held. When it refuses the files,
// it leaves behind no lock file or directory that it created.
func openJournal(s *Sweep, path string) (_ *journal, t *table, err error) {
	undoDirs, err := mkdirs(filepath.Dir(path))
	if err != nil {
		return nil, nil, err
	}
	lock, ok, err := lockResults(path)
	switch {
	case err != nil:
		undoDirs()
		return nil, nil, err
	case !ok:
		return nil, nil, fmt.Errorf("sweep: another mel-des sweep is writing %s (it holds %s); wait for it, or give this one other results", path, path+LockSuffix)
	}
	jr := &journal{s: s, path: path, lock: lock}
	defer func() {
		if err != nil {
			jr.close(true)
			undoDirs()
		}
	}()
	if t, err = load(path); err != nil {
		return nil, nil, err
	}
	fresh := t.header == nil
	if fresh {
		t.header = s.Header()
	} else if err := s.checkHeader(path, t.header); err != nil {
		return nil, nil, err
	}
	t.sortFor(s)
	if fresh || t.dirty() {
		if err := t.write(path); err != nil {
			return nil, nil, err
		}
	}
	if jr.res, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0); err != nil {
		return nil, nil, fmt.Errorf("sweep: %w", err)
	}
	if jr.idx, err = os.OpenFile(path+IndexSuffix, os.O_WRONLY|os.O_APPEND, 0); err != nil {
		return nil, nil, fmt.Errorf("sweep: %w", err)
	}
	return jr, t, nil
}

// checkHeader reports an *Error if a results file's header is not the sweep's.
func (s *Sweep) checkHeader(path string, h []string) error {
	want := s.Header()
	if slices.Equal(h, want) {
		return nil
	}
	return &Error{File: s.File, Problems: []Problem{{Msg: fmt.Sprintf(
		"results %s has the columns %s, but this sweep writes %s: its axes changed since; "+
			"give this sweep other results (the results key, or --results) or move the file and its %s away",
		path, strings.Join(h, ","), strings.Join(want, ","), IndexSuffix)}}}
}

// append records a complete cell: its rows in one write, synced, then its index line,
// synced. After a failed write the journal refuses further appends, since the files may
// end in a torn line that the next start removes.
func (j *journal) append(c *Cell, sum mel.Summary) error {
	if j.err != nil {
		return j.err
	}
	write := func(f *os.File, data []byte) error {
		if _, err := f.Write(data); err != nil {
			return err
		}
		return f.Sync()
	}
	if err := write(j.res, j.s.rows(c, sum.Cycles)); err != nil {
		j.err = fmt.Errorf("sweep: appending to %s: %w", j.path, err)
		return j.err
	}
	if err := write(j.idx, encodeCSV(newEntry(c, sum).fields())); err != nil {
		j.err = fmt.Errorf("sweep: appending to %s: %w", j.path+IndexSuffix, err)
		return j.err
	}
	return nil
}

// finish rewrites the results and the index in canonical order (the sweep's cell order,
// then cycle; cells of other sweeps last), so that the files of a finished sweep are the
// same bytes however its cells were scheduled, sharded or interrupted.
func (j *journal) finish() error {
	if j.err != nil {
		return j.err
	}
	t, err := load(j.path)
	if err != nil {
		return err
	}
	if t.header == nil {
		return fmt.Errorf("sweep: %s disappeared while the sweep ran", j.path)
	}
	t.sortFor(j.s)
	return t.write(j.path)
}

// close closes the files and releases the lock; refused says that the journal did not
// open, so that a lock file it created goes too.
func (j *journal) close(refused bool) {
	for _, f := range []*os.File{j.res, j.idx} {
		if f != nil {
			f.Close()
		}
	}
	j.lock.release(refused)
}
