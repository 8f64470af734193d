package scenarios

import (
	"github.com/mel-des/mel-des/param"

	"reflect"
	"testing"
)

// TestKeyLines checks the line scanner on headers, arrays of tables, dotted and quoted keys,
// and multi-line values whose insides look like keys.
func TestKeyLines(t *testing.T) {
	src := `name = "x"
description = """
seed = 1
"""
[simulation]
  cycles = 3 # comment [
[[learners]]
count = 2
mobility.model = "walk"
[learners.mobility]
pause_s = 1
[[learners]]
"cpu_ghz" = [
  1, 2,
]
kappa = 1
[ learner . outages ]
mean_up_s = 1
`
	got := keyLines(src)
	want := map[string]int{
		"name":                         1,
		"description":                  2,
		"simulation":                   5,
		"simulation.cycles":            6,
		"learners[0]":                  7,
		"learners[0].count":            8,
		"learners[0].mobility":         9,
		"learners[0].mobility.model":   9,
		"learners[0].mobility.pause_s": 11,
		"learners[1]":                  12,
		"learners[1].cpu_ghz":          13,
		"learners[1].kappa":            16,
		"learner":                      17,
		"learner.outages":              17,
		"learner.outages.mean_up_s":    18,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("keyLines:\n got %v\nwant %v", got, want)
	}
	if n := lineOf(got, "learners[1].cpu_ghz[3]"); n != 13 {
		t.Errorf("lineOf falls back to %d, want 13", n)
	}
	if n := lineOf(got, "radio.x"); n != 0 {
		t.Errorf("lineOf of an absent key = %d, want 0", n)
	}
}

// TestSuggest checks the closest-key rules.
func TestSuggest(t *testing.T) {
	keys := []string{"deadline_s", "energy_j", "energy_spread_j", "cycles", "seed"}
	for word, want := range map[string]string{
		"deadline":  "deadline_s",
		"dedline_s": "deadline_s",
		"Cycles":    "cycles",
		"energy":    "energy_j",
		"sed":       "seed",
		"workers":   "",
		"":          "",
	} {
		if got := param.Suggest(word, keys); got != want {
			t.Errorf("suggest(%q) = %q, want %q", word, got, want)
		}
	}
}
