package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/policy"
	"github.com/mel-des/mel-des/scenarios"
)

// cli runs the program with args and returns its exit code, stdout and stderr.
func runCLI(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(ctx, args, &out, &errb)
	code := exitCode(err, &errb)
	return code, out.String(), errb.String()
}

func TestEmbeddedScenariosValidate(t *testing.T) {
	names := scenarios.Embedded()
	if len(names) < 5 {
		t.Fatalf("embedded scenarios %v: want quickstart, paper, mobility, fl-noniid, tiny-synthetic", names)
	}
	code, out, errs := runCLI(t, context.Background(), append([]string{"validate"}, names...)...)
	if code != exitOK {
		t.Fatalf("validate %v: exit %d\n%s%s", names, code, out, errs)
	}
	for _, n := range names {
		if !strings.Contains(out, n+": ok") {
			t.Errorf("validate did not report %s as ok:\n%s", n, out)
		}
	}
}

// wants returns the "# want: FRAGMENT" lines of a malformed scenario.
func wants(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var w []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if frag, ok := strings.CutPrefix(sc.Text(), "# want: "); ok {
			w = append(w, frag)
		}
	}
	return w
}

// Every malformed scenario of the corpus is refused by validate and by run with exit code 2
// and a message that names the problem, and never with a panic.
func TestMalformedScenariosExit2(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "scenarios", "testdata", "malformed", "*.toml"))
	if err != nil || len(files) < 30 {
		t.Fatalf("malformed corpus: %d files, %v; want at least 30", len(files), err)
	}
	out := t.TempDir()
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			w := wants(t, f)
			if len(w) == 0 {
				t.Fatalf("%s declares no '# want:' line", f)
			}
			for _, cmd := range [][]string{{"validate", f}, {"run", f, "--out", filepath.Join(out, filepath.Base(f))}} {
				code, _, errs := runCLI(t, context.Background(), cmd...)
				if code != exitUsage {
					t.Errorf("%s: exit %d, want %d\n%s", cmd[0], code, exitUsage, errs)
				}
				for _, frag := range w {
					if !strings.Contains(errs, frag) {
						t.Errorf("%s: stderr lacks %q:\n%s", cmd[0], frag, errs)
					}
				}
			}
		})
	}
}

// readCSV parses a CSV file.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

