package cli

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/mel-des/mel-des/scenarios"
	"github.com/mel-des/mel-des/sweep"
)

const sweepAbout = `Runs a parameter sweep: a base scenario with some keys varied over lists of values, one
simulation (a cell) per combination, one row per cell per completed cycle in a results CSV.
The sweep file is TOML:

  base     = "paper.toml"          # scenario file (relative to this file) or embedded name
  results  = "paper-results.csv"   # optional; default NAME-results.csv next to this file
  parallel = 3                     # optional: cells at once (--parallel wins)
  workers  = 0                     # optional: training goroutines, 0 = all cores (--workers wins)

  [axes]                           # varied in every cell
  "simulation.deadline_s" = [10, 20]
  "simulation.energy_j"   = [10, 20, 30]

  [[group]]                        # optional: cells = [axes] × (group 1 + group 2 + ...)
  "policy.name"          = ["ha-sync", "hu-sync"]
  "simulation.staleness" = [0]
  [[group]]
  "policy.name"          = ["ha-async-sai", "hu-async"]
  "simulation.staleness" = [1, 2, 3, 4, 5]

Keys are scenario key paths (docs/scenario.md). Every cell is resolved and validated before
anything runs, and all problems are reported at once, each with its line (exit 2): unknown
keys, empty lists or groups, bad values, two cells that configure the same run.

Results: the columns cell (16 hex digits of the hash of the cell's resolved scenario),
policy, staleness, deadline_s, energy_j, seed (always, from the resolved scenario), the
other axes by key path, then the per-cycle metrics of cycles.csv with energy_j renamed
energy_j_cycle. Each cell is appended in one write and fsynced, then listed in RESULTS.done
(cell, index, cycles, reason, axes). A crash or Ctrl-C loses at most the cells in flight:
running the same command again skips the complete cells, removes rows of incomplete ones,
and runs the rest. A cell whose run stops early (no feasible plan, batteries empty) is
complete with fewer rows; a cell that fails is reported, runs again next time, and makes
the exit code 1. When the cells are done, both files are rewritten in the sweep's cell
order, so a finished sweep gives the same bytes whatever --parallel, --workers, sharding
or interruptions.

Parallelism: --parallel cells at once share one pool of --workers training goroutines, and
MNIST is loaded once. The default of 3 cells keeps 2 cores busy: a cell alternates between
serial work (events, the policy's solver, model copies) and training, and at the end of a
cycle only a few learners still train; with 2 cells the paper's sweeps used 138 % CPU, with
3 cells 198 %. Raise it on machines with many cores.

Shards: --shard i/n runs cells i, i+n, i+2n, ... of the sweep's order into RESULTS with
".shard-i-of-n" before its extension. Without --shard, a Slurm array task takes i and n
from SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT (a contiguous
--array range), or with --shards n, i = SLURM_ARRAY_TASK_ID (so --array=3,7 reruns shards
3 and 7); a Kubernetes Indexed Job pod takes i from JOB_COMPLETION_INDEX and n from
--shards. --shard 0/1 runs everything. Combine shards with mel-des merge; see
docs/cluster.md.

Progress goes to stderr, one line per cell, and a summary to stdout. Ctrl-C stops every
running cell at its next event without recording it (exit 130).`

func cmdSweep(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("sweep", "SWEEP.toml [flags]", sweepAbout, stdout)
	parallel := fs.Int("parallel", 0, fmt.Sprintf("cells at once (default: the sweep's parallel, else %d)", sweep.DefaultParallel))
	workers := fs.Int("workers", 0, "training goroutines shared by all cells (default: the sweep's workers, else all cores)")
	shardFlag := fs.String("shard", "", "run shard `i/n` (0-based i) of the cells: those whose index is i mod n")
	shards := fs.Int("shards", 0, "number of shards `n` when the index comes from the environment: JOB_COMPLETION_INDEX (Kubernetes Indexed Job), or SLURM_ARRAY_TASK_ID used as the index itself")
	results := fs.String("results", "", "results CSV instead of the sweep's results key; either way, a shard's gets .shard-i-of-n before its extension")
	dryRun := fs.Bool("dry-run", false, "list the cells and which are complete; run nothing, change nothing")
	quiet := fs.Bool("quiet", false, "print only errors: no progress, no summary")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return helpOr(err)
	}
	if len(pos) != 1 {
		return usageErrorf("sweep needs exactly one sweep file, got %d arguments", len(pos))
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"parallel", *parallel}, {"workers", *workers}} {
		if f.v < 0 {
			return usageErrorf("--%s %d: want a number ≥ 0 (0 = the sweep file's %s key, else the default)", f.name, f.v, f.name)
		}
	}
	if isSet(fs, "shards") && *shards < 1 {
		return usageErrorf("--shards %d: want a number of shards ≥ 1", *shards)
	}
	sh, err := chooseShard(*shardFlag, *shards)
	if err != nil {
		return err
	}
	s, err := sweep.Load(pos[0])
	if err != nil {
		return inputError(err)
	}
	opts := sweep.Options{Results: sh.Path(cmp.Or(*results, s.Results)), Parallel: *parallel, Workers: *workers, Shard: sh}
	if *dryRun {
		return listCells(stdout, s, opts)
	}
	var obs sweep.Observer
	if !*quiet {
		obs = &sweepProgress{w: stderr}
	}
	opts.Observer = obs
	rep, err := sweep.Run(ctx, s, opts)
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		if !*quiet {
			fmt.Fprintf(stdout, "interrupted after %s: %d cells run, %d stopped midway and not recorded; run the same command to resume\n",
				rep.Wall.Round(100*time.Millisecond), rep.Ran, rep.Interrupted)
		}
		return errSweepInterrupted
	}
	if rep.Results == "" {
		return inputError(err) // the results did not open: other columns, no index, locked
	}
	if !*quiet {
		rate := 0.0
		if secs := rep.Wall.Seconds(); secs > 0 {
			rate = float64(rep.Samples) / secs
		}
		fmt.Fprintf(stdout, "sweep %s: %d cells run, %d skipped (complete), %d failed in %s wall, %d samples trained (%.0f samples/s)\n",
			s.Name, rep.Ran, rep.Skipped, rep.Failed, rep.Wall.Round(100*time.Millisecond), rep.Samples, rate)
		fmt.Fprintf(stdout, "results in %s (index %s)\n", rep.Results, rep.Results+sweep.IndexSuffix)
	}
	return err // cells failed: exit code 1
}

