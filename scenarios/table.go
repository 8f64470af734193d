package scenarios

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/mel-des/mel-des/param"
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
	srcs   []learnerSrc    // where each learner's settings come from
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
		if set, ok := d.sets[it.path]; ok && it.over {
			if _, isNum := it.v.(float64); isNum {
				p.Value = strings.TrimSpace(set.value) // 1e400 as given, not the inf it reads as
			}
		}
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

// know marks keys as known in t without reading them, for keys that only some plug-ins use.
func (t *table) know(keys ...string) {
	for _, k := range keys {
		if !slices.Contains(t.known, k) {
			t.known = append(t.known, k)
		}
	}
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
// "\"x\""). For a string key any text that is not a quoted TOML string stays the text. For
// other keys, a number too large for TOML (1e400, 2^63) reads as a number, so that it is
// reported as out of range, and other text that does not parse is an unparsed value, which
// the readers report as such.
func overrideValue(s string, str bool) any {
	var m map[string]any
	_, err := toml.Decode("v = "+s, &m)
	v, ok := m["v"]
	if err != nil || len(m) != 1 || !ok {
		if str {
			return s
		}
		t := strings.TrimSpace(s)
		if f, ferr := strconv.ParseFloat(strings.ReplaceAll(t, "_", ""), 64); ferr == nil || errors.Is(ferr, strconv.ErrRange) {
			return f // ±Inf or a huge integer: out of every range
		}
		if t == "" || isBareWord(t) {
			return s // a word: the readers say what type they want
		}
		msg := "more than one value"
		if err != nil {
			msg = err.Error()
			var pe toml.ParseError
			if errors.As(err, &pe) {
				msg = pe.Message
			}
		}
		return unparsed{text: s, msg: msg}
	}
	if _, isStr := v.(string); str && !isStr {
		return s
	}
	return v
}

// unparsed is an override's text that is not a TOML value.
type unparsed struct{ text, msg string }

// isBareWord reports whether s is one word of letters, digits, '-', '_' or '.'.
func isBareWord(s string) bool {
	for _, c := range s {
		if !(c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// positive is (0, hi]; closed is [lo, hi].
func positive(hi float64) param.Range   { return param.Positive(hi) }
func closed(lo, hi float64) param.Range { return param.Closed(lo, hi) }

// check checks it's value against spec and reports a problem if it does not fit.
func (t *table) check(it item, spec param.Spec) (any, bool) {
	if u, bad := it.v.(unparsed); bad {
		t.d.problem(item{path: it.path, over: it.over}, "%q does not parse as a TOML value (%s); write a number, true or false, a quoted string or an array such as [1, 2]", u.text, u.msg)
		return nil, false
	}
	v, err := spec.Check(it.v)
	if err != nil {
		t.d.problem(it, "%s", err.Error())
		return nil, false
	}
	return v, true
}

// checkFloat checks it against r and returns its value.
func (t *table) checkFloat(it item, r param.Range, unit string) (float64, bool) {
	v, ok := t.check(it, param.Spec{Kind: param.Float, Range: r, Unit: unit})
	if !ok {
		return 0, false
	}
	return v.(float64), true
}

// float reads key k as a number in r and stores it in dst; it reports whether it did.
func (t *table) float(k string, r param.Range, unit string, dst *float64) bool {
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
	v, ok := t.check(it, param.Spec{Kind: param.Int, Range: param.Closed(float64(lo), float64(hi))})
	if !ok {
		return 0, false
	}
	return int64(v.(int)), true
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
	v, ok := t.check(it, param.Spec{Kind: param.Bool})
	if ok {
		*dst = v.(bool)
	}
	return ok
}

// str reads key k as a string into dst. With choices, the string must be one of them. It
// reports whether it stored a value.
func (t *table) str(k string, dst *string, choices ...string) bool {
	it, ok := t.get(k, true)
	if !ok {
		return false
	}
	v, ok := t.check(it, param.Spec{Kind: param.String, Choices: choices})
	if ok {
		*dst = v.(string)
	}
	return ok
}

// spec reads key k of a plug-in's parameters: numbers, booleans and strings as their spec
// says, a Path resolved against the scenario's directory, a File resolved and read.
func (t *table) spec(s param.Spec) (any, bool) {
	it, ok := t.get(s.Key, s.Kind == param.String || s.Kind == param.Path || s.Kind == param.File)
	if !ok {
		return nil, false
	}
	switch s.Kind {
	case param.Path, param.File:
		name, isStr := it.v.(string)
		if !isStr {
			t.d.problem(it, "wrong type: want a file name, got %s", param.TypeName(it.v))
			return nil, false
		}
		if name == "" {
			t.d.problem(it, "empty path: want the name of a file, relative to the scenario file")
			return nil, false
		}
		if s.Kind == param.Path {
			return t.d.origin.resolve(name), true
		}
		data, err := t.d.origin.readFile(name, maxTraceBytes)
		if err != nil {
			t.d.problem(it, "cannot read %s %s: %v", s.Key, t.d.origin.resolve(name), unwrapPath(err))
			return nil, false
		}
		return param.FileData{Path: t.d.origin.resolve(name), Data: data}, true
	}
	return t.check(it, s)
}

// list returns it's value as an array with between minLen and maxLen elements.
func (t *table) list(it item, minLen, maxLen int) ([]any, bool) {
	if u, bad := it.v.(unparsed); bad {
		t.d.problem(item{path: it.path, over: it.over}, "%q does not parse as a TOML value (%s); write an array such as [1, 2]", u.text, u.msg)
		return nil, false
	}
	a, ok := it.v.([]any)
	if !ok {
		t.d.problem(it, "wrong type: want an array, got %s", param.TypeName(it.v))
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
			t.d.problem(it, "wrong type: want a table [%s], got %s", it.path, param.TypeName(it.v))
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
				t.d.problem(element(it, i, e), "wrong type: want a table, got %s; write entries as [[%s]]", param.TypeName(e), it.path)
				continue
			}
			ms = append(ms, m)
		}
	default:
		t.d.problem(it, "wrong type: want an array of tables [[%s]], got %s", it.path, param.TypeName(it.v))
		return nil, true
	}
	ts := make([]*table, len(ms))
	for i, m := range ms {
		ts[i] = t.d.newTable(fmt.Sprintf("%s[%d]", it.path, i), m)
	}
	t.d.arrays[it.path] = len(ts)
	return ts, true
}
