package sweep

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseCells(t *testing.T) {
	s := writeSweep(t, t.TempDir(), "tiny", tinySweep)
	if got, want := len(s.Cells), 2*2*1*(1*1+2*1); got != want {
		t.Fatalf("%d cells, want %d", got, want)
	}
	wantKeys := []string{"simulation.deadline_s", "simulation.seed", "simulation.cycles", "policy.name", "simulation.staleness"}
	if !slices.Equal(s.Keys, wantKeys) {
		t.Errorf("Keys = %q, want %q", s.Keys, wantKeys)
	}
	wantLabels := []string{
		"deadline_s=2 seed=1 cycles=2 policy.name=ha-sync staleness=0",
		"deadline_s=2 seed=1 cycles=2 policy.name=ha-async-sai staleness=1",
		"deadline_s=2 seed=1 cycles=2 policy.name=ha-async-sai staleness=2",
		"deadline_s=2 seed=2 cycles=2 policy.name=ha-sync staleness=0",
	}
	for i, want := range wantLabels {
		if got := s.Cells[i].Label(); got != want {
			t.Errorf("cell %d: %q, want %q", i, got, want)
		}
	}
	if got := s.Cells[11].Label(); got != "deadline_s=3 seed=2 cycles=2 policy.name=ha-async-sai staleness=2" {
		t.Errorf("last cell: %q", got)
	}
	for i, c := range s.Cells {
		cfg := c.Scenario.Config
		if c.Index != i || c.Hash != c.Scenario.Hash() || s.Cell(c.Hash) != c {
			t.Errorf("cell %d: index %d, hash %s", i, c.Index, c.Hash)
		}
		if cfg.Cycles != 2 || cfg.Deadline != []float64{2, 3}[i/6] || cfg.Seed != uint64(1+i/3%2) {
			t.Errorf("cell %d (%s): cycles %d, deadline %v, seed %d", i, c.Label(), cfg.Cycles, cfg.Deadline, cfg.Seed)
		}
	}
	wantHeader := "cell,policy,staleness,deadline_s,energy_j,seed,simulation.cycles,cycle,start_s,end_s,accuracy,loss," +
		"objective,planned,arrived,tau_planned,tau_done,misses,died,energy_j_cycle,alive,samples_trained,tau_computed"
	if got := strings.Join(s.Header(), ","); got != wantHeader {
		t.Errorf("header\n got %s\nwant %s", got, wantHeader)
	}
	if want := filepath.Join(filepath.Dir(s.File), "tiny-results.csv"); s.Results != want {
		t.Errorf("Results = %s, want %s", s.Results, want)
	}
}

func TestParseNoAxes(t *testing.T) {
	s, err := Parse([]byte(`base = "tiny-synthetic"`), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Cells) != 1 || s.Cells[0].Label() != "(base)" || s.Results != "sweep-results.csv" {
		t.Errorf("%d cells, label %q, results %q", len(s.Cells), s.Cells[0].Label(), s.Results)
	}
}

