package scenarios

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/mel"
	"github.com/mel-des/mel-des/param"
)

// TestCanonical checks that Canonical and Hash depend on the configuration and nothing else.
func TestCanonical(t *testing.T) {
	a := loadT(t, "mobility")
	b := loadT(t, "mobility")
	if a.Canonical() != b.Canonical() || a.Hash() != b.Hash() || len(a.Hash()) != 16 {
		t.Fatalf("two loads differ: %s vs %s", a.Hash(), b.Hash())
	}
	c := a.Canonical()
	for _, want := range []string{
		"\n[simulation]\nseed = 7\ncycles = 8\ndeadline_s = 10\n",
		"[[learners]]\ncount = 1\ncpu_ghz = 2.4\nkappa = 1e-29\ntx_power_dbm = 23\nbattery_j = inf\nposition_m = [50, 0]\n",
		"[[learners]]\ncount = 3\ncpu_ghz = 2.4\n",
		"battery_j = 40\n",
		"model = \"trace\"\ntrace = \"sha256:",
		"[policy]\nname = \"ha-async-sai\"\n",
	} {
		if !strings.Contains(c, want) {
			t.Errorf("Canonical lacks %q", want)
		}
	}
	for _, o := range []Override{{"simulation.workers", "3"}, {"name", "x"}, {"output.dir", "elsewhere"}, {"output.files", "[]"}, {"output.trace_learners", "3"}} {
		n, err := a.With(o)
		if err != nil {
			t.Fatal(err)
		}
		if n.Hash() != a.Hash() {
			t.Errorf("%s changed the hash", o.Key)
		}
	}
	for _, o := range []Override{{"simulation.seed", "8"}, {"policy.allow_exclusion", "true"}, {"learner[0].position_m", "[50, 1]"}} {
		n, err := a.With(o)
		if err != nil {
			t.Fatal(err)
		}
		if n.Hash() == a.Hash() {
			t.Errorf("%s did not change the hash", o.Key)
		}
	}
	// The same run written two ways renders the same.
	x, err1 := Parse([]byte("[[learners]]\ncount = 2\ncpu_ghz = [1, 2]\n"), "")
	y, err2 := Parse([]byte("[[learners]]\ncpu_ghz = 1.0\n[[learners]]\ncpu_ghz = 2\n[learners.mobility]\nmodel = \"static\"\n"), "")
	if err1 != nil || err2 != nil || x.Canonical() != y.Canonical() {
		t.Errorf("equivalent scenarios render differently (%v, %v)", err1, err2)
	}
}

// TestTOMLRoundTrip checks that the resolved scenario a run writes reads back to the same
// configuration, for every embedded scenario and for overrides that touch every table, so
// that `mel-des run DIR/scenario.toml` repeats a run.
func TestTOMLRoundTrip(t *testing.T) {
	dir := t.TempDir()
	cases := map[string][]Override{}
	for _, n := range Embedded() {
		cases[n] = nil
	}
	cases["quickstart"] = []Override{{"radio.bandwidth_mhz", "7.3"}, {"learners[0].tx_power_dbm", "17.3"},
		{"learners[1].cpu_ghz", "1.234567"}, {"simulation.energy_spread_j", "0.1"}, {"model.hidden", "[]"},
		{"policy.allow_exclusion", "true"}, {"learners[2].mobility.model", "gauss-markov"},
		{"learners[2].mobility.alpha", "0.3"}, {"output.files", `["cycles"]`}, {"model.local_update", "steps"}, {"model.local_steps", "7"}, {"output.trace_learners", "7"}, {"description", "a\ttab, \"quotes\" and \\ back\nslash"}}
	for name, ov := range cases {
		s := loadT(t, name)
		if ov != nil {
			var err error
			if s, err = s.With(ov...); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		files := map[string][]byte{}
		text := s.TOML(func(f param.FileData) string {
			n := filepath.Base(f.Path)
			files[n] = f.Data
			return n
		})
		for n, data := range files {
			if err := os.WriteFile(filepath.Join(dir, n), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		r, err := Parse([]byte(text), dir)
		if err != nil {
			t.Errorf("%s: the written scenario does not load: %v\n%s", name, err, text)
			continue
		}
		if !reflect.DeepEqual(normalised(t, r.Config), normalised(t, s.Config)) || r.Name != s.Name || r.Description != s.Description ||
			!reflect.DeepEqual(r.Output.Files, s.Output.Files) || !reflect.DeepEqual(r.Output.TraceLearners, s.Output.TraceLearners) {
			t.Errorf("%s: the written scenario reads back differently:\n%+v\nwant\n%+v\n%s", name, r.Config, s.Config, text)
		}
		if r.Hash() != s.Hash() {
			t.Errorf("%s: hash %s after the round trip, want %s", name, r.Hash(), s.Hash())
		}
	}
}

// normalised returns c with every mobility model's parameters resolved (defaults filled in)
// and files named by their base name, so that two configurations of the same run compare
// equal however they were written.
func normalised(t *testing.T, c mel.Config) mel.Config {
	c.Learners = slices.Clone(c.Learners)
	for k := range c.Learners {
		m := &c.Learners[k].Mobility
		_, p, err := m.Resolve(c.Radio.Cell())
		if err != nil {
			t.Fatal(err)
		}
		for key, v := range p {
			if f, ok := v.(param.FileData); ok {
				f.Path = filepath.Base(f.Path)
				p[key] = f
			}
		}
		if len(p) == 0 {
			p = nil
		}
		m.Params = p
	}
	return c
}
