package cli

import (
	"context"
	"github.com/mel-des/mel-des/dataset"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/sweep"
)

// cliSweep is a 6-cell sweep of the tiny synthetic scenario, two cycles per cell.
const cliSweep = `
base = "tiny-synthetic"
[axes]
"simulation.deadline_s" = [2, 3]
"simulation.cycles" = [2]
[[group]]
"policy.name" = ["ha-sync"]
"simulation.staleness" = [0]
[[group]]
"policy.name" = ["ha-async-sai"]
"simulation.staleness" = [1, 2]
`

// clearShardEnv makes sure no array-job variable of the test's environment leaks in.
func clearShardEnv(t *testing.T) {
	for _, k := range []string{"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_COUNT", "JOB_COMPLETION_INDEX"} {
		t.Setenv(k, "")
	}
}

// writeFile writes text to dir/name and returns the path.
func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSweepCommand(t *testing.T) {
	clearShardEnv(t)
	dir := t.TempDir()
	sw := writeFile(t, dir, "tiny.toml", cliSweep)
	ctx := context.Background()

	code, out, errs := runCLI(t, ctx, "sweep", sw, "--parallel", "2", "--workers", "1")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"skipped 0 complete cells, 6 to run", "[6/6] deadline_s=", "policy.name=ha-async-sai staleness=2: 2 cycles, final accuracy "} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if !strings.Contains(out, "sweep tiny: 6 cells run, 0 skipped (complete), 0 failed in ") || !strings.Contains(out, "samples/s") {
		t.Errorf("summary:\n%s", out)
	}
	results := filepath.Join(dir, "tiny-results.csv")
	if rows := strings.Count(read(t, results), "\n"); rows != 1+6*2 {
		t.Errorf("%d lines in the results, want 13", rows)
	}

	code, _, errs = runCLI(t, ctx, "sweep", sw)
	if code != 0 || !strings.Contains(errs, "skipped 6 complete cells, 0 to run") {
		t.Errorf("second run: exit %d\n%s", code, errs)
	}
	code, out, _ = runCLI(t, ctx, "sweep", sw, "--dry-run")
	if code != 0 || !strings.Contains(out, "6 complete, 0 to run") || strings.Count(out, "complete │") != 6 {
		t.Errorf("dry run: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, ctx, "sweep", sw, "--dry-run", "--shard", "1/2")
	if code != 0 || !strings.Contains(out, "shard 1/2: 3 cells; 0 complete, 3 to run; results "+filepath.Join(dir, "tiny-results.shard-1-of-2.csv")) {
		t.Errorf("dry run of a shard: exit %d\n%s", code, out)
	}
	code, out, errs = runCLI(t, ctx, "sweep", sw, "--quiet", "--results", filepath.Join(dir, "q.csv"))
	if code != 0 || out != "" || errs != "" {
		t.Errorf("--quiet: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if read(t, filepath.Join(dir, "q.csv")) != read(t, results) {
		t.Error("--results: different results")
	}
}

func TestSweepExitCodes(t *testing.T) {
	clearShardEnv(t)
	dir := t.TempDir()
	sw := writeFile(t, dir, "tiny.toml", cliSweep)
	bad := writeFile(t, dir, "bad.toml", "base = \"tiny-synthetic\"\n[axes]\n\"simulation.deadline_s\" = []\n\"simulation.sed\" = [1]\n")
	if err := os.Mkdir(filepath.Join(dir, "nomnist"), 0o755); err != nil {
		t.Fatal(err)
	}
	// The MNIST cell fails when it runs: the files are looked for where $MELDES_MNIST_DIR
	// says, an empty directory.
	t.Setenv(dataset.MNISTDirEnv, filepath.Join(dir, "nomnist"))
	failing := writeFile(t, dir, "failing.toml", "base = \"tiny-synthetic\"\n[[group]]\n\"simulation.cycles\" = [1]\n[[group]]\n"+
		"\"dataset.source\" = [\"mnist\"]\n\"model.hidden\" = [[16]]\n")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		env  map[string]string
		args []string
		code int
		want string // in stdout or stderr
	}{
		{"help", nil, nil, []string{"sweep", "--help"}, 0, "without recording it (exit 130)"},
		{"help tells the default parallel", nil, nil, []string{"sweep", "--help"}, 0, "(default: the sweep's parallel, else " + strconv.Itoa(sweep.DefaultParallel) + ")"},
		{"no file", nil, nil, []string{"sweep"}, 2, "exactly one sweep file"},
		{"bad sweep", nil, nil, []string{"sweep", bad}, 2, "simulation.deadline_s: empty list"},
		{"bad shard", nil, nil, []string{"sweep", sw, "--shard", "3/3"}, 2, "0 ≤ i < n"},
		{"both shard flags", nil, nil, []string{"sweep", sw, "--shard", "0/2", "--shards", "2"}, 2, "not both"},
		{"k8s without --shards", nil, map[string]string{"JOB_COMPLETION_INDEX": "1"}, []string{"sweep", sw, "--dry-run"}, 2, "--shards is not"},
		{"k8s", nil, map[string]string{"JOB_COMPLETION_INDEX": "1"}, []string{"sweep", sw, "--dry-run", "--shards", "4"}, 0, "shard 1/4: 2 cells"},
		{"slurm", nil, map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "3"}, []string{"sweep", sw, "--dry-run"}, 0, "shard 2/3: 2 cells"},
		{"slurm rerun", nil, map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "3", "SLURM_ARRAY_TASK_COUNT": "2"}, []string{"sweep", sw, "--dry-run", "--shards", "4"}, 0, "shard 3/4: 1 cells"},
		{"slurm list", nil, map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "3", "SLURM_ARRAY_TASK_COUNT": "2"}, []string{"sweep", sw, "--dry-run"}, 2, "not a contiguous range"},
		{"slurm list names --shards", nil, map[string]string{"SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_MAX": "7", "SLURM_ARRAY_TASK_COUNT": "2"}, []string{"sweep", sw, "--dry-run"}, 2, "--array=3,7 with --shards 16"},
		{"failed cell", nil, nil, []string{"sweep", failing}, 1, "[failed] dataset.source=mnist"},
		{"interrupted", cancelled, nil, []string{"sweep", sw, "--results", filepath.Join(dir, "int.csv")}, 130, "0 cells run, "},
		{"interrupted keeps cells", cancelled, nil, []string{"sweep", sw, "--results", filepath.Join(dir, "int.csv")}, 130, "mel-des: interrupted; the results hold every completed cell\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			ctx := tc.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			code, out, errs := runCLI(t, ctx, tc.args...)
			if code != tc.code || !strings.Contains(out+errs, tc.want) {
				t.Errorf("exit %d, want %d with %q:\n%s%s", code, tc.code, tc.want, out, errs)
			}
		})
	}
	if got := read(t, filepath.Join(dir, "int.csv")); strings.Count(got, "\n") != 1 {
		t.Errorf("the interrupted sweep recorded rows:\n%s", got)
	}
}

