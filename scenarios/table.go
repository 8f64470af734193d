package scenarios

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// decoder turns a decoded TOML tree plus overrides into a Scenario. It never stops at the
// first problem: every reader records what is wrong and carries on with the default, so that
// one pass reports everything.
type decoder struct {
	lines  map[string]int      // key path → line, from keyLines
	sets   map[string]*setting // overrides by key path
	probs  []Problem
	tables []*table        // every table visited, in order, for unknown-key reports
	arrays map[string]int  // path of an array of tables → its number of entries
	origin origin          // where relative paths are resolved
	byPath map[string]bool // paths of visited tables
}

// setting is one override and whether a reader consumed it.
type setting struct {
	value string
	used  bool
}

// item is one value a reader fetched: from the file or from an override.
type item struct {
	path string
	v    any
	over bool
}

// table reads the keys of one TOML table and remembers which keys it knows.
type table struct {
	d     *decoder
	path  string
	m     map[string]any // nil if the table is absent or not a table
	known []string
	hints map[string]string // a known mistake → what to write instead
	open  bool              // any key is accepted (the policy's own parameters)
}

// newTable registers and returns a reader for the table at path.
func (d *decoder) newTable(path string, m map[string]any) *table {
	t := &table{d: d, path: path, m: m}
	d.tables = append(d.tables, t)
	d.byPath[path] = true
	return t
}

// problem records a problem with the value of it (nil v: no value shown).
func (d *decoder) problem(it item, format string, a ...any) {
	p := Problem{Key: it.path, Override: it.over, Msg: fmt.Sprintf(format, a...)}
	if it.v != nil {
		p.Value = fmtVal(it.v)
	}
	if !it.over {
		p.Line = lineOf(d.lines, it.path)
	}
	d.probs = append(d.probs, p)
}

// at returns an item naming the key path without a value, for problems about a key that is
// missing or about a combination of keys. If the key is overridden, the item shows the value
// and is marked as an override, as it is if any key below it is overridden.
func (d *decoder) at(path string) item {
	it := item{path: path}
	if s, ok := d.sets[path]; ok {
		it.over, it.v = true, overrideValue(s.value, false)
	}
	for p := range d.sets {
		it.over = it.over || strings.HasPrefix(p, path+".")
	}
	return it
}

// full returns the key path of key k in t.
func (t *table) full(k string) string { return joinKey(t.path, k) }

// get returns the value of key k, from an override if one is set (str: the key holds a
// string, so an override's text is taken literally unless it is a quoted TOML string).
func (t *table) get(k string, str bool) (item, bool) {
	if !slices.Contains(t.known, k) {
		t.known = append(t.known, k)
	}
	p := t.full(k)
	if s, ok := t.d.sets[p]; ok {
		s.used = true
		return item{path: p, v: overrideValue(s.value, str), over: true}, true
	}
	v, ok := t.m[k]
	return item{path: p, v: v}, ok
}

// has reports whether key k is set in the file or by an override, without reading it.
func (t *table) has(k string) bool {
	if _, ok := t.d.sets[t.full(k)]; ok {
		return true
	}
	_, ok := t.m[k]
	return ok
}

// present reports whether the table is written in the file or any key under it is overridden.
func (t *table) present() bool {
	if t.m != nil {
		return true
	}
	for p := range t.d.sets {
		if strings.HasPrefix(p, t.path+".") {
			return true
		}
	}
	return false
}

// overrideValue decodes an override's text as a TOML value ("12", "2.5", "true", "[1, 2]",
// "\"x\""). Text that is not a TOML value stays a string, as does any text for a string key
// unless it is a quoted TOML string.
func overrideValue(s string, str bool) any {
	var m map[string]any
	_, err := toml.Decode("v = "+s, &m)
	v, ok := m["v"]
	if err != nil || len(m) != 1 || !ok {
		return s
	}
	if _, isStr := v.(string); str && !isStr {
		return s
	}
	return v
}

