package scenarios

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/mel-des/mel-des/param"
)

// unknown reports every key of every visited table that no reader asked for, suggesting the
// closest known key of the same table, or the table where a key of that name belongs.
func (d *decoder) unknown() {
	for _, t := range d.tables {
		if t.open || t.m == nil {
			continue
		}
		keys := make([]string, 0, len(t.m))
		for k := range t.m {
			if !slices.Contains(t.known, k) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			d.problem(item{path: t.full(k)}, "%s", d.unknownMsg(t, k))
		}
	}
}

// unknownMsg explains that key k is not known in table t.
func (d *decoder) unknownMsg(t *table, k string) string {
	if h, ok := t.hints[k]; ok {
		return "unknown key: " + h
	}
	if s := param.Suggest(k, t.known); s != "" {
		return fmt.Sprintf("unknown key (did you mean %s?)", t.full(s))
	}
	for _, o := range d.tables {
		if o != t && !o.open && slices.Contains(o.known, k) {
			return fmt.Sprintf("unknown key here (%s is a key of [%s])", k, normalPath(o.path))
		}
	}
	for _, o := range d.tables {
		if s := param.Suggest(k, o.known); o != t && !o.open && s != "" {
			return fmt.Sprintf("unknown key here (did you mean %s in [%s]?)", s, normalPath(o.path))
		}
	}
	if len(t.known) > 0 {
		where := "at the top level"
		if t.path != "" {
			where = "in [" + normalPath(t.path) + "]"
		}
		return fmt.Sprintf("unknown key; known keys %s: %s", where, strings.Join(t.known, ", "))
	}
	return "unknown key"
}

// normalPath drops array indices from a key path: "learners[2].mobility" → "learners.mobility".
func normalPath(p string) string {
	var b strings.Builder
	skip := false
	for _, c := range p {
		switch {
		case c == '[':
			skip = true
		case c == ']':
			skip = false
		case !skip:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// unusedSets reports every override no reader consumed, explaining why: an entry that does
// not exist, a key no table knows (with the closest known key), or a path below a value.
func (d *decoder) unusedSets() {
	paths := make([]string, 0, len(d.sets))
	for p, s := range d.sets {
		if !s.used {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		it := item{path: p, v: overrideValue(d.sets[p].value, false), over: true}
		if d.byPath[p] {
			d.problem(it, "is a table: override one of its keys, e.g. %s.KEY", p)
			continue
		}
		// Walk up to the piece of p just below a visited table.
		child := p
		for {
			par := parentPath(child)
			if _, isArray := d.arrays[par]; isArray && strings.HasSuffix(child, "]") {
				d.problem(it, "%s", d.missingEntry(child))
				break
			}
			if d.byPath[par] {
				t := d.table(par)
				k := strings.TrimPrefix(child[len(par):], ".")
				if _, isArray := d.arrays[child]; isArray {
					d.problem(it, "%s is an array of tables: pick an entry, e.g. %s[0].KEY", child, child)
				} else if slices.Contains(t.known, k) {
					d.problem(it, "%s is a single value: override it as a whole", child)
				} else {
					d.problem(it, "%s", d.unknownMsg(t, k))
				}
				break
			}
			child = par
		}
	}
}

// table returns the visited table at path (the last one if visited twice), or an empty one.
func (d *decoder) table(path string) *table {
	for i := len(d.tables) - 1; i >= 0; i-- {
		if d.tables[i].path == path {
			return d.tables[i]
		}
	}
	return &table{d: d, path: path}
}

// missingEntry explains why the entry p = "NAME[i]" does not exist.
func (d *decoder) missingEntry(p string) string {
	name := parentPath(p)
	n := d.arrays[name]
	if n == 0 {
		return fmt.Sprintf("no entry %s: the scenario has no [[%s]] entries", p, normalPath(name))
	}
	return fmt.Sprintf("no entry %s: the scenario has %d [[%s]] entries (indices from 0)", p, n, normalPath(name))
}
