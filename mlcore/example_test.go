package mlcore_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/mel-des/mel-des/mlcore"
)

// Two learners train copies of a global model on their own shares of a
// synthetic dataset, concurrently and reproducibly, and the orchestrator
// averages the results weighted by the learners' sample counts.
func Example() {
	data := mlcore.Synthetic(1200, 20, 4, 1)
	test := mlcore.Synthetic(1600, 20, 4, 1).Subset(seq(1200, 1600))
	global := mlcore.NewMLP([]int{20, 16, 4}, 1)
	sizes := []int{300, 600}
	parts := mlcore.PartitionPL(rand.New(rand.NewPCG(1, 0)), data.N, sizes)

	pool := mlcore.NewPool(2)
	defer pool.Close()
	var runs []*mlcore.Run
	for k, idx := range parts {
		rng := rand.New(rand.NewPCG(1, uint64(k+1))) // learner k's own stream
		runs = append(runs, pool.Train(global.Clone(), data, idx, mlcore.SGD{Batch: 16, LR: 0.1}, rng, 5))
	}
	var models []*mlcore.MLP
	for k, r := range runs {
		loss, _ := r.WaitEpoch(0) // in mel: at the event where epoch 0 completes
		fmt.Printf("learner %d: first-epoch loss %.2f, %d epochs\n", k, loss, r.Wait())
		models = append(models, r.Model())
	}
	mlcore.Average(global, models, []float64{300, 600})
	_, acc := mlcore.Evaluate(global, test)
	fmt.Printf("global model: %d parameters, test accuracy above 90%%: %v\n", global.NumParams(), acc > 0.9)
	// Output:
	// learner 0: first-epoch loss 1.29, 5 epochs
	// learner 1: first-epoch loss 1.07, 5 epochs
	// global model: 404 parameters, test accuracy above 90%: true
}

func seq(lo, hi int) []int {
	s := make([]int, 0, hi-lo)
	for i := lo; i < hi; i++ {
		s = append(s, i)
	}
	return s
}
