package figures

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

// pt is an expected point: x, mean, min, max, seeds with a value, seeds.
type pt struct {
	x, mean, lo, hi float64
	n, seeds        int
}

// wantSeries is an expected series.
type wantSeries struct {
	label  string
	points []pt
}

func near(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-9
}

func checkSeries(t *testing.T, got []Series, want []wantSeries) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d series %v, want %d", len(got), labels(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Label != w.label {
			t.Errorf("series %d: label %q, want %q", i, g.Label, w.label)
		}
		if len(g.Points) != len(w.points) {
			t.Errorf("%s: %d points, want %d", w.label, len(g.Points), len(w.points))
			continue
		}
		for j, wp := range w.points {
			gp := g.Points[j]
			if !near(gp.X, wp.x) || !near(gp.Mean, wp.mean) || !near(gp.Min, wp.lo) || !near(gp.Max, wp.hi) ||
				gp.N != wp.n || gp.Seeds != wp.seeds {
				t.Errorf("%s point %d: got {x %g mean %g min %g max %g n %d/%d}, want {x %g mean %g min %g max %g n %d/%d}",
					w.label, j, gp.X, gp.Mean, gp.Min, gp.Max, gp.N, gp.Seeds,
					wp.x, wp.mean, wp.lo, wp.hi, wp.n, wp.seeds)
			}
		}
	}
}

func labels(s []Series) []string {
	var out []string
	for _, x := range s {
		out = append(out, x.Label)
	}
	return out
}

// The expected values below are computed by hand from testdata/small.csv.

func TestAccuracyCurves(t *testing.T) {
	res, err := small(t).Where("T", "10")
	if err != nil {
		t.Fatal(err)
	}
	got, err := AccuracyCurves(res)
	if err != nil {
		t.Fatal(err)
	}
	checkSeries(t, got, []wantSeries{
		// seed 1: 90 94 95.5 97; seed 2: 92 95 96 97.3
		{"HA-Async c=1", []pt{{1, 91, 90, 92, 2, 2}, {2, 94.5, 94, 95, 2, 2}, {3, 95.75, 95.5, 96, 2, 2}, {4, 97.15, 97, 97.3, 2, 2}}},
		// seed 1: 91 94.5 95.6 96.8; seed 2: 89 93 95 96
		{"HA-Async c=2", []pt{{1, 90, 89, 91, 2, 2}, {2, 93.75, 93, 94.5, 2, 2}, {3, 95.3, 95, 95.6, 2, 2}, {4, 96.4, 96, 96.8, 2, 2}}},
		// c = 1 stands for the synchronous policy (the c = 2 runs say 50):
		// seed 1: 88 92 94 95; seed 2: 87 91 93 NaN
		{"HA-Sync", []pt{{1, 87.5, 87, 88, 2, 2}, {2, 91.5, 91, 92, 2, 2}, {3, 93.5, 93, 94, 2, 2}, {4, 95, 95, 95, 1, 2}}},
	})
	if got[2].Staleness != AnyStaleness || got[0].Staleness != 1 || got[0].Policy != "ha-async-sai" {
		t.Errorf("series keys: %+v %+v", got[0], got[2])
	}

	// Without a T filter the runs of one series mix T = 10 and 20.
	if _, err := AccuracyCurves(small(t)); err == nil || !strings.Contains(err.Error(), "deadline_s") {
		t.Errorf("AccuracyCurves over two T: err = %v, want one naming deadline_s", err)
	}
}

func TestFinalAccuracy(t *testing.T) {
	res := small(t)
	got, err := FinalAccuracy(res, 2)
	if err != nil {
		t.Fatal(err)
	}
	checkSeries(t, got, []wantSeries{
		{"HA-Async c=1", []pt{{10, 94.5, 94, 95, 2, 2}, {20, 96.1, 96, 96.2, 2, 2}}},
		{"HA-Async c=2", []pt{{10, 93.75, 93, 94.5, 2, 2}, {20, 95.65, 95.5, 95.8, 2, 2}}},
		{"HA-Sync", []pt{{10, 91.5, 91, 92, 2, 2}, {20, 94.5, 94, 95, 2, 2}}},
	})
	got, err = FinalAccuracy(res, 4)
	if err != nil {
		t.Fatal(err)
	}
	if p := got[2].Points[0]; !near(p.Mean, 95) || p.N != 1 || p.Seeds != 2 {
		t.Errorf("HA-Sync after 4 updates at T = 10 s: %+v, want mean 95 from 1 of 2 seeds", p)
	}
	for _, n := range []int{0, 5} {
		if _, err := FinalAccuracy(res, n); err == nil || !strings.HasPrefix(err.Error(), "figures: ") {
			t.Errorf("FinalAccuracy(n = %d): err = %v", n, err)
		}
	}
}

