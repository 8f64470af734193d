package param_test

import (
	"fmt"

	"github.com/mel-des/mel-des/param"
)

// A plug-in describes its keys once; Resolve fills the defaults and reports every problem
// with the key it concerns, in the words of the scenario reference.
func ExampleResolve() {
	specs := []param.Spec{
		{Key: "max_speed_mps", Kind: param.Float, Unit: "m/s", Range: param.Positive(100), Default: 1.5,
			Doc: "the highest speed"},
		{Key: "turn_s", Kind: param.Float, Unit: "s", Range: param.Positive(1e6), Default: 10.0,
			Doc: "a new direction every turn_s seconds"},
	}
	v, err := param.Resolve(specs, param.Values{"turn_s": int64(5)})
	fmt.Println(v.Float("max_speed_mps"), v.Float("turn_s"), err)

	_, err = param.Resolve(specs, param.Values{"max_speed": 2.0, "turn_s": 0.0})
	for _, p := range param.Problems(err) {
		fmt.Printf("%s: %s\n", p.Key, p.Msg)
	}
	// Output:
	// 1.5 5 <nil>
	// max_speed: unknown parameter (did you mean max_speed_mps?); known: max_speed_mps, turn_s
	// turn_s: out of range: want a number in (0, 1e6] in s
}
