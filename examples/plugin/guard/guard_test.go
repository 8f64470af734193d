package guard_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/cli"
	"github.com/mel-des/mel-des/examples/plugin/guard"
	"github.com/mel-des/mel-des/policy"
)

// The reactive plug-in is listed with its parameters, runs through the command line, and
// stops learners in the mobility scenario, where ha-async-sai's plans come late.
func TestGuardRuns(t *testing.T) {
	var out, errb bytes.Buffer
	if err := cli.Run(context.Background(), []string{"list"}, &out, &errb); err != nil ||
		!strings.Contains(out.String(), guard.Name) || !strings.Contains(out.String(), "reserve_s (number, s, default 0.1") {
		t.Fatalf("list: %v\n%s", err, out.String())
	}
	dir := filepath.Join(t.TempDir(), "run")
	out.Reset()
	err := cli.Run(context.Background(), []string{"run", "mobility", "--quiet", "--cycles", "2", "--policy", guard.Name,
		"--set", "dataset.train_subset=3000", "--set", "dataset.test_subset=500", "--set", "policy.reserve_s=0.05", "--out", dir}, &out, &errb)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, errb.String())
	}
	f, err := os.Open(filepath.Join(dir, "learners.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	revised := 0
	for _, r := range rows[1:] {
		if r[col["revisions"]] != "0" {
			revised++
		}
	}
	if revised == 0 {
		t.Error("the guard revised no learner's work in two mobile cycles")
	}
	if _, err := policy.New(guard.Name, policy.Params{"reserve_s": -1.0}); err == nil || !strings.Contains(err.Error(), "reserve_s: out of range") {
		t.Errorf("a negative reserve: %v", err)
	}
}
