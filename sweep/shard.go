package sweep

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// maxShards bounds the number of shards, so that a typo is caught.
const maxShards = 100_000

// Shard selects a deterministic part of a sweep's cells: cell i belongs to shard
// i mod Count, i being its index in the canonical order, so that every shard gets a mix of
// cheap and expensive cells. The zero Shard (Count 0) and any shard of Count 1 select
// every cell.
type Shard struct {
	Index, Count int // 0 ≤ Index < Count
}

// ParseShard parses "i/n" (0-based i), as given to --shard.
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("sweep: shard %q: want i/n with 0 ≤ i < n, e.g. 0/4", s)
	}
	return newShard(i, n, fmt.Sprintf("shard %q", s))
}

// newShard checks i and n.
func newShard(i, n int, what string) (Shard, error) {
	if n < 1 || n > maxShards || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("sweep: %s: want shard i of n with 0 ≤ i < n ≤ %d, got i = %d, n = %d", what, maxShards, i, n)
	}
	return Shard{Index: i, Count: n}, nil
}

// ShardFromEnv finds the shard of a cluster array task in the environment, read through
// getenv (os.Getenv in a program):
//
//   - Slurm job arrays without shards: i = SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN and
//     n = SLURM_ARRAY_TASK_COUNT. The array must be a contiguous range of at least two
//     tasks from 0 or 1, such as --array=0-15 or 1-16; a step (0-15:2) or a list (3,7) is
//     an error, since the tasks would not cover the cells, and so is an array of one task
//     or one from a higher id (--array=2, 2-3), since that is how a part of an array is
//     resubmitted, and its ids are not the shard indexes it would give.
//   - Slurm job arrays with shards = n > 0: i = SLURM_ARRAY_TASK_ID itself, so the array
//     ids are the shard indexes: --array=0-15 for n = 16, or any subset such as
//     --array=3,7 to run some shards again.
//   - Kubernetes Indexed Jobs: i = JOB_COMPLETION_INDEX and n = shards, which must then be
//     given (the Job's completions): Kubernetes does not tell a pod the completion count.
//
// Slurm wins if both are set. It reports ok = false when neither is set and shards is 0;
// shards > 0 without either is an error, as is an index outside [0, n).
func ShardFromEnv(getenv func(string) string, shards int) (sh Shard, ok bool, err error) {
	num := func(name string) (int, bool, error) {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return 0, false, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, true, fmt.Errorf("sweep: %s = %q: not an integer", name, v)
		}
		return n, true, nil
	}
	var errs []error
	get := func(name string) (int, bool) {
		n, set, err := num(name)
		if err != nil {
			errs = append(errs, err)
		}
		return n, set
	}
	if shards < 0 {
		return Shard{}, false, fmt.Errorf("sweep: --shards %d: want a positive number of shards", shards)
	}
	id, slurm := get("SLURM_ARRAY_TASK_ID")
	lo, _ := get("SLURM_ARRAY_TASK_MIN")
	hi, hasMax := get("SLURM_ARRAY_TASK_MAX")
	count, hasCount := get("SLURM_ARRAY_TASK_COUNT")
	idx, k8s := get("JOB_COMPLETION_INDEX")
	if len(errs) > 0 {
		return Shard{}, false, errs[0]
	}
	if !hasMax {
		hi = lo + count - 1
	}
	var what string
	switch {
	case slurm && shards > 0:
		what = fmt.Sprintf("Slurm array task %d with --shards %d (the task ids are the shard indexes)", id, shards)
		sh, err = newShard(id, shards, what)
	case slurm && !hasCount:
		return Shard{}, false, errors.New("sweep: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; pass --shards n or --shard i/n")
	case slurm && hasMax && hi-lo+1 != count:
		return Shard{}, false, fmt.Errorf("sweep: the Slurm array has %d tasks with ids %d to %d: not a contiguous range, so the tasks would not cover the cells; "+
			"use --array=%d-%d, or pass --shards n to make the task ids the shard indexes (e.g. to run shards 3 and 7 of 16 again: --array=3,7 with --shards 16)",
			count, lo, hi, lo, lo+count-1)
	case slurm && (count == 1 || lo > 1):
		// A part of an array, typically some tasks resubmitted (--array=2): taking i and n
		// from it would run other shards, or the whole sweep, instead of the tasks' own.
		return Shard{}, false, fmt.Errorf("sweep: Slurm array task %d in an array with ids %d to %d, count %d: this looks like part of an array resubmitted, "+
			"whose task ids are not shard indexes of this array; pass --shards n to make the task ids the shard indexes "+
			"(to run task %d of a 16-task array again: --array=%d with --shards 16), or --shard i/n", id, lo, hi, count, id, id)
	case slurm:
		what = fmt.Sprintf("Slurm array task %d (min %d, count %d)", id, lo, count)
		if sh, err = newShard(id-lo, count, what); err != nil {
			// Without SLURM_ARRAY_TASK_MAX a list such as --array=3,7 shows only here.
			err = fmt.Errorf("%w; the task ids are not a contiguous range from SLURM_ARRAY_TASK_MIN: "+
				"pass --shards n to make the task ids the shard indexes (e.g. --array=3,7 with --shards 16)", err)
		}
	case k8s && shards == 0:
		return Shard{}, false, errors.New("sweep: JOB_COMPLETION_INDEX is set but --shards is not; pass --shards equal to the Job's completions")
	case k8s:
		sh, err = newShard(idx, shards, fmt.Sprintf("JOB_COMPLETION_INDEX %d with --shards %d", idx, shards))
	case shards > 0:
		return Shard{}, false, fmt.Errorf("sweep: --shards %d: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set; use --shard i/n to pick a shard by hand", shards)
	default:
		return Shard{}, false, nil
	}
	return sh, err == nil, err
}

// Sharded reports whether sh selects a strict part of the cells.
func (sh Shard) Sharded() bool { return sh.Count > 1 }

// Contains reports whether the cell at index i belongs to sh.
func (sh Shard) Contains(i int) bool { return !sh.Sharded() || i%sh.Count == sh.Index }

// String returns "i/n", or "all" for an unsharded selection.
func (sh Shard) String() string {
	if !sh.Sharded() {
		return "all"
	}
	return fmt.Sprintf("%d/%d", sh.Index, sh.Count)
}

// Path returns the results file of shard sh of a sweep whose results are at path: path
// itself when sh is not sharded, else with ".shard-I-of-N" before its extension
// (paper-results.csv → paper-results.shard-3-of-16.csv), so that the tasks of an array job
// never share a file.
func (sh Shard) Path(path string) string {
	if !sh.Sharded() {
		return path
	}
	ext := filepath.Ext(path)
	return fmt.Sprintf("%s.shard-%d-of-%d%s", strings.TrimSuffix(path, ext), sh.Index, sh.Count, ext)
}
