package sweep

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// table is what a results CSV and its index hold: the complete cells and their rows. Rows
// are kept as the exact lines read, so that rewriting a file never changes a byte of them.
type table struct {
	path    string
	header  []string            // nil: the results file does not exist
	entries []entry             // complete cells, in index order
	rows    map[string][]string // cell hash → its lines, each ending in "\n", in file order

	// What load left out; any of these makes the files worth rewriting.
	torn          bool // a last line without its newline (a write cut short)
	droppedRows   int  // rows of cells not (or not consistently) in the index
	droppedCells  int  // distinct cells among them
	droppedIndex  int  // index lines repeated or disagreeing with the rows
	missingHeader bool // the index file did not exist
}

// dirty reports whether the files on disk hold anything beyond the complete cells.
func (t *table) dirty() bool {
	return t.torn || t.droppedRows > 0 || t.droppedIndex > 0 || t.missingHeader
}

// load reads the results CSV at path and its index without changing them and keeps the
// complete cells: those in the index whose number of rows matches. Rows of other cells and
// a torn last line are left out (and counted). A results file that does not exist loads as
// an empty table with a nil header. A results file with rows but no index is an error, so
// that a lost index never silently discards results.
func load(path string) (*table, error) {
	t := &table{path: path, rows: map[string][]string{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return t, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	lines, torn := splitLines(data)
	t.torn = torn
	if len(lines) == 0 {
		return t, nil // an empty file, or a header cut short
	}
	if t.header, err = parseLine(lines[0], -1); err != nil {
		return nil, resultsErrorf("sweep: %s:1: header: %v", path, err)
	}
	var order []string // cells in order of first row
	for i, line := range lines[1:] {
		f, err := parseLine(line, len(t.header))
		if err != nil {
			return nil, resultsErrorf("sweep: %s:%d: %v", path, i+2, err)
		}
		h := f[0]
		if _, ok := t.rows[h]; !ok {
			order = append(order, h)
		}
		t.rows[h] = append(t.rows[h], line)
	}
	idx, err := os.ReadFile(path + IndexSuffix)
	switch {
	case errors.Is(err, fs.ErrNotExist) && len(t.rows) > 0:
		return nil, resultsErrorf("sweep: %s has %d rows but no index %s, so which cells are complete is unknown; "+
			"restore the index or move the results away", path, len(lines)-1, path+IndexSuffix)
	case errors.Is(err, fs.ErrNotExist):
		t.missingHeader = true
		return t, nil
	case err != nil:
		return nil, fmt.Errorf("sweep: %w", err)
	}
	ilines, itorn := splitLines(idx)
	t.torn = t.torn || itorn
	if len(ilines) == 0 {
		t.missingHeader = true
	} else if h, err := parseLine(ilines[0], -1); err != nil || !slices.Equal(h, indexHeader) {
		return nil, resultsErrorf("sweep: %s:1: not a sweep index: want the header %s", path+IndexSuffix, strings.Join(indexHeader, ","))
	}
	seen := map[string]bool{}
	for i := 1; i < len(ilines); i++ {
		f, err := parseLine(ilines[i], len(indexHeader))
		var e entry
		if err == nil {
			e, err = parseEntry(f)
		}
		if err != nil {
			return nil, resultsErrorf("sweep: %s:%d: %v", path+IndexSuffix, i+1, err)
		}
		if seen[e.hash] || len(t.rows[e.hash]) != e.cycles {
			t.droppedIndex++ // a repeat, or rows lost or repeated: the cell runs again
			continue
		}
		seen[e.hash] = true
		t.entries = append(t.entries, e)
	}
	for _, h := range order {
		if !seen[h] {
			t.droppedRows += len(t.rows[h])
			t.droppedCells++
			delete(t.rows, h)
		}
	}
	for h := range t.rows {
		if !seen[h] {
			delete(t.rows, h)
		}
	}
	return t, nil
}

// splitLines splits data into lines that keep their "\n" and reports whether a last line
// lacked it; such a torn line is left out.
func splitLines(data []byte) (lines []string, torn bool) {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return lines, true
		}
		lines = append(lines, string(data[:i+1]))
		data = data[i+1:]
	}
	return lines, false
}

// parseLine parses one CSV line with n fields (n < 0: any number).
func parseLine(line string, n int) ([]string, error) {
	r := csv.NewReader(strings.NewReader(line))
	r.FieldsPerRecord = n
	f, err := r.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("not a CSV line (%v)", err)
	}
	if n > 0 && !validHash(f[0]) {
		return nil, fmt.Errorf("first field %q is not a cell hash", f[0])
	}
	return f, nil
}

// completeSet returns the hashes of the complete cells.
func (t *table) completeSet() map[string]bool {
	m := make(map[string]bool, len(t.entries))
	for _, e := range t.entries {
		m[e.hash] = true
	}
	return m
}

// sortFor puts the entries in canonical order: the cells of s (nil: none) in s's order,
// with their index and label updated to s's, then any other cells by the index they were
// recorded with and by hash. It returns the number of those other cells.
func (t *table) sortFor(s *Sweep) (foreign int) {
	for i, e := range t.entries {
		if c := s.cellOf(e.hash); c != nil {
			t.entries[i].index, t.entries[i].label = c.Index, c.Label()
		} else {
			foreign++
		}
	}
	slices.SortStableFunc(t.entries, func(a, b entry) int {
		ca, cb := s.cellOf(a.hash) != nil, s.cellOf(b.hash) != nil
		if ca != cb {
			if ca {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.index, b.index), strings.Compare(a.hash, b.hash))
	})
	return foreign
}

// cellOf is Cell for a possibly nil sweep.
func (s *Sweep) cellOf(hash string) *Cell {
	if s == nil {
		return nil
	}
	return s.byHash[hash]
}

// write replaces the results file at path and its index with t's complete cells in t's
// entry order, each file through a temporary file and a rename, the results first. A crash
// at any point leaves files that load to the same complete cells.
func (t *table) write(path string) error {
	var res bytes.Buffer
	res.Write(encodeCSV(t.header))
	idx := [][]string{indexHeader}
	for _, e := range t.entries {
		for _, line := range t.rows[e.hash] {
			res.WriteString(line)
		}
		idx = append(idx, e.fields())
	}
	if err := writeAtomic(path, res.Bytes()); err != nil {
		return err
	}
	return writeAtomic(path+IndexSuffix, encodeCSV(idx...))
}

// writeAtomic writes data to a temporary file next to path, syncs it and renames it over
// path, then syncs the directory so that the rename itself survives a crash.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".partial-*")
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("sweep: writing %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// syncDir syncs a directory's entries, best effort: not every system can.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
