package policy

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrTooLarge is wrapped by the error a policy returns when a valid problem
// would take it too long to solve (see Exact).
var ErrTooLarge = errors.New("policy: problem too large")

// Shortfall says why one learner cannot do even one local update on the
// samples it was asked to take.
type Shortfall struct {
	Learner int
	Samples int        // the samples it was asked to take: max(d_l, 1), or d/K for HU
	Fails   Constraint // BindTime, BindEnergy or BindBoth
	Time    float64    // time one update on Samples needs (s); with TransferOnly, the transfer alone
	Energy  float64    // energy one update on Samples needs (J); with UploadOnly, the upload alone
	Limit   float64    // the learner's energy cap E_k (J); the deadline is the Problem's T
	// TransferOnly: the model transfer alone (C0) already misses the deadline.
	TransferOnly bool
	// UploadOnly: the model upload alone (G0) already exceeds the energy cap.
	UploadOnly bool
	// NoData: the learner owns fewer samples (Data) than it was asked to take.
	NoData bool
	Data   int // with NoData, the samples it owns (Learner.MaxD)
}

// InfeasibleError reports a problem that a policy cannot plan: learners that
// cannot do one update (and may not be excluded), or learners that together
// cannot hold all d samples. Use errors.As to inspect it.
type InfeasibleError struct {
	Policy   string      // the policy's registered name
	T        float64     // the deadline (s)
	Learners []Shortfall // learners that cannot take part, in increasing order
	Excluded bool        // the Learners were excluded, and the rest are Short
	Short    bool        // the learners that take part hold fewer than D samples at one update
	Capacity int         // with Short, the samples they can take at one update
	D        int         // the samples to allocate
}

// Error lists the learners and the constraints they cannot meet, e.g.
// "policy: ha-sync: learners 3, 7 cannot meet the deadline T = 5 s:
// transfer alone takes 5.2 s, 6.1 s".
func (e *InfeasibleError) Error() string {
	var parts []string
	groups := []struct {
		name  string
		match func(s Shortfall) bool
		what  func(s Shortfall) string
	}{
		{"cannot meet the deadline T = " + num(e.T) + " s: transfer alone takes",
			func(s Shortfall) bool { return s.TransferOnly },
			func(s Shortfall) string { return num(s.Time) + " s" }},
		{"cannot meet the deadline T = " + num(e.T) + " s: one update takes",
			func(s Shortfall) bool { return !s.TransferOnly && !s.NoData && s.Fails != BindEnergy },
			func(s Shortfall) string { return num(s.Time) + " s on " + strconv.Itoa(s.Samples) + " samples" }},
		{"cannot meet the energy cap: the upload alone uses",
			func(s Shortfall) bool { return s.UploadOnly },
			func(s Shortfall) string { return num(s.Energy) + " J of " + num(s.Limit) + " J" }},
		{"cannot meet the energy cap: one update uses",
			func(s Shortfall) bool { return !s.UploadOnly && !s.NoData && s.Fails != BindTime },
			func(s Shortfall) string {
				return num(s.Energy) + " J of " + num(s.Limit) + " J on " + strconv.Itoa(s.Samples) + " samples"
			}},
	}
	groups = append(groups, struct {
		name  string
		match func(s Shortfall) bool
		what  func(s Shortfall) string
	}{"own too few samples:",
		func(s Shortfall) bool { return s.NoData },
		func(s Shortfall) string { return strconv.Itoa(s.Data) + " of " + strconv.Itoa(s.Samples) }})
	for _, g := range groups {
		var ids, whats []string
		for _, s := range e.Learners {
			if g.match(s) {
				ids = append(ids, strconv.Itoa(s.Learner))
				whats = append(whats, g.what(s))
			}
		}
		if len(ids) > 0 {
			parts = append(parts, learnerList(ids)+" "+g.name+" "+strings.Join(whats, ", "))
		}
	}
	if e.Short {
		who := "the learners"
		if e.Excluded {
			who = "the remaining learners"
		}
		parts = append(parts, fmt.Sprintf("%s can take at most %d samples at one update, fewer than d = %d", who, e.Capacity, e.D))
	}
	return "policy: " + e.Policy + ": " + strings.Join(parts, "; ")
}

// learnerList returns "learner 3" or "learners 3, 7".
func learnerList(ids []string) string {
	if len(ids) == 1 {
		return "learner " + ids[0]
	}
	return "learners " + strings.Join(ids, ", ")
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

// shortfall explains why learner k cannot do one update on samples.
func (p Problem) shortfall(k, samples int) Shortfall {
	l := p.Learners[k]
	t, e := p.Usage(k, 1, samples)
	s := Shortfall{Learner: k, Samples: samples, Time: t, Energy: e, Limit: l.E}
	if l.MaxD > 0 && samples > l.MaxD {
		s.NoData, s.Data, s.Fails = true, l.MaxD, BindData
		return s
	}
	timeFails, energyFails := !(t <= p.T), !(e <= l.E)
	switch {
	case timeFails && energyFails:
		s.Fails = BindBoth
	case timeFails:
		s.Fails = BindTime
	default:
		s.Fails = BindEnergy
	}
	if timeFails && l.C0 >= p.T {
		s.TransferOnly, s.Time = true, l.C0
	}
	if energyFails && l.G0 >= l.E {
		s.UploadOnly, s.Energy = true, l.G0
	}
	return s
}
