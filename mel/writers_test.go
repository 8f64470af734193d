package mel

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func sampleEvents() []Event {
	return []Event{
		{Time: 0, Kind: EvCycleStart, Cycle: 1, Learner: Orchestrator},
		{Time: 0, Dur: 0.25, Kind: EvDownlink, Cycle: 1, Learner: 0, Bits: 1e6},
		{Time: 0.25, Dur: 1.5, Kind: EvCompute, Cycle: 1, Learner: 0, Iter: 1, Loss: 2.3, EnergyJ: 0.5},
		{Time: 1.75, Dur: 0.1, Kind: EvUplink, Cycle: 1, Learner: 3, Cut: true, EnergyJ: math.NaN()},
		{Time: 10, Kind: EvDeadline, Cycle: 1, Learner: 3},
		{Time: 10, Kind: EvCycleEnd, Cycle: 1, Learner: Orchestrator, Loss: 0.3, Acc: 0.91},
	}
}

func TestTraceChromeIsValidJSON(t *testing.T) {
	var buf bytes.Buffer
	r := NewTraceChrome(&buf)
	for _, e := range sampleEvents() {
		if err := r.Event(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		TraceEvents []map[string]any `json:"traceEvents"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("trace is not valid JSON: %v\n%s", err, buf.String())
	}
	var spans, instants, tracks int
	for _, e := range doc.TraceEvents {
		switch e["ph"] {
		case "X":
			spans++
			if _, ok := e["dur"]; !ok {
				t.Errorf("span without dur: %v", e)
			}
		case "i":
			instants++
		case "M":
			if e["name"] == "thread_name" {
				tracks++
			}
		}
	}
	if spans != 3 || instants != 3 || tracks != 3 {
		t.Errorf("got %d spans, %d instants, %d named tracks; want 3, 3, 3 (orchestrator, learners 0 and 3)", spans, instants, tracks)
	}
	// Compute slice: simulated seconds become microseconds.
	for _, e := range doc.TraceEvents {
		if e["name"] == "compute 1" {
			if e["ts"].(float64) != 250000 || e["dur"].(float64) != 1.5e6 || e["tid"].(float64) != 1 {
				t.Errorf("compute slice = %v, want ts 250000 µs, dur 1.5e6 µs, tid 1", e)
			}
		}
	}
}

func TestTraceChromeEmptyRunIsValidJSON(t *testing.T) {
	var buf bytes.Buffer
	r := NewTraceChrome(&buf)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(buf.Bytes()) {
		t.Fatalf("empty trace is not valid JSON: %s", buf.String())
	}
}

func TestTraceJSONL(t *testing.T) {
	var buf bytes.Buffer
	r := NewTraceJSONL(&buf)
	evs := sampleEvents()
	for _, e := range evs {
		if err := r.Event(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&buf)
	n := 0
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v: %s", n+1, err, sc.Text())
		}
		if m["kind"] != string(evs[n].Kind) {
			t.Errorf("line %d kind = %v, want %s", n+1, m["kind"], evs[n].Kind)
		}
		n++
	}
	if n != len(evs) {
		t.Fatalf("%d lines, want %d", n, len(evs))
	}
}

func TestCSVWritersHeaderAndRows(t *testing.T) {
	var cb, lb bytes.Buffer
	cr, lr := NewCyclesCSV(&cb), NewLearnersCSV(&lb)
	rec := Recorders{cr, lr}
	if err := rec.Cycle(CycleRecord{Cycle: 1, End: 9.5, Accuracy: 0.9, EnergyJ: 12.5, Alive: 3}); err != nil {
		t.Fatal(err)
	}
	if err := rec.Learner(LearnerRecord{Cycle: 1, Learner: 2, Outcome: Late, BatteryJ: math.Inf(1), TrainLoss: math.NaN()}); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&cb).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || strings.Join(rows[0], ",") != strings.Join(CyclesHeader, ",") {
		t.Fatalf("cycles CSV = %v", rows)
	}
	if rows[1][0] != "1" || rows[1][2] != "9.5" || rows[1][3] != "0.9" || rows[1][12] != "12.5" {
		t.Errorf("cycle row = %v", rows[1])
	}
	rows, err = csv.NewReader(&lb).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || len(rows[1]) != len(LearnersHeader) {
		t.Fatalf("learners CSV = %v", rows)
	}
	// A mains battery (+Inf) and a missing training loss (NaN) are empty cells, which
	// spreadsheets and database imports read as missing rather than as text or 0.
	if rows[1][2] != "late" || rows[1][17] != "" || rows[1][18] != "" || rows[1][19] != "0" {
		t.Errorf("learner row = %v", rows[1])
	}
}

func TestCSVWritersHeaderOnlyWhenEmpty(t *testing.T) {
	var cb bytes.Buffer
	r := NewCyclesCSV(&cb)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := cb.String(), strings.Join(CyclesHeader, ",")+"\n"; got != want {
		t.Errorf("empty cycles CSV = %q, want %q", got, want)
	}
}
