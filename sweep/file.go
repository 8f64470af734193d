package sweep

import (
	"errors"
	"fmt"
	"github.com/mel-des/mel-des/param"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/mel-des/mel-des/scenarios"
)

// Limits on sweep files, so that a typo fails at load rather than after a day of runs.
const (
	maxFileBytes = 1 << 20 // a sweep file is a short text: 1 MiB
	maxCells     = 100_000 // cells in one sweep
	maxParallel  = 1024    // cells at once
	maxWorkers   = 4096    // training goroutines
)

// Sweep is a decoded, fully resolved sweep file: the base scenario and every cell, each
// validated, in the sweep's canonical order.
type Sweep struct {
	File        string              // the sweep file as given; "" for Parse without a name
	Name        string              // the file name without .toml
	Description string              // the description key, if any
	Base        *scenarios.Scenario // the base scenario, without the axes applied
	Results     string              // the results CSV: the results key resolved against the file's directory
	Parallel    int                 // the parallel key: cells at once; 0 = not set
	Workers     int                 // the workers key: training goroutines; 0 = not set
	Keys        []string            // the axis key paths, [axes] first, then new keys of each group in order
	Cells       []*Cell             // every cell in canonical order; Cells[i].Index == i

	byHash map[string]*Cell
}

// axis is one key path with its values, in the order written.
type axis struct {
	key    string
	values []value
}

// value is one value of an axis: as override text for scenarios.Override and as the text
// shown in labels and CSV columns.
type value struct {
	text  string // TOML: strings quoted, so that a string given for a number is an error
	label string // strings unquoted, numbers in the shortest form that round-trips
}

// topKeys are the keys a sweep file may have at its top level.
var topKeys = []string{"base", "results", "parallel", "workers", "description", "axes", "group"}

// keyPathRE matches a scenario key path, as scenarios.Override accepts it.
var keyPathRE = regexp.MustCompile(`^[A-Za-z0-9_-]+(\[[0-9]{1,9}\])?(\.[A-Za-z0-9_-]+(\[[0-9]{1,9}\])?)*$`)

// Load reads and decodes the sweep file at path, loads its base scenario and resolves and
// validates every cell. All problems are reported at once in an *Error; a base scenario
// that does not load is reported with the scenario's own messages.
func Load(path string) (*Sweep, error) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, &Error{File: path, Problems: []Problem{{Msg: "no such file"}}}
	case err != nil:
		return nil, &Error{File: path, Problems: []Problem{{Msg: err.Error()}}}
	case !st.Mode().IsRegular():
		return nil, &Error{File: path, Problems: []Problem{{Msg: "not a regular file"}}}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{File: path, Problems: []Problem{{Msg: err.Error()}}}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, &Error{File: path, Problems: []Problem{{Msg: err.Error()}}}
	}
	return Parse(data, path)
}

// Parse decodes sweep text as if read from the file at path: a relative base scenario and
// results path are resolved against path's directory, and the default results file is
// <name>-results.csv there, name being the file name without ".toml" ("sweep" if path is "").
// The text is not read from path.
func Parse(data []byte, path string) (*Sweep, error) {
	text := strings.TrimPrefix(string(data), "\uFEFF")
	e := &Error{File: path, lines: keyLines(text)}
	if len(data) > maxFileBytes {
		e.add("larger than %d MiB; a sweep file is a short text file", maxFileBytes>>20)
		return nil, e
	}
	name := strings.TrimSuffix(filepath.Base(path), ".toml")
	if path == "" {
		name = "sweep"
	}
	dir := filepath.Dir(path)
	s := &Sweep{File: path, Name: name, Results: filepath.Join(dir, name+"-results.csv")}
	var raw map[string]any
	md, err := toml.Decode(text, &raw)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			// The decoder counts the line break that ends an unclosed "[axes" as the start
			// of the next line; the byte offset of the error says where it really is.
			e.addLine(1+strings.Count(text[:min(max(pe.Position.Start, 0), len(text))], "\n"), "invalid TOML: %s", pe.Message)
		} else {
			e.add("invalid TOML: %v", err)
		}
		return nil, e
	}
	base, axes, groups := s.decodeTop(e, raw, md, dir)
	if len(e.Problems) > 0 {
		return nil, e
	}
	if s.Base, err = loadBase(base, dir); err != nil {
		e.addScenario(lineOf(e.lines, "base"), "base = "+strconv.Quote(base)+": ", "", err)
		return nil, e
	}
	s.expand(e, axes, groups)
	if len(e.Problems) > 0 {
		return nil, e
	}
	return s, nil
}

