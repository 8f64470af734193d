package device

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/param"
)

func TestTraceInterpolation(t *testing.T) {
	tr, err := NewTrace([]TracePoint{{0, 0, 0}, {10, 100, 0}, {20, 100, 50}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		t    float64
		want Point
	}{
		{-3, Point{0, 0}},
		{0, Point{0, 0}},
		{5, Point{50, 0}},
		{10, Point{100, 0}},
		{15, Point{100, 25}},
		{20, Point{100, 50}},
		{100, Point{100, 50}},
	}
	for _, tc := range tests {
		if got := tr.Position(tc.t); got.Dist(tc.want) > 1e-12 {
			t.Errorf("Position(%v) = %v, want %v", tc.t, got, tc.want)
		}
	}
	// √(100² + 25²) = 103.0776 m; segments run at 10 and 5 m/s.
	if got := tr.DistanceAt(15); !near(got, 103.07764, 1e-5) {
		t.Errorf("DistanceAt(15) = %v, want 103.07764", got)
	}
	if tr.MaxSpeed() != 10 {
		t.Errorf("MaxSpeed = %v, want 10", tr.MaxSpeed())
	}
	late, _ := NewTrace([]TracePoint{{5, 1, 2}, {6, 3, 2}})
	if late.Position(0) != (Point{1, 2}) {
		t.Errorf("before a late first point: %v, want (1, 2)", late.Position(0))
	}
	one, _ := NewTrace([]TracePoint{{3, 7, 7}})
	if one.Position(9) != (Point{7, 7}) || one.MaxSpeed() != 0 {
		t.Errorf("single point trace: %v, speed %v", one.Position(9), one.MaxSpeed())
	}
}

func TestNewTraceErrors(t *testing.T) {
	tests := []struct {
		pts  []TracePoint
		want string
	}{
		{nil, "at least one point"},
		{[]TracePoint{{0, 0, 0}, {0, 1, 1}}, "point 1: time 0 is not after the previous time 0"},
		{[]TracePoint{{0, 0, 0}, {2, 1, 1}, {1, 1, 1}}, "point 2: time 1 is not after"},
		{[]TracePoint{{math.NaN(), 0, 0}}, "point 0: t must be finite"},
		{[]TracePoint{{0, 0, 0}, {1, math.Inf(1), 0}}, "point 1: x must be finite"},
	}
	for _, tc := range tests {
		_, err := NewTrace(tc.pts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewTrace(%v): error %v, want %q", tc.pts, err, tc.want)
		}
	}
}

func TestParseTraceCSV(t *testing.T) {
	in := "t,x,y\n# a comment\n0, 0, 0\n\n10,100,0\n 20 ,100, 50\n"
	tr, err := ParseTraceCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []TracePoint{{0, 0, 0}, {10, 100, 0}, {20, 100, 50}}
	got := tr.Points()
	if len(got) != len(want) {
		t.Fatalf("points %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("points %v, want %v", got, want)
		}
	}
	noHeader, err := ParseTraceCSV(strings.NewReader("0,1,2\n1,2,2\n"))
	if err != nil || noHeader.Position(0.5) != (Point{1.5, 2}) {
		t.Errorf("headerless CSV: %v, %v", err, noHeader)
	}
	if _, err := ParseTraceCSV(strings.NewReader("T, X, Y\n0,1,2\n")); err != nil {
		t.Errorf("upper-case header: %v", err)
	}
}

func TestParseTraceCSVErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"t,x,y\n0,0,0\n1,abc,0\n", "line 3: x: not a number"},
		{"t,x,y\n0,0,0\n0,1,1\n", "line 3: time 0 is not after the previous time 0"},
		{"t,x,y\n0,0,0\n5,1,1\n4,1,1\n", "line 4: time 4 is not after"},
		{"t,x,y\n0,NaN,0\n", "line 2: x must be finite, got NaN"},
		{"t,x,y\n0,0,Inf\n", "line 2: y must be finite"},
		{"t,x,y\n0,0\n", "line 2"},
		{"time,x,y\n0,0,0\n", "line 1: header must be t,x,y"},
		{"t,x,y\n", "no data rows"},
		{"", "no data rows"},
	}
	for _, tc := range tests {
		_, err := ParseTraceCSV(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "device: trace CSV") {
			t.Errorf("ParseTraceCSV(%q): error %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestTraceLine(t *testing.T) {
	tr, err := ParseTraceCSV(strings.NewReader("t,x,y\n# start\n0,0,0\n\n10,5,5\n"))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Line(0) != 3 || tr.Line(1) != 5 {
		t.Errorf("lines %d, %d; want 3, 5", tr.Line(0), tr.Line(1))
	}
	built, _ := NewTrace([]TracePoint{{0, 0, 0}})
	if built.Line(0) != 0 {
		t.Errorf("Line of a trace built from points = %d, want 0", built.Line(0))
	}
	for _, tc := range []struct {
		name string
		tr   *Trace
	}{{"parsed", tr}, {"built", built}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: Line(2) out of range did not panic", tc.name)
				}
			}()
			tc.tr.Line(2)
		}()
	}
}

