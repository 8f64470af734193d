package mel

import "testing"

// A small MNIST run in the paper's setting (20 learners, T = 10 s, E = 10 J) on 6,000
// training samples: every cycle's aggregation must improve the test accuracy.
func TestMNISTImprovesEveryCycle(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Cycles = 3
	cfg.Data.TrainSubset = 6000
	cfg.Data.TestSubset = 2000
	cfg.Policy = "ha-async-sai"
	sum, _ := runConfig(t, cfg)
	if !sum.Completed() {
		t.Fatalf("run stopped: %s", sum.Reason)
	}
	prev := 0.0
	for _, c := range sum.Cycles {
		t.Logf("cycle %d: accuracy %.4f, loss %.4f, tau %d, %d of %d arrived", c.Cycle, c.Accuracy, c.Loss, c.TauDone, c.Arrived, c.Planned)
		if !(c.Accuracy > prev) {
			t.Errorf("cycle %d: accuracy %.4f did not improve on %.4f", c.Cycle, c.Accuracy, prev)
		}
		prev = c.Accuracy
	}
}
