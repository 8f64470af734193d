package scenarios

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/mel"
	"github.com/mel-des/mel-des/policy"
)

func loadT(t *testing.T, name string) *Scenario {
	t.Helper()
	s, err := LoadEmbedded(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSet checks overrides that must succeed and what they change.
func TestSet(t *testing.T) {
	for _, tc := range []struct {
		scenario, key, value string
		check                func(c mel.Config) bool
	}{
		{"quickstart", "simulation.seed", "42", func(c mel.Config) bool { return c.Seed == 42 }},
		{"quickstart", "simulation.cycles", "2", func(c mel.Config) bool { return c.Cycles == 2 }},
		{"quickstart", "simulation.deadline_s", "20.5", func(c mel.Config) bool { return c.Deadline == 20.5 }},
		{"quickstart", "simulation.deadline_s", "20", func(c mel.Config) bool { return c.Deadline == 20 }},
		{"quickstart", "simulation.mode", "fl", func(c mel.Config) bool { return c.Mode == mel.FL }},
		{"quickstart", "simulation.mode", `"fl"`, func(c mel.Config) bool { return c.Mode == mel.FL }},
		{"quickstart", "simulation.caps_per_run", "true", func(c mel.Config) bool { return c.CapsPerRun }},
		{"quickstart", "policy.name", "hu-sync", func(c mel.Config) bool { return c.Policy == "hu-sync" }},
		{"quickstart", "policy.allow_exclusion", "true", func(c mel.Config) bool { return c.PolicyParams["allow_exclusion"] == true }},
		{"quickstart", "radio.bandwidth_mhz", "10", func(c mel.Config) bool { return c.Radio.BandwidthHz == 10e6 }},
		{"quickstart", "learners[1].cpu_ghz", "3", func(c mel.Config) bool { return c.Learners[3].FreqHz == 3e9 && c.Learners[2].FreqHz == 6e9 }},
		{"quickstart", "learners[0].count", "5", func(c mel.Config) bool { return len(c.Learners) == 12 }},
		{"quickstart", "learners[0].mobility.model", "walk", func(c mel.Config) bool { return c.Learners[0].Mobility.Model == "walk" }},
		{"mobility", "learners[1].battery_j", "inf", func(c mel.Config) bool { return math.IsInf(c.Learners[4].BatteryJ, 1) }},
		{"quickstart", "learners[0].outages.mean_up_s", "5", nil}, // needs mean_down_s too: see TestSetErrors
		{"quickstart", "model.hidden", "[32, 16]", func(c mel.Config) bool { return reflect.DeepEqual(c.Model.Hidden, []int{32, 16}) }},
		{"quickstart", "model.hidden", "[]", func(c mel.Config) bool { return len(c.Model.Hidden) == 0 && c.Model.Hidden != nil }},
		{"quickstart", "output.files", `["cycles"]`, nil},
		{"quickstart", "name", "other", nil},
		{"mobility", "learners[1].mobility.max_speed_mps", "3", func(c mel.Config) bool { return mobParam(c.Learners[4], "max_speed_mps") == 3 }},
		{"mobility", "learner[1].battery_j", "5", func(c mel.Config) bool { return c.Learners[5].BatteryJ == 5 }},
		{"mobility", "outage[0].duration_s", "1", func(c mel.Config) bool { return c.Learners[1].Outages[0].Duration == 1 }},
		{"paper", "learner[0].index", "3", nil},
	} {
		s := loadT(t, tc.scenario)
		before := s.Canonical()
		err := s.Set(tc.key, tc.value)
		if tc.key == "learners[0].outages.mean_up_s" || tc.key == "learner[0].index" {
			if err == nil {
				t.Errorf("%s: Set(%s, %s) succeeded, want an error", tc.scenario, tc.key, tc.value)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: Set(%s, %s): %v", tc.scenario, tc.key, tc.value, err)
			continue
		}
		if tc.check != nil && !tc.check(s.Config) {
			t.Errorf("%s: Set(%s, %s) did not take effect", tc.scenario, tc.key, tc.value)
		}
		if err := s.Config.Validate(); err != nil {
			t.Errorf("%s: after Set(%s, %s): %v", tc.scenario, tc.key, tc.value, err)
		}
		if tc.key != "name" && tc.key != "output.files" && s.Canonical() == before {
			t.Errorf("%s: Set(%s, %s) left Canonical unchanged", tc.scenario, tc.key, tc.value)
		}
	}
}

// TestSetErrors checks that bad overrides fail with a message naming the key, and leave the
// scenario unchanged.
func TestSetErrors(t *testing.T) {
	for _, tc := range []struct{ key, value, want string }{
		{"simulation.seed", "abc", `simulation.seed = "abc": wrong type: want an integer`},
		{"simulation.seed", "-3", "simulation.seed = -3: out of range"},
		{"simulation.cycles", "1e12", "[1, 1000000]"},
		{"simulation.deadline_s", "nan", "simulation.deadline_s = nan: out of range"},
		{"simulation.deadline_s", "0", "(0, 1e6]"},
		{"simulation.dedline_s", "3", "did you mean simulation.deadline_s?"},
		{"simulaton.seed", "3", "did you mean simulation?"},
		{"simulation.mode", "xl", `simulation.mode = "xl"`},
		{"simulation.energy_spread_j", "20", "must be below energy_j"},
		{"simulation", "1", "is a table"},
		{"learners", "[]", "cannot override an array of tables"},
		{"learners[9].count", "2", "no entry learners[9]: the scenario has 4 [[learners]] entries"},
		{"learner[0].index", "1", "no entry learner[0]: the scenario has no [[learner]] entries"},
		{"learners[0].cpu_ghz[1]", "3", "learners[0].cpu_ghz is a single value"},
		{"learners[0].mobility.max_speed", "3", "did you mean learners[0].mobility.max_speed_mps?"},
		{"learners[0].mobility.pause_s", "3", `not used by model = "static"`},
		{"learners[0].outages.mean_up_s", "5", "need both mean_up_s and mean_down_s"},
		{"learners[0].position_m", "[10, 10]", "cannot share one position"},
		{"learners[0].count", "1e9", "learners[0].count = 1e9: out of range"},
		{"policy.name", "best", `policy.name = "best"`},
		{"policy.max_move", "3", "policy.max_move = 3: rejected by the policy"},
		{"policy.allow_exclusion", "maybe", "policy.allow_exclusion"},
		{"model.hidden", "[0]", "model.hidden[0] = 0"},
		{"output.files", `["pdf"]`, "output.files[0]"},
		{"name", "a/b", "name = \"a/b\""},
		{"bad key", "1", "not a key path"},
		{"learners.0.count", "1", "learners is an array of tables: pick an entry"},
		{"", "1", "not a key path"},
		{"simulation.seed", "1\n[x]\ny = 2", "does not parse as a TOML value (more than one value)"},
		{"simulation.deadline_s", "1e400", "simulation.deadline_s = 1e400: out of range"},
		{"simulation.seed", "9223372036854775808", "simulation.seed = 9223372036854775808: out of range: want an integer in [0, 9223372036854775807]"},
		{"model.hidden", "[1,", `"[1," does not parse as a TOML value (unexpected EOF; expected value); write an array`},
	} {
		s := loadT(t, "quickstart")
		before := s.Canonical()
		err := s.Set(tc.key, tc.value)
		var se *Error
		if !errors.As(err, &se) {
			t.Errorf("Set(%q, %q) = %v, want *Error", tc.key, tc.value, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "scenario: ") {
			t.Errorf("Set(%q, %q):\n%v\nwant a message containing %q", tc.key, tc.value, err, tc.want)
		}
		if !se.Problems[0].Override && tc.key != "simulation.energy_spread_j" {
			t.Errorf("Set(%q, %q): problem not marked as coming from an override: %+v", tc.key, tc.value, se.Problems[0])
		}
		if s.Canonical() != before {
			t.Errorf("Set(%q, %q) failed but changed the scenario", tc.key, tc.value)
		}
	}
}

// TestWith checks that With leaves its receiver alone, that a later override of a key wins,
// that overrides validate together, and that they accumulate.
func TestWith(t *testing.T) {
	s := loadT(t, "quickstart")
	before := s.Canonical()
	n, err := s.With(
		Override{"simulation.energy_j", "30"},
		Override{"simulation.energy_spread_j", "20"}, // valid only with the first override
		Override{"simulation.seed", "5"},
		Override{"simulation.seed", "6"},
	)
	if err != nil {
		t.Fatal(err)
	}
	if n.Config.Seed != 6 || n.Config.EnergySpread != 20 || s.Canonical() != before {
		t.Errorf("With: seed %d, spread %v; receiver changed: %v", n.Config.Seed, n.Config.EnergySpread, s.Canonical() != before)
	}
	m, err := n.With(Override{"simulation.cycles", "3"})
	if err != nil || m.Config.Seed != 6 || m.Config.Cycles != 3 || len(m.Overrides()) != 5 {
		t.Errorf("With on a derived scenario: %v, %+v", err, m.Overrides())
	}
	_, err = s.With(Override{"simulation.seed", "x"}, Override{"radio.bandwidth_mhz", "-1"}, Override{"nope", "1"})
	var se *Error
	if !errors.As(err, &se) || len(se.Problems) != 3 {
		t.Errorf("With of three bad overrides: %v, want three problems", err)
	}
}

// TestParseOverride checks the KEY=VALUE syntax of --set.
func TestParseOverride(t *testing.T) {
	o, err := ParseOverride(" policy.name = ha-sync ")
	if err != nil || o != (Override{"policy.name", "ha-sync"}) {
		t.Errorf("ParseOverride = %+v, %v", o, err)
	}
	o, err = ParseOverride("model.hidden=[1,2]")
	if err != nil || o.Value != "[1,2]" {
		t.Errorf("ParseOverride = %+v, %v", o, err)
	}
	for _, bad := range []string{"seed", "=3", ""} {
		if _, err := ParseOverride(bad); err == nil {
			t.Errorf("ParseOverride(%q) succeeded", bad)
		}
	}
}

// TestPolicyParamsPassThrough checks that [policy] keys other than name reach the policy
// with their TOML types.
func TestPolicyParamsPassThrough(t *testing.T) {
	s, err := Parse([]byte("[policy]\nname = \"ha-sync\"\nallow_exclusion = true\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if want := (policy.Params{"allow_exclusion": true}); !reflect.DeepEqual(s.Config.PolicyParams, want) {
		t.Errorf("params %v, want %v", s.Config.PolicyParams, want)
	}
	if _, err := policy.New(s.Config.Policy, s.Config.PolicyParams); err != nil {
		t.Error(err)
	}
}
