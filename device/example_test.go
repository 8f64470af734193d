package device_test

import (
	"fmt"
	"strings"

	"github.com/mel-des/mel-des/device"
)

// A 1 GHz learner trains one epoch over 1000 samples at 1.68e6 cycles each,
// on a battery that holds exactly 10 such epochs' worth of energy.
func ExampleCPU() {
	cpu := device.CPU{FreqHz: 1e9, Kappa: 1e-29}
	t := cpu.IterTime(1000, 1.68e6)
	e := cpu.IterEnergy(1000, 1.68e6)
	fmt.Printf("one epoch: %.2f s, %.4f J at %.2f W\n", t, e, cpu.Power())

	battery, err := device.NewBattery(10 * e)
	if err != nil {
		panic(err)
	}
	after, emptied := battery.Drain(cpu.Power(), 60)
	fmt.Printf("a 60 s job empties the battery: %v, after %.1f s\n", emptied, after)
	// Output:
	// one epoch: 1.68 s, 0.0168 J at 0.01 W
	// a 60 s job empties the battery: true, after 16.8 s
}

// A learner following a recorded trace; the channel should resample its
// distance every SampleStep seconds to see changes of at most 5 m.
func ExampleParseTraceCSV() {
	const csv = "t,x,y\n0,100,0\n10,200,0\n20,200,100\n"
	tr, err := device.ParseTraceCSV(strings.NewReader(csv))
	if err != nil {
		panic(err)
	}
	fmt.Println(tr.Position(5), tr.DistanceAt(25), device.SampleStep(tr, 5))
	// Output:
	// {150 0} 223.60679774997897 0.5
}