// frange is an interval of allowed numbers; the bounds are included unless marked open.
type frange struct {
	lo, hi         float64
	loOpen, hiOpen bool
}

// positive is (0, hi]; closed is [lo, hi].
func positive(hi float64) frange    { return frange{lo: 0, hi: hi, loOpen: true} }
func closed(lo, hi float64) frange  { return frange{lo: lo, hi: hi} }
func (r frange) has(f float64) bool { return r.above(f) && r.below(f) }
func (r frange) above(f float64) bool {
	return f > r.lo || !r.loOpen && f == r.lo
}
func (r frange) below(f float64) bool {
	return f < r.hi || !r.hiOpen && f == r.hi
}

// String writes r as "(0, 1e6]".
func (r frange) String() string {
	l, h := "[", "]"
	if r.loOpen {
		l = "("
	}
	if r.hiOpen {
		h = ")"
	}
	return l + fmtNum(r.lo) + ", " + fmtNum(r.hi) + h
}

// number returns it's value as a float64 if it is a TOML integer or float.
func (t *table) number(it item, unit string) (float64, bool) {
	switch x := it.v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	}
	t.d.problem(it, "wrong type: want a number%s, got %s", unitSuffix(unit), typeName(it.v))
	return 0, false
}

// unitSuffix returns " in UNIT" or "".
func unitSuffix(unit string) string {
	if unit == "" {
		return ""
	}
	return " in " + unit
}

// checkFloat checks it against r and returns its value.
func (t *table) checkFloat(it item, r frange, unit string) (float64, bool) {
	f, ok := t.number(it, unit)
	if !ok {
		return 0, false
	}
	if !r.has(f) {
		t.d.problem(it, "out of range: want a number in %v%s", r, unitSuffix(unit))
		return 0, false
	}
	return f, true
}

// float reads key k as a number in r and stores it in dst; it reports whether it did.
func (t *table) float(k string, r frange, unit string, dst *float64) bool {
	it, ok := t.get(k, false)
	if !ok {
		return false
	}
	f, ok := t.checkFloat(it, r, unit)
	if ok {
		*dst = f
	}
	return ok
}

// checkInt checks that it is an integer in [lo, hi]. A float with an integral value is
// accepted (1e6 is a TOML float), so that "count = 1e9" reads as out of range.
func (t *table) checkInt(it item, lo, hi int64) (int64, bool) {
	var n int64
	switch x := it.v.(type) {
	case int64:
		n = x
	case float64:
		switch {
		case math.IsInf(x, 0) || math.Abs(x) > 1<<53:
			t.d.problem(it, "out of range: want an integer in [%d, %d]", lo, hi)
			return 0, false
		case x != math.Trunc(x): // also NaN
			t.d.problem(it, "wrong type: want an integer in [%d, %d], got a fraction", lo, hi)
			return 0, false
		}
		n = int64(x)
	default:
		t.d.problem(it, "wrong type: want an integer, got %s", typeName(it.v))
		return 0, false
	}
	if n < lo || n > hi {
		t.d.problem(it, "out of range: want an integer in [%d, %d]", lo, hi)
		return 0, false
	}
	return n, true
}

// int reads key k as an integer in [lo, hi] into dst; it reports whether it did.
func (t *table) int(k string, lo, hi int64, dst *int) bool {
	it, ok := t.get(k, false)
	if !ok {
		return false
	}
	n, ok := t.checkInt(it, lo, hi)
	if ok {
		*dst = int(n)
	}
	return ok
}

// bool reads key k as a boolean into dst; it reports whether it did.
func (t *table) bool(k string, dst *bool) bool {
	it, ok := t.get(k, false)
	if !ok {
		return false
	}
	b, ok := it.v.(bool)
	if !ok {
		t.d.problem(it, "wrong type: want true or false, got %s", typeName(it.v))
		return false
	}
	*dst = b
	return true
}

