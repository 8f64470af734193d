package param

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestKindString(t *testing.T) {
	tests := []struct {
		k    Kind
		want string
	}{
		{Float, "number"}, {Int, "integer"}, {Bool, "bool"}, {String, "string"},
		{Path, "path"}, {File, "file"}, {Kind(0), "Kind(0)"}, {Kind(99), "Kind(99)"},
	}
	for _, tc := range tests {
		if got := tc.k.String(); got != tc.want {
			t.Errorf("Kind(%d).String() = %q, want %q", uint8(tc.k), got, tc.want)
		}
	}
}

func TestRangeContains(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	openBoth := Range{Lo: 0, Hi: 10, LoOpen: true, HiOpen: true, set: true}
	tests := []struct {
		name string
		r    Range
		in   []float64
		out  []float64
	}{
		{"zero Range: any finite number", Range{}, []float64{0, -1e300, 1e300, math.SmallestNonzeroFloat64, -math.MaxFloat64}, []float64{nan, inf, -inf}},
		{"Positive(100) = (0, 100]", Positive(100), []float64{math.SmallestNonzeroFloat64, 1, 100}, []float64{0, -1, math.Nextafter(100, inf), nan, inf}},
		{"Closed(0, 1) = [0, 1]", Closed(0, 1), []float64{0, 0.5, 1}, []float64{-math.SmallestNonzeroFloat64, math.Nextafter(1, 2), nan, -inf}},
		{"Closed(-1, -1) holds one number", Closed(-1, -1), []float64{-1}, []float64{math.Nextafter(-1, 0), math.Nextafter(-1, -2)}},
		{"(0, 10)", openBoth, []float64{1e-300, 9.999999}, []float64{0, 10, nan}},
		{"unbounded above: [0, inf]", Closed(0, inf), []float64{0, 1e300}, []float64{inf, -1}},
	}
	for _, tc := range tests {
		for _, f := range tc.in {
			if !tc.r.Contains(f) {
				t.Errorf("%s: Contains(%v) = false, want true", tc.name, f)
			}
		}
		for _, f := range tc.out {
			if tc.r.Contains(f) {
				t.Errorf("%s: Contains(%v) = true, want false", tc.name, f)
			}
		}
	}
}

func TestRangeString(t *testing.T) {
	tests := []struct {
		r    Range
		want string
	}{
		{Range{}, "any finite number"},
		{Positive(100), "(0, 100]"},
		{Positive(1e6), "(0, 1e6]"},
		{Closed(0, 1), "[0, 1]"},
		{Closed(-1.5, 2.5e-3), "[-1.5, 0.0025]"},
		{Range{Lo: 0, Hi: 10, LoOpen: true, HiOpen: true, set: true}, "(0, 10)"},
		{Range{Lo: 2, Hi: 3, HiOpen: true, set: true}, "[2, 3)"},
	}
	for _, tc := range tests {
		if got := tc.r.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.r, got, tc.want)
		}
	}
}

// TestRangeLiteral: the doc says bounds are included unless marked open and only the zero
// Range allows every number, but a Range written as a literal — the only way another
// package can write [lo, hi) or (lo, hi) — leaves the unexported set flag false, so its
// bounds are silently ignored.
func TestRangeLiteral(t *testing.T) {
	r := Range{Lo: 1, Hi: 10, HiOpen: true}
	if r.Contains(50) || r.Contains(10) || !r.Contains(1) {
		t.Errorf("Range{Lo: 1, Hi: 10, HiOpen: true}: Contains(50) = %v, Contains(10) = %v, Contains(1) = %v; want false, false, true",
			r.Contains(50), r.Contains(10), r.Contains(1))
	}
	if got := r.String(); got != "[1, 10)" {
		t.Errorf("Range{Lo: 1, Hi: 10, HiOpen: true}.String() = %q, want \"[1, 10)\"", got)
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{0, "0"},
		{12, "12"},
		{-7, "-7"},
		{999999, "999999"},
		{1e6, "1e6"},
		{-1e6, "-1e6"},
		{1000001, "1.000001e6"},
		{123456789, "1.23456789e8"},
		{1e21, "1e21"},
		{0.1, "0.1"},
		{2.5e-3, "0.0025"}, // %g keeps exponents down to -4 in decimal form
		{1e-5, "1e-5"},
		{1.5e-7, "1.5e-7"},
		{5e-324, "5e-324"},
		{math.MaxFloat64, "1.7976931348623157e308"},
		{math.NaN(), "nan"},
		{math.Inf(1), "inf"},
		{math.Inf(-1), "-inf"},
	}
	for _, tc := range tests {
		if got := FormatNumber(tc.f); got != tc.want {
			t.Errorf("FormatNumber(%v) = %q, want %q", tc.f, got, tc.want)
		}
	}
}

