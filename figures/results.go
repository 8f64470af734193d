package figures

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Column names of the results CSV that this package interprets. Every other
// column is either an extra sweep axis (constant within each cell) or a
// per-cycle metric that the figures do not use.
const (
	colCell     = "cell"
	colPolicy   = "policy"
	colC        = "staleness"
	colDeadline = "deadline_s"
	colEnergy   = "energy_j"
	colSeed     = "seed"
	colCycle    = "cycle"
	colAccuracy = "accuracy"
)

// requiredColumns returns the columns ReadResults insists on.
func requiredColumns() []string {
	return []string{colCell, colPolicy, colC, colDeadline, colSeed, colCycle, colAccuracy}
}

// isMetric reports whether name is one of the per-cycle metric columns the
// sweep writes, which are never sweep axes.
func isMetric(name string) bool {
	switch name {
	case colCycle, "start_s", "end_s", colAccuracy, "loss", "objective", "planned", "arrived",
		"tau_planned", "tau_done", "misses", "died", "energy_j_cycle", "alive", "samples_trained":
		return true
	}
	return false
}

// columnAlias maps the short names accepted by Where to column names.
func columnAlias(key string) string {
	switch key {
	case "T":
		return colDeadline
	case "E":
		return colEnergy
	case "c":
		return colC
	}
	return key
}

// row is one parsed line of the results CSV.
type row struct {
	line      int      // 1-based line of the record in the input
	fields    []string // all fields, in header order
	cell      string
	policy    string
	seed      string
	staleness int
	deadline  float64 // T, in seconds
	cycle     int     // 1-based global update index
	accuracy  float64 // in [0, 1]; NaN when not evaluated
}

// filter is one Where condition, remembered for plot titles.
type filter struct {
	col, value string
}

// Results is the content of a sweep's results CSV: one row per (cell,
// cycle). A Results is immutable; Where returns a new one sharing rows with
// its receiver, so it is safe for concurrent use.
type Results struct {
	cols    []string
	index   map[string]int
	axes    []string // sweep-axis columns in header order, except cell and seed
	rows    []*row
	filters []filter
}

// ReadResults reads a results CSV with a header row. Columns are located by
// name and may come in any order; cell, policy, staleness, deadline_s, seed,
// cycle and accuracy are required. Accuracy may be NaN or empty (not
// evaluated). Columns other than the documented per-cycle metrics are
// treated as sweep axes when they hold one value within every cell and are
// ignored otherwise. Rows repeated with identical fields (as a careless
// merge may leave them) are dropped; a (cell, cycle) pair seen twice with
// different fields is an error. Errors name the line of the offending
// record.
func ReadResults(r io.Reader) (*Results, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("figures: results: empty input, want a header row")
	}
	if err != nil {
		return nil, fmt.Errorf("figures: results: %w", err)
	}
	res := &Results{index: make(map[string]int, len(header))}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if h == "" {
			return nil, fmt.Errorf("figures: results: line 1: column %d has an empty name", i+1)
		}
		if j, dup := res.index[h]; dup {
			return nil, fmt.Errorf("figures: results: line 1: column %q appears twice (columns %d and %d)", h, j+1, i+1)
		}
		res.index[h] = i
		res.cols = append(res.cols, h)
	}
	var missing []string
	for _, c := range requiredColumns() {
		if _, ok := res.index[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("figures: results: line 1: missing required column(s) %s", strings.Join(missing, ", "))
	}
	type cellCycle struct {
		cell  string
		cycle int
	}
	seen := make(map[cellCycle]*row)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("figures: results: %w", err)
		}
		line, _ := cr.FieldPos(0)
		rw, err := res.parseRow(rec, line)
		if err != nil {
			return nil, err
		}
		k := cellCycle{rw.cell, rw.cycle}
		if first, ok := seen[k]; ok {
			if slices.Equal(first.fields, rw.fields) {
				continue
			}
			return nil, fmt.Errorf("figures: results: line %d: cell %s cycle %d repeats line %d with different values",
				line, rw.cell, rw.cycle, first.line)
		}
		seen[k] = rw
		res.rows = append(res.rows, rw)
	}
	if err := res.findAxes(); err != nil {
		return nil, err
	}
	return res, nil
}