// str reads key k as a string into dst. With choices, the string must be one of them. It
// reports whether it stored a value.
func (t *table) str(k string, dst *string, choices ...string) bool {
	it, ok := t.get(k, true)
	if !ok {
		return false
	}
	s, ok := it.v.(string)
	if !ok {
		t.d.problem(it, "wrong type: want a string, got %s", typeName(it.v))
		return false
	}
	if len(choices) > 0 && !slices.Contains(choices, s) {
		msg := "want one of " + quoteAll(choices)
		if sug := suggest(s, choices); sug != "" {
			msg = fmt.Sprintf("unknown value (did you mean %q?); %s", sug, msg)
		}
		t.d.problem(it, "%s", msg)
		return false
	}
	*dst = s
	return true
}

// quoteAll writes ss as `"a", "b" or "c"`.
func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// list returns it's value as an array with between minLen and maxLen elements.
func (t *table) list(it item, minLen, maxLen int) ([]any, bool) {
	a, ok := it.v.([]any)
	if !ok {
		t.d.problem(it, "wrong type: want an array, got %s", typeName(it.v))
		return nil, false
	}
	if len(a) < minLen || len(a) > maxLen {
		if minLen == maxLen {
			t.d.problem(it, "want an array of %d elements, got %d", minLen, len(a))
		} else {
			t.d.problem(it, "want an array of %d to %d elements, got %d", minLen, maxLen, len(a))
		}
		return nil, false
	}
	return a, true
}

// element returns an item for element i of the array in it.
func element(it item, i int, v any) item {
	return item{path: fmt.Sprintf("%s[%d]", it.path, i), v: v, over: it.over}
}

// ints reads key k as an array of integers in [lo, hi] with minLen..maxLen elements.
func (t *table) ints(k string, minLen, maxLen int, lo, hi int64, dst *[]int) bool {
	it, ok := t.get(k, false)
	if !ok {
		return false
	}
	a, ok := t.list(it, minLen, maxLen)
	if !ok {
		return false
	}
	out := make([]int, len(a))
	for i, v := range a {
		n, good := t.checkInt(element(it, i, v), lo, hi)
		ok = ok && good
		out[i] = int(n)
	}
	if ok {
		*dst = out
	}
	return ok
}

// sub returns a reader for the sub-table k. An absent table reads as empty, so that its keys
// can still be overridden; a value that is not a table is a problem and reads as empty.
func (t *table) sub(k string) *table {
	it, ok := t.get(k, false)
	var m map[string]any
	if ok {
		if it.over {
			t.d.problem(it, "is a table: override one of its keys, e.g. %s.KEY", it.path)
		} else if mm, isMap := it.v.(map[string]any); isMap {
			m = mm
		} else {
			t.d.problem(it, "wrong type: want a table [%s], got %s", it.path, typeName(it.v))
		}
	}
	return t.d.newTable(t.full(k), m)
}

// array returns readers for the entries of the array of tables k ([[k]]) and whether the key
// is present at all.
func (t *table) array(k string) ([]*table, bool) {
	it, ok := t.get(k, false)
	t.d.arrays[it.path] = 0
	if !ok {
		return nil, false
	}
	if it.over {
		t.d.problem(it, "cannot override an array of tables: override a key of one entry, e.g. %s[0].KEY", it.path)
		return nil, true
	}
	var ms []map[string]any
	switch x := it.v.(type) {
	case []map[string]any:
		ms = x
	case []any: // "k = []" or an array of inline tables
		for i, e := range x {
			m, isMap := e.(map[string]any)
			if !isMap {
				t.d.problem(element(it, i, e), "wrong type: want a table, got %s; write entries as [[%s]]", typeName(e), it.path)
				continue
			}
			ms = append(ms, m)
		}
	default:
		t.d.problem(it, "wrong type: want an array of tables [[%s]], got %s", it.path, typeName(it.v))
		return nil, true
	}
	ts := make([]*table, len(ms))
	for i, m := range ms {
		ts[i] = t.d.newTable(fmt.Sprintf("%s[%d]", it.path, i), m)
	}
	t.d.arrays[it.path] = len(ts)
	return ts, true
}
