package sweep

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mel-des/mel-des/mel"
	"github.com/mel-des/mel-des/scenarios"
)

// Cell is one run of a sweep: the base scenario with one value of each axis that applies
// to it.
type Cell struct {
	Index    int                 // position in Sweep.Cells, the canonical order
	Hash     string              // Scenario.Hash(): the cell's key in the results and the index
	Settings []Setting           // the cell's axis values, in Sweep.Keys order
	Scenario *scenarios.Scenario // the base with the settings applied, validated

	overrides []scenarios.Override
}

// Setting is one axis value of a cell: a scenario key path and its value as text (strings
// unquoted, numbers in the shortest form that round-trips). The text is also a valid
// --set value of `mel-des run`.
type Setting struct {
	Key, Value string
}

// Label describes the cell by its settings, as "deadline_s=10 policy.name=ha-sync", with
// the "simulation." prefix dropped from key paths for brevity. A cell without axes is
// labelled "(base)".
func (c *Cell) Label() string {
	if len(c.Settings) == 0 {
		return "(base)"
	}
	parts := make([]string, len(c.Settings))
	for i, s := range c.Settings {
		parts[i] = strings.TrimPrefix(s.Key, "simulation.") + "=" + s.Value
	}
	return strings.Join(parts, " ")
}

// Overrides returns the overrides that turn the base scenario into the cell's.
func (c *Cell) Overrides() []scenarios.Override { return slices.Clone(c.overrides) }

// Cell returns the cell whose hash is hash, or nil.
func (s *Sweep) Cell(hash string) *Cell { return s.byHash[hash] }

// expand checks the axes and builds every cell: the product of [axes] with, for each
// group in turn, the product of the group's axes. The first key varies slowest.
func (s *Sweep) expand(e *Error, axes []axis, groups [][]axis) {
	order := map[string]int{}
	for _, a := range axes {
		if _, dup := order[a.key]; dup {
			e.addAt("axes."+a.key, "[axes] %s: given twice (quoted and as dotted keys?)", a.key)
			continue
		}
		order[a.key] = len(s.Keys)
		s.Keys = append(s.Keys, a.key)
	}
	inAxes := len(s.Keys)
	for gi, g := range groups {
		local := map[string]bool{}
		for _, a := range g {
			if i, ok := order[a.key]; ok && i < inAxes {
				e.addAt(fmt.Sprintf("group[%d].%s", gi, a.key), "group[%d] %s: also in [axes]; a key varies either in [axes], for every group, or in groups", gi, a.key)
				continue
			}
			if local[a.key] {
				e.addAt(fmt.Sprintf("group[%d].%s", gi, a.key), "group[%d] %s: given twice (quoted and as dotted keys?)", gi, a.key)
				continue
			}
			local[a.key] = true
			if _, ok := order[a.key]; !ok {
				order[a.key] = len(s.Keys)
				s.Keys = append(s.Keys, a.key)
			}
		}
	}
	if len(e.Problems) > 0 {
		return
	}
	n, sum := size(axes), 0
	if len(groups) == 0 {
		groups = [][]axis{nil}
	}
	for _, g := range groups {
		sum += size(g)
	}
	if total := float64(n) * float64(sum); total > maxCells {
		e.add("%.0f cells: more than %d; split the sweep into several files", total, maxCells)
		return
	}
	s.checkValues(e, axes, groups)
	if len(e.Problems) > 0 {
		return
	}
	s.byHash = map[string]*Cell{}
	product(axes, func(outer []scenarios.Override, outerSet []Setting) {
		for _, g := range groups {
			product(g, func(inner []scenarios.Override, innerSet []Setting) {
				s.addCell(e, order, append(slices.Clone(outer), inner...), append(slices.Clone(outerSet), innerSet...))
			})
		}
	})
}

// addCell resolves and records one cell, reporting a problem if it does not validate or
// repeats an earlier cell.
func (s *Sweep) addCell(e *Error, order map[string]int, ovs []scenarios.Override, set []Setting) {
	idx := make([]int, len(ovs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return order[ovs[a].Key] - order[ovs[b].Key] })
	c := &Cell{Index: len(s.Cells)}
	for _, i := range idx {
		c.overrides = append(c.overrides, ovs[i])
		c.Settings = append(c.Settings, set[i])
	}
	sc, err := s.Base.With(c.overrides...)
	if err != nil {
		e.addScenario(0, fmt.Sprintf("cell %d (%s): ", c.Index, c.Label()), "", err)
		s.Cells = append(s.Cells, c)
		return
	}
	c.Scenario, c.Hash = sc, sc.Hash()
	if sc.Config.Schedule == mel.Asynchronous {
		// A sweep records one row per cycle; an asynchronous run has none.
		e.add("cell %d (%s): simulation.schedule = %q has no cycles to record in a sweep's results; run such cells with mel-des run, whose evals.csv mel-des plot --kind time draws",
			c.Index, c.Label(), mel.Asynchronous)
	}
	if prev, dup := s.byHash[c.Hash]; dup {
		e.add("cell %d (%s) configures the same run as cell %d (%s); drop one of the values that make them equal",
			c.Index, c.Label(), prev.Index, prev.Label())
	}
	s.byHash[c.Hash] = c
	s.Cells = append(s.Cells, c)
}

// checkValues applies every axis value to the base scenario, so that a bad key or value is
// reported once, by its axis, rather than once per cell. The axes of [axes] are independent,
// so each value is checked alone; the axes of a group belong together (a data source and its
// directory), so a group's value is checked with the first value of each of the group's
// other axes.
func (s *Sweep) checkValues(e *Error, axes []axis, groups [][]axis) {
	check := func(where, at string, as []axis, together bool) {
		var firsts []scenarios.Override
		if together {
			for _, a := range as {
				if len(a.values) > 0 {
					firsts = append(firsts, scenarios.Override{Key: a.key, Value: a.values[0].text})
				}
			}
		}
		for _, a := range as {
			for _, v := range a.values {
				ovs := []scenarios.Override{{Key: a.key, Value: v.text}}
				for _, f := range firsts {
					if f.Key != a.key {
						ovs = append([]scenarios.Override{f}, ovs...)
					}
				}
				if _, err := s.Base.With(ovs...); err != nil {
					e.addScenario(lineOf(e.lines, at+"."+a.key), fmt.Sprintf("%s %s = %s: ", where, a.key, v.text), a.key, err)
				}
			}
		}
	}
	check("[axes]", "axes", axes, false)
	for gi, g := range groups {
		where := fmt.Sprintf("group[%d]", gi)
		check(where, where, g, true)
	}
}

// size returns the number of combinations of the axes' values; 1 for no axes.
func size(as []axis) int {
	n := 1
	for _, a := range as {
		n *= len(a.values)
	}
	return n
}

// product calls fn with every combination of the axes' values, the last axis varying
// fastest; fn must not retain its arguments.
func product(as []axis, fn func([]scenarios.Override, []Setting)) {
	ovs := make([]scenarios.Override, len(as))
	set := make([]Setting, len(as))
	var rec func(i int)
	rec = func(i int) {
		if i == len(as) {
			fn(ovs, set)
			return
		}
		for _, v := range as[i].values {
			ovs[i] = scenarios.Override{Key: as[i].key, Value: v.text}
			set[i] = Setting{Key: as[i].key, Value: v.label}
			rec(i + 1)
		}
	}
	rec(0)
}
