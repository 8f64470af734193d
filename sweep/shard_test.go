package sweep

import (
	"strings"
	"testing"
)

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Shard
		err  string
	}{
		{"0/4", Shard{0, 4}, ""},
		{" 3 / 4 ", Shard{3, 4}, ""},
		{"0/1", Shard{0, 1}, ""},
		{"4/4", Shard{}, "0 ≤ i < n"},
		{"-1/4", Shard{}, "0 ≤ i < n"},
		{"1/0", Shard{}, "0 ≤ i < n"},
		{"1", Shard{}, "want i/n"},
		{"a/b", Shard{}, "want i/n"},
	} {
		got, err := ParseShard(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseShard(%q) = %v, %v; want an error with %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestShardFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name   string
		env    map[string]string
		shards int
		want   Shard
		ok     bool
		err    string
	}{
		{"nothing", nil, 0, Shard{}, false, ""},
		{"slurm from 0", map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "16"}, 0, Shard{3, 16}, true, ""},
		{"slurm from 1", map[string]string{"SLURM_ARRAY_TASK_ID": "16", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "16"}, 0, Shard{15, 16}, true, ""},
		{"slurm with --shards", map[string]string{"SLURM_ARRAY_TASK_ID": "2"}, 4, Shard{2, 4}, true, ""},
		{"slurm rerun of some shards", map[string]string{"SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_MAX": "7", "SLURM_ARRAY_TASK_COUNT": "2"}, 16, Shard{7, 16}, true, ""},
		{"slurm list without --shards", map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_MAX": "7", "SLURM_ARRAY_TASK_COUNT": "2"}, 0, Shard{}, false, "not a contiguous range, so the tasks would not cover the cells; use --array=3-4, or pass --shards n"},
		{"slurm list without --shards or max", map[string]string{"SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_COUNT": "2"}, 0, Shard{}, false, "pass --shards n to make the task ids the shard indexes (to run task 7 of a 16-task array again: --array=7 with --shards 16)"},
		{"slurm contiguous", map[string]string{"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "16", "SLURM_ARRAY_TASK_COUNT": "16"}, 0, Shard{4, 16}, true, ""},
		// Resubmitting some tasks of an array must not turn them into a new, smaller array
		// (--array=2 used to run the whole sweep as shard 0/1, found under a real Slurm).
		{"slurm one task resubmitted", map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "2", "SLURM_ARRAY_TASK_MAX": "2", "SLURM_ARRAY_TASK_COUNT": "1"}, 0, Shard{}, false, "pass --shards n"},
		{"slurm task 0 resubmitted", map[string]string{"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "0", "SLURM_ARRAY_TASK_COUNT": "1"}, 0, Shard{}, false, "pass --shards n"},
		{"slurm part of an array resubmitted", map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "2", "SLURM_ARRAY_TASK_MAX": "3", "SLURM_ARRAY_TASK_COUNT": "2"}, 0, Shard{}, false, "pass --shards n"},
		{"slurm one task with --shards", map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "2", "SLURM_ARRAY_TASK_MAX": "2", "SLURM_ARRAY_TASK_COUNT": "1"}, 4, Shard{2, 4}, true, ""},
		{"slurm without count", map[string]string{"SLURM_ARRAY_TASK_ID": "2"}, 0, Shard{}, false, "SLURM_ARRAY_TASK_COUNT is not"},
		{"slurm with a step", map[string]string{"SLURM_ARRAY_TASK_ID": "14", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "14", "SLURM_ARRAY_TASK_COUNT": "8"}, 0, Shard{}, false, "not a contiguous range"},
		{"slurm id beyond count", map[string]string{"SLURM_ARRAY_TASK_ID": "14", "SLURM_ARRAY_TASK_COUNT": "8"}, 0, Shard{}, false, "0 ≤ i < n"},
		{"slurm garbage", map[string]string{"SLURM_ARRAY_TASK_ID": "x"}, 0, Shard{}, false, "not an integer"},
		{"slurm wins over k8s", map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "2", "JOB_COMPLETION_INDEX": "0"}, 0, Shard{1, 2}, true, ""},
		{"k8s", map[string]string{"JOB_COMPLETION_INDEX": "5"}, 8, Shard{5, 8}, true, ""},
		{"k8s without --shards", map[string]string{"JOB_COMPLETION_INDEX": "5"}, 0, Shard{}, false, "--shards is not"},
		{"k8s out of range", map[string]string{"JOB_COMPLETION_INDEX": "8"}, 8, Shard{}, false, "0 ≤ i < n"},
		{"--shards alone", nil, 4, Shard{}, false, "neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX"},
		{"empty is unset", map[string]string{"SLURM_ARRAY_TASK_ID": " "}, 0, Shard{}, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok, err := ShardFromEnv(func(k string) string { return tc.env[k] }, tc.shards)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %v, %v, %v; want an error with %q", got, ok, err, tc.err)
				}
				return
			}
			if err != nil || ok != tc.ok || got != tc.want {
				t.Errorf("got %v, %v, %v; want %v, %v", got, ok, err, tc.want, tc.ok)
			}
		})
	}
}

// TestShardsPartition checks that the shards of any count split the cells into disjoint
// parts that cover them all.
func TestShardsPartition(t *testing.T) {
	for n := 1; n <= 7; n++ {
		for cell := range 50 {
			owners := 0
			for i := range n {
				if (Shard{i, n}).Contains(cell) {
					owners++
				}
			}
			if owners != 1 {
				t.Fatalf("n = %d: cell %d belongs to %d shards", n, cell, owners)
			}
		}
	}
	if !(Shard{}).Contains(5) {
		t.Error("the zero Shard must contain every cell")
	}
}

func TestShardPath(t *testing.T) {
	for _, tc := range []struct {
		sh       Shard
		in, want string
	}{
		{Shard{}, "out/paper-results.csv", "out/paper-results.csv"},
		{Shard{0, 1}, "paper-results.csv", "paper-results.csv"},
		{Shard{3, 16}, "out/paper-results.csv", "out/paper-results.shard-3-of-16.csv"},
		{Shard{0, 2}, "results", "results.shard-0-of-2"},
	} {
		if got := tc.sh.Path(tc.in); got != tc.want {
			t.Errorf("%v.Path(%q) = %q, want %q", tc.sh, tc.in, got, tc.want)
		}
	}
}
