package policy

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	p := twoLearners()
	good := Plan{Tau: []int{5, 3}, D: []int{150, 50}, Objective: 4}
	if err := Check(p, good); err != nil {
		t.Fatalf("feasible plan rejected: %v", err)
	}
	tests := []struct {
		name string
		edit func(p *Problem, pl *Plan)
		want string
	}{
		{"invalid problem", func(p *Problem, pl *Plan) { p.T = -1 }, "T = -1 s"},
		{"short slices", func(p *Problem, pl *Plan) { pl.Tau = pl.Tau[:1] }, "plan has 1 tau and 2 d for 2 learners"},
		{"tau without samples", func(p *Problem, pl *Plan) { pl.D[1] = 0 }, "learner 1: d = 0 with tau = 3"},
		{"samples without tau", func(p *Problem, pl *Plan) { pl.Tau[1] = 0; pl.Objective = 2.5 }, "learner 1: tau = 0 with d = 50"},
		{"below d_l", func(p *Problem, pl *Plan) { pl.D[1] = 5 }, "learner 1: d = 5 with tau = 3: must be in [10, 200]"},
		{"deadline", func(p *Problem, pl *Plan) { p.T = 8 }, "learner 0: time 8.65 s exceeds T = 8 s"},
		{"energy", func(p *Problem, pl *Plan) { p.Learners[0].E = 3 }, "learner 0: energy 3.85 J exceeds E_k = 3 J"},
		{"sum of d", func(p *Problem, pl *Plan) { pl.D[0] = 149 }, "Σ d = 199, want d = 200"},
		{"staleness", func(p *Problem, pl *Plan) { p.C = 1 }, "tau spans [3, 5], more than the staleness cap c = 1"},
		{"objective", func(p *Problem, pl *Plan) { pl.Objective = 4.5 }, "objective 4.5, want (1/K)·Σ tau = 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := twoLearners()
			pl := Plan{Tau: []int{5, 3}, D: []int{150, 50}, Objective: 4}
			tt.edit(&p, &pl)
			err := Check(p, pl)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	// Exclusion: learner 1 takes no part, learner 0 takes everything.
	excl := Plan{Tau: []int{3, 0}, D: []int{200, 0}, Objective: 1.5}
	if err := Check(p, excl); err != nil {
		t.Errorf("plan with an excluded learner rejected: %v", err)
	}
}

func TestConstraintString(t *testing.T) {
	for c, want := range map[Constraint]string{BindNone: "none", BindTime: "time", BindEnergy: "energy",
		BindBoth: "both", BindExcluded: "excluded", Constraint(9): "Constraint(9)"} {
		if got := c.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(c), got, want)
		}
	}
}

func TestBinding(t *testing.T) {
	p := Problem{Learners: []Learner{
		{C2: 0.01, C0: 1, G2: 0.001, E: 100}, // time binds
		{C2: 0.001, C0: 1, G2: 0.01, E: 10},  // energy binds
		{C2: 0.01, G2: 0.01, E: 10},          // both: 10/(0.01τ) each
		{C2: 1e-9, G2: 1e-9, E: 10},          // neither keeps it below d
	}, T: 10, D: 1000, DL: 1}
	want := []Constraint{BindTime, BindEnergy, BindBoth, BindNone}
	for k, w := range want {
		if got := p.binding(k, 2); got != w {
			t.Errorf("learner %d binds %v, want %v", k, got, w)
		}
	}
	if got := p.binding(0, 0); got != BindExcluded {
		t.Errorf("tau 0 binds %v, want excluded", got)
	}
}
