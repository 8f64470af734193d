package sweep

import (
	"errors"
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
		"objective,planned,arrived,tau_planned,tau_done,misses,died,energy_j_cycle,alive,samples_trained"
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

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string // substrings, each of a separate problem
	}{
		{"no base", `[axes]`, []string{"base: missing"}},
		{"unknown keys", "base = \"tiny-synthetic\"\nresult = \"x.csv\"\n\"simulation.seed\" = [1]\n",
			[]string{"result: unknown key", "simulation.seed: unknown key; a sweep file has base, results, parallel, workers, description, axes, group; scenario key paths go under"}},
		{"bad types", "base = 3\nparallel = 0\nworkers = -1\naxes = 2\n",
			[]string{"base = 3: want a string", "parallel = 0: want an integer in [1, 1024]", "workers = -1", "axes: want a table"}},
		{"empty list", "base = \"tiny-synthetic\"\n[axes]\n\"simulation.seed\" = []\n", []string{"[axes] simulation.seed: empty list"}},
		{"not a list", "base = \"tiny-synthetic\"\n[axes]\n\"simulation.seed\" = 1\n", []string{"[axes] simulation.seed: want a list of values"}},
		{"bad key path", "base = \"tiny-synthetic\"\n[axes]\n\"simulation deadline\" = [1]\n", []string{`[axes] "simulation deadline": not a scenario key path`}},
		{"unknown scenario key", "base = \"tiny-synthetic\"\n[axes]\n\"simulation.dedline_s\" = [1]\n",
			[]string{"[axes] simulation.dedline_s = 1: unknown key (did you mean simulation.deadline_s?)"}},
		{"bad values, all at once", "base = \"tiny-synthetic\"\n[axes]\n\"simulation.deadline_s\" = [2, -1, \"x\"]\n[[group]]\n\"policy.name\" = [\"ha-snyc\"]\n",
			[]string{"[axes] simulation.deadline_s = -1: out of range", `[axes] simulation.deadline_s = "x": wrong type`, `group[0] policy.name = "ha-snyc": unknown value (did you mean "ha-sync"?)`}},
		{"repeated value", "base = \"tiny-synthetic\"\n[axes]\n\"simulation.deadline_s\" = [2, 2.0]\n", []string{"simulation.deadline_s: 2 appears twice"}},
		{"quoted and dotted", "base = \"tiny-synthetic\"\n[axes]\n\"simulation.seed\" = [1]\nsimulation.seed = [2]\n", []string{"simulation.seed: given twice"}},
		{"key in axes and group", "base = \"tiny-synthetic\"\n[axes]\n\"simulation.seed\" = [1]\n[[group]]\n\"simulation.seed\" = [2]\n",
			[]string{"group[0] simulation.seed: also in [axes]"}},
		{"duplicate cells", "base = \"tiny-synthetic\"\n[axes]\n\"simulation.workers\" = [1, 2]\n",
			[]string{"cell 1 (workers=2) configures the same run as cell 0 (workers=1)"}},
		{"cells that do not validate", "base = \"tiny-synthetic\"\n[axes]\n\"simulation.energy_j\" = [5, 10]\n\"simulation.energy_spread_j\" = [0, 6]\n",
			[]string{"cell 1 (energy_j=5 energy_spread_j=6): "}},
		{"bad base", `base = "tiny-synthetc"`, []string{`base = "tiny-synthetc": "tiny-synthetc" is neither a scenario file nor an embedded scenario (did you mean "tiny-synthetic"?)`}},
		{"line break", "base = \"tiny-synthetic\"\n[axes]\n\"policy.name\" = [\"a\\nb\"]\n", []string{"a line break"}},
		{"bad TOML", "base = \n", []string{"line 1: invalid TOML"}},
		{"group is a table", "base = \"tiny-synthetic\"\n[group]\n\"simulation.seed\" = [1]\n", []string{"group: want [[group]] tables"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.text), "bad.toml")
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("got %v, want an *Error", err)
			}
			for _, w := range tc.want {
				found := false
				for _, p := range se.Problems {
					found = found || strings.Contains(p, w)
				}
				if !found {
					t.Errorf("no problem contains %q; got:\n%v", w, err)
				}
			}
			if len(se.Problems) < len(tc.want) {
				t.Errorf("%d problems, want at least %d", len(se.Problems), len(tc.want))
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "sweep: bad.toml: ") {
					t.Errorf("line %q lacks the prefix", line)
				}
			}
		})
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
