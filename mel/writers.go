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

// jsonFloat marshals NaN and ±Inf, which JSON cannot represent, as null.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// jsonEvent is the JSON Lines form of an Event; zero-valued optional fields are omitted.
type jsonEvent struct {
	Time    jsonFloat  `json:"t"`
	Dur     jsonFloat  `json:"dur,omitempty"`
	Kind    EventKind  `json:"kind"`
	Cycle   int        `json:"cycle"`
	Learner int        `json:"learner"`
	Iter    int        `json:"iter,omitempty"`
	Bits    jsonFloat  `json:"bits,omitempty"`
	EnergyJ jsonFloat  `json:"energy_j,omitempty"`
	Loss    *jsonFloat `json:"loss,omitempty"`
	Acc     *jsonFloat `json:"acc,omitempty"`
	Cut     bool       `json:"cut,omitempty"`
	Note    string     `json:"note,omitempty"`
}

func toJSONEvent(e Event) jsonEvent {
	j := jsonEvent{Time: jsonFloat(e.Time), Dur: jsonFloat(e.Dur), Kind: e.Kind, Cycle: e.Cycle,
		Learner: e.Learner, Iter: e.Iter, Bits: jsonFloat(e.Bits), EnergyJ: jsonFloat(e.EnergyJ),
		Cut: e.Cut, Note: e.Note}
	if e.Kind == EvCompute || e.Kind == EvCycleEnd || e.Kind == EvEval {
		l := jsonFloat(e.Loss)
		j.Loss = &l
	}
	if e.Kind == EvCycleEnd || e.Kind == EvEval {
		a := jsonFloat(e.Acc)
		j.Acc = &a
	}
	return j
}

// TraceJSONL writes every trace event as one JSON object per line.
type TraceJSONL struct {
	w   *bufio.Writer
	enc *json.Encoder
}

var _ EventRecorder = (*TraceJSONL)(nil)

// NewTraceJSONL returns a recorder writing the event trace as JSON Lines to w.
func NewTraceJSONL(w io.Writer) *TraceJSONL {
	bw := bufio.NewWriter(w)
	return &TraceJSONL{w: bw, enc: json.NewEncoder(bw)}
}

// Event implements EventRecorder.
func (r *TraceJSONL) Event(e Event) error { return r.enc.Encode(toJSONEvent(e)) }

// Close flushes.
func (r *TraceJSONL) Close() error { return r.w.Flush() }