// quickstart, cut to a small subset and two cycles, runs end to end and writes every file.
func TestRunQuickstart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	code, out, errs := runCLI(t, context.Background(), "run", "quickstart", "--cycles", "2",
		"--set", "dataset.train_subset=3000", "--set", "dataset.test_subset=1000", "--out", dir)
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "completed all cycles") || !strings.Contains(out, "accuracy") {
		t.Errorf("stdout lacks the summary:\n%s", out)
	}
	if rows := readCSV(t, filepath.Join(dir, "cycles.csv")); len(rows) != 3 {
		t.Errorf("cycles.csv has %d rows, want header + 2", len(rows))
	}
	if rows := readCSV(t, filepath.Join(dir, "learners.csv")); len(rows) != 1+2*10 {
		t.Errorf("learners.csv has %d rows, want header + 2 cycles × 10 learners", len(rows))
	}
	b, err := os.ReadFile(filepath.Join(dir, "trace.json"))
	if err != nil || !json.Valid(b) {
		t.Errorf("trace.json is not valid JSON: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "scenario.toml")); err != nil {
		t.Error(err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*partial*"))
	if len(leftovers) > 0 {
		t.Errorf("partial files left behind: %v", leftovers)
	}
	// The same run again refuses the non-empty directory without --force.
	code, _, errs = runCLI(t, context.Background(), "run", "tiny-synthetic", "--out", dir)
	if code != exitUsage || !strings.Contains(errs, "--force") {
		t.Errorf("rerun into %s: exit %d, stderr %q; want 2 and a hint at --force", dir, code, errs)
	}
}

// Two runs of the same scenario and seed write byte-identical files, whatever --workers says.
func TestRunDeterministicFiles(t *testing.T) {
	base := t.TempDir()
	for i, w := range []string{"1", "2"} {
		code, out, errs := runCLI(t, context.Background(), "run", "tiny-synthetic", "--quiet", "--workers", w,
			"--out", filepath.Join(base, w))
		if code != exitOK || out != "" {
			t.Fatalf("run %d: exit %d, stdout %q (want nothing with --quiet)\n%s", i, code, out, errs)
		}
	}
	for _, f := range []string{"cycles.csv", "learners.csv", "trace.jsonl", "trace.json", "scenario.toml"} {
		a, _ := os.ReadFile(filepath.Join(base, "1", f))
		b, _ := os.ReadFile(filepath.Join(base, "2", f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between --workers 1 and 2 (or is empty)", f)
		}
	}
}

// output.trace_learners keeps the traces to the first learners and changes no other file.
func TestRunTraceLearners(t *testing.T) {
	base := t.TempDir()
	for _, n := range []string{"all", "1"} {
		args := []string{"run", "tiny-synthetic", "--quiet", "--out", filepath.Join(base, n)}
		if n != "all" {
			args = append(args, "--set", "output.trace_learners="+n)
		}
		if code, out, errs := runCLI(t, context.Background(), args...); code != exitOK {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errs)
		}
	}
	read := func(n, f string) []byte {
		b, err := os.ReadFile(filepath.Join(base, n, f))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, f := range []string{"cycles.csv", "learners.csv"} {
		if !bytes.Equal(read("all", f), read("1", f)) {
			t.Errorf("%s changed with output.trace_learners", f)
		}
	}
	all, one := read("all", "trace.jsonl"), read("1", "trace.jsonl")
	if !bytes.Contains(all, []byte(`"learner":1,`)) || bytes.Contains(one, []byte(`"learner":1,`)) ||
		!bytes.Contains(one, []byte(`"learner":0,`)) || !bytes.Contains(one, []byte(`"kind":"cycle-end"`)) {
		t.Error("trace.jsonl with output.trace_learners = 1 does not hold exactly learner 0 and the orchestrator")
	}
	if !json.Valid(read("1", "trace.json")) {
		t.Error("trace.json is not valid JSON")
	}
	if !bytes.Contains(read("1", "scenario.toml"), []byte("trace_learners = 1")) {
		t.Error("scenario.toml does not repeat output.trace_learners")
	}
}

// An interrupted run flushes valid files and exits 130.
func TestRunInterrupted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, _, errs := runCLI(t, ctx, "run", "tiny-synthetic", "--quiet", "--out", dir)
	if code != exitInterrupted {
		t.Fatalf("exit %d, want %d\n%s", code, exitInterrupted, errs)
	}
	if rows := readCSV(t, filepath.Join(dir, "cycles.csv")); len(rows) != 1 {
		t.Errorf("cycles.csv after an interrupt before the first cycle: %d rows, want the header only", len(rows))
	}
	b, err := os.ReadFile(filepath.Join(dir, "trace.json"))
	if err != nil || !json.Valid(b) {
		t.Errorf("trace.json after interrupt is not valid JSON: %v", err)
	}
}

// plan --json prints the problem with every coefficient; rebuilding the Problem from it and
// checking each plan with the policy package's checker must pass.
func TestPlanJSONRoundTrip(t *testing.T) {
	code, out, errs := runCLI(t, context.Background(), "plan", "paper", "--all", "--json")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	var pj planJSON
	if err := json.Unmarshal([]byte(out), &pj); err != nil {
		t.Fatal(err)
	}
	prob := policy.Problem{T: pj.T, D: pj.D, DL: pj.DL, C: pj.C}
	for _, l := range pj.Learners {
		if l.Row >= 0 {
			if l.Row != len(prob.Learners) || l.Coef == nil {
				t.Fatalf("learner %d: row %d out of order or without coefficients", l.Learner, l.Row)
			}
			prob.Learners = append(prob.Learners, *l.Coef)
		}
	}
	if len(pj.Plans) != len(policy.Names()) {
		t.Fatalf("%d plans, want one per policy %v", len(pj.Plans), policy.Names())
	}
	for _, p := range pj.Plans {
		if strings.HasPrefix(p.Policy, "test-") {
			continue // the misbehaving plug-ins of policy_fault_test.go
		}
		if p.Error != "" {
			t.Errorf("%s: %s", p.Policy, p.Error)
			continue
		}
		if err := policy.Check(prob, policy.Plan{Tau: p.Tau, D: p.D, Objective: p.Objective}); err != nil {
			t.Errorf("%s: plan from JSON fails the checker: %v", p.Policy, err)
		}
	}
}

func TestPlanTable(t *testing.T) {
	code, out, errs := runCLI(t, context.Background(), "plan", "paper", "--policy", "ha-sync")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, want := range []string{"tau_k", "binding", "ha-sync: objective", "20 of 20 learners reachable"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}
}

// plan takes only the flags that change a plan: --cycles and --workers, which run takes,
// are refused; a bad flag gets one line on stderr, not the whole usage on stdout.
func TestPlanFlags(t *testing.T) {
	for _, args := range [][]string{{"plan", "tiny-synthetic", "--cycles", "3"}, {"plan", "--workers", "2"}} {
		code, out, errs := runCLI(t, context.Background(), args...)
		if code != exitUsage || !strings.Contains(errs, "plan: flag provided but not defined: "+args[len(args)-2][1:]) || out != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2, the flag named, nothing on stdout", args, code, out, errs)
		}
	}
	code, out, errs := runCLI(t, context.Background(), "plan", "tiny-synthetic", "--seed", "2", "--policy", "ha-sync", "--set", "simulation.deadline_s=5")
	if code != exitOK || !strings.Contains(out, "T = 5 s") || !strings.Contains(out, "ha-sync: objective") {
		t.Errorf("plan with --seed, --policy and --set: exit %d\n%s%s", code, out, errs)
	}
}

func TestHelpAndUsage(t *testing.T) {
	for _, c := range commands() {
		code, out, errs := runCLI(t, context.Background(), c.name, "--help")
		if code != exitOK || strings.Count(out, "Usage: mel-des "+c.name) != 1 || errs != "" {
			t.Errorf("%s --help: exit %d, stdout %q, stderr %q", c.name, code, out, errs)
		}
	}
	code, out, _ := runCLI(t, context.Background(), "--version")
	if code != exitOK || !strings.HasPrefix(out, "mel-des ") {
		t.Errorf("--version: exit %d, %q", code, out)
	}
	code, out, _ = runCLI(t, context.Background(), "help")
	if code != exitOK || !strings.Contains(out, "mel-des run") {
		t.Errorf("help: exit %d, %q", code, out)
	}
	for _, args := range [][]string{{}, {"frobnicate"}, {"run", "a.toml", "b.toml"}, {"run", "--no-such-flag"},
		{"validate"}, {"run", "no-such-scenario"}, {"plot", "x.csv"}, {"run", "quickstart", "--set", "novalue"}} {
		code, out, errs := runCLI(t, context.Background(), args...)
		if code != exitUsage || errs == "" || out != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2, a message and nothing on stdout", args, code, out, errs)
		}
	}
}