// errSweepInterrupted is errInterrupted (exit code 130) in a sweep's words: a sweep keeps
// the cells it completed, not cycles.
var errSweepInterrupted error = sweepInterrupted{}

type sweepInterrupted struct{}

func (sweepInterrupted) Error() string {
	return "interrupted; the results hold every completed cell"
}

func (sweepInterrupted) Is(target error) bool { return target == errInterrupted }

// isSet reports whether the flag name was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// chooseShard returns the shard from --shard, else from the environment with --shards.
func chooseShard(flagVal string, shards int) (sweep.Shard, error) {
	if flagVal != "" {
		if shards != 0 {
			return sweep.Shard{}, usageErrorf("give --shard i/n or --shards n, not both")
		}
		sh, err := sweep.ParseShard(flagVal)
		if err != nil {
			return sweep.Shard{}, &usageError{err.Error()}
		}
		return sh, nil
	}
	sh, _, err := sweep.ShardFromEnv(os.Getenv, shards)
	if err != nil {
		return sweep.Shard{}, &usageError{err.Error()}
	}
	return sh, nil
}

// inputError turns errors about bad input (a bad sweep file or scenario, results that do
// not belong to the sweep or are not results at all) into usage errors, exit code 2.
func inputError(err error) error {
	var se *sweep.Error
	var sce *scenarios.Error
	var re *sweep.ResultsError
	if errors.As(err, &se) || errors.As(err, &sce) || errors.As(err, &re) {
		return &usageError{err.Error()}
	}
	return err
}

// listCells prints the cells of the shard and whether each is complete.
func listCells(w io.Writer, s *sweep.Sweep, opts sweep.Options) error {
	done, err := sweep.Complete(s, opts.Results)
	if err != nil {
		return inputError(err)
	}
	var rows [][]string
	complete := 0
	for _, c := range s.Cells {
		if !opts.Shard.Contains(c.Index) {
			continue
		}
		status := "to run"
		if done[c.Hash] {
			status = "complete"
			complete++
		}
		rows = append(rows, []string{strconv.Itoa(c.Index), c.Hash, status, c.Label()})
	}
	fmt.Fprintf(w, "sweep %s: %d cells on base %s", s.Name, len(s.Cells), s.Base.File)
	if opts.Shard.Sharded() {
		fmt.Fprintf(w, "; shard %s: %d cells", opts.Shard, len(rows))
	}
	fmt.Fprintf(w, "; %d complete, %d to run; results %s\n", complete, len(rows)-complete, opts.Results)
	return renderTable(w, []string{"#", "cell", "status", "axes"}, rows)
}

// sweepProgress prints a line per cell to stderr.
type sweepProgress struct {
	w     io.Writer
	total int
}

var _ sweep.Observer = (*sweepProgress)(nil)

func (p *sweepProgress) Start(pl sweep.Plan) {
	p.total = pl.Cells
	shard := ""
	if pl.Shard.Sharded() {
		shard = fmt.Sprintf(" (shard %s)", pl.Shard)
	}
	fmt.Fprintf(p.w, "mel-des: sweep of %d cells%s → %s: skipped %d complete cells, %d to run, %d at once on %d workers\n",
		pl.Cells, shard, pl.Results, pl.Skipped, pl.Cells-pl.Skipped, pl.Parallel, pl.Workers)
	if pl.DroppedRows > 0 {
		fmt.Fprintf(p.w, "mel-des: removed %d rows of %d incomplete cells (a run stopped midway); they run again\n", pl.DroppedRows, pl.DroppedCells)
	}
	if pl.Foreign > 0 {
		fmt.Fprintf(p.w, "mel-des: note: %s holds %d complete cells that this sweep does not have; they are kept, after the sweep's\n", pl.Results, pl.Foreign)
	}
}

func (p *sweepProgress) CellDone(r sweep.CellResult) {
	if r.Err != nil {
		fmt.Fprintf(p.w, "[failed] %s: %v (it runs again next time)\n", r.Cell.Label(), r.Err)
		return
	}
	how := fmt.Sprintf("%d cycles", len(r.Summary.Cycles))
	if !r.Summary.Completed() {
		how += " (stopped early: " + r.Summary.Reason + ")"
	}
	fmt.Fprintf(p.w, "[%d/%d] %s: %s, final accuracy %s, %.1f s\n",
		r.Done, p.total, r.Cell.Label(), how, fmtPct(r.Summary.FinalAccuracy()), r.Wall.Seconds())
}
