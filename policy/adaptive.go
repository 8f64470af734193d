package policy

// Adaptive is HA-Async with a deadline guard (ha-async-adaptive): it plans as SAI does and,
// at the end of every local iteration, stops a learner and has it upload when finishing one
// more iteration would no longer leave time for the upload before the deadline.
//
// The prediction: while the link is at least as good as when the cycle was planned, the plan
// holds (it was made to fit exactly), so the learner goes on when one more iteration and the
// upload at the current rate still end by the deadline; on a static scenario Adaptive
// therefore plans and delivers exactly what SAI does. Once the link has become worse than
// planned (a learner moving away, a shadowing dip), it has probably not finished getting
// worse, so the upload time at the current rate is inflated by Margin before the same test.
// While the link is down, the plan's rate stands in for the current one: the upload cannot
// start before the link is back whatever the learner does, and an outage's remaining
// length is unknown. The same guard watches the battery: a learner goes on only while its
// charge pays for one more iteration and the upload, so that a small battery ends a cycle
// with a delivered model rather than empty in the middle of an iteration.
type Adaptive struct {
	SAI
	// Margin inflates the predicted upload time once the link is worse than planned
	// (0.5: half again as long). The zero value means 0.5; negative means none.
	Margin float64
}

var (
	_ Policy            = Adaptive{}
	_ IterationObserver = Adaptive{}
)

// DefaultAdaptiveMargin is Adaptive's margin when none is set.
const DefaultAdaptiveMargin = 0.5

// Name returns "ha-async-adaptive".
func (Adaptive) Name() string { return "ha-async-adaptive" }

// Plan returns SAI's plan for p.
func (a Adaptive) Plan(p Problem) (Plan, error) { return a.SAI.plan(p, a.Name()) }

// margin returns the margin in use.
func (a Adaptive) margin() float64 {
	switch {
	case a.Margin == 0:
		return DefaultAdaptiveMargin
	case a.Margin < 0:
		return 0
	}
	return a.Margin
}

// AfterIteration lets the learner go on when one more iteration and the upload, predicted as
// described on Adaptive, still arrive by the deadline and its battery can pay for both.
func (a Adaptive) AfterIteration(o Observation) bool {
	up, upE := o.UploadTime, o.UploadEnergy // at the plan's rate while the link is down
	if o.LinkUp && o.RateBps < o.PlanRateBps {
		up *= 1 + a.margin()
		upE *= 1 + a.margin()
	}
	if o.IterEnergy+upE > o.BatteryJ {
		return false // one more iteration would leave too little charge to upload
	}
	// The plan meets the deadline in its own arithmetic; the simulation adds the same
	// durations in another order, so allow the deadline's rounding slack.
	return o.Time+o.IterTime+up <= o.End+CheckTolerance*(o.End-o.Start)
}
