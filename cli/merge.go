package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mel-des/mel-des/sweep"
)

const mergeAbout = `Combines the results of sweep shards (mel-des sweep --shard, or the tasks of an array
job) into OUT.csv and its index OUT.csv.done, in the sweep's cell order. Each SHARD.csv needs
its index SHARD.csv.done next to it: only the cells it lists as complete are taken, so the
rows of a shard stopped midway are left out (and counted). A cell complete in several
inputs is kept once, with a note, if its rows are identical; different rows are an error
and nothing is written. Inputs that are missing, are not sweep results, or conflict are
bad input: exit code 2.

With --sweep, the output follows that sweep's cell order and the cells that no input holds
are listed by their axis values: what there is gets written, and the exit code is 1 until
they are there (run their shards again, then merge again). Without it, the order is the
cell index recorded in the inputs' indexes. Merging the shards of a finished sweep gives the
same bytes as running it unsharded, and OUT.csv resumes like any results file: merge into
the sweep's results path and mel-des sweep runs only what is missing.

OUT.csv may be one of the inputs; an existing OUT.csv that is not one is replaced only with
--force.`

func cmdMerge(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("merge", "OUT.csv SHARD.csv... [flags]", mergeAbout, stdout)
	sweepFile := fs.String("sweep", "", "the sweep file: order the cells as it does and report its missing cells")
	force := fs.Bool("force", false, "replace an existing OUT.csv that is not among the inputs")
	quiet := fs.Bool("quiet", false, "print only errors and missing cells")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return helpOr(err)
	}
	if len(pos) < 2 {
		return usageErrorf("merge needs OUT.csv and at least one SHARD.csv, got %d arguments", len(pos))
	}
	out, inputs := pos[0], pos[1:]
	if !*force && exists(out) && !sameAsAny(out, inputs) {
		return usageErrorf("%s exists and is not among the inputs; add it as an input to merge into it, or pass --force to replace it", out)
	}
	var s *sweep.Sweep
	if *sweepFile != "" {
		if s, err = sweep.Load(*sweepFile); err != nil {
			return inputError(err)
		}
	}
	rep, err := sweep.Merge(out, inputs, s)
	if err != nil {
		return inputError(err)
	}
	if !*quiet {
		for i, d := range rep.Duplicates {
			if i == 3 {
				fmt.Fprintf(stderr, "mel-des: note: and %d more cells complete in several inputs with identical rows, kept once\n", len(rep.Duplicates)-i)
				break
			}
			fmt.Fprintf(stderr, "mel-des: note: %s\n", d)
		}
		if rep.DroppedRows > 0 {
			fmt.Fprintf(stderr, "mel-des: left out %d rows of %d cells that no index lists as complete (a shard stopped midway)\n",
				rep.DroppedRows, rep.DroppedCells)
		}
		if rep.Foreign > 0 {
			fmt.Fprintf(stderr, "mel-des: note: %d complete cells are not in %s; they are kept, after its cells\n", rep.Foreign, *sweepFile)
		}
		fmt.Fprintf(stdout, "wrote %s: %d cells, %d rows (index %s)\n", out, rep.Cells, rep.Rows, out+sweep.IndexSuffix)
	}
	if len(rep.Missing) > 0 {
		fmt.Fprintf(stderr, "mel-des: %d of the %d cells of %s are in no input:\n", len(rep.Missing), len(s.Cells), *sweepFile)
		for _, c := range rep.Missing {
			fmt.Fprintf(stderr, "  cell %d (%s): %s\n", c.Index, c.Hash, c.Label())
		}
		return fmt.Errorf("%d cells missing; run their shards again (a cell's shard is its index mod n) and merge again", len(rep.Missing))
	}
	return nil
}

// exists reports whether path names an existing file.
func exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

// sameAsAny reports whether path names the same file as one of paths.
func sameAsAny(path string, paths []string) bool {
	st, err := os.Stat(path)
	for _, p := range paths {
		if filepath.Clean(p) == filepath.Clean(path) {
			return true
		}
		if pst, perr := os.Stat(p); err == nil && perr == nil && os.SameFile(st, pst) {
			return true
		}
	}
	return false
}
