package scenarios

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wants returns the message fragments a malformed scenario declares in its leading
// "# want: FRAGMENT" comment lines.
func wants(t *testing.T, data []byte) []string {
	t.Helper()
	var ws []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		w, ok := strings.CutPrefix(sc.Text(), "# want: ")
		if !ok {
			break
		}
		ws = append(ws, w)
	}
	return ws
}

// TestMalformed loads every file of the malformed corpus and checks that it fails with an
// *Error whose message contains each fragment the file declares. The corpus is shared
// with the CLI's tests (exit code 2), so every file must describe itself.
func TestMalformed(t *testing.T) {
	files, err := filepath.Glob("testdata/malformed/*.toml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 30 {
		t.Fatalf("corpus has %d files, want at least 30", len(files))
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".toml"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			ws := wants(t, data)
			if len(ws) == 0 {
				t.Fatalf("%s declares no '# want:' line", f)
			}
			s, err := Load(f)
			if err == nil {
				t.Fatalf("Load(%s) succeeded (%s), want an error", f, s.Name)
			}
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("Load(%s): error %T, want *Error: %v", f, err, err)
			}
			msg := err.Error()
			for _, w := range ws {
				if !strings.Contains(msg, w) {
					t.Errorf("error does not contain %q:\n%s", w, msg)
				}
			}
			for _, line := range strings.Split(msg, "\n") {
				if !strings.HasPrefix(line, "scenario: "+f) {
					t.Errorf("line %q does not start with \"scenario: %s\"", line, f)
				}
			}
		})
	}
}

// TestAllProblemsAtOnce checks that one pass reports every problem, sorted by line.
func TestAllProblemsAtOnce(t *testing.T) {
	_, err := Load("testdata/malformed/many-problems.toml")
	var se *Error
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want *Error", err)
	}
	if len(se.Problems) != 5 {
		t.Fatalf("got %d problems, want 5:\n%v", len(se.Problems), err)
	}
	for i := 1; i < len(se.Problems); i++ {
		if se.Problems[i].Line <= se.Problems[i-1].Line {
			t.Errorf("problems not sorted by line: %d after %d", se.Problems[i].Line, se.Problems[i-1].Line)
		}
	}
}

// TestProblemLines checks line numbers for unknown keys, type errors, range errors and
// problems inside arrays of tables.
func TestProblemLines(t *testing.T) {
	src := `# comment
name = "lines"
[simulation]
cycles = "x"          # line 4
dedline_s = 3         # line 5
[[learners]]
cpu_ghz = 1
[[learners]]
cpu_ghz = 2
count = 2
[learners.mobility]
model = "walk"
max_speed_mps = -1    # line 13
[[learner]]
index = 1
bogus = true          # line 16
`
	_, err := Parse([]byte(src), "")
	var se *Error
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want *Error", err)
	}
	want := map[string]int{
		"simulation.cycles":                  4,
		"simulation.dedline_s":               5,
		"learners[1].mobility.max_speed_mps": 13,
		"learner[0].bogus":                   16,
	}
	got := map[string]int{}
	for _, p := range se.Problems {
		got[p.Key] = p.Line
	}
	for k, l := range want {
		if got[k] != l {
			t.Errorf("%s: line %d, want %d\n%v", k, got[k], l, err)
		}
	}
	if len(se.Problems) != len(want) {
		t.Errorf("got %d problems, want %d:\n%v", len(se.Problems), len(want), err)
	}
}

// TestRepeatedProblemsMerge checks that a problem shared by the learners of a big group is
// reported once.
func TestRepeatedProblemsMerge(t *testing.T) {
	src := "[[learners]]\ncount = 50000\ncpu_ghz = 1\n[learners.mobility]\nmodel = \"walk\"\nmin_speed_mps = 3\nmax_speed_mps = 1\n"
	_, err := Parse([]byte(src), "")
	var se *Error
	if !errors.As(err, &se) || len(se.Problems) != 1 {
		t.Fatalf("got %v, want one problem", err)
	}
	if !strings.Contains(err.Error(), "learners 0, 1, 2 and 49997 more") {
		t.Errorf("message does not count the learners: %v", err)
	}
}
