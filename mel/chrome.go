package mel

import (
	"bufio"
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
	named []bool // by track: its thread_name metadata was written
	buf   []byte
	err   error
}

var _ EventRecorder = (*TraceChrome)(nil)

// NewTraceChrome returns a recorder writing a Chrome trace to w.
func NewTraceChrome(w io.Writer) *TraceChrome {
	r := &TraceChrome{w: bufio.NewWriter(w), first: true}
	r.raw(`{"displayTimeUnit":"ms","traceEvents":[`)
	r.obj([]byte(`{"args":{"name":"mel-des (simulated time)"},"name":"process_name","ph":"M","pid":1,"tid":0}`))
	return r
}

func (r *TraceChrome) raw(s string) {
	if r.err == nil {
		_, r.err = r.w.WriteString(s)
	}
}

// obj writes one trace event, a JSON object whose keys are in sorted order (the order
// encoding/json gives a map, which the format's readers do not need but diffs do).
func (r *TraceChrome) obj(b []byte) {
	if !r.first {
		r.raw(",\n")
	} else {
		r.raw("\n")
	}
	r.first = false
	if r.err == nil {
		_, r.err = r.w.Write(b)
	}
}

func (r *TraceChrome) track(learner int) int {
	tid := learner + 1
	if tid >= len(r.named) {
		r.named = append(r.named, make([]bool, tid+1-len(r.named))...)
	}
	if !r.named[tid] {
		r.named[tid] = true
		name := "orchestrator"
		if learner != Orchestrator {
			name = "learner " + strconv.Itoa(learner)
		}
		b := append(r.buf[:0], `{"args":{"name":`...)
		b = appendJSONString(b, name)
		b = append(b, `},"name":"thread_name","ph":"M","pid":1,"tid":`...)
		b = strconv.AppendInt(b, int64(tid), 10)
		r.obj(append(b, '}'))
		b = append(b[:0], `{"args":{"sort_index":`...)
		b = strconv.AppendInt(b, int64(tid), 10)
		b = append(b, `},"name":"thread_sort_index","ph":"M","pid":1,"tid":`...)
		b = strconv.AppendInt(b, int64(tid), 10)
		r.obj(append(b, '}'))
		r.buf = b
	}
	return tid
}

// us converts simulated seconds to trace microseconds.
func us(s float64) float64 { return s * 1e6 }

// Event implements EventRecorder. The keys of the event and of its args are written in
// sorted order.
func (r *TraceChrome) Event(e Event) error {
	tid := r.track(e.Learner)
	// An evaluation carries the test figures as a cycle's end does.
	compute, cycleEnd := e.Kind == EvCompute, e.Kind == EvCycleEnd || e.Kind == EvEval
	b := append(r.buf[:0], `{"args":{`...)
	if e.Bits != 0 {
		b = append(b, `"bits":`...)
		b = appendJSONFloat(b, e.Bits)
		b = append(b, ',')
	}
	if e.Cut {
		b = append(b, `"cut":true,`...)
	}
	b = append(b, `"cycle":`...)
	b = strconv.AppendInt(b, int64(e.Cycle), 10)
	if e.EnergyJ != 0 {
		b = append(b, `,"energy_j":`...)
		b = appendJSONFloat(b, e.EnergyJ)
	}
	if compute {
		b = append(b, `,"iter":`...)
		b = strconv.AppendInt(b, int64(e.Iter), 10)
	}
	if e.Note != "" {
		b = append(b, `,"note":`...)
		b = appendJSONString(b, e.Note)
	}
	if cycleEnd {
		b = append(b, `,"test_accuracy":`...)
		b = appendJSONFloat(b, e.Acc)
		b = append(b, `,"test_loss":`...)
		b = appendJSONFloat(b, e.Loss)
	}
	if compute {
		b = append(b, `,"train_loss":`...)
		b = appendJSONFloat(b, e.Loss)
	}
	b = append(b, `},"cat":`...)
	b = appendJSONString(b, string(e.Kind))
	span := e.Kind == EvDownlink || compute || e.Kind == EvUplink || e.Kind == EvLinkDown
	if span {
		b = append(b, `,"dur":`...)
		b = appendJSONFloat(b, us(e.Dur))
	}
	b = append(b, `,"name":`...)
	switch e.Kind {
	case EvCompute:
		b = append(b, `"compute `...)
		b = strconv.AppendInt(b, int64(e.Iter), 10)
		b = append(b, '"')
	case EvCycleStart, EvCycleEnd, EvEval, EvAggregate:
		b = appendJSONString(b, fmt.Sprintf("%s %d", e.Kind, e.Cycle))
	default:
		b = appendJSONString(b, string(e.Kind))
	}
	switch {
	case span:
		b = append(b, `,"ph":"X","pid":1`...)
	case e.Kind == EvCycleStart || cycleEnd || e.Kind == EvRunEnd:
		b = append(b, `,"ph":"i","pid":1,"s":"g"`...)
	default:
		b = append(b, `,"ph":"i","pid":1,"s":"t"`...)
	}
	b = append(b, `,"tid":`...)
	b = strconv.AppendInt(b, int64(tid), 10)
	b = append(b, `,"ts":`...)
	b = appendJSONFloat(b, us(e.Time))
	b = append(b, '}')
	r.obj(b)
	r.buf = b
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
