package device

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/mel-des/mel-des/param"
)

// TracePoint is a recorded position: the learner is at (X, Y) metres at
// time T seconds.
type TracePoint struct {
	T, X, Y float64
}

// Trace replays recorded waypoints: between two points the learner moves in
// a straight line at constant speed; before the first point it holds the
// first position and after the last it holds the last.
type Trace struct {
	points   []TracePoint
	lines    []int // the CSV line of each point, when parsed from CSV
	maxSpeed float64
}

// NewTrace returns a trace through the given points, which must be
// non-empty, finite and in strictly increasing time order. The slice is
// copied. Errors name the offending point by index.
func NewTrace(points []TracePoint) (*Trace, error) {
	if len(points) == 0 {
		return nil, errors.New("device: trace needs at least one point")
	}
	tr := &Trace{points: make([]TracePoint, len(points))}
	for i, p := range points {
		var prev *TracePoint
		if i > 0 {
			prev = &points[i-1]
		}
		if err := checkTracePoint(p, prev); err != nil {
			return nil, fmt.Errorf("device: trace point %d: %w", i, err)
		}
		tr.points[i] = p
		if i > 0 {
			q := points[i-1]
			v := Point{p.X, p.Y}.Dist(Point{q.X, q.Y}) / (p.T - q.T)
			tr.maxSpeed = math.Max(tr.maxSpeed, v)
		}
	}
	if math.IsInf(tr.maxSpeed, 1) {
		return nil, errors.New("device: trace has an infinite speed (points too close in time)")
	}
	return tr, nil
}

// checkTracePoint validates p, which follows prev unless prev is nil.
func checkTracePoint(p TracePoint, prev *TracePoint) error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"t", p.T}, {"x", p.X}, {"y", p.Y}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return fmt.Errorf("%s must be finite, got %v", f.name, f.v)
		}
	}
	if prev != nil && !(p.T > prev.T) {
		return fmt.Errorf("time %v is not after the previous time %v", p.T, prev.T)
	}
	return nil
}

// Points returns a copy of the trace's points.
func (tr *Trace) Points() []TracePoint {
	return append([]TracePoint(nil), tr.points...)
}

// Position returns the position at time t seconds by linear interpolation,
// in O(log n) for n points. It panics if t is NaN.
func (tr *Trace) Position(t float64) Point {
	if math.IsNaN(t) {
		panic("device: Trace.Position: time is NaN")
	}
	t = math.Max(t, 0)
	ps := tr.points
	i := sort.Search(len(ps), func(i int) bool { return ps[i].T > t })
	switch {
	case i == 0:
		return Point{ps[0].X, ps[0].Y}
	case i == len(ps):
		return Point{ps[i-1].X, ps[i-1].Y}
	}
	a, b := ps[i-1], ps[i]
	return lerp(Point{a.X, a.Y}, Point{b.X, b.Y}, (t-a.T)/(b.T-a.T))
}

// DistanceAt returns the distance to the orchestrator at time t seconds.
func (tr *Trace) DistanceAt(t float64) float64 { return tr.Position(t).Norm() }

// MaxSpeed returns the highest speed of any segment, in m/s.
func (tr *Trace) MaxSpeed() float64 { return tr.maxSpeed }

// ParseTraceCSV reads a trace from CSV with columns t,x,y (seconds,
// metres, metres). A header row "t,x,y" is optional; blank lines and lines
// starting with '#' are skipped; fields may be padded with spaces. Errors
// give the line number and the column, e.g. for a bad number, NaN or
// infinity, a wrong number of fields, or a time not after the previous
// one.
func ParseTraceCSV(r io.Reader) (*Trace, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = 3
	cr.TrimLeadingSpace = true
	var points []TracePoint
	var lines []int
	first := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("device: trace CSV: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if first {
			first = false
			if isHeader(rec) {
				continue
			}
			if _, err := strconv.ParseFloat(strings.TrimSpace(rec[0]), 64); err != nil {
				return nil, fmt.Errorf("device: trace CSV line %d: header must be t,x,y, got %q", line, strings.Join(rec, ","))
			}
		}
		var v [3]float64
		for j, name := range []string{"t", "x", "y"} {
			f, err := strconv.ParseFloat(strings.TrimSpace(rec[j]), 64)
			if err != nil {
				return nil, fmt.Errorf("device: trace CSV line %d: %s: not a number: %q", line, name, rec[j])
			}
			v[j] = f
		}
		p := TracePoint{T: v[0], X: v[1], Y: v[2]}
		var prev *TracePoint
		if n := len(points); n > 0 {
			prev = &points[n-1]
		}
		if err := checkTracePoint(p, prev); err != nil {
			return nil, fmt.Errorf("device: trace CSV line %d: %w", line, err)
		}
		points = append(points, p)
		lines = append(lines, line)
	}
	if len(points) == 0 {
		return nil, errors.New("device: trace CSV: no data rows")
	}
	tr, err := NewTrace(points)
	if err != nil {
		return nil, err
	}
	tr.lines = lines
	return tr, nil
}

// Line returns the CSV line of point i of a trace read by ParseTraceCSV, or 0 if the trace
// was built from points. Panics if i is out of range.
func (tr *Trace) Line(i int) int {
	if tr.lines == nil {
		_ = tr.points[i]
		return 0
	}
	return tr.lines[i]
}

// traceKey is the trace model's parameter: the CSV file.
const traceKey = "trace"

func init() {
	RegisterMobility(MobilityModel{
		Name:    "trace",
		Summary: "replay recorded positions from a CSV file with columns t,x,y",
		Params: []param.Spec{{Key: traceKey, Kind: param.File, Required: true,
			Doc: "a CSV file with columns t,x,y (s, m, m), relative to the scenario file"}},
		ImpliedBy:  traceKey,
		Positioned: true,
		Check: func(p param.Values, cell Cell) error {
			f := p.File(traceKey)
			tr, err := parseTraceFile(f)
			if err != nil {
				return &param.Problem{Key: traceKey, Msg: err.Error()}
			}
			for i, q := range tr.points {
				if r := math.Hypot(q.X, q.Y); r > cell.Radius {
					return param.Errorf(traceKey, "trace %s line %d: the point is %.1f m from the orchestrator at t = %s s, outside the cell of radius %s m",
						f.Path, tr.Line(i), r, param.FormatNumber(q.T), param.FormatNumber(cell.Radius))
				}
			}
			return nil
		},
		New: func(p param.Values, _ Cell, _ Point, _ uint64) (Mobility, error) {
			return parseTraceFile(p.File(traceKey))
		},
	})
}

// parseTraceFile parses a trace CSV file, naming the file in errors.
func parseTraceFile(f param.FileData) (*Trace, error) {
	tr, err := ParseTraceCSV(bytes.NewReader(f.Data))
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "device: ")
		msg = strings.TrimPrefix(strings.TrimPrefix(msg, "trace CSV"), ":")
		if msg = strings.TrimSpace(msg); strings.HasPrefix(msg, "line ") {
			return nil, fmt.Errorf("trace %s %s", f.Path, msg)
		}
		return nil, fmt.Errorf("trace %s: %s", f.Path, msg)
	}
	return tr, nil
}

// isHeader reports whether rec is the header t,x,y (any case).
func isHeader(rec []string) bool {
	for j, name := range []string{"t", "x", "y"} {
		if !strings.EqualFold(strings.TrimSpace(rec[j]), name) {
			return false
		}
	}
	return true
}