func TestList(t *testing.T) {
	code, out, _ := runCLI(t, context.Background(), "list")
	if code != exitOK {
		t.Fatal(code)
	}
	for _, n := range append(scenarios.Embedded(), policy.Names()...) {
		if !strings.Contains(out, n) {
			t.Errorf("list lacks %s", n)
		}
	}
}

// plot draws a PNG from a results file and, with only --csv, writes the numbers without an
// image; a bad kind or a filter on a missing column is exit 2.
func TestPlot(t *testing.T) {
	results := filepath.Join("..", "figures", "testdata", "small.csv")
	dir := t.TempDir()
	png := filepath.Join(dir, "acc.png")
	code, _, errs := runCLI(t, context.Background(), "plot", results, "--kind", "accuracy",
		"--where", "deadline_s=10", "--out", png)
	if code != exitOK {
		t.Fatalf("accuracy: exit %d\n%s", code, errs)
	}
	if b, err := os.ReadFile(png); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("%s is not a PNG: %v", png, err)
	}
	csvPath := filepath.Join(dir, "reach.csv")
	code, _, errs = runCLI(t, context.Background(), "plot", results, "--kind", "reach", "--threshold", "95.5", "--csv", csvPath)
	if code != exitOK {
		t.Fatalf("reach --csv: exit %d\n%s", code, errs)
	}
	if rows := readCSV(t, csvPath); len(rows) < 2 {
		t.Errorf("reach CSV has %d rows", len(rows))
	}
	for _, args := range [][]string{
		{"plot", results, "--kind", "pie", "--out", png},
		{"plot", results, "--where", "colour=red", "--out", png},
		{"plot", results, "--kind", "accuracy"},
		{"plot", results, "--kind", "accuracy", "--out", filepath.Join(dir, "acc.gif")},
	} {
		if code, _, _ := runCLI(t, context.Background(), args...); code != exitUsage {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "acc.gif")); err == nil {
		t.Error("a refused --out acc.gif was written")
	}
}

