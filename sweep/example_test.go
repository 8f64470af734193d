package sweep_test

import (
	"fmt"
	"strings"

	"github.com/mel-des/mel-des/sweep"
)

// The synchronous policy runs with c = 0 only, the asynchronous one with c = 1 and 2, each
// at two deadlines: 2 × (1 + 2) = 6 cells.
func ExampleParse() {
	s, err := sweep.Parse([]byte(`
base = "tiny-synthetic"

[axes]
"simulation.deadline_s" = [2, 4]

[[group]]
"policy.name" = ["ha-sync"]
"simulation.staleness" = [0]

[[group]]
"policy.name" = ["ha-async-sai"]
"simulation.staleness" = [1, 2]
`), "sweeps/example.toml")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range s.Cells {
		fmt.Println(c.Index, c.Label())
	}
	fmt.Println(s.Results)
	fmt.Println(strings.Join(s.Header()[:7], ","), "...")
	// Output:
	// 0 deadline_s=2 policy.name=ha-sync staleness=0
	// 1 deadline_s=2 policy.name=ha-async-sai staleness=1
	// 2 deadline_s=2 policy.name=ha-async-sai staleness=2
	// 3 deadline_s=4 policy.name=ha-sync staleness=0
	// 4 deadline_s=4 policy.name=ha-async-sai staleness=1
	// 5 deadline_s=4 policy.name=ha-async-sai staleness=2
	// sweeps/example-results.csv
	// cell,policy,staleness,deadline_s,energy_j,seed,cycle ...
}

func ExampleShard() {
	sh, _ := sweep.ParseShard("1/3")
	var mine []int
	for i := range 7 {
		if sh.Contains(i) {
			mine = append(mine, i)
		}
	}
	fmt.Println(mine)
	fmt.Println(sh.Path("out/paper-results.csv"))
	// Output:
	// [1 4]
	// out/paper-results.shard-1-of-3.csv
}