func TestUpdatesToReach(t *testing.T) {
	nan := math.NaN()
	res := small(t)
	got, err := UpdatesToReach(res, 95.5)
	if err != nil {
		t.Fatal(err)
	}
	// 0.955 counts as reaching 95.5 % (seed 1 of HA-Async c=1 at T = 10 s).
	checkSeries(t, got, []wantSeries{
		{"HA-Async c=1", []pt{{10, 3, 3, 3, 2, 2}, {20, 2, 2, 2, 2, 2}}},
		{"HA-Async c=2", []pt{{10, 3.5, 3, 4, 2, 2}, {20, 2, 2, 2, 2, 2}}},
		// Neither seed reaches 95.5 % at T = 10 s: kept, with N = 0.
		{"HA-Sync", []pt{{10, nan, nan, nan, 0, 2}, {20, 3, 3, 3, 2, 2}}},
	})
	got, err = UpdatesToReach(res, 97.3)
	if err != nil {
		t.Fatal(err)
	}
	checkSeries(t, got, []wantSeries{
		{"HA-Async c=1", []pt{{10, 4, 4, 4, 1, 2}, {20, 4, 4, 4, 2, 2}}},
		{"HA-Async c=2", []pt{{10, nan, nan, nan, 0, 2}, {20, 4, 4, 4, 2, 2}}},
		{"HA-Sync", []pt{{10, nan, nan, nan, 0, 2}, {20, nan, nan, nan, 0, 2}}},
	})
	for _, thr := range []float64{0.955, 0, 100.5, nan} {
		if _, err := UpdatesToReach(res, thr); err == nil || !strings.Contains(err.Error(), "percentage") {
			t.Errorf("UpdatesToReach(%g): err = %v", thr, err)
		}
	}
}

func TestSeriesOrderAndLabels(t *testing.T) {
	// One row per cell, policies and c in scrambled order, unknown policy
	// last; hu-sync runs with c = 0 and 3 collapse into one series.
	var b strings.Builder
	b.WriteString("cell,policy,staleness,deadline_s,seed,cycle,accuracy\n")
	for i, pc := range []string{"my-policy,1", "hu-async,2", "hu-sync,3", "ha-async-exact,2", "ha-sync,0",
		"ha-async-sai,10", "ha-async-sai,2", "hu-sync,0", "hu-async,0"} {
		fmt.Fprintf(&b, "c%d,%s,10,1,1,0.9\n", i, pc)
	}
	res, err := ReadResults(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	s, err := FinalAccuracy(res, 1)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(labels(s), "|")
	want := "HA-Async c=2|HA-Async c=10|Exact c=2|HA-Sync|HU-Sync|HU-Async c=0|HU-Async c=2|my-policy c=1"
	if got != want {
		t.Errorf("labels\n got %s\nwant %s", got, want)
	}
}

func TestIndistinguishableRuns(t *testing.T) {
	// Two cells with the same policy, c, T and seed and no column that
	// tells them apart: an error, not an average.
	in := "cell,policy,staleness,deadline_s,seed,cycle,accuracy\n" +
		"a,ha-async-sai,1,10,1,1,0.9\nb,ha-async-sai,1,10,1,1,0.8\n"
	res, err := ReadResults(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := FinalAccuracy(res, 1); err == nil || !strings.Contains(err.Error(), "two runs for seed 1") {
		t.Errorf("err = %v", err)
	}
}

// Runs that differ in an axis the figure does not show are a *MixedError naming the column,
// two of its values and their lines, never averaged.
func TestMixedAxes(t *testing.T) {
	_, err := AccuracyCurves(small(t))
	var me *MixedError
	if !errors.As(err, &me) {
		t.Fatalf("got %v, want a *MixedError", err)
	}
	if me.Column != "deadline_s" || me.Values[0] == me.Values[1] || me.Lines[0] < 2 || me.Lines[1] < 2 ||
		!strings.Contains(err.Error(), `select one value of deadline_s first, e.g. Where("deadline_s", "`+me.Values[0]+`")`) {
		t.Errorf("got %+v: %v", me, err)
	}
}
