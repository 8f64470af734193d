package mel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// The trace writers hand-encode their JSON. This file keeps the encoding/json encoding they
// replaced, as the reference they must match byte for byte.

// refEvent is the JSON Lines form of an Event as it was declared for encoding/json.
type refEvent struct {
	Time    gFloat    `json:"t"`
	Dur     gFloat    `json:"dur,omitempty"`
	Kind    EventKind `json:"kind"`
	Cycle   int       `json:"cycle"`
	Learner int       `json:"learner"`
	Iter    int       `json:"iter,omitempty"`
	Bits    gFloat    `json:"bits,omitempty"`
	EnergyJ gFloat    `json:"energy_j,omitempty"`
	Loss    *gFloat   `json:"loss,omitempty"`
	Acc     *gFloat   `json:"acc,omitempty"`
	Cut     bool      `json:"cut,omitempty"`
	Note    string    `json:"note,omitempty"`
}

// gFloat is the writers' former jsonFloat: the shortest 'g' form, null for NaN and ±Inf.
type gFloat float64

func (f gFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

func refJSONL(e Event) []byte {
	j := refEvent{Time: gFloat(e.Time), Dur: gFloat(e.Dur), Kind: e.Kind, Cycle: e.Cycle,
		Learner: e.Learner, Iter: e.Iter, Bits: gFloat(e.Bits), EnergyJ: gFloat(e.EnergyJ),
		Cut: e.Cut, Note: e.Note}
	if e.Kind == EvCompute || e.Kind == EvCycleEnd {
		l := gFloat(e.Loss)
		j.Loss = &l
	}
	if e.Kind == EvCycleEnd {
		a := gFloat(e.Acc)
		j.Acc = &a
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(j); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// refChrome is the former Chrome trace writer: maps marshalled by encoding/json.
type refChrome struct {
	buf   bytes.Buffer
	first bool
	named map[int]bool
}

func newRefChrome() *refChrome {
	r := &refChrome{first: true, named: map[int]bool{}}
	r.buf.WriteString(`{"displayTimeUnit":"ms","traceEvents":[`)
	r.obj(map[string]any{"name": "process_name", "ph": "M", "pid": 1, "tid": 0,
		"args": map[string]any{"name": "mel-des (simulated time)"}})
	return r
}

func (r *refChrome) obj(v map[string]any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	if !r.first {
		r.buf.WriteString(",\n")
	} else {
		r.buf.WriteString("\n")
	}
	r.first = false
	r.buf.Write(b)
}

func (r *refChrome) event(e Event) {
	tid := e.Learner + 1
	if !r.named[tid] {
		r.named[tid] = true
		name := "orchestrator"
		if e.Learner != Orchestrator {
			name = fmt.Sprintf("learner %d", e.Learner)
		}
		r.obj(map[string]any{"name": "thread_name", "ph": "M", "pid": 1, "tid": tid, "args": map[string]any{"name": name}})
		r.obj(map[string]any{"name": "thread_sort_index", "ph": "M", "pid": 1, "tid": tid, "args": map[string]any{"sort_index": tid}})
	}
	args := map[string]any{"cycle": e.Cycle}
	if e.EnergyJ != 0 {
		args["energy_j"] = gFloat(e.EnergyJ)
	}
	if e.Bits != 0 {
		args["bits"] = gFloat(e.Bits)
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
		args["train_loss"] = gFloat(e.Loss)
	case EvCycleStart, EvCycleEnd:
		name = fmt.Sprintf("%s %d", e.Kind, e.Cycle)
		if e.Kind == EvCycleEnd {
			args["test_loss"] = gFloat(e.Loss)
			args["test_accuracy"] = gFloat(e.Acc)
		}
	}
	ev := map[string]any{"name": name, "cat": string(e.Kind), "pid": 1, "tid": tid, "ts": gFloat(us(e.Time)), "args": args}
	switch e.Kind {
	case EvDownlink, EvCompute, EvUplink:
		ev["ph"] = "X"
		ev["dur"] = gFloat(us(e.Dur))
	case EvCycleStart, EvCycleEnd, EvRunEnd:
		ev["ph"] = "i"
		ev["s"] = "g"
	default:
		ev["ph"] = "i"
		ev["s"] = "t"
	}
	r.obj(ev)
}

// randomEvents returns events of every kind with awkward values: NaN, infinities, −0,
// tiny and huge numbers, notes that need escaping (quotes, HTML, control characters,
// non-ASCII, invalid UTF-8, U+2028).
func randomEvents(n int) []Event {
	rng := rand.New(rand.NewPCG(1, 2))
	kinds := []EventKind{EvCycleStart, EvPlan, EvDownlink, EvCompute, EvUplink, EvDeadline, EvDied, EvCycleEnd, EvRunEnd}
	floats := []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), 1e-300, 5e-324, 1e21, 123456789.125, 0.1, 3}
	notes := []string{"", "plain", `say "hi"`, `a\b`, "<b>&amp;</b>", "tab\there", "nl\n", "\x01\x1f\x7f", "é ü 漢", "\xff\xfe", "\u2028\u2029", "\b\f"}
	f := func() float64 {
		if rng.IntN(3) == 0 {
			return floats[rng.IntN(len(floats))]
		}
		return rng.NormFloat64() * math.Pow(10, float64(rng.IntN(20)-10))
	}
	evs := make([]Event, n)
	for i := range evs {
		evs[i] = Event{Time: f(), Dur: f(), Kind: kinds[rng.IntN(len(kinds))], Cycle: rng.IntN(1000) - 1,
			Learner: rng.IntN(50) - 1, Iter: rng.IntN(4), Bits: f(), EnergyJ: f(), Loss: f(), Acc: f(),
			Cut: rng.IntN(2) == 0, Note: notes[rng.IntN(len(notes))]}
	}
	return evs
}

// TestTraceWritersMatchEncodingJSON compares both trace writers with the encoding/json
// encoding on many random events.
func TestTraceWritersMatchEncodingJSON(t *testing.T) {
	evs := randomEvents(5000)
	var jl, ch bytes.Buffer
	jw, cw := NewTraceJSONL(&jl), NewTraceChrome(&ch)
	ref := newRefChrome()
	var want bytes.Buffer
	for _, e := range evs {
		if err := jw.Event(e); err != nil {
			t.Fatal(err)
		}
		if err := cw.Event(e); err != nil {
			t.Fatal(err)
		}
		want.Write(refJSONL(e))
		ref.event(e)
	}
	if err := jw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := cw.Close(); err != nil {
		t.Fatal(err)
	}
	ref.buf.WriteString("\n]}\n")
	if !bytes.Equal(jl.Bytes(), want.Bytes()) {
		t.Errorf("JSON Lines trace differs from encoding/json's (-want +got):\n%s", lineDiff(want.String(), jl.String()))
	}
	if !bytes.Equal(ch.Bytes(), ref.buf.Bytes()) {
		t.Errorf("Chrome trace differs from encoding/json's (-want +got):\n%s", lineDiff(ref.buf.String(), ch.String()))
	}
	if !json.Valid(ch.Bytes()) {
		t.Error("Chrome trace is not valid JSON")
	}
}
