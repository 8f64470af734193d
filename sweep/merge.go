package sweep

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// MergeReport says what Merge found in its inputs.
type MergeReport struct {
	Cells        int      // complete cells written
	Rows         int      // rows written
	Duplicates   []string // one note per cell complete in several inputs with identical rows, kept once
	DroppedRows  int      // rows of cells that no input's index lists as complete, left out
	DroppedCells int      // distinct cells among them
	Foreign      int      // with a sweep: complete cells that it does not have, kept at the end
	Missing      []*Cell  // with a sweep: its cells complete in no input, in canonical order
}

// Merge combines results files written by Run (typically the shards of one sweep, each
// with its index next to it) into out and out's index, replacing them. Only complete cells
// are taken: rows of cells that an input's index does not list, from a shard that was
// stopped midway, are left out and counted. A cell complete in several inputs is kept once
// if its rows are identical and is an error otherwise. All inputs must have the same
// columns. out may be one of the inputs.
//
// The output is in canonical order: with a sweep s, s's cell order (then any cells s does
// not have, counted in Foreign), and MergeReport.Missing lists the cells of s that no input
// holds; without one (s == nil), the order of the cell indexes recorded in the inputs'
// indexes. Either way, merging the shards of a finished sweep gives the same bytes as
// running it unsharded, and the merged file resumes like any results file.
func Merge(out string, inputs []string, s *Sweep) (rep MergeReport, err error) {
	if len(inputs) == 0 {
		return rep, resultsErrorf("sweep: no input files to merge; nothing written")
	}
	for _, in := range inputs {
		if _, err := os.Stat(in); errors.Is(err, fs.ErrNotExist) {
			return rep, resultsErrorf("sweep: %s: no such file; nothing written", in)
		}
	}
	undoDirs, err := mkdirs(filepath.Dir(out))
	if err != nil {
		return rep, err
	}
	lock, ok, err := lockResults(out)
	switch {
	case err != nil:
		undoDirs()
		return rep, err
	case !ok:
		return rep, fmt.Errorf("sweep: a mel-des sweep is writing %s (it holds %s); merge elsewhere or wait; nothing written", out, out+LockSuffix)
	}
	defer func() {
		lock.release(err != nil)
		if err != nil {
			undoDirs()
		}
	}()
	type source struct {
		e    entry
		rows []string
		file string
	}
	var merged table
	cells := map[string]source{}
	var conflicts []string
	for _, in := range inputs {
		t, err := load(in)
		if err != nil {
			return rep, nothingWritten(err)
		}
		if t.header == nil {
			return rep, resultsErrorf("sweep: %s: empty, not a results file; nothing written", in)
		}
		switch {
		case s != nil:
			if err := s.checkHeader(in, t.header); err != nil {
				return rep, nothingWritten(err)
			}
		case merged.header == nil:
			merged.header = t.header
		case !slices.Equal(t.header, merged.header):
			return rep, resultsErrorf("sweep: %s has the columns %s, but %s has %s; only results of the same sweep merge; nothing written",
				in, strings.Join(t.header, ","), inputs[0], strings.Join(merged.header, ","))
		}
		rep.DroppedRows += t.droppedRows
		rep.DroppedCells += t.droppedCells
		for _, e := range t.entries {
			prev, dup := cells[e.hash]
			if !dup {
				cells[e.hash] = source{e, t.rows[e.hash], in}
				merged.entries = append(merged.entries, e)
				continue
			}
			what := fmt.Sprintf("cell %s (%s) is complete in %s and in %s", e.hash, e.label, prev.file, in)
			if slices.Equal(prev.rows, t.rows[e.hash]) && prev.e.reason == e.reason {
				rep.Duplicates = append(rep.Duplicates, what+" with identical rows; kept once")
			} else {
				conflicts = append(conflicts, what+" with different rows")
			}
		}
	}
	if len(conflicts) > 0 {
		return rep, resultsErrorf("sweep: %s; nothing written", strings.Join(conflicts, "; "))
	}
	if s != nil {
		merged.header = s.Header()
		for _, c := range s.Cells {
			if _, ok := cells[c.Hash]; !ok {
				rep.Missing = append(rep.Missing, c)
			}
		}
	}
	merged.rows = make(map[string][]string, len(cells))
	for h, src := range cells {
		merged.rows[h] = src.rows
		rep.Rows += len(src.rows)
	}
	rep.Cells = len(merged.entries)
	rep.Foreign = merged.sortFor(s)
	if s == nil {
		rep.Foreign = 0
	}
	return rep, merged.write(out)
}

// nothingWritten adds "nothing written" to a refusal of Merge's input, keeping its type: an
// *Error or a *ResultsError stays bad input.
func nothingWritten(err error) error {
	var se *Error
	var re *ResultsError
	switch {
	case errors.As(err, &se):
		c := *se
		c.Problems = slices.Clone(se.Problems)
		if n := len(c.Problems); n > 0 {
			c.Problems[n-1].Msg += "; nothing written"
		}
		return &c
	case errors.As(err, &re):
		return &ResultsError{re.msg + "; nothing written"}
	}
	return fmt.Errorf("%w; nothing written", err)
}
