package figures_test

import (
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/mel-des/mel-des/figures"
)

// Two seeds of HA-Async (c = 1) and HA-Sync at T = 10 s, three updates each.
const results = `cell,policy,staleness,deadline_s,energy_j,seed,cycle,accuracy
a1,ha-async-sai,1,10,10,1,1,0.93
a1,ha-async-sai,1,10,10,1,2,0.955
a1,ha-async-sai,1,10,10,1,3,0.962
a2,ha-async-sai,1,10,10,2,1,0.94
a2,ha-async-sai,1,10,10,2,2,0.951
a2,ha-async-sai,1,10,10,2,3,0.958
s1,ha-sync,0,10,10,1,1,0.91
s1,ha-sync,0,10,10,1,2,0.94
s1,ha-sync,0,10,10,1,3,0.953
s2,ha-sync,0,10,10,2,1,0.92
s2,ha-sync,0,10,10,2,2,0.945
s2,ha-sync,0,10,10,2,3,0.949
`

func Example() {
	res, err := figures.ReadResults(strings.NewReader(results))
	if err != nil {
		log.Fatal(err)
	}
	reach, err := figures.UpdatesToReach(res, 95.5)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range reach {
		for _, p := range s.Points {
			fmt.Printf("%s at T = %g s: %.1f updates (%d of %d seeds)\n", s.Label, p.X, p.Mean, p.N, p.Seeds)
		}
	}
	if err := figures.WriteCSV(os.Stdout, "deadline_s", reach); err != nil {
		log.Fatal(err)
	}

	p, err := figures.Accuracy(res, figures.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Title.Text)
	// figures.Save(p, "accuracy.svg", 6, 4) would write the figure.

	// Output:
	// HA-Async c=1 at T = 10 s: 2.5 updates (2 of 2 seeds)
	// HA-Sync at T = 10 s: NaN updates (0 of 2 seeds)
	// label,policy,staleness,deadline_s,mean,min,max,n,seeds
	// HA-Async c=1,ha-async-sai,1,10,2.5,2,3,2,2
	// HA-Sync,ha-sync,,10,NaN,NaN,NaN,0,2
	// T = 10 s, E = 10 J
}
