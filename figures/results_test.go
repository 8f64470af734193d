package figures

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// small reads testdata/small.csv: policies ha-async-sai and ha-sync, c = 1
// and 2, T = 10 and 20 s, seeds 1 and 2, 4 cycles each, E = 10 J, and an
// extra axis column learners.mobility.max_speed_mps = 0. The ha-sync runs
// with c = 2 deliberately hold 50 % everywhere: a synchronous policy
// ignores c, and the run with the smallest c must stand for the seed.
func small(t *testing.T) *Results {
	t.Helper()
	f, err := os.Open("testdata/small.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := ReadResults(f)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestReadResults(t *testing.T) {
	res := small(t)
	if res.Len() != 64 {
		t.Errorf("Len() = %d, want 64", res.Len())
	}
	wantAxes := []string{"policy", "staleness", "deadline_s", "energy_j", "learners.mobility.max_speed_mps"}
	if got := res.Axes(); !slices.Equal(got, wantAxes) {
		t.Errorf("Axes() = %v, want %v", got, wantAxes)
	}
	if got := res.Columns(); len(got) != 22 || got[0] != "cell" || got[21] != "samples_trained" {
		t.Errorf("Columns() = %v", got)
	}
	vals, err := res.Values("T")
	if err != nil || !slices.Equal(vals, []string{"10", "20"}) {
		t.Errorf(`Values("T") = %v, %v; want [10 20]`, vals, err)
	}
}

func TestReadResultsTolerant(t *testing.T) {
	// Columns in another order, an unknown per-cycle column (wall_s, not an
	// axis), an unknown per-cell column (scheme, an axis), empty accuracy,
	// and a row repeated verbatim.
	in := "wall_s,accuracy,cycle,seed,scheme,deadline_s,staleness,policy,cell\n" +
		"1.5,0.9,1,7,a,10,0,ha-sync,x1\n" +
		"2.5,,2,7,a,10,0,ha-sync,x1\n" +
		"2.5,,2,7,a,10,0,ha-sync,x1\n" +
		"1.1,0.8,1,7,b,10,0,ha-sync,x2\n"
	res, err := ReadResults(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if res.Len() != 3 {
		t.Errorf("Len() = %d, want 3 (the verbatim repeat dropped)", res.Len())
	}
	if got, want := res.Axes(), []string{"scheme", "deadline_s", "staleness", "policy"}; !slices.Equal(got, want) {
		t.Errorf("Axes() = %v, want %v", got, want)
	}
	// The two cells differ in scheme, which the accuracy figure does not
	// show: an error that names the column, not a silent average.
	if _, err := AccuracyCurves(res); err == nil || !strings.Contains(err.Error(), "scheme") {
		t.Errorf("AccuracyCurves over two schemes: err = %v, want one naming scheme", err)
	}
	a, err := res.Where("scheme", "a")
	if err != nil {
		t.Fatal(err)
	}
	s, err := AccuracyCurves(a)
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 1 || len(s[0].Points) != 2 || s[0].Points[1].N != 0 || s[0].Points[1].Seeds != 1 {
		t.Errorf("AccuracyCurves = %+v, want one series whose cycle 2 has no value", s)
	}
}

func TestReadResultsErrors(t *testing.T) {
	const hdr = "cell,policy,staleness,deadline_s,energy_j,seed,cycle,accuracy\n"
	for _, tc := range []struct {
		name, in string
		want     []string // substrings of the error
	}{
		{"empty", "", []string{"figures: ", "empty"}},
		{"missing column", "cell,policy,staleness,deadline_s,seed,cycle\n", []string{"figures: ", "line 1", "accuracy"}},
		{"two missing", "cell,staleness,deadline_s,seed,cycle\n", []string{"policy, accuracy"}},
		{"duplicate column", "cell,cell\n", []string{"line 1", `"cell" appears twice`}},
		{"bad accuracy", hdr + "a,ha-sync,0,10,10,1,1,0.9\na,ha-sync,0,10,10,1,2,zero\n",
			[]string{"figures: ", "line 3", "accuracy", `"zero"`}},
		{"accuracy in percent", hdr + "a,ha-sync,0,10,10,1,1,90\n", []string{"line 2", "accuracy"}},
		{"fractional staleness", hdr + "a,ha-sync,1.5,10,10,1,1,0.9\n", []string{"line 2", "staleness"}},
		{"zero cycle", hdr + "a,ha-sync,0,10,10,1,0,0.9\n", []string{"line 2", "cycle"}},
		{"bad deadline", hdr + "a,ha-sync,0,ten,10,1,1,0.9\n", []string{"line 2", "deadline_s"}},
		{"field count", hdr + "a,ha-sync,0,10,10,1,1\n", []string{"figures: ", "line 2"}},
		{"conflicting repeat", hdr + "a,ha-sync,0,10,10,1,1,0.9\na,ha-sync,0,10,10,1,1,0.8\n",
			[]string{"line 3", "repeats line 2"}},
		{"cell changes policy", hdr + "a,ha-sync,0,10,10,1,1,0.9\na,hu-sync,0,10,10,1,2,0.8\n",
			[]string{"line 3", "policy"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadResults(strings.NewReader(tc.in))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestWhere(t *testing.T) {
	res := small(t)
	for _, tc := range []struct {
		key, value string
		rows       int
	}{
		{"deadline_s", "10", 32},
		{"T", "10.0", 32},
		{"energy_j", "10", 64},
		{"E", "1e1", 64},
		{"c", "2", 32},
		{"policy", "ha-sync", 32},
		{"seed", "2", 32},
		{"learners.mobility.max_speed_mps", "0", 64},
	} {
		got, err := res.Where(tc.key, tc.value)
		if err != nil {
			t.Errorf("Where(%q, %q): %v", tc.key, tc.value, err)
			continue
		}
		if got.Len() != tc.rows {
			t.Errorf("Where(%q, %q).Len() = %d, want %d", tc.key, tc.value, got.Len(), tc.rows)
		}
	}
	both, err := res.Where("deadline_s", "20")
	if err == nil {
		both, err = both.Where("policy", "ha-async-sai")
	}
	if err != nil || both.Len() != 16 {
		t.Fatalf("chained Where: %v rows, err %v; want 16", both, err)
	}
	if res.Len() != 64 {
		t.Errorf("Where changed its receiver: Len() = %d", res.Len())
	}
	if _, err := res.Where("nope", "1"); err == nil || !strings.Contains(err.Error(), `no column "nope"`) {
		t.Errorf("Where on a missing column: err = %v", err)
	}
	if _, err := res.Where("energy_j", "20"); err == nil || !strings.Contains(err.Error(), "values present: 10") {
		t.Errorf("Where matching nothing: err = %v", err)
	}
}

func TestTitle(t *testing.T) {
	res := small(t)
	t10, err := res.Where("T", "10")
	if err != nil {
		t.Fatal(err)
	}
	c1, err := t10.Where("staleness", "1")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		res          *Results
		except, want string
	}{
		{res, "", "E = 10 J"},
		{t10, "", "T = 10 s, E = 10 J"},
		{t10, "deadline_s", "E = 10 J"},
		{c1, "", "T = 10 s, E = 10 J, c = 1"},
	} {
		if got := tc.res.Title(tc.except); got != tc.want {
			t.Errorf("Title(%q) = %q, want %q", tc.except, got, tc.want)
		}
	}
}
