package sweep

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mel-des/mel-des/mel"
)

// fixedColumns are the axis columns every results CSV has, after "cell", with the scenario
// key each is read from. Their values come from the resolved configuration, so they are
// filled in whether or not the sweep varies them.
var fixedColumns = []struct{ col, key string }{
	{"policy", "policy.name"},
	{"staleness", "simulation.staleness"},
	{"deadline_s", "simulation.deadline_s"},
	{"energy_j", "simulation.energy_j"},
	{"seed", "simulation.seed"},
}

// indexHeader is the header of the index file.
var indexHeader = []string{"cell", "index", "cycles", "reason", "axes"}

// IndexSuffix is appended to a results file's name to name its index: the list of the
// cells whose rows are complete in it.
const IndexSuffix = ".done"

// Header returns the columns of the sweep's results CSV: cell; policy, staleness,
// deadline_s, energy_j and seed; every other axis key path in Keys order; then
// mel.CyclesHeader with its energy_j renamed energy_j_cycle.
func (s *Sweep) Header() []string {
	h := []string{"cell"}
	for _, f := range fixedColumns {
		h = append(h, f.col)
	}
	h = append(h, s.extraKeys()...)
	for _, c := range mel.CyclesHeader {
		if c == "energy_j" {
			c = "energy_j_cycle"
		}
		h = append(h, c)
	}
	return h
}

// extraKeys returns the axis keys that have no fixed column, in Keys order.
func (s *Sweep) extraKeys() []string {
	var keys []string
	for _, k := range s.Keys {
		if !slices.ContainsFunc(fixedColumns, func(f struct{ col, key string }) bool { return f.key == k }) {
			keys = append(keys, k)
		}
	}
	return keys
}

// rows returns the CSV text of the cell's results: one line per cycle, in cycle order.
// Floats are formatted with strconv 'g', -1, so they round-trip exactly.
func (s *Sweep) rows(c *Cell, cycles []mel.CycleRecord) []byte {
	cfg := c.Scenario.Config
	prefix := []string{c.Hash, cfg.Policy, strconv.Itoa(cfg.Staleness), formatFloat(cfg.Deadline),
		formatFloat(cfg.EnergyMean), strconv.FormatUint(cfg.Seed, 10)}
	for _, k := range s.extraKeys() {
		v := "" // the cell's group does not vary k: the base scenario's value applies
		for _, set := range c.Settings {
			if set.Key == k {
				v = set.Value
			}
		}
		prefix = append(prefix, v)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	for _, cyc := range cycles {
		_ = w.Write(append(slices.Clip(prefix), mel.CycleRow(cyc)...)) // a bytes.Buffer does not fail
	}
	w.Flush()
	return b.Bytes()
}

// entry is one line of the index: a complete cell.
type entry struct {
	hash   string
	index  int    // the cell's position in the sweep that ran it (rewritten to the current sweep's)
	cycles int    // rows of the cell in the results
	reason string // why the run stopped (mel.Summary.Reason), on one line
	label  string // the cell's axis values, Cell.Label
}

// newEntry returns the index entry of a cell whose run ended with sum.
func newEntry(c *Cell, sum mel.Summary) entry {
	reason := strings.Join(strings.Fields(sum.Reason), " ")
	return entry{hash: c.Hash, index: c.Index, cycles: len(sum.Cycles), reason: reason, label: c.Label()}
}

// encodeCSV returns records as CSV text.
func encodeCSV(records ...[]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.WriteAll(records) // a bytes.Buffer does not fail
	return b.Bytes()
}

// fields returns the index line of e.
func (e entry) fields() []string {
	return []string{e.hash, strconv.Itoa(e.index), strconv.Itoa(e.cycles), e.reason, e.label}
}

// parseEntry parses the fields of one index line.
func parseEntry(f []string) (entry, error) {
	if len(f) != len(indexHeader) {
		return entry{}, fmt.Errorf("want %d fields, got %d", len(indexHeader), len(f))
	}
	e := entry{hash: f[0], reason: f[3], label: f[4]}
	var err1, err2 error
	e.index, err1 = strconv.Atoi(f[1])
	e.cycles, err2 = strconv.Atoi(f[2])
	if !validHash(e.hash) || err1 != nil || err2 != nil || e.index < 0 || e.cycles < 0 {
		return entry{}, fmt.Errorf("want a cell hash and two non-negative integers, got %q, %q, %q", f[0], f[1], f[2])
	}
	return e, nil
}

// validHash reports whether h looks like a cell hash: 16 lower-case hex digits.
func validHash(h string) bool {
	if len(h) != 16 {
		return false
	}
	for _, c := range h {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
