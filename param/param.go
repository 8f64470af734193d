// Package param describes the parameters a plug-in accepts — a mobility model, a data set, a
// policy, an aggregator — once, where the plug-in is defined: key, type, unit, allowed range,
// default and a sentence of documentation. The scenario decoder reads TOML keys through these
// descriptions, so a new plug-in brings its keys, range checks and error messages with it,
// and the reference documentation is tested against them.
//
// The package is the vocabulary shared by the registries of the other packages; it knows
// nothing about any of them and imports only the standard library.
package param

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Kind is the type of a parameter's value.
type Kind uint8

// The kinds of parameters and the Go type of their values in Values.
const (
	Float  Kind = iota + 1 // a finite number: float64
	Int                    // an integer: int; a float with an integral value is accepted
	Bool                   // true or false: bool
	String                 // text, optionally one of Choices: string
	Path                   // a file or directory the scenario names, resolved against the scenario's directory: string
	File                   // a small file the scenario names, read when the scenario is loaded: FileData
)

// String returns the kind's name as the reference documentation writes it.
func (k Kind) String() string {
	switch k {
	case Float:
		return "number"
	case Int:
		return "integer"
	case Bool:
		return "bool"
	case String:
		return "string"
	case Path:
		return "path"
	case File:
		return "file"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// FileData is the value of a File parameter: the path as resolved against the scenario and
// the file's contents.
type FileData struct {
	Path string
	Data []byte
}

// Spec describes one parameter.
type Spec struct {
	Key      string   // the TOML key, with its unit as suffix when it has one ("max_speed_mps")
	Kind     Kind     // the type of the value
	Unit     string   // Float, Int: the unit shown in messages and docs ("m/s"); "" for none
	Range    Range    // Float, Int: the allowed values; the zero Range allows every finite number
	Choices  []string // String: the allowed values; nil allows any text
	Default  any      // the value of an absent key (float64, int, bool or string); nil: none
	Required bool     // the key must be given
	Doc      string   // what the parameter means, one or two sentences
}

// Range is an interval of allowed numbers. Bounds are included unless marked open. The zero
// Range allows every finite number.
type Range struct {
	Lo, Hi         float64
	LoOpen, HiOpen bool
	set            bool
}

// Positive returns the range (0, hi].
func Positive(hi float64) Range { return Range{Lo: 0, Hi: hi, LoOpen: true, set: true} }

// Closed returns the range [lo, hi].
func Closed(lo, hi float64) Range { return Range{Lo: lo, Hi: hi, set: true} }

// isSet reports whether r has bounds: made by Positive or Closed, or written as a literal
// other than the zero Range.
func (r Range) isSet() bool { return r.set || r.Lo != 0 || r.Hi != 0 || r.LoOpen || r.HiOpen }

// Contains reports whether f lies in r. NaN and infinities lie in no range.
func (r Range) Contains(f float64) bool {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return false
	}
	if !r.isSet() {
		return true
	}
	return (f > r.Lo || !r.LoOpen && f == r.Lo) && (f < r.Hi || !r.HiOpen && f == r.Hi)
}

// String writes r as "(0, 1e6]", or "any finite number" for the zero Range.
func (r Range) String() string {
	if !r.isSet() {
		return "any finite number"
	}
	l, h := "[", "]"
	if r.LoOpen {
		l = "("
	}
	if r.HiOpen {
		h = ")"
	}
	return l + FormatNumber(r.Lo) + ", " + FormatNumber(r.Hi) + h
}

// FormatNumber writes f the way messages and the reference write numbers: integers below
// 1e6 in full, other values in the shortest form that reads back exactly with the exponent
// trimmed ("1e6", "1.5e-7"), and "nan", "inf", "-inf" as TOML writes them.
func FormatNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f == math.Trunc(f) && math.Abs(f) < 1e6:
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	s = strings.Replace(s, "e+0", "e", 1)
	s = strings.Replace(s, "e+", "e", 1)
	return strings.Replace(s, "e-0", "e-", 1)
}

// Values holds parameter values by key, with the Go types listed at Kind.
type Values map[string]any

// Clone returns a copy of v (nil for nil).
func (v Values) Clone() Values {
	if v == nil {
		return nil
	}
	c := make(Values, len(v))
	for k, x := range v {
		c[k] = x
	}
	return c
}

// Keys returns v's keys, sorted.
func (v Values) Keys() []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Float returns the Float parameter key. Panics if it is absent or not a float64: values
// come from Resolve, so that is a programmer error.
func (v Values) Float(key string) float64 { return get[float64](v, key) }

