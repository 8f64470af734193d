package policy

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkPlan times every registered policy on paper-like instances of K
// learners with d = 3,000·K samples (the paper's 60,000 over 20), T = 20 s,
// E = 20 J and c = 5, the widest staleness window of the paper's sweep. A
// policy that refuses a size as too large (Exact past ExactMaxWork) is
// skipped with its error.
func BenchmarkPlan(b *testing.B) {
	for _, name := range Names() {
		for _, k := range []int{20, 100, 1000, 10000, 100000} {
			b.Run(fmt.Sprintf("policy=%s/learners=%d", name, k), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(uint64(k), 5))
				p := paperProblem(paperLearners(rng, k), 20, 20, 5, 3000*k)
				pol := mustPolicy(b, name, nil)
				var pl Plan
				var err error
				for b.Loop() {
					pl, err = pol.Plan(p)
				}
				if errors.Is(err, ErrTooLarge) {
					b.Skip(err)
				}
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(pl.Objective, "tau/learner")
			})
		}
	}
}
