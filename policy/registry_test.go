package policy

import (
	"slices"
	"strings"
	"testing"
)

func TestRegistry(t *testing.T) {
	want := []string{"ha-async-adaptive", "ha-async-exact", "ha-async-sai", "ha-sync", "hu-async", "hu-sync"}
	if got := Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
	for _, name := range want {
		if Describe(name) == "" {
			t.Errorf("%s has no description", name)
		}
		pol, err := New(name, nil)
		if err != nil {
			t.Fatal(err)
		}
		if pol.Name() != name {
			t.Errorf("New(%q) builds a policy named %q", name, pol.Name())
		}
	}
	if Describe("nope") != "" {
		t.Error("Describe of an unknown name is not empty")
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name   string
		params Params
		want   string
	}{
		{"ha-synk", nil, `policy: unknown policy "ha-synk" (known: ha-async-adaptive, ha-async-exact, ha-async-sai, ha-sync, hu-async, hu-sync)`},
		{"ha-sync", Params{"allow_exclusion": "yes"}, "policy: ha-sync: allow_exclusion: wrong type: want true or false, got string"},
		{"hu-async", Params{"staleness": 3}, `policy: hu-async: staleness: unknown parameter; known: allow_exclusion`},
		{"ha-async-sai", Params{"max_step": 3}, `max_step: unknown parameter (did you mean max_steps?); known: allow_exclusion, max_steps`},
		{"ha-async-sai", Params{"max_steps": 2.5}, "max_steps: wrong type: want an integer in [0, 1000000000000], got a fraction"},
		{"ha-async-sai", Params{"max_steps": int64(-1)}, "max_steps: out of range: want an integer in [0, 1000000000000]"},
		{"ha-async-adaptive", Params{"margin": -0.5}, "margin: out of range: want a number in [0, 100]"},
	}
	for _, tt := range tests {
		pol, err := New(tt.name, tt.params)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%q, %v) error %v, want one containing %q", tt.name, tt.params, err, tt.want)
		}
		if pol != nil {
			t.Errorf("New(%q, %v) returns a policy with its error", tt.name, tt.params)
		}
	}
	// TOML integers arrive as int64, and whole floats are accepted.
	for _, v := range []any{int64(500), 500, 500.0} {
		pol, err := New("ha-async-sai", Params{"max_steps": v, "allow_exclusion": true})
		if err != nil {
			t.Fatal(err)
		}
		if s := pol.(SAI); s.MaxSteps != 500 || !s.AllowExclusion {
			t.Errorf("max_steps %T: got %+v", v, s)
		}
	}
}

func TestRegisterPanics(t *testing.T) {
	for _, tt := range []struct {
		name string
		f    Factory
	}{{"ha-sync", func(Params) (Policy, error) { return HASync{}, nil }}, {"", nil}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Register(%q) did not panic", tt.name)
				}
			}()
			Register(tt.name, "again", tt.f)
		}()
	}
}
