package policy

import (
	"math/rand/v2"
	"testing"
)

// TestSAIGap measures SAI's optimality gap (exact − sai)/exact over 1,000
// random paper-like instances that are feasible (K = 2..50, T 5-40 s,
// E 10-30 J, c 0-5) and fails if the mean exceeds 2 %.
func TestSAIGap(t *testing.T) {
	const want, maxGap = 1000, 0.02
	rng := rand.New(rand.NewPCG(11, 11))
	sai, exact := SAI{}, Exact{}
	n, sum, worst, behind := 0, 0.0, 0.0, 0
	for tries := 0; n < want; tries++ {
		if tries > 10*want {
			t.Fatalf("only %d feasible instances in %d tries", n, tries)
		}
		p := randomPaperProblem(rng, 2, 50)
		ex, err := exact.Plan(p)
		if err != nil {
			continue
		}
		sa, err := sai.Plan(p)
		if err != nil {
			t.Fatalf("exact plans %v, sai fails: %v", ex.Tau, err)
		}
		gap := (ex.Objective - sa.Objective) / ex.Objective
		sum += gap
		worst = max(worst, gap)
		if gap > 0 {
			behind++
		}
		n++
	}
	mean := sum / float64(n)
	t.Logf("SAI gap to exact over %d instances: mean %.4f %%, worst %.4f %%, %d instances below exact", n, 100*mean, 100*worst, behind)
	if mean > maxGap {
		t.Errorf("mean gap %.4f %% exceeds %.0f %%", 100*mean, 100*maxGap)
	}
}
