package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mel-des/mel-des/mel"
	"github.com/mel-des/mel-des/param"
	"github.com/mel-des/mel-des/scenarios"
)

const runAbout = `Simulates the scenario (a TOML file, or the name of an embedded scenario; default
quickstart) and writes, into a fresh run directory:

  cycles.csv     per-cycle metrics: test accuracy and loss, updates, misses, energy
  learners.csv   one row per learner per cycle: plan vs. actual times, energy, outcome
  trace.jsonl    the event trace, one JSON object per line
  trace.json     the same trace in Chrome trace-event format: open it in https://ui.perfetto.dev
                 ("Open trace file") or chrome://tracing, one track per learner
  scenario.toml  the resolved scenario: every key at its value for this run, in the documented
                 keys and units (with any trace file it reads beside it), so that
                 mel-des run DIR/scenario.toml repeats the run byte for byte

Files appear only when complete. Ctrl-C stops at the next event and keeps every completed
cycle (exit code 130). The same scenario and seed give byte-identical files, whatever
--workers is.`

// scenarioShortcut is a flag that stands for --set KEY=VALUE.
type scenarioShortcut struct{ flag, key, usage string }

// scenarioShortcuts are the shortcut flags that run and plan may take.
var scenarioShortcuts = []scenarioShortcut{
	{"seed", "simulation.seed", "override simulation.seed"},
	{"cycles", "simulation.cycles", "override simulation.cycles"},
	{"policy", "policy.name", "override policy.name (see mel-des list)"},
	{"workers", "simulation.workers", "override simulation.workers: training goroutines (0 = all cores)"},
}

// addScenarioFlags registers --set and the named shortcut flags (those that matter to the
// command) and returns a function that, after parsing, loads the scenario named by the
// positional arguments (default quickstart) with the overrides applied: shortcuts first,
// so that an explicit --set of the same key wins.
func addScenarioFlags(fs *flag.FlagSet, shortcuts ...string) func(pos []string) (*scenarios.Scenario, error) {
	var short []scenarioShortcut
	for _, s := range scenarioShortcuts {
		if slices.Contains(shortcuts, s.flag) {
			short = append(short, s)
		}
	}
	vals := make([]*string, len(short))
	for i, s := range short {
		vals[i] = fs.String(s.flag, "", s.usage)
	}
	var sets multiFlag
	fs.Var(&sets, "set", "override any scenario key, `KEY=VALUE`, repeatable (e.g. simulation.deadline_s=20)")
	return func(pos []string) (*scenarios.Scenario, error) {
		if len(pos) > 1 {
			return nil, usageErrorf("%s takes one scenario, got %d arguments: %q", fs.Name(), len(pos), pos)
		}
		arg := "quickstart"
		if len(pos) == 1 {
			arg = pos[0]
		}
		var ov []scenarios.Override
		for i, s := range short {
			if *vals[i] != "" {
				ov = append(ov, scenarios.Override{Key: s.key, Value: *vals[i]})
			}
		}
		for _, s := range sets {
			o, err := scenarios.ParseOverride(s)
			if err != nil {
				return nil, &usageError{err.Error()}
			}
			ov = append(ov, o)
		}
		return loadScenario(arg, ov)
	}
}

