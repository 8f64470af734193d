package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestInfeasibleErrors(t *testing.T) {
	// Learners 1 and 2 are far away: their transfers alone miss T = 5 s.
	p := Problem{Learners: []Learner{
		{C2: 0.001, C0: 1, G2: 0.001, E: 10},
		{C2: 0.001, C0: 5.2, G2: 0.001, E: 10},
		{C2: 0.001, C0: 6.1, G2: 0.001, E: 10},
		{C2: 0.001, C0: 1, G2: 0.001, G0: 12, E: 10}, // upload alone over its cap
		{C2: 0.001, C0: 1, G2: 0.2, G0: 1, E: 10},    // one update on 100 samples: 21 J
		{C2: 0.05, C0: 1, G2: 0.001, E: 10},          // one update on 100 samples: 6 s
		{C2: 0.001, C0: 1, G2: 0.001, E: 10},
	}, T: 5, D: 1000, DL: 100, C: 1}
	want := "learners 1, 2 cannot meet the deadline T = 5 s: transfer alone takes 5.2 s, 6.1 s; " +
		"learner 5 cannot meet the deadline T = 5 s: one update takes 6 s on 100 samples; " +
		"learner 3 cannot meet the energy cap: the upload alone uses 12 J of 10 J; " +
		"learner 4 cannot meet the energy cap: one update uses 21 J of 10 J on 100 samples"
	for _, name := range Names() {
		pol := mustPolicy(t, name, nil)
		_, err := pol.Plan(p)
		var ie *InfeasibleError
		if !errors.As(err, &ie) {
			t.Fatalf("%s: error %v, want an *InfeasibleError", name, err)
		}
		if name[:2] == "ha" && err.Error() != "policy: "+name+": "+want {
			t.Errorf("%s: error\n%q, want\n%q", name, err, "policy: "+name+": "+want)
		}
		// With exclusion, learners 0 and 6 take all 1,000 samples.
		pol = mustPolicy(t, name, Params{"allow_exclusion": true})
		pl, err := pol.Plan(p)
		if err != nil {
			t.Fatalf("%s with exclusion: %v", name, err)
		}
		if err := Check(p, pl); err != nil {
			t.Fatal(err)
		}
		if got := pl.Diag.Excluded; len(got) != 5 || pl.D[0]+pl.D[6] != 1000 {
			t.Errorf("%s: excluded %v, d %v", name, got, pl.D)
		}
	}
	// Too few samples fit even at one update each.
	p.D = 20000
	_, err := Exact{AllowExclusion: true}.Plan(p)
	var ie *InfeasibleError
	if !errors.As(err, &ie) || !ie.Short || !ie.Excluded || !strings.HasSuffix(err.Error(),
		"; the remaining learners can take at most 8000 samples at one update, fewer than d = 20000") {
		t.Errorf("error %v", err)
	}
	// Everyone excluded.
	p.T = 0.5
	if _, err := (HASync{AllowExclusion: true}).Plan(p); !errors.As(err, &ie) || len(ie.Learners) != 7 {
		t.Errorf("error %v, want all 7 learners named", err)
	}
}
