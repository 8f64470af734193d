package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/mel"
	"github.com/mel-des/mel-des/policy"
)

// FuzzParse checks that no input makes decoding and validation panic, that every failure is
// an *Error whose lines all start with "scenario: ", and that every success is a valid
// configuration that renders canonically. The seeds are the malformed corpus and the
// embedded scenarios.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/malformed/*.toml")
	for _, n := range Embedded() {
		files = append(files, n+".toml")
	}
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("[[learners]]\ncount = 3\ncpu_ghz = [1, 2, 3]\n[[learner]]\nindex = 2\nposition_m = [1, 1]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, "testdata/malformed")
		if err != nil {
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("error %T, want *Error: %v", err, err)
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "scenario: ") {
					t.Fatalf("line %q lacks the prefix", line)
				}
			}
			return
		}
		if err := s.Config.Validate(); err != nil {
			t.Fatalf("Parse succeeded but Validate fails: %v", err)
		}
		_ = s.Canonical()
		// What the command line does with a valid scenario before any training: build the
		// system and plan the first cycle. None of it may fail or panic on accepted input.
		sys, err := mel.New(s.Config)
		if err != nil {
			t.Fatalf("Parse accepted a scenario that mel.New rejects: %v", err)
		}
		defer sys.Close()
		prob, _, err := sys.FirstProblem()
		if err != nil {
			return
		}
		if pol, err := policy.New(s.Config.Policy, s.Config.PolicyParams); err != nil {
			t.Fatalf("Parse accepted a policy that policy.New rejects: %v", err)
		} else if len(prob.Learners) > 0 && len(prob.Learners) <= 1000 {
			pol.Plan(prob) // an infeasible plan is an error, never a panic
		}
	})
}

// FuzzOverride checks that no override makes With panic and that a failed override is an
// *Error.
func FuzzOverride(f *testing.F) {
	for _, kv := range [][2]string{
		{"simulation.seed", "3"}, {"learners[0].cpu_ghz", "[1]"}, {"policy.x", "{a = 1}"},
		{"learners[3].mobility.trace", "bus-route.csv"}, {"learner[0].position_m", "[1e300, 1]"},
		{"outage[0].learner", "-1"}, {"model.hidden", "[1, 2, 3]"}, {"a.b[0].c", "\"\"\"x\"\"\""},
	} {
		f.Add(kv[0], kv[1])
	}
	base, err := LoadEmbedded("mobility")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, key, value string) {
		s, err := base.With(Override{key, value})
		if err != nil {
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("error %T, want *Error: %v", err, err)
			}
			return
		}
		if err := s.Config.Validate(); err != nil {
			t.Fatalf("With succeeded but Validate fails: %v", err)
		}
	})
}