// TestShardsAndMerge runs the sweep as 3 Slurm array tasks, merges them, and compares with
// the unsharded run.
func TestShardsAndMerge(t *testing.T) {
	clearShardEnv(t)
	dir := t.TempDir()
	sw := writeFile(t, dir, "tiny.toml", cliSweep)
	ctx := context.Background()
	whole := filepath.Join(dir, "whole.csv")
	if code, out, errs := runCLI(t, ctx, "sweep", sw, "--results", whole, "--quiet"); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	var shards []string
	for i := range 3 {
		t.Setenv("SLURM_ARRAY_TASK_ID", strconv.Itoa(i))
		t.Setenv("SLURM_ARRAY_TASK_COUNT", "3")
		if code, out, errs := runCLI(t, ctx, "sweep", sw, "--quiet"); code != 0 {
			t.Fatalf("shard %d: exit %d\n%s%s", i, code, out, errs)
		}
		shards = append(shards, filepath.Join(dir, "tiny-results.shard-"+strconv.Itoa(i)+"-of-3.csv"))
	}
	clearShardEnv(t)
	out := filepath.Join(dir, "merged.csv")

	code, stdout, errs := runCLI(t, ctx, append([]string{"merge", out, "--sweep", sw}, shards[:2]...)...)
	if code != 1 || !strings.Contains(errs, "2 of the 6 cells of "+sw+" are in no input") ||
		!strings.Contains(errs, "cell 5 (") || !strings.Contains(stdout, "wrote "+out+": 4 cells, 8 rows") {
		t.Errorf("merge with a shard missing: exit %d\n%s%s", code, stdout, errs)
	}
	code, _, errs = runCLI(t, ctx, append([]string{"merge", out}, shards...)...)
	if code != 2 || !strings.Contains(errs, "exists and is not among the inputs") {
		t.Errorf("merge over an existing file: exit %d\n%s", code, errs)
	}
	code, stdout, errs = runCLI(t, ctx, append([]string{"merge", out, out, "--sweep", sw}, shards...)...)
	if code != 0 || !strings.Contains(errs, "identical rows; kept once") {
		t.Errorf("merge: exit %d\n%s%s", code, stdout, errs)
	}
	if read(t, out) != read(t, whole) || read(t, out+".done") != read(t, whole+".done") {
		t.Errorf("merged shards differ from the unsharded run:\n%s\nwant\n%s", read(t, out), read(t, whole))
	}
	if code, _, _ := runCLI(t, ctx, "merge", "--help"); code != 0 {
		t.Errorf("merge --help: exit %d", code)
	}
	if code, _, errs := runCLI(t, ctx, "merge", out); code != 2 {
		t.Errorf("merge with one argument: exit %d\n%s", code, errs)
	}
}

