package mel

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// TraceChrome writes the event trace in the Chrome trace-event JSON format, which Perfetto
// (ui.perfetto.dev, "Open trace file") and chrome://tracing open. Simulated seconds become
// trace microseconds, so one simulated second shows as one second. The orchestrator is track 0
// and learner k is track k+1; downlink, compute iterations and uplink are duration slices;
// cycle starts and ends are global instant events.
//
// Events are streamed as they come; Close writes the closing brackets, so a run that stops
// early still leaves a complete JSON document as long as Close is called.
type TraceChrome struct {
	w     *bufio.Writer
	first bool
	named map[int]bool // tracks whose thread_name metadata was written
	err   error
}

var _ EventRecorder = (*TraceChrome)(nil)

// NewTraceChrome returns a recorder writing a Chrome trace to w.
func NewTraceChrome(w io.Writer) *TraceChrome {
	r := &TraceChrome{w: bufio.NewWriter(w), first: true, named: map[int]bool{}}
	r.raw(`{"displayTimeUnit":"ms","traceEvents":[`)
	r.obj(map[string]any{"name": "process_name", "ph": "M", "pid": 1, "tid": 0,
		"args": map[string]any{"name": "mel-des (simulated time)"}})
	return r
}

func (r *TraceChrome) raw(s string) {
	if r.err == nil {
		_, r.err = r.w.WriteString(s)
	}
}

// obj writes one trace event. Maps marshal with sorted keys, so the output is deterministic.
func (r *TraceChrome) obj(v map[string]any) {
	b, err := json.Marshal(v)
	if err != nil && r.err == nil {
		r.err = err
	}
	if !r.first {
		r.raw(",\n")
	} else {
		r.raw("\n")
	}
	r.first = false
	r.raw(string(b))
}

func (r *TraceChrome) track(learner int) int {
	tid := learner + 1
	if !r.named[tid] {
		r.named[tid] = true
		name := "orchestrator"
		if learner != Orchestrator {
			name = "learner " + strconv.Itoa(learner)
		}
		r.obj(map[string]any{"name": "thread_name", "ph": "M", "pid": 1, "tid": tid,
			"args": map[string]any{"name": name}})
		r.obj(map[string]any{"name": "thread_sort_index", "ph": "M", "pid": 1, "tid": tid,
			"args": map[string]any{"sort_index": tid}})
	}
	return tid
}

// us converts simulated seconds to trace microseconds.
func us(s float64) float64 { return s * 1e6 }

// Event implements EventRecorder.
func (r *TraceChrome) Event(e Event) error {
	tid := r.track(e.Learner)
	args := map[string]any{"cycle": e.Cycle}
	if e.EnergyJ != 0 {
		args["energy_j"] = jsonFloat(e.EnergyJ)
	}
	if e.Bits != 0 {
		args["bits"] = jsonFloat(e.Bits)
	}
	if e.Cut {
		args["cut"] = true
	}
	if e.Note != "" {
		args["note"] = e.Note
	}
	name := string(e.Kind)
	switch e.Kind {
	case EvCompute:
		name = fmt.Sprintf("compute %d", e.Iter)
		args["iter"] = e.Iter
		args["train_loss"] = jsonFloat(e.Loss)
	case EvCycleStart, EvCycleEnd, EvEval, EvAggregate:
		name = fmt.Sprintf("%s %d", e.Kind, e.Cycle)
		if e.Kind == EvCycleEnd || e.Kind == EvEval {
			args["test_loss"] = jsonFloat(e.Loss)
			args["test_accuracy"] = jsonFloat(e.Acc)
		}
	}
	ev := map[string]any{"name": name, "cat": string(e.Kind), "pid": 1, "tid": tid,
		"ts": jsonFloat(us(e.Time)), "args": args}
	switch e.Kind {
	case EvDownlink, EvCompute, EvUplink, EvLinkDown:
		ev["ph"] = "X"
		ev["dur"] = jsonFloat(us(e.Dur))
	case EvCycleStart, EvCycleEnd, EvRunEnd, EvEval:
		ev["ph"] = "i"
		ev["s"] = "g"
	default:
		ev["ph"] = "i"
		ev["s"] = "t"
	}
	r.obj(ev)
	return r.err
}

// Close completes the JSON document and flushes.
func (r *TraceChrome) Close() error {
	r.raw("\n]}\n")
	if r.err != nil {
		return r.err
	}
	return r.w.Flush()
}
