package sweep

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestShardsMergeEqualUnsharded runs the sweep as 3 shards and checks that merging them,
// with or without the sweep, gives the files of the unsharded run byte for byte.
func TestShardsMergeEqualUnsharded(t *testing.T) {
	dir := t.TempDir()
	s := writeSweep(t, dir, "tiny", tinySweep)
	whole := filepath.Join(dir, "whole.csv")
	runInto(t, s, Options{Results: whole, Parallel: 2})

	var shards []string
	for i := range 3 {
		sh := Shard{i, 3}
		rep := runInto(t, s, Options{Shard: sh, Parallel: 1})
		if rep.Cells != 4 || rep.Results != sh.Path(s.Results) {
			t.Errorf("shard %v: %d cells into %s", sh, rep.Cells, rep.Results)
		}
		shards = append(shards, rep.Results)
	}
	if want := filepath.Join(dir, "tiny-results.shard-2-of-3.csv"); shards[2] != want {
		t.Errorf("shard results %s, want %s", shards[2], want)
	}
	for _, sw := range []*Sweep{nil, s} {
		out := filepath.Join(dir, "merged.csv")
		// Shards in any order, one of them given twice.
		rep, err := Merge(out, []string{shards[2], shards[0], shards[1], shards[0]}, sw)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Cells != 12 || rep.Rows != 24 || len(rep.Missing) != 0 || len(rep.Duplicates) != 4 {
			t.Errorf("sweep %v: %+v", sw != nil, rep)
		}
		if len(rep.Duplicates) > 0 && !strings.Contains(rep.Duplicates[0], "identical rows; kept once") {
			t.Errorf("duplicate note %q", rep.Duplicates[0])
		}
		samePair(t, out, whole)
	}
	// The merged file resumes like any results: nothing is left to run.
	rep := runInto(t, s, Options{Results: filepath.Join(dir, "merged.csv")})
	if rep.Skipped != 12 || rep.Ran != 0 {
		t.Errorf("after merge: skipped %d, ran %d", rep.Skipped, rep.Ran)
	}
}

func TestMergeMissingAndIncomplete(t *testing.T) {
	dir := t.TempDir()
	s := writeSweep(t, dir, "tiny", tinySweep)
	a := runInto(t, s, Options{Shard: Shard{0, 3}}).Results
	// Shard 1 is stopped after a cell: its other cells are missing.
	ctx, cancel := context.WithCancel(context.Background())
	rep, _ := Run(ctx, s, Options{Shard: Shard{1, 3}, Parallel: 1, Observer: &cancelAfter{n: 1, cancel: cancel}})
	cancel()
	b := rep.Results
	doneB, err := Complete(s, b)
	if err != nil || len(doneB) == 0 || len(doneB) == 4 {
		t.Fatalf("stopped shard: %d complete cells, %v", len(doneB), err)
	}
	// A row of an unfinished cell, as a crash leaves it.
	f, err := os.OpenFile(b, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	res, _ := readPair(t, a)
	row := strings.SplitAfter(res, "\n")[1]
	fake := strings.Repeat("f", 16) + row[16:]
	if _, err := f.WriteString(fake); err != nil {
		t.Fatal(err)
	}
	f.Close()

	out := filepath.Join(dir, "out.csv")
	mr, err := Merge(out, []string{a, b}, s)
	if err != nil {
		t.Fatal(err)
	}
	if mr.Cells != 4+len(doneB) || mr.DroppedRows != 1 || mr.DroppedCells != 1 || len(mr.Missing) != 8-len(doneB) {
		t.Errorf("%+v", mr)
	}
	for _, c := range mr.Missing {
		if c.Index%3 == 0 {
			t.Errorf("cell %d of the finished shard reported missing", c.Index)
		}
	}
	done, err := Complete(s, out)
	if err != nil || len(done) != 4+len(doneB) {
		t.Errorf("merged: %d complete cells, %v", len(done), err)
	}
}

func TestMergeRefuses(t *testing.T) {
	dir := t.TempDir()
	s := writeSweep(t, dir, "tiny", tinySweep)
	a := runInto(t, s, Options{Shard: Shard{0, 2}}).Results
	res, idx := readPair(t, a)
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// The same cells with one accuracy changed.
	lines := strings.SplitAfter(res, "\n")
	f := strings.Split(lines[1], ",")
	f[10] = "0.5"
	lines[1] = strings.Join(f, ",")
	conflict := write("conflict.csv", strings.Join(lines, ""))
	write("conflict.csv"+IndexSuffix, idx)
	// Other columns.
	other := write("other.csv", strings.Replace(res, "simulation.cycles", "simulation.seed2", 1))
	write("other.csv"+IndexSuffix, idx)
	noIndex := write("noindex.csv", res)
	garbage := write("garbage.csv", "a,b\n1,2\n")
	write("garbage.csv"+IndexSuffix, "cell,index,cycles,reason,axes\n")

	for _, tc := range []struct {
		name   string
		inputs []string
		s      *Sweep
		want   string
	}{
		{"conflict", []string{a, conflict}, nil, "with different rows; nothing written"},
		{"columns", []string{a, other}, nil, "only results of the same sweep merge"},
		{"columns of the sweep", []string{other}, s, "its axes changed"},
		{"no index", []string{noIndex}, nil, "no index"},
		{"garbage", []string{garbage}, nil, `garbage.csv:2: first field "1" is not a cell hash`},
		{"no file", []string{filepath.Join(dir, "nope.csv")}, nil, "nope.csv: no such file"},
		{"no input", nil, nil, "no input files"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// In a directory of its own that does not exist yet: a refusal creates nothing.
			sub := filepath.Join(dir, "out-"+strings.ReplaceAll(tc.name, " ", "-"))
			out := filepath.Join(sub, "deeper", "out.csv")
			_, err := Merge(out, tc.inputs, tc.s)
			var re *ResultsError
			var se *Error
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasSuffix(err.Error(), "; nothing written") ||
				!(errors.As(err, &re) || errors.As(err, &se)) {
				t.Fatalf("got %v, want bad input with %q, ending in \"; nothing written\"", err, tc.want)
			}
			if strings.Count(err.Error(), "sweep: ") != 1 || !strings.HasPrefix(err.Error(), "sweep: ") {
				t.Errorf("%q: want one \"sweep: \" prefix", err)
			}
			if _, err := os.Stat(sub); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s created despite the refusal (%v)", sub, err)
			}
		})
	}
	// Into an existing directory: no OUT.csv, no OUT.csv.lock.
	out := filepath.Join(dir, "out.csv")
	if _, err := Merge(out, []string{a, conflict}, nil); err == nil {
		t.Fatal("conflict accepted")
	}
	for _, p := range []string{out, out + IndexSuffix, out + LockSuffix} {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s left behind by a refused merge (%v)", p, err)
		}
	}
}