// loadScenario resolves arg (a file or an embedded name) and applies overrides.
func loadScenario(arg string, overrides []scenarios.Override) (*scenarios.Scenario, error) {
	sc, err := scenarios.Resolve(arg)
	if err == nil && len(overrides) > 0 {
		sc, err = sc.With(overrides...)
	}
	if err != nil {
		var se *scenarios.Error
		if errors.As(err, &se) {
			return nil, &usageError{err.Error()}
		}
		return nil, err
	}
	return sc, nil
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run", "[SCENARIO.toml | NAME] [flags]", runAbout, stdout)
	scenario := addScenarioFlags(fs, "seed", "cycles", "policy", "workers")
	out := fs.String("out", "", "output directory (default: the scenario's output.dir, else runs/NAME-TIMESTAMP)")
	force := fs.Bool("force", false, "write into a non-empty output directory, replacing files of the same names")
	quiet := fs.Bool("quiet", false, "print only errors: no progress, no summary table")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return helpOr(err)
	}
	sc, err := scenario(pos)
	if err != nil {
		return err
	}
	dir := *out
	if dir == "" {
		dir = sc.Output.Dir
	}
	dir, err = prepareRunDir(dir, sc.Name, *force, time.Now())
	if err != nil {
		return err
	}
	var opts []mel.Option
	if n := sc.Output.TraceLearners; n != nil {
		opts = append(opts, mel.WithTraceLearners(*n))
	}
	sys, err := mel.New(sc.Config, opts...)
	if err != nil {
		return usageOr(sc.Locate(err))
	}
	defer sys.Close()

	files, rec, err := openOutputs(dir, sc.Output.Files)
	if err != nil {
		return err
	}
	var prog *progress
	async := sc.Config.Schedule == mel.Asynchronous
	if !*quiet && isTerminal(stderr) {
		prog = newProgress(stderr, sc.Config.Cycles)
		if async {
			prog.horizon = sc.Config.Horizon()
		}
		rec = append(rec, prog)
	}
	if !*quiet && async {
		fmt.Fprintf(stdout, "mel-des: running %s (%s): %d learners, asynchronous for %s s, aggregation %s, policy %s, seed %d → %s\n",
			sc.Name, sc.File, len(sc.Config.Learners), fmtG(sc.Config.Horizon()), sc.Config.Aggregation.NameFor(true),
			sc.Config.Policy, sc.Config.Seed, dir)
	} else if !*quiet {
		fmt.Fprintf(stdout, "mel-des: running %s (%s): %d learners, %d cycles, policy %s, seed %d → %s\n",
			sc.Name, sc.File, len(sc.Config.Learners), sc.Config.Cycles, sc.Config.Policy, sc.Config.Seed, dir)
	}
	start := time.Now()
	sum, runErr := sys.Run(ctx, rec)
	wall := time.Since(start)
	closeErr := rec.Close()
	if prog != nil {
		prog.finish()
	}
	// A policy that fails ends the run with an error, but the completed cycles' records
	// stand: the files are kept.
	var polErr *mel.PolicyError
	policyFailed := errors.As(runErr, &polErr)
	if runErr != nil && sum.Reason != mel.ReasonInterrupted && !policyFailed || closeErr != nil {
		for _, f := range files {
			f.Abort()
		}
		if runErr == nil || sum.Reason == mel.ReasonInterrupted {
			runErr = closeErr
		}
		return fmt.Errorf("run failed, no output written: %w", runErr)
	}
	for _, f := range files {
		if err := f.Commit(); err != nil {
			return fmt.Errorf("writing %s: %w", f.path, err)
		}
	}
	if err := writeScenario(dir, sc); err != nil {
		return err
	}
	if !*quiet {
		if err := printSummary(stdout, sum, wall, dir); err != nil {
			return err
		}
	}
	if sum.Reason == mel.ReasonInterrupted {
		return errInterrupted
	}
	if policyFailed {
		return fmt.Errorf("run failed after %d cycles: %w (the completed cycles are in %s)", len(sum.Cycles), runErr, dir)
	}
	if len(sum.Cycles) == 0 && sum.Aggregations == 0 {
		// A run that cannot complete one cycle (or, asynchronously, aggregate one model) is a
		// failure, whatever its files say.
		return fmt.Errorf("run failed: no cycle completed and no model aggregated: %s (outputs in %s; mel-des validate explains what to change)", sum.Reason, dir)
	}
	return nil
}

// usageOr makes a located scenario problem a usage error (exit 2) and returns other errors
// as they are.
func usageOr(err error) error {
	var se *scenarios.Error
	if errors.As(err, &se) {
		return &usageError{err.Error()}
	}
	return err
}

// writeScenario writes the resolved scenario as scenario.toml into dir, with every file it
// reads (mobility traces) beside it under its base name (numbered when two differ), so that
// the directory repeats the run on its own.
func writeScenario(dir string, sc *scenarios.Scenario) error {
	written := map[string][]byte{}
	var werr error
	text := sc.TOML(func(f param.FileData) string {
		base := filepath.Base(f.Path)
		ext := filepath.Ext(base)
		name := base
		for i := 2; ; i++ {
			prev, taken := written[name]
			if !taken {
				break
			}
			if bytes.Equal(prev, f.Data) {
				return name
			}
			name = fmt.Sprintf("%s-%d%s", strings.TrimSuffix(base, ext), i, ext)
		}
		written[name] = f.Data
		if err := writeFileAtomic(filepath.Join(dir, name), f.Data); err != nil && werr == nil {
			werr = fmt.Errorf("writing %s: %w", name, err)
		}
		return name
	})
	if werr != nil {
		return werr
	}
	if err := writeFileAtomic(filepath.Join(dir, "scenario.toml"), []byte(text)); err != nil {
		return fmt.Errorf("writing scenario.toml: %w", err)
	}
	return nil
}

