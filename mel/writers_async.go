package mel

import (
	"io"
	"strconv"
	"strings"
)

// RoundsCSV writes one CSV row per learner per round of the asynchronous schedule. Close
// writes the header if no row was written, and flushes.
type RoundsCSV struct{ csvTable }

var _ RoundRecorder = (*RoundsCSV)(nil)

// NewRoundsCSV returns a recorder writing per-learner-per-round rows to w.
func NewRoundsCSV(w io.Writer) *RoundsCSV { return &RoundsCSV{newCSVTable(w, RoundsHeader)} }

// RoundsHeader is the header row of the per-round CSV file. staleness is empty for a round
// that did not arrive.
var RoundsHeader = []string{"learner", "round", "start_s", "end_s", "version", "staleness",
	"outcome", "tau_planned", "tau_done", "samples", "rate_bps", "distance_m", "cap_j",
	"down_planned_s", "down_s", "compute_planned_s", "compute_s", "up_planned_s", "up_s",
	"energy_planned_j", "energy_j", "battery_j", "train_loss"}

// Round implements RoundRecorder.
func (r *RoundsCSV) Round(x RoundRecord) error {
	l := x.LearnerRecord
	stale := ""
	if x.Staleness >= 0 {
		stale = strconv.Itoa(x.Staleness)
	}
	return r.write([]string{strconv.Itoa(l.Learner), strconv.Itoa(l.Cycle), ftoa(x.Start), ftoa(x.End),
		strconv.Itoa(x.Version), stale, string(l.Outcome),
		strconv.Itoa(l.TauPlanned), strconv.Itoa(l.TauDone), strconv.Itoa(l.Samples),
		ftoa(l.RateBps), ftoa(l.DistanceM), ftoa(l.CapJ), ftoa(l.DownPlanned), ftoa(l.Down),
		ftoa(l.ComputePlanned), ftoa(l.Compute), ftoa(l.UpPlanned), ftoa(l.Up),
		ftoa(l.EnergyPlannedJ), ftoa(l.EnergyJ), ftoa(l.BatteryJ), ftoa(l.TrainLoss)})
}

// EvalsCSV writes one CSV row per evaluation of the global model: every tick of the
// evaluation clock, the end of an asynchronous run and, in the synchronous schedule, every
// cycle's end (it receives the cycle rows too), so that runs of both schedules can be drawn
// against simulated time and energy on one axis. Close writes the header if no row was
// written, and flushes.
type EvalsCSV struct {
	csvTable
	energy  float64 // Σ energy of the cycles received
	samples int64   // Σ samples trained of the cycles received
}

var (
	_ EvalRecorder  = (*EvalsCSV)(nil)
	_ CycleRecorder = (*EvalsCSV)(nil)
)

// NewEvalsCSV returns a recorder writing evaluations to w.
func NewEvalsCSV(w io.Writer) *EvalsCSV { return &EvalsCSV{csvTable: newCSVTable(w, EvalsHeader)} }

// EvalsHeader is the header row of the evaluations CSV file.
var EvalsHeader = []string{"time_s", "version", "accuracy", "loss", "energy_j", "samples_trained", "alive"}

// Eval implements EvalRecorder.
func (r *EvalsCSV) Eval(e EvalRecord) error {
	return r.write([]string{ftoa(e.Time), strconv.Itoa(e.Version), ftoa(e.Accuracy), ftoa(e.Loss),
		ftoa(e.EnergyJ), strconv.FormatInt(e.SamplesTrained, 10), strconv.Itoa(e.Alive)})
}

// Cycle implements CycleRecorder: a cycle's end is an evaluation of the model it published.
func (r *EvalsCSV) Cycle(c CycleRecord) error {
	r.energy += c.EnergyJ
	r.samples += c.SamplesTrained
	return r.Eval(EvalRecord{Time: c.End, Version: c.Cycle, Accuracy: c.Accuracy, Loss: c.Loss,
		EnergyJ: r.energy, SamplesTrained: r.samples, Alive: c.Alive})
}

// AggregationsCSV writes one CSV row per aggregation of the asynchronous schedule: the
// learners merged, the version each downloaded, its staleness and the weight its model or
// delta got, as lists separated by ";" in arrival order. Close writes the header if no row
// was written, and flushes.
type AggregationsCSV struct{ csvTable }

var _ AggregationRecorder = (*AggregationsCSV)(nil)

// NewAggregationsCSV returns a recorder writing aggregations to w.
func NewAggregationsCSV(w io.Writer) *AggregationsCSV {
	return &AggregationsCSV{newCSVTable(w, AggregationsHeader)}
}

// AggregationsHeader is the header row of the aggregations CSV file.
var AggregationsHeader = []string{"time_s", "version", "merged", "learners", "versions", "staleness",
	"weights", "mean_staleness", "max_staleness"}

// Aggregation implements AggregationRecorder.
func (r *AggregationsCSV) Aggregation(a AggregationRecord) error {
	n := len(a.Merged)
	ls, vs, ss, ws := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	sum, hi := 0, 0
	for i, c := range a.Merged {
		ls[i], vs[i], ss[i], ws[i] = strconv.Itoa(c.Learner), strconv.Itoa(c.Version), strconv.Itoa(c.Staleness), ftoa(c.Weight)
		sum += c.Staleness
		hi = max(hi, c.Staleness)
	}
	mean := nan
	if n > 0 {
		mean = float64(sum) / float64(n)
	}
	return r.write([]string{ftoa(a.Time), strconv.Itoa(a.Version), strconv.Itoa(n),
		strings.Join(ls, ";"), strings.Join(vs, ";"), strings.Join(ss, ";"), strings.Join(ws, ";"),
		ftoa(mean), strconv.Itoa(hi)})
}
