package scenarios

import (
	"strings"
	"testing"
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
		"Deadline = 10\n",
		"Learners = len 12\n",
		"Learners[11].Mobility.Trace[0].X = -420\n",
		"Learners[0].Position.X = 50\n",
		"Learners[1].Position = nil\n",
		"Learners[4].BatteryJ = 40\n",
		"Learners[0].BatteryJ = +Inf\n",
		`Policy = "ha-async-sai"` + "\n",
	} {
		if !strings.Contains(c, want) {
			t.Errorf("Canonical lacks %q", want)
		}
	}
	for _, o := range []Override{{"simulation.workers", "3"}, {"name", "x"}, {"output.dir", "elsewhere"}, {"output.files", "[]"}} {
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