// openOutputs creates the selected output files in dir and a recorder writing to them.
func openOutputs(dir string, kinds []string) ([]*atomicFile, mel.Recorders, error) {
	var files []*atomicFile
	var rec mel.Recorders
	for _, kind := range kinds {
		o, ok := mel.LookupOutput(kind)
		if !ok {
			return nil, nil, fmt.Errorf("unknown output kind %q", kind)
		}
		f, err := createAtomic(filepath.Join(dir, o.File))
		if err != nil {
			for _, f := range files {
				f.Abort()
			}
			return nil, nil, err
		}
		files = append(files, f)
		rec = append(rec, o.New(f))
	}
	return files, rec, nil
}

// printSummary prints the per-cycle table (or, for a run without cycles, the evaluations)
// and a closing line.
func printSummary(w io.Writer, sum mel.Summary, wall time.Duration, dir string) error {
	if len(sum.Cycles) == 0 && len(sum.Evals) > 0 {
		return printAsyncSummary(w, sum, wall, dir)
	}
	header := []string{"cycle", "end (s)", "accuracy", "loss", "arrived", "updates", "misses", "died", "energy (J)", "alive"}
	var rows [][]string
	for _, c := range sum.Cycles {
		rows = append(rows, []string{strconv.Itoa(c.Cycle), fmtF(c.End, 2), fmtPct(c.Accuracy), fmtF(c.Loss, 4),
			fmt.Sprintf("%d/%d", c.Arrived, c.Planned), fmt.Sprintf("%d/%d", c.TauDone, c.TauPlanned),
			strconv.Itoa(c.Misses), strconv.Itoa(c.Died), fmtF(c.EnergyJ, 2), strconv.Itoa(c.Alive)})
	}
	if len(rows) > 0 {
		if err := renderTable(w, header, rows); err != nil {
			return err
		}
	}
	rate := float64(sum.SamplesTrained) / wall.Seconds()
	fmt.Fprintf(w, "run ended after %d cycles: %s. Final accuracy %s; %.1f s simulated, %d events; %d samples trained in %.1f s wall (%.0f samples/s)\n",
		len(sum.Cycles), sum.Reason, fmtPct(sum.FinalAccuracy()), sum.SimTime, sum.Events, sum.SamplesTrained, wall.Seconds(), rate)
	fmt.Fprintf(w, "outputs in %s (open trace.json in https://ui.perfetto.dev)\n", dir)
	return nil
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// printAsyncSummary prints the evaluations of an asynchronous run and a closing line.
func printAsyncSummary(w io.Writer, sum mel.Summary, wall time.Duration, dir string) error {
	header := []string{"time (s)", "version", "accuracy", "loss", "energy (J)", "samples", "alive"}
	var rows [][]string
	for _, e := range sum.Evals {
		rows = append(rows, []string{fmtF(e.Time, 2), strconv.Itoa(e.Version), fmtPct(e.Accuracy), fmtF(e.Loss, 4),
			fmtF(e.EnergyJ, 2), strconv.FormatInt(e.SamplesTrained, 10), strconv.Itoa(e.Alive)})
	}
	if err := renderTable(w, header, rows); err != nil {
		return err
	}
	rate := float64(sum.SamplesTrained) / wall.Seconds()
	fmt.Fprintf(w, "run ended at %.1f s after %d aggregations: %s. Final accuracy %s; %d events; %d samples trained in %.1f s wall (%.0f samples/s)\n",
		sum.SimTime, sum.Aggregations, sum.Reason, fmtPct(sum.FinalAccuracy()), sum.Events, sum.SamplesTrained, wall.Seconds(), rate)
	fmt.Fprintf(w, "outputs in %s (open trace.json in https://ui.perfetto.dev)\n", dir)
	return nil
}

// fmtG formats a number in its shortest form.
func fmtG(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