// decodeTop checks the top-level keys and decodes the axes and groups in file order.
func (s *Sweep) decodeTop(e *Error, raw map[string]any, md toml.MetaData, dir string) (base string, axes []axis, groups [][]axis) {
	for _, k := range topLevel(md) {
		v := raw[k]
		switch k {
		case "base", "results", "description":
			if _, ok := v.(string); !ok {
				e.addAt(k, "%s = %s: want a string, not %s", k, short(v), aTypeName(v))
			}
		case "parallel", "workers":
			hi, lo := maxParallel, 1
			if k == "workers" {
				hi, lo = maxWorkers, 0
			}
			n, ok := v.(int64)
			if !ok || n < int64(lo) || n > int64(hi) {
				e.addAt(k, "%s = %s: want an integer in [%d, %d]", k, short(v), lo, hi)
				continue
			}
			if k == "parallel" {
				s.Parallel = int(n)
			} else {
				s.Workers = int(n)
			}
		case "axes":
			if _, ok := v.(map[string]any); !ok {
				e.addAt(k, "axes: want a table [axes] of key paths and value lists, not %s", aTypeName(v))
			}
		case "group":
			if _, ok := v.([]map[string]any); !ok {
				e.addAt(k, "group: want [[group]] tables of key paths and value lists, not %s", aTypeName(v))
			}
		default:
			msg := "unknown key; a sweep file has " + strings.Join(topKeys, ", ")
			if _, table := v.(map[string]any); table || strings.ContainsAny(k, ".[") {
				msg += "; scenario key paths go under [axes] or [[group]]"
			}
			e.addAt(k, "%s: %s", k, msg)
		}
	}
	base, isStr := raw["base"].(string)
	if _, ok := raw["base"]; !ok {
		e.add(`base: missing; name the base scenario, a file relative to the sweep file or an embedded scenario, e.g. base = "tiny-synthetic"`)
	} else if isStr && strings.TrimSpace(base) == "" {
		e.addAt("base", `base = "": want a scenario file or an embedded scenario name`)
	}
	if r, ok := raw["results"].(string); ok {
		if strings.TrimSpace(r) == "" || strings.HasSuffix(r, "/") {
			e.addAt("results", "results = %q: want a file name", r)
		} else if filepath.IsAbs(r) {
			s.Results = r
		} else {
			s.Results = filepath.Join(dir, r)
		}
	}
	s.Description, _ = raw["description"].(string)
	axes, groups = decodeAxes(e, md, raw)
	return base, axes, groups
}

// LooksLikeSweep reports whether TOML text is a sweep file rather than a scenario: it
// decodes and has a top-level base, axes or group key, which no scenario has. A program
// given a sweep where it wants a scenario can say so instead of reporting unknown keys.
func LooksLikeSweep(data []byte) bool {
	var raw map[string]any
	if _, err := toml.Decode(strings.TrimPrefix(string(data), "\uFEFF"), &raw); err != nil {
		return false
	}
	for _, k := range []string{"base", "axes", "group"} {
		if _, ok := raw[k]; ok {
			return true
		}
	}
	return false
}

// topLevel returns the top-level keys of a decoded document in file order, each once.
func topLevel(md toml.MetaData) []string {
	var keys []string
	for _, k := range md.Keys() {
		if len(k) >= 1 && !slices.Contains(keys, k[0]) {
			keys = append(keys, k[0])
		}
	}
	return keys
}