// Int returns the Int parameter key; it panics like Float.
func (v Values) Int(key string) int { return get[int](v, key) }

// Bool returns the Bool parameter key; it panics like Float.
func (v Values) Bool(key string) bool { return get[bool](v, key) }

// String returns the String or Path parameter key; it panics like Float.
func (v Values) String(key string) string { return get[string](v, key) }

// File returns the File parameter key; it panics like Float.
func (v Values) File(key string) FileData { return get[FileData](v, key) }

// Has reports whether key is set.
func (v Values) Has(key string) bool {
	_, ok := v[key]
	return ok
}

func get[T any](v Values, key string) T {
	x, ok := v[key].(T)
	if !ok {
		var zero T
		panic(fmt.Sprintf("param: %q is %T(%v), want %T", key, v[key], v[key], zero))
	}
	return x
}

// Problem is an error about one parameter: the key (relative to the plug-in's table) and what
// is wrong with its value. A check that finds several problems returns them joined with
// errors.Join; Problems takes them apart again.
type Problem struct {
	Key string
	Msg string
}

// Error formats the problem as "KEY: MSG".
func (p *Problem) Error() string {
	if p.Key == "" {
		return p.Msg
	}
	return p.Key + ": " + p.Msg
}

// Errorf returns a *Problem about key.
func Errorf(key, format string, a ...any) error {
	return &Problem{Key: key, Msg: fmt.Sprintf(format, a...)}
}

// Problems flattens err, as returned by a check, into its problems. An error that is not a
// *Problem (or a join of them) becomes a problem without a key.
func Problems(err error) []*Problem {
	if err == nil {
		return nil
	}
	var p *Problem
	if errors.As(err, &p) && p == err {
		return []*Problem{p}
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var ps []*Problem
		for _, e := range j.Unwrap() {
			ps = append(ps, Problems(e)...)
		}
		return ps
	}
	if u, ok := err.(interface{ Unwrap() error }); ok && errors.As(err, &p) {
		// A wrapped problem: its key says more than the wrapper's prefix.
		return Problems(u.Unwrap())
	}
	return []*Problem{{Msg: err.Error()}}
}

// Lookup returns the spec of key in specs.
func Lookup(specs []Spec, key string) (Spec, bool) {
	i := slices.IndexFunc(specs, func(s Spec) bool { return s.Key == key })
	if i < 0 {
		return Spec{}, false
	}
	return specs[i], true
}

// Keys returns the keys of specs, in order.
func Keys(specs []Spec) []string {
	keys := make([]string, len(specs))
	for i, s := range specs {
		keys[i] = s.Key
	}
	return keys
}

// Check checks one value against its spec as a TOML decoder delivers it (int64 or float64
// for numbers) or as Go code writes it (int, float64), and returns it with the Go type of
// its kind. The error says what was wanted, in the words of the scenario reference.
func (s Spec) Check(x any) (any, error) {
	switch s.Kind {
	case Float:
		f, ok := number(x)
		if !ok {
			return nil, fmt.Errorf("wrong type: want a number%s, got %s", unitSuffix(s.Unit), TypeName(x))
		}
		if !s.Range.Contains(f) {
			if !s.Range.isSet() {
				return nil, fmt.Errorf("out of range: want a finite number%s", unitSuffix(s.Unit))
			}
			return nil, fmt.Errorf("out of range: want a number in %v%s", s.Range, unitSuffix(s.Unit))
		}
		return f, nil
	case Int:
		n, err := checkInt(x, s.Range)
		if err != nil {
			return nil, err
		}
		return n, nil
	case Bool:
		b, ok := x.(bool)
		if !ok {
			return nil, fmt.Errorf("wrong type: want true or false, got %s", TypeName(x))
		}
		return b, nil
	case String, Path:
		str, ok := x.(string)
		if !ok {
			return nil, fmt.Errorf("wrong type: want a string, got %s", TypeName(x))
		}
		if len(s.Choices) > 0 && !slices.Contains(s.Choices, str) {
			return nil, fmt.Errorf("%s", ChoiceMessage(str, s.Choices))
		}
		if s.Kind == Path && str == "" {
			return nil, errors.New("empty path")
		}
		return str, nil
	case File:
		switch f := x.(type) {
		case FileData:
			return f, nil
		case *FileData:
			if f != nil {
				return *f, nil
			}
		}
		return nil, fmt.Errorf("wrong type: want a file name, got %s", TypeName(x))
	}
	return nil, fmt.Errorf("param: %s has no kind", s.Key)
}