// parseRow parses the interpreted fields of one record.
func (res *Results) parseRow(rec []string, line int) (*row, error) {
	get := func(col string) string { return strings.TrimSpace(rec[res.index[col]]) }
	bad := func(col, want string) error {
		return fmt.Errorf("figures: results: line %d: column %s: %q is not %s", line, col, get(col), want)
	}
	rw := &row{line: line, fields: rec, cell: get(colCell), policy: get(colPolicy), seed: get(colSeed)}
	if rw.cell == "" {
		return nil, bad(colCell, "a cell id")
	}
	if rw.policy == "" {
		return nil, bad(colPolicy, "a policy name")
	}
	c, err := strconv.Atoi(get(colC))
	if err != nil || c < 0 {
		return nil, bad(colC, "a non-negative integer")
	}
	rw.staleness = c
	if rw.deadline, err = strconv.ParseFloat(get(colDeadline), 64); err != nil || !(rw.deadline > 0) || math.IsInf(rw.deadline, 0) {
		return nil, bad(colDeadline, "a positive number of seconds")
	}
	if rw.cycle, err = strconv.Atoi(get(colCycle)); err != nil || rw.cycle < 1 {
		return nil, bad(colCycle, "a positive integer")
	}
	rw.accuracy = math.NaN()
	if s := get(colAccuracy); s != "" {
		a, err := strconv.ParseFloat(s, 64)
		if err != nil || a < 0 || a > 1 {
			return nil, bad(colAccuracy, "a number in [0, 1] or NaN")
		}
		rw.accuracy = a
	}
	return rw, nil
}

// findAxes decides which columns are sweep axes: the known ones (policy,
// staleness, deadline_s, energy_j) and every other non-metric column that
// holds one value within each cell.
func (res *Results) findAxes() error {
	firstOfCell := make(map[string]*row)
	for _, rw := range res.rows {
		first, ok := firstOfCell[rw.cell]
		if !ok {
			firstOfCell[rw.cell] = rw
			continue
		}
		for _, col := range []string{colPolicy, colC, colDeadline, colSeed, colEnergy} {
			j, ok := res.index[col]
			if ok && !sameValue(first.fields[j], rw.fields[j]) {
				return fmt.Errorf("figures: results: line %d: cell %s has %s = %s, but %s on line %d",
					rw.line, rw.cell, col, rw.fields[j], first.fields[j], first.line)
			}
		}
	}
	for j, col := range res.cols {
		switch {
		case col == colCell || col == colSeed || isMetric(col):
			continue
		case col == colPolicy || col == colC || col == colDeadline || col == colEnergy:
			res.axes = append(res.axes, col)
			continue
		}
		constant := true
		for _, rw := range res.rows {
			if !sameValue(firstOfCell[rw.cell].fields[j], rw.fields[j]) {
				constant = false
				break
			}
		}
		if constant {
			res.axes = append(res.axes, col)
		}
	}
	return nil
}

// sameValue reports whether two field values are equal, numerically when
// both are numbers (so "10" equals "10.0").
func sameValue(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if a == b {
		return true
	}
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	return errA == nil && errB == nil && x == y
}

// Len returns the number of rows.
func (res *Results) Len() int { return len(res.rows) }

// Columns returns the column names in header order.
func (res *Results) Columns() []string { return slices.Clone(res.cols) }

// Axes returns the columns that vary between cells rather than between
// cycles (policy, staleness, deadline_s, energy_j and the extra sweep axes),
// in header order.
func (res *Results) Axes() []string { return slices.Clone(res.axes) }

