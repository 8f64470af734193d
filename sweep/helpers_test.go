package sweep

import (
	"os"
	"path/filepath"
	"testing"
)

// tinySweep is a sweep of 12 cells on the tiny synthetic scenario, two cycles each, with
// an extra axis (simulation.cycles) and two groups; it runs in well under a second.
const tinySweep = `
base = "tiny-synthetic"

[axes]
"simulation.deadline_s" = [2, 3]
simulation.seed = [1, 2]
"simulation.cycles" = [2]

[[group]]
"policy.name" = ["ha-sync"]
"simulation.staleness" = [0]

[[group]]
"simulation.staleness" = [1, 2]
"policy.name" = ["ha-async-sai"]
`

// writeSweep writes text as dir/name.toml and loads it.
func writeSweep(t *testing.T, dir, name, text string) *Sweep {
	t.Helper()
	path := filepath.Join(dir, name+".toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}

// readPair returns the text of a results file and of its index.
func readPair(t *testing.T, path string) (results, index string) {
	t.Helper()
	r, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i, err := os.ReadFile(path + IndexSuffix)
	if err != nil {
		t.Fatal(err)
	}
	return string(r), string(i)
}

// samePair fails the test unless the results at got and want and their indexes are equal
// byte for byte.
func samePair(t *testing.T, got, want string) {
	t.Helper()
	gr, gi := readPair(t, got)
	wr, wi := readPair(t, want)
	if gr != wr {
		t.Errorf("%s differs from %s:\n--- got\n%s--- want\n%s", got, want, gr, wr)
	}
	if gi != wi {
		t.Errorf("%s differs from %s:\n--- got\n%s--- want\n%s", got+IndexSuffix, want+IndexSuffix, gi, wi)
	}
}
