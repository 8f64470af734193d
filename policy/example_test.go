package policy_test

import (
	"errors"
	"fmt"

	"github.com/mel-des/mel-des/policy"
)

// Two fast and two slow learners share 12,000 samples within 10 s and 10 J
// each; the asynchronous optimum lets the slow learners do more updates on
// fewer samples than the synchronous one.
func Example() {
	var learners []policy.Learner
	for _, f := range []float64{6e9, 6e9, 1.4e9, 1.4e9} {
		l := policy.Coefficients(policy.Physical{
			CyclesPerSample: 1.68e6, FreqHz: f, Kappa: 1e-29, RateBps: 40e6,
			TxPowerW: 0.2, ModelBits: 280934 * 32, SampleBits: 784 * 8, PL: true,
		})
		l.E = 10
		learners = append(learners, l)
	}
	p := policy.Problem{Learners: learners, T: 10, D: 12000, DL: 100, C: 3}
	for _, name := range []string{"ha-sync", "ha-async-exact", "hu-sync"} {
		pol, err := policy.New(name, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		plan, err := pol.Plan(p)
		var infeasible *policy.InfeasibleError
		switch {
		case errors.As(err, &infeasible):
			fmt.Printf("%-15s %v\n", name, err)
			continue
		case err != nil:
			fmt.Println(err)
			return
		}
		fmt.Printf("%-15s objective %.2f tau %v d %v binding %v\n", name, plan.Objective, plan.Tau, plan.D, plan.Diag.Binding)
	}
	// Output:
	// ha-sync         objective 4.00 tau [4 4 4 4] d [4087 4087 1913 1913] binding [energy energy time time]
	// ha-async-exact  objective 4.75 tau [3 4 6 6] d [5396 4048 1278 1278] binding [energy energy time time]
	// hu-sync         objective 2.00 tau [2 2 2 2] d [3000 3000 3000 3000] binding [energy energy time time]
}