func TestParseRelativePaths(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sweeps")
	if err := os.MkdirAll(filepath.Join(dir, "scen"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "scen", "base.toml"), []byte("name = \"b\"\n[simulation]\ncycles = 4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	s := writeSweep(t, sub, "x", "base = \"../scen/base.toml\"\nresults = \"out/r.csv\"\nparallel = 3\nworkers = 1\n")
	if s.Base.Config.Cycles != 4 || s.Results != filepath.Join(sub, "out", "r.csv") || s.Parallel != 3 || s.Workers != 1 {
		t.Errorf("cycles %d, results %s, parallel %d, workers %d", s.Base.Config.Cycles, s.Results, s.Parallel, s.Workers)
	}
}

// Every problem of a sweep file is reported at once, each with the line of the key it is
// about (cells, which come from several lines, have none).
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string // substrings, each of a separate problem line, "LINE: PROBLEM"
	}{
		{"no base", `[axes]`, []string{"bad.toml: base: missing"}},
		{"unknown keys", "base = \"tiny-synthetic\"\nresult = \"x.csv\"\n\"simulation.seed\" = [1]\nradio.bandwidth_mhz = [5]\n",
			[]string{"2: result: unknown key", "3: simulation.seed: unknown key; a sweep file has base, results, parallel, workers, description, axes, group; scenario key paths go under",
				"4: radio: unknown key"}},
		{"bad types", "base = 3\nparallel = 0\nworkers = -1\naxes = 2\n",
			[]string{"1: base = 3: want a string, not an integer", "2: parallel = 0: want an integer in [1, 1024]", "3: workers = -1", "4: axes: want a table"}},
		{"empty list", "base = \"tiny-synthetic\"\n[axes]\n\"simulation.seed\" = []\n", []string{"3: [axes] simulation.seed: empty list"}},
		{"not a list", "base = \"tiny-synthetic\"\n[axes]\n\"simulation.seed\" = 1\n", []string{"3: [axes] simulation.seed = 1: want an array of values, e.g. [10, 20], not an integer"}},
		{"not a list, dotted", "base = \"tiny-synthetic\"\n[axes]\n\n# T\nsimulation.deadline_s = \"x\"\n", []string{"5: [axes] simulation.deadline_s = \"x\": want an array of values, e.g. [10, 20], not a string"}},
		{"bad key path", "base = \"tiny-synthetic\"\n[axes]\n\"simulation deadline\" = [1]\n", []string{`3: [axes] "simulation deadline": not a scenario key path`}},
		{"unknown scenario key", "base = \"tiny-synthetic\"\n[axes]\n\"simulation.dedline_s\" = [1]\n",
			[]string{"3: [axes] simulation.dedline_s = 1: unknown key (did you mean simulation.deadline_s?)"}},
		{"bad values, all at once", "base = \"tiny-synthetic\"\n[axes]\n\"simulation.deadline_s\" = [\n  2,\n  -1,\n  \"x\",\n]\n[[group]]\n\"policy.name\" = [\"ha-snyc\"]\n",
			[]string{"3: [axes] simulation.deadline_s = -1: out of range", `3: [axes] simulation.deadline_s = "x": wrong type`, `9: group[0] policy.name = "ha-snyc": unknown value (did you mean "ha-sync"?)`}},
		{"repeated value", "base = \"tiny-synthetic\"\n[axes]\n\"simulation.deadline_s\" = [2, 2.0]\n", []string{"3: [axes] simulation.deadline_s: 2 appears twice"}},
		{"nested list", "base = \"tiny-synthetic\"\n[axes]\n\"model.hidden\" = [[8, [2]]]\n", []string{"3: [axes] model.hidden: [8, [2]]: want a list of plain values"}},
		{"quoted and dotted", "base = \"tiny-synthetic\"\n[axes]\n\"simulation.seed\" = [1]\nsimulation.seed = [2]\n", []string{"3: [axes] simulation.seed: given twice"}},
		{"key in axes and group", "base = \"tiny-synthetic\"\n[axes]\n\"simulation.seed\" = [1]\n[[group]]\n\"simulation.seed\" = [2]\n",
			[]string{"5: group[0] simulation.seed: also in [axes]"}},
		{"empty group", "base = \"tiny-synthetic\"\n[[group]]\n\"simulation.seed\" = [1]\n\n[[group]]  # nothing\n\n[[group]]\n\"simulation.seed\" = [2]\n",
			[]string{"5: group[1]: empty; give it key paths with lists of values, or remove it"}},
		{"empty last group", "base = \"tiny-synthetic\"\n[[group]]\n", []string{"2: group[0]: empty"}},
		{"duplicate cells", "base = \"tiny-synthetic\"\n[axes]\n\"simulation.workers\" = [1, 2]\n",
			[]string{"bad.toml: cell 1 (workers=2) configures the same run as cell 0 (workers=1)"}},
		{"cells that do not validate", "base = \"tiny-synthetic\"\n[axes]\n\"simulation.energy_j\" = [5, 10]\n\"simulation.energy_spread_j\" = [0, 6]\n",
			[]string{"bad.toml: cell 1 (energy_j=5 energy_spread_j=6): "}},
		{"asynchronous cells", "base = \"tiny-synthetic\"\n[axes]\n\"simulation.schedule\" = [\"sync\", \"async\"]\n",
			[]string{`bad.toml: cell 1 (schedule=async): simulation.schedule = "async" has no cycles to record`}},
		{"bad base", "# a comment\nbase = \"tiny-synthetc\"", []string{`2: base = "tiny-synthetc": "tiny-synthetc" is neither a scenario file nor an embedded scenario (did you mean "tiny-synthetic"?)`}},
		{"line break", "base = \"tiny-synthetic\"\n[axes]\n\"policy.name\" = [\"a\\nb\"]\n", []string{"3: [axes] policy.name: \"a\\nb\": a line break"}},
		{"bad TOML", "base = \n", []string{"1: invalid TOML"}},
		{"unclosed table header", "base = \"tiny-synthetic\"\n\n[axes\n\"simulation.seed\" = [1]\n", []string{"3: invalid TOML: expected '.' or ']' to end table name"}},
		{"group is a table", "base = \"tiny-synthetic\"\n[group]\n\"simulation.seed\" = [1]\n", []string{"2: group: want [[group]] tables"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.text), "bad.toml")
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("got %v, want an *Error", err)
			}
			lines := strings.Split(err.Error(), "\n")
			for _, w := range tc.want {
				found := false
				for _, l := range lines {
					found = found || strings.HasPrefix(l, "sweep: bad.toml:"+w) || strings.HasPrefix(l, "sweep: "+w)
				}
				if !found {
					t.Errorf("no problem starts with %q; got:\n%v", w, err)
				}
			}
			if len(se.Problems) < len(tc.want) {
				t.Errorf("%d problems, want at least %d", len(se.Problems), len(tc.want))
			}
			for _, line := range lines {
				if !strings.HasPrefix(line, "sweep: bad.toml:") {
					t.Errorf("line %q lacks the prefix", line)
				}
			}
		})
	}
}

