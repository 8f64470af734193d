package channel_test

import (
	"fmt"

	"github.com/mel-des/mel-des/channel"
)

// A learner 250 m from the orchestrator with the paper's radio parameters
// uploads a 280,934-parameter model of 32-bit floats, once on a clear link
// and once with a 2 s outage starting 0.1 s into the upload.
func ExampleLink_Transfer() {
	link := &channel.Link{
		BandwidthHz:        5e6,
		TxPowerW:           channel.DBmToWatts(23),
		NoiseDensityWPerHz: channel.DBmToWatts(-174),
		PathLoss:           channel.DefaultPathLoss,
		Distance:           channel.FixedDistance(250),
	}
	fmt.Printf("path loss %.2f dB, rate %.2f Mbit/s\n",
		channel.DefaultPathLoss.Loss(250), link.Rate(0)/1e6)

	bits := 32 * 280934.0
	clear, err := link.Transfer(0, bits)
	if err != nil {
		panic(err)
	}
	link.Outage, err = channel.NewScheduled([]channel.Interval{{Start: 0.1, Duration: 2}})
	if err != nil {
		panic(err)
	}
	stalled, err := link.Transfer(0, bits)
	if err != nil {
		panic(err)
	}
	fmt.Printf("upload %.4f s clear, %.4f s with the outage\n", clear, stalled)
	// Output:
	// path loss 105.66 dB, rate 40.47 Mbit/s
	// upload 0.2222 s clear, 2.2222 s with the outage
}

// Shadowing is a pure function of its seed and the time: querying
// backwards gives the same draws.
func ExampleShadowing() {
	s, err := channel.NewShadowing(8, 0.5, 42)
	if err != nil {
		panic(err)
	}
	later := s.At(10.2)
	earlier := s.At(0.1)
	fmt.Println(s.At(10.2) == later, s.At(0.1) == earlier, s.NextChange(10.2))
	// Output:
	// true true 10.5
}
