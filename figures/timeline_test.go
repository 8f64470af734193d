package figures

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestReadEvals(t *testing.T) {
	in := "time_s,version,accuracy,loss,energy_j,samples_trained,alive\n0,0,0.1,2.3,0,0,4\n10.000000001,1,0.9,0.4,12.5,100,4\n20,2,NaN,NaN,30,200,3\n"
	evals, err := ReadEvals(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(evals) != 3 || evals[1].Time != 10.000000001 || evals[1].EnergyJ != 12.5 || evals[1].Accuracy != 0.9 || !math.IsNaN(evals[2].Accuracy) {
		t.Fatalf("%+v", evals)
	}
	for _, tc := range []struct{ in, want string }{
		{"", "empty input"},
		{"time_s,accuracy\n", "missing column energy_j"},
		{"time_s,energy_j,accuracy\n", "no rows"},
		{"time_s,energy_j,accuracy\n1,2,1.5\n", "line 2: column accuracy"},
		{"time_s,energy_j,accuracy\n1,x,0.5\n", "line 2: column energy_j"},
		{"time_s,energy_j,accuracy\n5,1,0.5\n4,2,0.6\n", "line 3: time 4 s before"},
	} {
		if _, err := ReadEvals(strings.NewReader(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.in, err, tc.want)
		}
	}
}

// A cycle that ends a hair after its deadline is read at the deadline; nothing is read
// before the first evaluation.
func TestAccuracyAt(t *testing.T) {
	evals := []Evaluation{{Time: 10.000000001, EnergyJ: 5, Accuracy: 0.9}, {Time: 20.000000002, EnergyJ: 9, Accuracy: 0.95}}
	for _, tc := range []struct {
		axis Axis
		x    float64
		want float64
		ok   bool
	}{
		{TimeAxis, 5, 0, false}, {TimeAxis, 10, 0.9, true}, {TimeAxis, 19.9, 0.9, true}, {TimeAxis, 20, 0.95, true},
		{TimeAxis, 1000, 0.95, true}, {EnergyAxis, 4, 0, false}, {EnergyAxis, 8.5, 0.9, true}, {EnergyAxis, 9, 0.95, true},
	} {
		got, ok := AccuracyAt(evals, tc.axis, tc.x)
		if ok != tc.ok || ok && got != tc.want {
			t.Errorf("%s at %v: %v, %v; want %v, %v", tc.axis, tc.x, got, ok, tc.want, tc.ok)
		}
	}
	if e, ok := FirstReach(evals, 95); !ok || e.Time != 20.000000002 {
		t.Errorf("95 %% first reached at %+v, %v", e, ok)
	}
	if _, ok := FirstReach(evals, 96); ok {
		t.Error("96 % reached")
	}
}

// Runs with one label are averaged with their spread; a run's last accuracy holds after its
// end on the time axis, not on the energy axis.
func TestTimelines(t *testing.T) {
	runs := []Run{
		{"A", []Evaluation{{0, 0, 0.1}, {10, 10, 0.8}, {20, 20, 0.9}}},
		{"B", []Evaluation{{0, 0, 0.1}, {5, 2, 0.5}}},
		{"A", []Evaluation{{0, 0, 0.2}, {10, 30, 0.6}, {20, 40, 0.7}}},
	}
	ts, err := Timelines(runs, TimeAxis, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 || ts[0].Label != "A" || ts[1].Label != "B" || len(ts[0].Points) != 5 {
		t.Fatalf("%+v", ts)
	}
	a := ts[0].Points[2] // x = 10
	if a.X != 10 || a.N != 2 || math.Abs(a.Mean-70) > 1e-12 || a.Min != 60 || a.Max != 80 || a.Seeds != 2 {
		t.Errorf("A at 10 s: %+v", a)
	}
	if b := ts[1].Points[4]; b.N != 1 || b.Mean != 50 {
		t.Errorf("B at 20 s, after its end at 5 s: %+v; want its last 50 %%", b)
	}
	es, err := Timelines(runs, EnergyAxis, 4) // x = 0, 10, 20, 30, 40 J
	if err != nil {
		t.Fatal(err)
	}
	if b := es[1].Points[1]; b.N != 0 {
		t.Errorf("B at 10 J, past the 2 J it spent in all: %+v", b)
	}
	if a := es[0].Points[3]; a.N != 1 || math.Abs(a.Mean-60) > 1e-12 {
		t.Errorf("A at 30 J: %+v; want only the second run, at 60 %%", a)
	}
	if _, err := Timelines(nil, TimeAxis, 4); err == nil {
		t.Error("no runs: no error")
	}
	var buf bytes.Buffer
	for _, axis := range []Axis{TimeAxis, EnergyAxis} {
		p, err := Timeline(runs, axis, 40, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := Write(&buf, p, "svg", 6, 4); err != nil {
			t.Fatal(err)
		}
	}
}
