package scenarios_test

import (
	"fmt"

	"github.com/mel-des/mel-des/scenarios"
)

// A scenario in the units people use becomes a configuration in SI units; an override
// changes a key by its path and is checked like the file.
func ExampleParse() {
	const src = `
name = "two-groups"

[simulation]
deadline_s = 15
cycles = 4

[[learners]]
count = 2
cpu_ghz = [6.0, 2.4]
tx_power_dbm = 20

[[learners]]
cpu_ghz = 1.4
battery_j = 50
[learners.mobility]
model = "waypoint"
max_speed_mps = 2
`
	s, err := scenarios.Parse([]byte(src), "")
	if err != nil {
		fmt.Println(err)
		return
	}
	c := s.Config
	fmt.Println(s.Name, len(c.Learners), "learners, T =", c.Deadline, "s")
	for k, l := range c.Learners {
		fmt.Printf("learner %d: %.1f GHz, %.3f W, battery %v J, %s\n", k, l.FreqHz/1e9, l.TxPowerW, l.BatteryJ, l.Mobility.Name())
	}

	if err := s.Set("learners[1].mobility.max_speed_mps", "-3"); err != nil {
		fmt.Println(err)
	}
	if err := s.Set("simulation.dedline_s", "20"); err != nil {
		fmt.Println(err)
	}
	// Output:
	// two-groups 3 learners, T = 15 s
	// learner 0: 6.0 GHz, 0.100 W, battery +Inf J, static
	// learner 1: 2.4 GHz, 0.100 W, battery +Inf J, static
	// learner 2: 1.4 GHz, 0.200 W, battery 50 J, waypoint
	// scenario: override learners[1].mobility.max_speed_mps = -3: out of range: want a number in (0, 100] in m/s
	// scenario: override simulation.dedline_s = 20: unknown key (did you mean simulation.deadline_s?)
}

// The embedded scenarios run by name.
func ExampleEmbedded() {
	for _, name := range scenarios.Embedded() {
		fmt.Println(name)
	}
	// Output:
	// async-fl
	// fl-noniid
	// mobility
	// paper
	// quickstart
	// tiny-synthetic
}