// ChoiceMessage says that s is not one of choices, suggesting the closest.
func ChoiceMessage(s string, choices []string) string {
	msg := "want one of " + QuoteAll(choices)
	if sug := Suggest(s, choices); sug != "" {
		msg = fmt.Sprintf("unknown value (did you mean %q?); %s", sug, msg)
	}
	return msg
}

func unitSuffix(unit string) string {
	if unit == "" {
		return ""
	}
	return " in " + unit
}

func number(x any) (float64, bool) {
	switch n := x.(type) {
	case float64:
		return n, true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	}
	return 0, false
}

// intRange returns r's integer bounds.
func intRange(r Range) (lo, hi int64) {
	if !r.isSet() {
		return math.MinInt64, math.MaxInt64
	}
	lo, hi = int64(math.Ceil(r.Lo)), int64(math.Floor(r.Hi))
	if r.LoOpen && float64(lo) == r.Lo {
		lo++
	}
	if r.HiOpen && float64(hi) == r.Hi {
		hi--
	}
	if r.Hi >= math.MaxInt64 {
		hi = math.MaxInt64
	}
	return lo, hi
}

// checkInt checks that x is an integer in r. A float with an integral value is accepted
// (1e6 is a TOML float), so that "count = 1e9" reads as out of range, not as a type error.
func checkInt(x any, r Range) (int, error) {
	lo, hi := intRange(r)
	bounds := func() string {
		if !r.isSet() {
			return ""
		}
		return fmt.Sprintf(" in [%d, %d]", lo, hi)
	}
	var n int64
	switch v := x.(type) {
	case int64:
		n = v
	case int:
		n = int64(v)
	case float64:
		switch {
		case math.IsInf(v, 0) || math.Abs(v) > 1<<53:
			return 0, fmt.Errorf("out of range: want an integer%s", bounds())
		case v != math.Trunc(v): // also NaN
			return 0, fmt.Errorf("wrong type: want an integer%s, got a fraction", bounds())
		}
		n = int64(v)
	default:
		return 0, fmt.Errorf("wrong type: want an integer, got %s", TypeName(x))
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("out of range: want an integer%s", bounds())
	}
	return int(n), nil
}

// Resolve checks given against specs and returns every parameter's value: the given ones
// converted to their kind's Go type, the absent ones at their defaults (absent keys without
// a default stay absent). Problems — an unknown key, a wrong type, a value out of range, a
// missing required key — are returned joined, each a *Problem naming its key, in key order.
func Resolve(specs []Spec, given Values) (Values, error) {
	out := make(Values, len(specs))
	var errs []error
	for _, k := range given.Keys() {
		s, ok := Lookup(specs, k)
		if !ok {
			msg := "unknown parameter"
			if sug := Suggest(k, Keys(specs)); sug != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", sug)
			}
			if len(specs) == 0 {
				msg += "; it takes none"
			} else {
				msg += "; known: " + strings.Join(Keys(specs), ", ")
			}
			errs = append(errs, Errorf(k, "%s", msg))
			continue
		}
		v, err := s.Check(given[k])
		if err != nil {
			errs = append(errs, &Problem{Key: k, Msg: err.Error()})
			continue
		}
		out[k] = v
	}
	for _, s := range specs {
		if _, ok := out[s.Key]; ok || given.Has(s.Key) {
			continue
		}
		switch {
		case s.Required:
			errs = append(errs, Errorf(s.Key, "missing: required"))
		case s.Default != nil:
			v, err := s.Check(s.Default)
			if err != nil {
				panic(fmt.Sprintf("param: default of %s: %v", s.Key, err))
			}
			out[s.Key] = v
		}
	}
	// Missing keys were found after the given ones; report every problem in key order.
	slices.SortStableFunc(errs, func(a, b error) int { return strings.Compare(a.(*Problem).Key, b.(*Problem).Key) })
	return out, errors.Join(errs...)
}

// TypeName names the type of a decoded TOML value in messages: "string", "integer", "float",
// "boolean", "array", "table", "array of tables".
func TypeName(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case int64, int:
		return "integer"
	case float64:
		return "float"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "table"
	case []map[string]any:
		return "array of tables"
	case time.Time:
		return "datetime"
	case nil:
		return "nothing"
	}
	return fmt.Sprintf("%T", v)
}

// QuoteAll writes ss as `"a", "b" or "c"`.
func QuoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
