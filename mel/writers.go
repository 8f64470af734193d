package mel

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"strconv"
)

// The writers below turn records into files that open in common tools: CSV with a header row
// (spreadsheets, pandas, R), JSON Lines (jq, pandas.read_json(lines=True)) and the Chrome
// trace-event format (Perfetto, chrome://tracing). They buffer their output; Close flushes it
// and completes the file, but does not close the underlying writer.

// ftoa formats a float for a CSV cell: exactly, locale-free, and as an empty cell when the
// value does not exist (NaN: no training loss, no evaluation) or is infinite (a mains-powered
// battery), so that spreadsheets, pandas, R and database imports read a missing value
// instead of turning "+Inf" or "NaN" into text or 0.
func ftoa(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// csvTable is a buffered CSV file whose header row is written before its first row, or at
// Close if it has none, so that even an empty run leaves a file that tools can read.
type csvTable struct {
	w       *bufio.Writer
	c       *csv.Writer
	header  []string
	started bool
}

func newCSVTable(w io.Writer, header []string) csvTable {
	bw := bufio.NewWriter(w)
	return csvTable{w: bw, c: csv.NewWriter(bw), header: header}
}

func (t *csvTable) start() error {
	if t.started {
		return nil
	}
	t.started = true
	return t.c.Write(t.header)
}

// write writes one row, after the header if it is the first.
func (t *csvTable) write(row []string) error {
	if err := t.start(); err != nil {
		return err
	}
	return t.c.Write(row)
}

// Close writes the header if no row was written, and flushes.
func (t *csvTable) Close() error {
	if err := t.start(); err != nil {
		return err
	}
	t.c.Flush()
	if err := t.c.Error(); err != nil {
		return err
	}
	return t.w.Flush()
}

// CyclesCSV writes one CSV row per global cycle. Close writes the header if no cycle
// completed, and flushes.
type CyclesCSV struct{ csvTable }

var _ CycleRecorder = (*CyclesCSV)(nil)

// NewCyclesCSV returns a recorder writing per-cycle metrics to w.
func NewCyclesCSV(w io.Writer) *CyclesCSV {
	return &CyclesCSV{newCSVTable(w, CyclesHeader)}
}

// CyclesHeader is the header row of the per-cycle CSV file.
var CyclesHeader = []string{"cycle", "start_s", "end_s", "accuracy", "loss", "objective",
	"planned", "arrived", "tau_planned", "tau_done", "misses", "died", "energy_j", "alive",
	"samples_trained", "tau_computed"}

// Cycle implements CycleRecorder.
func (r *CyclesCSV) Cycle(c CycleRecord) error { return r.write(CycleRow(c)) }

// CycleRow returns the CSV fields of c in the order of CyclesHeader.
func CycleRow(c CycleRecord) []string {
	return []string{strconv.Itoa(c.Cycle), ftoa(c.Start), ftoa(c.End), ftoa(c.Accuracy),
		ftoa(c.Loss), ftoa(c.Objective), strconv.Itoa(c.Planned), strconv.Itoa(c.Arrived),
		strconv.Itoa(c.TauPlanned), strconv.Itoa(c.TauDone), strconv.Itoa(c.Misses),
		strconv.Itoa(c.Died), ftoa(c.EnergyJ), strconv.Itoa(c.Alive),
		strconv.FormatInt(c.SamplesTrained, 10), strconv.Itoa(c.TauComputed)}
}

// LearnersCSV writes one CSV row per learner per global cycle. Close writes the header if
// no row was written, and flushes.
type LearnersCSV struct{ csvTable }

var _ LearnerRecorder = (*LearnersCSV)(nil)

// NewLearnersCSV returns a recorder writing per-learner-per-cycle rows to w.
func NewLearnersCSV(w io.Writer) *LearnersCSV {
	return &LearnersCSV{newCSVTable(w, LearnersHeader)}
}

// LearnersHeader is the header row of the per-learner CSV file.
var LearnersHeader = []string{"cycle", "learner", "outcome", "tau_planned", "tau_done",
	"samples", "rate_bps", "distance_m", "cap_j", "down_planned_s", "down_s",
	"compute_planned_s", "compute_s", "up_planned_s", "up_s", "energy_planned_j", "energy_j",
	"battery_j", "train_loss", "samples_trained", "tau_revised", "revisions"}

// Learner implements LearnerRecorder.
func (r *LearnersCSV) Learner(l LearnerRecord) error {
	return r.write([]string{strconv.Itoa(l.Cycle), strconv.Itoa(l.Learner), string(l.Outcome),
		strconv.Itoa(l.TauPlanned), strconv.Itoa(l.TauDone), strconv.Itoa(l.Samples),
		ftoa(l.RateBps), ftoa(l.DistanceM), ftoa(l.CapJ), ftoa(l.DownPlanned), ftoa(l.Down),
		ftoa(l.ComputePlanned), ftoa(l.Compute), ftoa(l.UpPlanned), ftoa(l.Up),
		ftoa(l.EnergyPlannedJ), ftoa(l.EnergyJ), ftoa(l.BatteryJ), ftoa(l.TrainLoss),
		strconv.FormatInt(l.SamplesTrained, 10), strconv.Itoa(l.TauRevised), strconv.Itoa(l.Revisions)})
}

// The two traces are written with hand-made encoders: encoding/json's reflection (and, for
// the Chrome trace, a map per event) took most of the wall time of a cycle of many learners.
// They write exactly what encoding/json wrote for the same values (writers_test.go keeps that
// encoding as the reference): the same field order, omitted zero fields, number format, and
// string escaping, which is delegated to encoding/json for any string that needs escaping.

// appendJSONFloat appends v as JSON: the shortest 'g' form that reads back exactly, and null
// for NaN and ±Inf, which JSON cannot represent.
func appendJSONFloat(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// appendJSONString appends s as a JSON string, escaped as encoding/json escapes it (with
// HTML escaping, its default).
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendEventJSON appends the JSON Lines form of e and a newline: t, dur (if not 0), kind,
// cycle, learner, iter, bits, energy_j (if not 0), loss (compute, cycle-end and eval
// events), acc (cycle-end and eval), cut (if true), note (if not empty).
func appendEventJSON(b []byte, e Event) []byte {
	b = append(b, `{"t":`...)
	b = appendJSONFloat(b, e.Time)
	if e.Dur != 0 {
		b = append(b, `,"dur":`...)
		b = appendJSONFloat(b, e.Dur)
	}
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, string(e.Kind))
	b = append(b, `,"cycle":`...)
	b = strconv.AppendInt(b, int64(e.Cycle), 10)
	b = append(b, `,"learner":`...)
	b = strconv.AppendInt(b, int64(e.Learner), 10)
	if e.Iter != 0 {
		b = append(b, `,"iter":`...)
		b = strconv.AppendInt(b, int64(e.Iter), 10)
	}
	if e.Bits != 0 {
		b = append(b, `,"bits":`...)
		b = appendJSONFloat(b, e.Bits)
	}
	if e.EnergyJ != 0 {
		b = append(b, `,"energy_j":`...)
		b = appendJSONFloat(b, e.EnergyJ)
	}
	if e.Kind == EvCompute || e.Kind == EvCycleEnd || e.Kind == EvEval {
		b = append(b, `,"loss":`...)
		b = appendJSONFloat(b, e.Loss)
	}
	if e.Kind == EvCycleEnd || e.Kind == EvEval {
		b = append(b, `,"acc":`...)
		b = appendJSONFloat(b, e.Acc)
	}
	if e.Cut {
		b = append(b, `,"cut":true`...)
	}
	if e.Note != "" {
		b = append(b, `,"note":`...)
		b = appendJSONString(b, e.Note)
	}
	return append(b, "}\n"...)
}

// TraceJSONL writes every trace event as one JSON object per line.
type TraceJSONL struct {
	w   *bufio.Writer
	buf []byte
}

var _ EventRecorder = (*TraceJSONL)(nil)

// NewTraceJSONL returns a recorder writing the event trace as JSON Lines to w.
func NewTraceJSONL(w io.Writer) *TraceJSONL { return &TraceJSONL{w: bufio.NewWriter(w)} }

// Event implements EventRecorder.
func (r *TraceJSONL) Event(e Event) error {
	r.buf = appendEventJSON(r.buf[:0], e)
	_, err := r.w.Write(r.buf)
	return err
}

// Close flushes.
func (r *TraceJSONL) Close() error { return r.w.Flush() }