// noFiles fails the test if any of paths exists.
func noFiles(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s left behind", p)
		}
	}
}

// Refused flags and files are bad input (exit 2) with a message that names the flag and its
// value, or the file and the line, and run nothing: no results, no index, no lock file.
func TestSweepRefusals(t *testing.T) {
	clearShardEnv(t)
	dir := t.TempDir()
	sw := writeFile(t, dir, "tiny.toml", cliSweep)
	results := filepath.Join(dir, "tiny-results.csv")
	emptyGroup := writeFile(t, dir, "eg.toml", "base = \"tiny-synthetic\"\n[[group]]\n\"simulation.cycles\" = [1]\n\n[[group]]\n")
	unclosed := writeFile(t, dir, "unclosed.toml", "base = \"tiny-synthetic\"\n\n[axes\n\"simulation.cycles\" = [1]\n")

	// Results without an index, and results with a corrupt index, next to the sweep.
	noIndex := writeFile(t, dir, "noindex.csv", strings.Join(sweepHeader(t, sw), ",")+"\n0123456789abcdef"+strings.Repeat(",1", len(sweepHeader(t, sw))-1)+"\n")
	corrupt := writeFile(t, dir, "corrupt.csv", read(t, noIndex))
	writeFile(t, dir, "corrupt.csv.done", "cell,index,cycles,reason,axes\nnot-a-hash,0,1,x,y\n")

	for _, tc := range []struct {
		name string
		args []string
		want string
		left []string // files that must not exist afterwards
	}{
		{"--shards 0", []string{"sweep", sw, "--shards", "0"}, "mel-des: --shards 0: want a number of shards ≥ 1", []string{results}},
		{"--shards -2", []string{"sweep", sw, "--shards", "-2"}, "--shards -2: want a number of shards ≥ 1", []string{results}},
		{"--parallel -3", []string{"sweep", sw, "--parallel", "-3"}, "mel-des: --parallel -3: want a number ≥ 0", []string{results}},
		{"--workers -1", []string{"sweep", sw, "--workers", "-1"}, "mel-des: --workers -1: want a number ≥ 0", []string{results}},
		{"empty group", []string{"sweep", emptyGroup}, "sweep: " + emptyGroup + ":5: group[1]: empty", []string{filepath.Join(dir, "eg-results.csv")}},
		{"unclosed header", []string{"sweep", unclosed}, "sweep: " + unclosed + ":3: invalid TOML", []string{filepath.Join(dir, "unclosed-results.csv")}},
		{"results without an index", []string{"sweep", sw, "--results", noIndex}, "has 1 rows but no index", []string{noIndex + ".lock", noIndex + ".done"}},
		{"corrupt index", []string{"sweep", sw, "--results", corrupt}, "corrupt.csv.done:2:", []string{corrupt + ".lock"}},
		{"corrupt index, dry run", []string{"sweep", sw, "--results", corrupt, "--dry-run"}, "corrupt.csv.done:2:", []string{corrupt + ".lock"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCLI(t, context.Background(), tc.args...)
			if code != exitUsage || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, want 2 with %q:\n%s%s", code, tc.want, out, errs)
			}
			noFiles(t, append(tc.left, results+".lock")...)
		})
	}
}