// decodeAxes walks the keys of [axes] and every [[group]] in file order. A key path may be
// written quoted ("simulation.deadline_s") or as dotted TOML keys; both name the same path.
// A [[group]] without keys is an error: it would add one cell of the base scenario per
// combination of [axes], which is never what a sweep means.
func decodeAxes(e *Error, md toml.MetaData, raw map[string]any) (axes []axis, groups [][]axis) {
	group := -1
	var groupKeys []int // keys written in each [[group]], valid or not
	for _, k := range md.Keys() {
		if len(k) == 0 || k[0] != "axes" && k[0] != "group" {
			continue
		}
		typ := md.Type(k...)
		if len(k) == 1 {
			if k[0] == "group" && typ == "ArrayHash" {
				group++
				groups = append(groups, nil)
				groupKeys = append(groupKeys, 0)
			}
			continue
		}
		if k[0] == "group" && group < 0 {
			continue // [group] is not an array of tables; reported by decodeTop
		}
		if typ == "Hash" {
			continue // a dotted key's table; its leaves follow
		}
		where, at := "[axes]", "axes"
		if k[0] == "group" {
			where = fmt.Sprintf("group[%d]", group)
			at = where
			groupKeys[group]++
		}
		path := strings.Join(k[1:], ".")
		at += "." + path
		v := lookup(raw, k, group)
		list, ok := v.([]any)
		if !ok {
			e.addAt(at, "%s %s = %s: want an array of values, e.g. [10, 20], not %s", where, path, short(v), aTypeName(v))
			continue
		}
		if !keyPathRE.MatchString(path) {
			e.addAt(at, "%s %q: not a scenario key path: want keys joined by dots, entries by [index], e.g. learners[0].mobility.max_speed_mps", where, path)
			continue
		}
		a := axis{key: path}
		if len(list) == 0 {
			e.addAt(at, "%s %s: empty list; give at least one value", where, path)
			continue
		}
		seen := map[string]bool{}
		for _, v := range list {
			val, err := newValue(v)
			if err != nil {
				e.addAt(at, "%s %s: %s: %v", where, path, short(v), err)
				continue
			}
			if seen[val.label] {
				e.addAt(at, "%s %s: %s appears twice", where, path, val.label)
				continue
			}
			seen[val.label] = true
			a.values = append(a.values, val)
		}
		if len(a.values) < len(list) {
			continue
		}
		if k[0] == "axes" {
			axes = append(axes, a)
		} else {
			groups[group] = append(groups[group], a)
		}
	}
	for gi, n := range groupKeys {
		if n == 0 {
			e.addAt(fmt.Sprintf("group[%d]", gi), "group[%d]: empty; give it key paths with lists of values, or remove it", gi)
		}
	}
	return axes, groups
}

// lookup returns the value at key k of the decoded document raw; a key under "group" is
// looked up in the group-th [[group]] table.
func lookup(raw map[string]any, k toml.Key, group int) any {
	var m map[string]any
	switch k[0] {
	case "axes":
		m, _ = raw["axes"].(map[string]any)
	case "group":
		if gs, _ := raw["group"].([]map[string]any); group >= 0 && group < len(gs) {
			m = gs[group]
		}
	}
	for _, part := range k[1 : len(k)-1] {
		m, _ = m[part].(map[string]any)
	}
	return m[k[len(k)-1]]
}

// newValue turns one decoded TOML value into an axis value.
func newValue(v any) (value, error) {
	switch x := v.(type) {
	case string:
		if strings.ContainsAny(x, "\r\n") {
			return value{}, errors.New("a line break in a value would break the results CSV")
		}
		return value{text: tomlQuote(x), label: x}, nil
	case int64:
		s := strconv.FormatInt(x, 10)
		return value{text: s, label: s}, nil
	case float64:
		s := formatFloat(x)
		return value{text: s, label: s}, nil
	case bool:
		s := strconv.FormatBool(x)
		return value{text: s, label: s}, nil
	case []any:
		parts := make([]string, len(x))
		for i, el := range x {
			ev, err := newValue(el)
			if err != nil {
				return value{}, err
			}
			if _, nested := el.([]any); nested {
				return value{}, errors.New("want a list of plain values, not of lists")
			}
			parts[i] = ev.text
		}
		s := "[" + strings.Join(parts, ", ") + "]"
		return value{text: s, label: s}, nil
	}
	return value{}, fmt.Errorf("want a string, number, boolean or array, not %s", aTypeName(v))
}

// formatFloat formats f in the shortest form that round-trips and that TOML reads back.
func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// tomlQuote writes s as a TOML basic string.
func tomlQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// loadBase loads the base scenario: a file relative to the sweep file's directory when the
// name looks like a path or such a file exists, else an embedded scenario (a directory of
// that name does not hide it, as in scenarios.Resolve).
func loadBase(base, dir string) (*scenarios.Scenario, error) {
	if filepath.IsAbs(base) {
		return scenarios.Load(base)
	}
	p := filepath.Join(dir, base)
	if st, err := os.Stat(p); (err == nil && !st.IsDir()) || strings.HasSuffix(base, ".toml") || strings.ContainsAny(base, `/\`) {
		return scenarios.Load(p)
	}
	return scenarios.LoadEmbedded(base)
}

// aTypeName is param.TypeName with its article: "an integer", "a string".
func aTypeName(v any) string {
	t := param.TypeName(v)
	if strings.ContainsRune("aeiou", rune(t[0])) {
		return "an " + t
	}
	return "a " + t
}

// render writes a decoded value roughly as TOML.
func render(v any) string {
	if val, err := newValue(v); err == nil {
		return val.text
	}
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case []any:
		parts := make([]string, len(x))
		for i, el := range x {
			parts[i] = render(el)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// short renders a decoded value for a message, cut to 40 characters.
func short(v any) string {
	s := render(v)
	if r := []rune(s); len(r) > 40 {
		s = string(r[:37]) + "…"
	}
	return s
}
