package sweep

import (
	"context"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/mel"
)

// TestMNISTSharedData runs two MNIST cells at once on one loaded copy of the data set and
// checks that each cell's rows equal those of a run of its scenario that loads MNIST
// itself.
func TestMNISTSharedData(t *testing.T) {
	dir := t.TempDir()
	s := writeSweep(t, dir, "mnist", `
base = "quickstart"
[axes]
"simulation.cycles" = [1]
"simulation.deadline_s" = [3]
"dataset.train_subset" = [1000]
"dataset.test_subset" = [300]
"model.hidden" = [[16]]
"simulation.seed" = [1, 2]
`)
	rep := runInto(t, s, Options{Parallel: 2})
	if rep.Ran != 2 {
		t.Fatalf("ran %d cells", rep.Ran)
	}
	res, _ := readPair(t, s.Results)
	lines := strings.Split(strings.TrimSpace(res), "\n")[1:]
	for i, c := range s.Cells {
		sys, err := mel.New(c.Scenario.Config)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := sys.Run(context.Background(), nil)
		sys.Close()
		if err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSpace(string(s.rows(c, sum.Cycles)))
		if lines[i] != want {
			t.Errorf("cell %d (%s):\n got %s\nwant %s", i, c.Label(), lines[i], want)
		}
	}
}
