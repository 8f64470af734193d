package aggregate_test

import (
	"fmt"

	"github.com/mel-des/mel-des/aggregate"
	"github.com/mel-des/mel-des/param"
)

// A scenario's [aggregation] table resolves through the registry: the scheme's defaults are
// filled in, and a scheme that needs the asynchronous schedule is refused in the
// synchronous one, naming the key.
func ExampleConfig_Resolve() {
	c := aggregate.Config{Name: "fedbuff", Params: param.Values{"buffer_size": int64(5)}}
	_, p, err := c.Resolve(true)
	fmt.Println(p.Int("buffer_size"), p.Float("server_lr"), p.String("staleness"), err)

	_, _, err = c.Resolve(false)
	for _, pr := range param.Problems(err) {
		fmt.Printf("%s: %s\n", pr.Key, pr.Msg)
	}
	// Output:
	// 5 1 polynomial <nil>
	// name: "fedbuff" needs the asynchronous schedule (simulation.schedule = "async"); the synchronous cycle combines with "fedavg"
}

// The staleness functions of FedAsync and FLSim at a few points.
func ExampleStaleness_Weight() {
	for _, s := range []aggregate.Staleness{
		{Func: aggregate.Constant},
		{Func: aggregate.Polynomial, A: 0.5},
		{Func: aggregate.Hinge, A: 10, B: 4},
	} {
		fmt.Printf("%-22s", s)
		for _, st := range []int{0, 3, 5, 8} {
			fmt.Printf(" %.4f", s.Weight(st))
		}
		fmt.Println()
	}
	// Output:
	// constant               1.0000 1.0000 1.0000 1.0000
	// polynomial a=0.5       1.0000 0.5000 0.4082 0.3333
	// hinge a=10 b=4         1.0000 1.0000 0.0909 0.0244
}
