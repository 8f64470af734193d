package policy

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// threeLearners: learner 0 fast, 1 medium, 2 slow; d = 301 splits 101/100/100.
func threeLearners() Problem {
	return Problem{
		Learners: []Learner{
			{C2: 0.001, C0: 1, G2: 0.001, E: 100},
			{C2: 0.004, C0: 1, G2: 0.001, E: 100},
			{C2: 0.02, C0: 1, G2: 0.001, E: 100},
		},
		T: 10, D: 301, DL: 10, C: 2,
	}
}

func TestHU(t *testing.T) {
	p := threeLearners()
	// Own maxima on the shares 101, 100, 100: floor(9/(0.001·101)) = 89,
	// floor(9/0.4) = 22, floor(9/2) = 4.
	sync, err := HUSync{}.Plan(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{101, 100, 100}; !slices.Equal(sync.D, want) {
		t.Errorf("hu-sync d = %v, want %v", sync.D, want)
	}
	if want := []int{4, 4, 4}; !slices.Equal(sync.Tau, want) {
		t.Errorf("hu-sync tau = %v, want %v", sync.Tau, want)
	}
	async, err := HUAsync{}.Plan(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{6, 6, 4}; !slices.Equal(async.Tau, want) {
		t.Errorf("hu-async tau = %v, want %v", async.Tau, want)
	}
	for _, pl := range []Plan{sync, async} {
		if err := Check(p, pl); err != nil {
			t.Error(err)
		}
	}
}

// A learner that cannot do one update on its share is reported by name, or
// excluded (and d re-split among the rest) when allowed.
func TestHUInfeasible(t *testing.T) {
	p := threeLearners()
	p.Learners[2].C2 = 0.1 // 100 samples take 11 s
	_, err := HUSync{}.Plan(p)
	var ie *InfeasibleError
	if !errors.As(err, &ie) || len(ie.Learners) != 1 || ie.Learners[0].Learner != 2 {
		t.Fatalf("error %v, want an *InfeasibleError naming learner 2", err)
	}
	if want := "policy: hu-sync: learner 2 cannot meet the deadline T = 10 s: one update takes 11 s on 100 samples"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	pl, err := HUAsync{AllowExclusion: true}.Plan(p)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(pl.D, []int{151, 150, 0}) || pl.Tau[2] != 0 || !slices.Equal(pl.Diag.Excluded, []int{2}) {
		t.Errorf("plan %v %v excluded %v, want learner 2 excluded and d split 151/150", pl.Tau, pl.D, pl.Diag.Excluded)
	}
	if len(pl.Diag.Notes) != 1 || !strings.Contains(pl.Diag.Notes[0], "learner 2 cannot") {
		t.Errorf("notes %q", pl.Diag.Notes)
	}
	if err := Check(p, pl); err != nil {
		t.Error(err)
	}
}