// sweepHeader returns the results header of the sweep file at path.
func sweepHeader(t *testing.T, path string) []string {
	t.Helper()
	s, err := sweep.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return s.Header()
}

// merge refuses a garbage, missing or conflicting input with exit 2 and one clean prefix,
// and writes nothing: no OUT.csv, no index, no lock file.
func TestMergeRefusalsLeaveNothing(t *testing.T) {
	clearShardEnv(t)
	dir := t.TempDir()
	sw := writeFile(t, dir, "tiny.toml", cliSweep)
	if code, out, errs := runCLI(t, context.Background(), "sweep", sw, "--quiet", "--shard", "0/3"); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	shard := filepath.Join(dir, "tiny-results.shard-0-of-3.csv")
	rows := strings.SplitAfter(read(t, shard), "\n")
	f := strings.Split(rows[1], ",")
	f[len(f)-4] = "99" // energy of the first row's cycle
	rows[1] = strings.Join(f, ",")
	conflict := writeFile(t, dir, "conflict.csv", strings.Join(rows, ""))
	writeFile(t, dir, "conflict.csv.done", read(t, shard+".done"))
	garbage := writeFile(t, dir, "garbage.csv", "a,b\n1,2\n")
	writeFile(t, dir, "garbage.csv.done", "cell,index,cycles,reason,axes\n")
	out := filepath.Join(dir, "merged.csv")
	for _, tc := range []struct {
		name   string
		inputs []string
		want   string
	}{
		{"garbage", []string{garbage}, "mel-des: sweep: " + garbage + `:2: first field "1" is not a cell hash; nothing written`},
		{"missing", []string{shard, filepath.Join(dir, "nope.csv")}, "mel-des: sweep: " + filepath.Join(dir, "nope.csv") + ": no such file; nothing written"},
		{"conflicting", []string{shard, conflict}, "with different rows; nothing written"},
		{"not of the sweep", []string{garbage, "--sweep", sw}, "nothing written"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := runCLI(t, context.Background(), append([]string{"merge", out}, tc.inputs...)...)
			if code != exitUsage || !strings.Contains(errs, tc.want) || strings.Contains(errs, "merge:") {
				t.Errorf("exit %d, want 2 with %q and one prefix:\n%s", code, tc.want, errs)
			}
			noFiles(t, out, out+".done", out+".lock")
		})
	}
}

// validate recognises a sweep file and points to sweep --dry-run instead of suggesting
// scenario keys for base.
func TestValidateSweepFile(t *testing.T) {
	sw := writeFile(t, t.TempDir(), "tiny.toml", cliSweep)
	code, out, errs := runCLI(t, context.Background(), "validate", sw, "tiny-synthetic")
	want := sw + ": a sweep file, not a scenario (it has base, [axes] or [[group]]); check it with: mel-des sweep " + sw + " --dry-run"
	if code != exitUsage || !strings.Contains(errs, want) || strings.Contains(errs, "did you mean") || !strings.Contains(out, "tiny-synthetic: ok") {
		t.Errorf("exit %d, want 2 with %q:\n%s%s", code, want, out, errs)
	}
}
