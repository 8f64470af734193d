package sim_test

import (
	"fmt"

	"github.com/mel-des/mel-des/sim"
)

// A learner's upload races against the cycle deadline: the first to happen
// triggers the cycle's end, and the deadline timer is cancelled when the
// upload wins.
func Example() {
	k := sim.New()
	cycleEnd := k.NewEvent()
	deadline := k.Schedule(4, func() {
		fmt.Printf("t=%g deadline reached\n", k.Now())
		cycleEnd.Trigger()
	})
	k.Schedule(2.5, func() {
		fmt.Printf("t=%g upload arrived\n", k.Now())
		if cycleEnd.Trigger() {
			k.Cancel(deadline)
		}
	})
	cycleEnd.OnTrigger(func() { fmt.Printf("t=%g aggregate models\n", k.Now()) })
	k.Run()
	fmt.Println("events run:", k.Processed(), "pending:", k.Len())
	// Output:
	// t=2.5 upload arrived
	// t=2.5 aggregate models
	// events run: 2 pending: 0
}

func ExampleKernel_RunUntil() {
	k := sim.New()
	for _, d := range []sim.Time{1, 2, 3} {
		k.Schedule(d, func() { fmt.Println("event at", k.Now()) })
	}
	k.RunUntil(2) // the event at exactly 2 runs
	fmt.Println("now", k.Now(), "pending", k.Len())
	k.RunUntil(2.5)
	fmt.Println("now", k.Now())
	// Output:
	// event at 1
	// event at 2
	// now 2 pending 1
	// now 2.5
}

// A process alternates computing and uploading without a goroutine: each
// step names the step that follows the wait.
func ExampleProcess() {
	k := sim.New()
	iterations := 0
	var compute, upload func(p *sim.Process)
	compute = func(p *sim.Process) {
		p.Wait(1.5, func(p *sim.Process) {
			iterations++
			fmt.Printf("t=%g iteration %d done\n", p.Now(), iterations)
			if iterations < 2 {
				compute(p)
				return
			}
			upload(p)
		})
	}
	upload = func(p *sim.Process) {
		p.Wait(0.5, func(p *sim.Process) { fmt.Printf("t=%g model uploaded\n", p.Now()) })
	}
	learner := k.Start(compute)
	learner.Done().OnTrigger(func() { fmt.Println("learner finished:", !learner.Alive()) })
	k.Run()
	// Output:
	// t=1.5 iteration 1 done
	// t=3 iteration 2 done
	// t=3.5 model uploaded
	// learner finished: true
}