func TestTypeName(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{"x", "string"}, {int64(1), "integer"}, {1, "integer"}, {1.5, "float"}, {true, "boolean"},
		{[]any{1}, "array"}, {map[string]any{}, "table"}, {[]map[string]any{}, "array of tables"},
		{time.Date(1979, 5, 27, 7, 32, 0, 0, time.UTC), "datetime"}, {nil, "nothing"}, {int32(1), "int32"}, {FileData{}, "param.FileData"},
	}
	for _, tc := range tests {
		if got := TypeName(tc.v); got != tc.want {
			t.Errorf("TypeName(%#v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestQuoteAll(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"a"}, `"a"`},
		{[]string{"a", "b"}, `"a" or "b"`},
		{[]string{"static", "walk", "trace"}, `"static", "walk" or "trace"`},
		{[]string{`q"`}, `"q\""`},
	}
	for _, tc := range tests {
		if got := QuoteAll(tc.in); got != tc.want {
			t.Errorf("QuoteAll(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestChoiceMessage(t *testing.T) {
	choices := []string{"static", "walk", "waypoint"}
	tests := []struct{ in, want string }{
		{"wlak", `unknown value (did you mean "walk"?); want one of "static", "walk" or "waypoint"`},
		{"submarine", `want one of "static", "walk" or "waypoint"`},
	}
	for _, tc := range tests {
		if got := ChoiceMessage(tc.in, choices); got != tc.want {
			t.Errorf("ChoiceMessage(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestSpecCheck covers every Kind: the accepted values with the Go type they are converted
// to, and the rejected ones with the exact message, which is what a scenario author reads.
func TestSpecCheck(t *testing.T) {
	speed := Spec{Key: "max_speed_mps", Kind: Float, Unit: "m/s", Range: Positive(100)}
	unit := Spec{Key: "alpha", Kind: Float, Range: Closed(0, 1)}
	anyFloat := Spec{Key: "x", Kind: Float}
	count := Spec{Key: "n", Kind: Int, Range: Closed(1, 1e9)}
	anyInt := Spec{Key: "n", Kind: Int}
	openInt := Spec{Key: "n", Kind: Int, Range: Range{Lo: 0, Hi: 10, LoOpen: true, HiOpen: true, set: true}}
	fracInt := Spec{Key: "n", Kind: Int, Range: Closed(0.5, 9.5)}
	posInt := Spec{Key: "n", Kind: Int, Range: Positive(1e6)}
	flag := Spec{Key: "b", Kind: Bool}
	text := Spec{Key: "s", Kind: String}
	choice := Spec{Key: "model", Kind: String, Choices: []string{"static", "walk"}}
	dir := Spec{Key: "dir", Kind: Path}
	file := Spec{Key: "trace", Kind: File}
	fd := FileData{Path: "a.csv", Data: []byte("t,x,y\n")}

	ok := []struct {
		name string
		s    Spec
		in   any
		want any
	}{
		{"float64", speed, 1.5, 1.5},
		{"TOML integer as a float", speed, int64(3), 3.0},
		{"Go int as a float", speed, 100, 100.0},
		{"closed bound", unit, 0.0, 0.0},
		{"any finite float", anyFloat, -1e300, -1e300},
		{"int64", count, int64(7), 7},
		{"int", count, 1, 1},
		{"integral float", count, 1e6, 1000000},
		{"upper bound", count, 1e9, 1000000000},
		{"negative integral float", anyInt, -3.0, -3},
		{"largest exact float", anyInt, float64(1 << 53), 1 << 53},
		{"int64 extremes", anyInt, int64(math.MinInt64), math.MinInt},
		{"open int range, low", openInt, 1, 1},
		{"open int range, high", openInt, int64(9), 9},
		{"fractional bounds round inwards", fracInt, 9, 9},
		{"Positive int range", posInt, 1, 1},
		{"bool", flag, false, false},
		{"string", text, "", ""},
		{"choice", choice, "walk", "walk"},
		{"path", dir, "data/mnist", "data/mnist"},
		{"file", file, fd, fd},
		{"file by pointer", file, &fd, fd},
	}
	for _, tc := range ok {
		got, err := tc.s.Check(tc.in)
		if err != nil {
			t.Errorf("%s: Check(%#v): %v", tc.name, tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: Check(%#v) = %#v (%T), want %#v (%T)", tc.name, tc.in, got, got, tc.want, tc.want)
		}
	}

	bad := []struct {
		name string
		s    Spec
		in   any
		want string
	}{
		{"string for a number", speed, "fast", "wrong type: want a number in m/s, got string"},
		{"bool for a number", unit, true, "wrong type: want a number, got boolean"},
		{"array for a number", unit, []any{1.0}, "wrong type: want a number, got array"},
		{"nothing for a number", unit, nil, "wrong type: want a number, got nothing"},
		{"zero", speed, 0.0, "out of range: want a number in (0, 100] in m/s"},
		{"above", speed, int64(101), "out of range: want a number in (0, 100] in m/s"},
		{"NaN", unit, math.NaN(), "out of range: want a number in [0, 1]"},
		{"Inf", unit, math.Inf(1), "out of range: want a number in [0, 1]"},
		{"NaN, zero Range", anyFloat, math.NaN(), "out of range: want a finite number"},
		{"-Inf, zero Range", anyFloat, math.Inf(-1), "out of range: want a finite number"},
		{"string for an integer", count, "7", "wrong type: want an integer, got string"},
		{"fraction", count, 2.5, "wrong type: want an integer in [1, 1000000000], got a fraction"},
		{"fraction, zero Range", anyInt, 0.1, "wrong type: want an integer, got a fraction"},
		{"NaN integer", count, math.NaN(), "wrong type: want an integer in [1, 1000000000], got a fraction"},
		{"1e300", count, 1e300, "out of range: want an integer in [1, 1000000000]"},
		{"1e300, zero Range", anyInt, 1e300, "out of range: want an integer"},
		{"-Inf integer", anyInt, math.Inf(-1), "out of range: want an integer"},
		{"above 2^53", anyInt, float64(1<<53) * 2, "out of range: want an integer"},
		{"below", count, 0, "out of range: want an integer in [1, 1000000000]"},
		{"integral float above", count, 1e10, "out of range: want an integer in [1, 1000000000]"},
		{"open low bound", openInt, 0, "out of range: want an integer in [1, 9]"},
		{"open high bound", openInt, int64(10), "out of range: want an integer in [1, 9]"},
		{"fractional bound", fracInt, 10, "out of range: want an integer in [1, 9]"},
		{"Positive int range", posInt, 0.0, "out of range: want an integer in [1, 1000000]"},
		{"number for a bool", flag, int64(1), "wrong type: want true or false, got integer"},
		{"string for a bool", flag, "true", "wrong type: want true or false, got string"},
		{"number for a string", text, 1.5, "wrong type: want a string, got float"},
		{"typo in a choice", choice, "wlak", `unknown value (did you mean "walk"?); want one of "static" or "walk"`},
		{"far from every choice", choice, "submarine", `want one of "static" or "walk"`},
		{"empty path", dir, "", "empty path"},
		{"number for a path", dir, int64(3), "wrong type: want a string, got integer"},
		{"string for a file", file, "a.csv", "wrong type: want a file name, got string"},
		{"no kind", Spec{Key: "k"}, 1.0, "param: k has no kind"},
	}
	for _, tc := range bad {
		got, err := tc.s.Check(tc.in)
		if err == nil {
			t.Errorf("%s: Check(%#v) = %#v, want error %q", tc.name, tc.in, got, tc.want)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("%s: Check(%#v) error\n got %q\nwant %q", tc.name, tc.in, err, tc.want)
		}
		if got != nil {
			t.Errorf("%s: Check(%#v) returned %#v with its error, want nil", tc.name, tc.in, got)
		}
	}
}

// problemList writes problems as "key: msg" lines, for comparing with a want list.
func problemList(err error) []string {
	var out []string
	for _, p := range Problems(err) {
		out = append(out, p.Key+": "+p.Msg)
	}
	return out
}

func TestResolve(t *testing.T) {
	specs := []Spec{
		{Key: "min_speed_mps", Kind: Float, Unit: "m/s", Range: Closed(0, 100), Default: 0.5},
		{Key: "max_speed_mps", Kind: Float, Unit: "m/s", Range: Positive(100), Default: 1.5},
		{Key: "count", Kind: Int, Range: Closed(1, 10), Default: 3},
		{Key: "label", Kind: String},               // no default: stays absent
		{Key: "trace", Kind: File, Required: true}, // required
	}
	fd := FileData{Path: "t.csv"}
	tests := []struct {
		name  string
		given Values
		want  Values
		probs []string
	}{
		{
			name:  "defaults filled, absent without default stays absent",
			given: Values{"trace": fd},
			want:  Values{"min_speed_mps": 0.5, "max_speed_mps": 1.5, "count": 3, "trace": fd},
		},
		{
			name:  "given values converted to their kind",
			given: Values{"trace": fd, "max_speed_mps": int64(2), "count": 4.0, "label": "x"},
			want:  Values{"min_speed_mps": 0.5, "max_speed_mps": 2.0, "count": 4, "label": "x", "trace": fd},
		},
		{
			name:  "required missing",
			given: Values{"count": int64(2)},
			want:  Values{"min_speed_mps": 0.5, "max_speed_mps": 1.5, "count": 2},
			probs: []string{"trace: missing: required"},
		},
		{
			name:  "unknown key with a suggestion and the known keys",
			given: Values{"trace": fd, "max_speed": 2.0},
			want:  Values{"min_speed_mps": 0.5, "max_speed_mps": 1.5, "count": 3, "trace": fd},
			probs: []string{"max_speed: unknown parameter (did you mean max_speed_mps?); known: min_speed_mps, max_speed_mps, count, label, trace"},
		},
		{
			name:  "unknown key without a suggestion",
			given: Values{"trace": fd, "colour": "red"},
			want:  Values{"min_speed_mps": 0.5, "max_speed_mps": 1.5, "count": 3, "trace": fd},
			probs: []string{"colour: unknown parameter; known: min_speed_mps, max_speed_mps, count, label, trace"},
		},
		{
			name:  "a bad value is neither kept nor replaced by its default",
			given: Values{"trace": fd, "count": 11},
			want:  Values{"min_speed_mps": 0.5, "max_speed_mps": 1.5, "trace": fd},
			probs: []string{"count: out of range: want an integer in [1, 10]"},
		},
		{
			name:  "problems in key order",
			given: Values{"trace": "t.csv", "min_speed_mps": "slow", "count": 0.5, "zz": 1, "aa": 1},
			want:  Values{"max_speed_mps": 1.5},
			probs: []string{
				"aa: unknown parameter; known: min_speed_mps, max_speed_mps, count, label, trace",
				"count: wrong type: want an integer in [1, 10], got a fraction",
				"min_speed_mps: wrong type: want a number in m/s, got string",
				"trace: wrong type: want a file name, got string",
				"zz: unknown parameter; known: min_speed_mps, max_speed_mps, count, label, trace",
			},
		},
		{
			// The doc promises key order for every problem; a missing required key is
			// reported after all the others instead.
			name:  "missing required key sorted with the others",
			given: Values{"zz": 1},
			want:  Values{"min_speed_mps": 0.5, "max_speed_mps": 1.5, "count": 3},
			probs: []string{
				"trace: missing: required",
				"zz: unknown parameter; known: min_speed_mps, max_speed_mps, count, label, trace",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Resolve(specs, tc.given)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("values %v, want %v", got, tc.want)
			}
			if probs := problemList(err); !reflect.DeepEqual(probs, tc.probs) {
				t.Errorf("problems\n got %q\nwant %q", probs, tc.probs)
			}
			for _, p := range Problems(err) {
				var target *Problem
				if !errors.As(err, &target) {
					t.Errorf("error %v holds no *Problem", err)
				}
				if p.Key == "" {
					t.Errorf("problem %q names no key", p.Msg)
				}
			}
		})
	}
}

func TestResolveNoParams(t *testing.T) {
	got, err := Resolve(nil, Values{"speed": 1.0})
	if want := []string{"speed: unknown parameter; it takes none"}; !reflect.DeepEqual(problemList(err), want) {
		t.Errorf("problems %q, want %q", problemList(err), want)
	}
	if len(got) != 0 {
		t.Errorf("values %v, want none", got)
	}
	if got, err := Resolve(nil, nil); err != nil || len(got) != 0 {
		t.Errorf("Resolve(nil, nil) = %v, %v; want no values and no error", got, err)
	}
}

func TestResolveBadDefaultPanics(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(fmt.Sprint(r), "default of n") {
			t.Errorf("panic %v, want one naming the default of n", r)
		}
	}()
	Resolve([]Spec{{Key: "n", Kind: Int, Range: Closed(1, 10), Default: 0.5}}, nil)
}

func TestProblems(t *testing.T) {
	a, b, c := &Problem{Key: "a", Msg: "1"}, &Problem{Key: "b", Msg: "2"}, &Problem{Key: "c", Msg: "3"}
	tests := []struct {
		name string
		err  error
		want []*Problem
	}{
		{"nil", nil, nil},
		{"one problem", a, []*Problem{a}},
		{"a join", errors.Join(a, b), []*Problem{a, b}},
		{"nested joins flatten in order", errors.Join(errors.Join(a, b), c), []*Problem{a, b, c}},
		{"a plain error becomes a keyless problem", errors.New("boom"), []*Problem{{Msg: "boom"}}},
		{"a plain error inside a join", errors.Join(a, errors.New("boom")), []*Problem{a, {Msg: "boom"}}},
		{"a wrapped problem keeps its key, not the wrapper's text", fmt.Errorf("ctx: %w", a), []*Problem{a}},
		{"a wrapped join", fmt.Errorf("ctx: %w", errors.Join(a, errors.New("boom"))), []*Problem{a, {Msg: "boom"}}},
		{"a doubly wrapped problem", fmt.Errorf("outer: %w", fmt.Errorf("inner: %w", b)), []*Problem{b}},
		{"a wrapped plain error keeps its text", fmt.Errorf("ctx: %w", errors.New("boom")), []*Problem{{Msg: "ctx: boom"}}},
	}
	for _, tc := range tests {
		if got := Problems(tc.err); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: Problems = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestProblemError(t *testing.T) {
	if got := Errorf("step_s", "must be > %d s", 0).Error(); got != "step_s: must be > 0 s" {
		t.Errorf("Errorf: %q", got)
	}
	if got := (&Problem{Msg: "no key"}).Error(); got != "no key" {
		t.Errorf("keyless problem: %q", got)
	}
	var p *Problem
	if !errors.As(Errorf("k", "m"), &p) || p.Key != "k" || p.Msg != "m" {
		t.Errorf("Errorf does not return a *Problem{k, m}: %#v", p)
	}
}

func TestValues(t *testing.T) {
	fd := FileData{Path: "p", Data: []byte("d")}
	v := Values{"f": 1.5, "i": 2, "b": true, "s": "x", "file": fd}
	if v.Float("f") != 1.5 || v.Int("i") != 2 || !v.Bool("b") || v.String("s") != "x" || v.File("file").Path != "p" {
		t.Errorf("accessors on %v", v)
	}
	if want := []string{"b", "f", "file", "i", "s"}; !reflect.DeepEqual(v.Keys(), want) {
		t.Errorf("Keys = %v, want %v", v.Keys(), want)
	}
	if !v.Has("f") || v.Has("g") {
		t.Errorf("Has(f) = %v, Has(g) = %v", v.Has("f"), v.Has("g"))
	}
	c := v.Clone()
	c["f"] = 9.0
	if v.Float("f") != 1.5 {
		t.Error("Clone shares the map")
	}
	if Values(nil).Clone() != nil {
		t.Error("Clone(nil) != nil")
	}
	for _, tc := range []struct {
		name string
		get  func()
	}{
		{"absent", func() { v.Float("g") }},
		{"int as float", func() { v.Float("i") }},
		{"float as int", func() { v.Int("f") }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			tc.get()
		}()
	}
}

func TestLookupAndKeys(t *testing.T) {
	specs := []Spec{{Key: "b", Kind: Float}, {Key: "a", Kind: Int}}
	if s, ok := Lookup(specs, "a"); !ok || s.Kind != Int {
		t.Errorf("Lookup(a) = %v, %v", s, ok)
	}
	if _, ok := Lookup(specs, "c"); ok {
		t.Error("Lookup(c) found a spec")
	}
	if got := Keys(specs); !reflect.DeepEqual(got, []string{"b", "a"}) {
		t.Errorf("Keys = %v, want spec order [b a]", got)
	}
}
