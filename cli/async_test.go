package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An asynchronous run writes its own files, byte-identical whatever --workers says and from
// run to run, and its scenario.toml repeats it.
func TestRunAsyncFiles(t *testing.T) {
	base := t.TempDir()
	args := []string{"run", "tiny-synthetic", "--quiet", "--set", "simulation.schedule=async",
		"--set", "aggregation.name=fedbuff", "--set", "aggregation.buffer_size=2", "--set", "async.horizon_s=12"}
	for _, w := range []string{"1", "2"} {
		code, out, errs := runCLI(t, context.Background(), append(args, "--workers", w, "--out", filepath.Join(base, w))...)
		if code != exitOK || out != "" {
			t.Fatalf("--workers %s: exit %d, stdout %q\n%s", w, code, out, errs)
		}
	}
	code, _, errs := runCLI(t, context.Background(), "run", filepath.Join(base, "1", "scenario.toml"), "--quiet", "--out", filepath.Join(base, "again"))
	if code != exitOK {
		t.Fatalf("rerun from scenario.toml: exit %d\n%s", code, errs)
	}
	for _, f := range []string{"rounds.csv", "evals.csv", "aggregations.csv", "trace.jsonl", "trace.json", "scenario.toml"} {
		a, _ := os.ReadFile(filepath.Join(base, "1", f))
		for _, other := range []string{"2", "again"} {
			b, _ := os.ReadFile(filepath.Join(base, other, f))
			if len(a) == 0 || !bytes.Equal(a, b) {
				t.Errorf("%s differs between run 1 and run %s (or is empty)", f, other)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(base, "1", "cycles.csv")); err == nil {
		t.Error("an asynchronous run wrote cycles.csv by default")
	}
	sc, _ := os.ReadFile(filepath.Join(base, "1", "scenario.toml"))
	for _, want := range []string{`schedule = "async"`, "[aggregation]", `name = "fedbuff"`, "buffer_size = 2", "[async]", "horizon_s = 12"} {
		if !bytes.Contains(sc, []byte(want)) {
			t.Errorf("scenario.toml lacks %q:\n%s", want, sc)
		}
	}
}

// The summary of an asynchronous run shows its evaluations and aggregations.
func TestRunAsyncSummary(t *testing.T) {
	code, out, errs := runCLI(t, context.Background(), "run", "tiny-synthetic", "--set", "simulation.schedule=async",
		"--set", "async.horizon_s=6", "--set", "simulation.eval_every_s=2", "--out", t.TempDir())
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, want := range []string{"asynchronous for 6 s, aggregation fedasync", "time (s)", "4.00", "reached the time horizon", "aggregations"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// Aggregation schemes that do not combine with the schedule, and bad parameters, are usage
// errors that name the key.
func TestRunAsyncBadKeys(t *testing.T) {
	for _, tc := range []struct {
		sets []string
		want string
	}{
		{[]string{"aggregation.name=fedbuff"}, "aggregation.name"},
		{[]string{"simulation.schedule=async", "aggregation.name=fedbuff", "aggregation.buffer_size=0"}, "aggregation.buffer_size = 0"},
		{[]string{"simulation.schedule=async", "aggregation.alpha=-1"}, "aggregation.alpha = -1"},
		{[]string{"simulation.schedule=async", "aggregation.staleness=linear"}, "aggregation.staleness"},
	} {
		args := []string{"run", "tiny-synthetic", "--quiet", "--out", t.TempDir()}
		for _, s := range tc.sets {
			args = append(args, "--set", s)
		}
		code, _, errs := runCLI(t, context.Background(), args...)
		if code != exitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming %s", tc.sets, code, errs, tc.want)
		}
	}
}

// plot --kind time and energy draw runs of both schedules on one axis, labelled from their
// scenario.toml or by LABEL=RUN, and say what to do about a run without evals.csv.
func TestPlotTimeline(t *testing.T) {
	dir := t.TempDir()
	sync, async, bare := filepath.Join(dir, "sync"), filepath.Join(dir, "async"), filepath.Join(dir, "bare")
	for _, args := range [][]string{
		{"run", "tiny-synthetic", "--quiet", "--out", sync, "--set", `output.files=["cycles","evals"]`},
		{"run", "tiny-synthetic", "--quiet", "--out", async, "--set", "simulation.schedule=async", "--set", "async.horizon_s=6"},
		{"run", "tiny-synthetic", "--quiet", "--out", bare},
	} {
		if code, _, errs := runCLI(t, context.Background(), args...); code != exitOK {
			t.Fatalf("%v: exit %d\n%s", args, code, errs)
		}
	}
	csvPath := filepath.Join(dir, "time.csv")
	code, out, errs := runCLI(t, context.Background(), "plot", "--kind", "time", sync, "mine="+async,
		"--out", filepath.Join(dir, "time.svg"), "--csv", csvPath)
	if code != exitOK || !strings.Contains(out, "(2 series)") {
		t.Fatalf("exit %d, %s%s", code, out, errs)
	}
	b, _ := os.ReadFile(csvPath)
	if !bytes.Contains(b, []byte("HA-Async c=1,,,")) || !bytes.Contains(b, []byte("\nmine,,,")) || !bytes.HasPrefix(b, []byte("label,policy,staleness,time_s,")) {
		t.Errorf("plotted numbers:\n%.300s", b)
	}
	if code, _, errs := runCLI(t, context.Background(), "plot", "--kind", "energy", async, "--out", filepath.Join(dir, "e.png")); code != exitOK {
		t.Errorf("energy: exit %d\n%s", code, errs)
	}
	code, _, errs = runCLI(t, context.Background(), "plot", "--kind", "time", bare, "--out", filepath.Join(dir, "x.png"))
	if code != exitUsage || !strings.Contains(errs, "output.files") {
		t.Errorf("run without evals.csv: exit %d, %q", code, errs)
	}
}