// Values returns the distinct values of column col, numerically sorted when
// they are all numbers and lexically otherwise. The short names T, E and c
// stand for deadline_s, energy_j and staleness.
func (res *Results) Values(col string) ([]string, error) {
	j, ok := res.index[columnAlias(col)]
	if !ok {
		return nil, res.noColumn(col)
	}
	var vals []string
	seen := make(map[string]bool)
	for _, rw := range res.rows {
		v := strings.TrimSpace(rw.fields[j])
		k := v
		if x, err := strconv.ParseFloat(v, 64); err == nil {
			k = strconv.FormatFloat(x, 'g', -1, 64) // "10" and "10.0" are one value
		}
		if !seen[k] {
			seen[k] = true
			vals = append(vals, v)
		}
	}
	slices.SortFunc(vals, compareValues)
	return vals, nil
}

// compareValues orders numbers numerically, before any non-number.
func compareValues(a, b string) int {
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	switch {
	case errA == nil && errB == nil:
		if x < y {
			return -1
		} else if x > y {
			return 1
		}
		return 0
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return strings.Compare(a, b)
}

// Where returns the rows whose column key equals value, compared
// numerically when both are numbers. The short names T, E and c stand for
// deadline_s, energy_j and staleness. The condition is remembered and shown
// in plot titles. It is an error if the column does not exist or if no row
// matches; the error lists the values present.
func (res *Results) Where(key, value string) (*Results, error) {
	col := columnAlias(strings.TrimSpace(key))
	j, ok := res.index[col]
	if !ok {
		return nil, res.noColumn(key)
	}
	value = strings.TrimSpace(value)
	out := &Results{cols: res.cols, index: res.index, axes: res.axes,
		filters: append(slices.Clip(res.filters), filter{col, value})}
	for _, rw := range res.rows {
		if sameValue(rw.fields[j], value) {
			out.rows = append(out.rows, rw)
		}
	}
	if len(out.rows) == 0 {
		vals, _ := res.Values(col)
		if len(vals) > 20 {
			vals = append(vals[:20:20], "...")
		}
		return nil, fmt.Errorf("figures: where %s=%s: no row matches (values present: %s)",
			col, value, strings.Join(vals, ", "))
	}
	return out, nil
}

// noColumn is the error for an unknown column name.
func (res *Results) noColumn(key string) error {
	return fmt.Errorf("figures: no column %q (columns: %s)", key, strings.Join(res.cols, ", "))
}

// maxCycle returns the largest cycle index in the rows, 0 when empty.
func (res *Results) maxCycle() int {
	m := 0
	for _, rw := range res.rows {
		m = max(m, rw.cycle)
	}
	return m
}

// Title returns a plot title describing the setting shared by all rows:
// T and E when each takes a single value (except the column named by
// except, the x axis of the plot), then the other Where conditions, e.g.
// "T = 10 s, E = 10 J".
func (res *Results) Title(except string) string {
	var parts []string
	shown := map[string]bool{except: true}
	for _, col := range []string{colDeadline, colEnergy} {
		if shown[col] {
			continue
		}
		if vals, err := res.Values(col); err == nil && len(vals) == 1 {
			parts = append(parts, describe(col, vals[0]))
			shown[col] = true
		}
	}
	for _, f := range res.filters {
		if !shown[f.col] {
			parts = append(parts, describe(f.col, f.value))
			shown[f.col] = true
		}
	}
	return strings.Join(parts, ", ")
}

// describe formats one column value for a title.
func describe(col, value string) string {
	if x, err := strconv.ParseFloat(value, 64); err == nil {
		value = strconv.FormatFloat(x, 'g', -1, 64)
	}
	switch col {
	case colDeadline:
		return "T = " + value + " s"
	case colEnergy:
		return "E = " + value + " J"
	case colC:
		return "c = " + value
	case colPolicy:
		return policyLabel(value)
	}
	return col + " = " + value
}