// TestTraceModel: the trace model reads its File parameter, ignores the start position and
// needs no other key; it is implied by the trace key.
func TestTraceModel(t *testing.T) {
	m, ok := LookupMobility("trace")
	if !ok || !m.Positioned || m.ImpliedBy != "trace" {
		t.Fatalf("trace model: %v, Positioned %v, ImpliedBy %q", ok, m.Positioned, m.ImpliedBy)
	}
	file := param.FileData{Path: "runs/walk.csv", Data: []byte("t,x,y\n0,0,0\n10,50,0\n20,50,-50\n")}
	mob, err := NewMobility(MobilityConfig{Model: "trace", Params: param.Values{"trace": file}}, Cell{Radius: 100}, Point{99, 0}, 3)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		t    float64
		want Point
	}{{0, Point{0, 0}}, {5, Point{25, 0}}, {15, Point{50, -25}}, {30, Point{50, -50}}}
	for _, tc := range tests {
		if got := mob.Position(tc.t); got.Dist(tc.want) > 1e-12 {
			t.Errorf("Position(%v) = %v, want %v", tc.t, got, tc.want)
		}
	}
	if mob.MaxSpeed() != 5 {
		t.Errorf("MaxSpeed = %v, want 5", mob.MaxSpeed())
	}
	// A point exactly on the edge is inside.
	edge := param.FileData{Path: "edge.csv", Data: []byte("0,100,0\n1,0,0\n")}
	if _, err := NewMobility(MobilityConfig{Model: "trace", Params: param.Values{"trace": edge}}, Cell{Radius: 100}, Point{}, 0); err != nil {
		t.Errorf("a point on the edge: %v", err)
	}
}

// TestTraceModelErrors: every problem with a trace file is reported on the key trace and
// names the file and, when it can, the line.
func TestTraceModelErrors(t *testing.T) {
	cell := Cell{Radius: 100}
	file := func(data string) param.Values {
		return param.Values{"trace": param.FileData{Path: "runs/walk.csv", Data: []byte(data)}}
	}
	tests := []struct {
		name   string
		params param.Values
		want   string
	}{
		{"bad number", file("t,x,y\n0,0,0\n1,abc,0\n"), `trace runs/walk.csv line 3: x: not a number: "abc"`},
		{"time not increasing", file("t,x,y\n0,0,0\n0,1,1\n"), "trace runs/walk.csv line 3: time 0 is not after the previous time 0"},
		{"infinite coordinate", file("t,x,y\n0,0,0\n1,inf,1\n"), "trace runs/walk.csv line 3: x must be finite, got +Inf"},
		{"bad header", file("time,x,y\n0,0,0\n"), `trace runs/walk.csv line 1: header must be t,x,y, got "time,x,y"`},
		{"wrong number of fields", file("t,x,y\n0,0\n"), "trace runs/walk.csv: record on line 2: wrong number of fields"},
		{"no rows", file("t,x,y\n"), "trace runs/walk.csv: no data rows"},
		{"point outside the cell", file("t,x,y\n0,0,0\n# turn\n10,150,0\n"),
			"trace runs/walk.csv line 4: the point is 150.0 m from the orchestrator at t = 10 s, outside the cell of radius 100 m"},
		{"point just outside the cell", file("0,60,80.001\n"),
			"trace runs/walk.csv line 1: the point is 100.0 m from the orchestrator at t = 0 s, outside the cell of radius 100 m"},
		{"missing", nil, "missing: required"},
		{"a name instead of the file", param.Values{"trace": "runs/walk.csv"}, "wrong type: want a file name, got string"},
	}
	for _, tc := range tests {
		c := MobilityConfig{Model: "trace", Params: tc.params}
		_, _, err := c.Resolve(cell)
		ps := param.Problems(err)
		if len(ps) != 1 || ps[0].Key != "trace" || ps[0].Msg != tc.want {
			t.Errorf("%s: problems %q\nwant trace: %q", tc.name, ps, tc.want)
		}
		_, err = NewMobility(c, cell, Point{}, 0)
		var p *param.Problem
		if err == nil || !errors.As(err, &p) || p.Key != "trace" || !strings.HasSuffix(err.Error(), "trace: "+tc.want) {
			t.Errorf("%s: NewMobility error %v", tc.name, err)
		}
	}
}