// Without a file name, problems say "line N".
func TestParseErrorsWithoutFile(t *testing.T) {
	_, err := Parse([]byte("base = \"tiny-synthetic\"\n[axes]\n\"simulation.seed\" = []\n"), "")
	if err == nil || err.Error() != "sweep: line 3: [axes] simulation.seed: empty list; give at least one value" {
		t.Errorf("got %v", err)
	}
}

// keyLines finds the lines of top-level keys, tables and axis keys however they are
// written, and skips what multi-line values hold.
func TestKeyLines(t *testing.T) {
	src := `# a sweep
base = "tiny-synthetic"
description = """
[axes]
x = [1]
"""
[axes]
"simulation.deadline_s" = [
  10,   # [
  20,
]
simulation.seed = [1]
[axes.policy]
name = ["ha-sync"]
[[group]]
'simulation.staleness' = [0] # ]
[[ group ]]
"policy.name" = ["a", "b"]
`
	want := map[string]int{"base": 2, "description": 3, "axes": 7, "axes.simulation.deadline_s": 8,
		"axes.simulation": 12, "axes.simulation.seed": 12, "axes.policy": 13, "axes.policy.name": 14, "group[0]": 15,
		"group[0].simulation.staleness": 16, "group[1]": 17, "group[1].policy.name": 18}
	got := keyLines(src)
	if !maps.Equal(got, want) {
		t.Errorf("keyLines:\n got %v\nwant %v", got, want)
	}
	if n := lineOf(got, "group[1].policy.name.x"); n != 18 {
		t.Errorf("lineOf a key below a known one: %d, want 18", n)
	}
	if n := lineOf(got, "group[2].x"); n != 0 {
		t.Errorf("lineOf an unknown key: %d, want 0", n)
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.toml"))
	var se *Error
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("got %v", err)
	}
}

func TestParseAbsoluteResults(t *testing.T) {
	abs := filepath.Join(t.TempDir(), "r.csv")
	s, err := Parse([]byte("base = \"tiny-synthetic\"\nresults = \""+filepath.ToSlash(abs)+"\"\n"), "sweeps/x.toml")
	if err != nil || s.Results != abs {
		t.Errorf("Results = %v, %v; want %s", s.Results, err, abs)
	}
}

func TestLooksLikeSweep(t *testing.T) {
	for text, want := range map[string]bool{
		tinySweep:            true,
		"base = \"paper\"\n": true,
		"[[group]]\n\"policy.name\" = [\"ha-sync\"]": true,
		"\uFEFF[axes]\n":                         true,
		"name = \"x\"\n[simulation]\nseed = 1\n": false,
		"":                                       false,
		"base = \n":                              false, // not TOML: the scenario's error says more
	} {
		if got := LooksLikeSweep([]byte(text)); got != want {
			t.Errorf("LooksLikeSweep(%q) = %v, want %v", text, got, want)
		}
	}
}