// Results that mix a column the figure does not show are refused with the command-line way
// to select one value, not the Go API's.
func TestPlotMixedColumn(t *testing.T) {
	png := filepath.Join(t.TempDir(), "acc.png")
	code, _, errs := runCLI(t, context.Background(), "plot", filepath.Join("..", "figures", "testdata", "small.csv"), "--out", png)
	if code != exitUsage || !strings.Contains(errs, "select one with --where deadline_s=10 (values: 10, 20)") || strings.Contains(errs, "Where(") {
		t.Errorf("exit %d, stderr %q; want 2 and a --where hint", code, errs)
	}
	if _, err := os.Stat(png); err == nil {
		t.Errorf("%s written despite the refusal", png)
	}
}

// merge refuses inputs that are not sweep results with exit 2 (bad input), naming the file
// and the line, and writes nothing.
func TestMergeBadInputExit2(t *testing.T) {
	dir := t.TempDir()
	notResults := filepath.Join(dir, "x.csv")
	if err := os.WriteFile(notResults, []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "merged.csv")
	for _, in := range []string{notResults, filepath.Join(dir, "missing.csv")} {
		code, _, errs := runCLI(t, context.Background(), "merge", out, in)
		if code != exitUsage || !strings.Contains(errs, in) {
			t.Errorf("merge %s: exit %d, stderr %q; want 2 and the file named", in, code, errs)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("%s was written", out)
	}
}

// The scenario.toml a run writes repeats the run: run from it into another directory, every
// file comes out byte for byte the same, the trace file it reads included.
func TestRunRepeatsFromScenarioTOML(t *testing.T) {
	base := t.TempDir()
	first := filepath.Join(base, "first")
	code, out, errs := runCLI(t, context.Background(), "run", "mobility", "--quiet", "--cycles", "1",
		"--set", "dataset.train_subset=1500", "--set", "dataset.test_subset=500", "--out", first)
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	second := filepath.Join(base, "second")
	code, out, errs = runCLI(t, context.Background(), "run", filepath.Join(first, "scenario.toml"), "--quiet", "--out", second)
	if code != exitOK {
		t.Fatalf("rerun: exit %d\n%s%s", code, out, errs)
	}
	names, _ := os.ReadDir(first)
	if len(names) != 6 {
		t.Errorf("run directory holds %d files, want 4 outputs, scenario.toml and the bus route", len(names))
	}
	for _, e := range names {
		a, _ := os.ReadFile(filepath.Join(first, e.Name()))
		b, err := os.ReadFile(filepath.Join(second, e.Name()))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs when the run is repeated from its scenario.toml (%v)", e.Name(), err)
		}
	}
}

// A run that cannot complete a single cycle is a failure: exit 1, the reason on stderr.
func TestRunWithoutCycleExits1(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	code, _, errs := runCLI(t, context.Background(), "run", "quickstart", "--quiet", "--set", "simulation.deadline_s=0.5",
		"--set", "dataset.train_subset=1000", "--set", "dataset.test_subset=100", "--out", dir)
	if code != exitFailure || !strings.Contains(errs, "no cycle completed") || !strings.Contains(errs, "no feasible plan") {
		t.Errorf("exit %d, stderr %q; want 1 and the reason", code, errs)
	}
}

// validate reports what it can know before running, with the key, the line and what to change.
func TestValidateCatchesUnplannableScenarios(t *testing.T) {
	dir := t.TempDir()
	few := writeFile(t, dir, "few.toml", "[simulation]\nsamples = 1000\nmin_samples = 500\n[[learners]]\ncount = 10\ncpu_ghz = 1\n[dataset]\nsource = \"synthetic\"\n")
	short := writeFile(t, dir, "short.toml", "[simulation]\ndeadline_s = 0.05\n[dataset]\nsource = \"synthetic\"\nsynthetic_dim = 784\n")
	for _, tc := range []struct{ file, want string }{
		{few, "few.toml:3: simulation.min_samples: 10 learners × min_samples 500 = 5000 samples, more than the 1000 handed out per cycle: lower min_samples to at most 100"},
		{short, "short.toml:2: simulation.deadline_s: 0.05 s is shorter than any learner needs for one update"},
	} {
		code, _, errs := runCLI(t, context.Background(), "validate", tc.file)
		if code != exitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("validate %s: exit %d, stderr %q; want 2 and %q", tc.file, code, errs, tc.want)
		}
	}
}
