package mel

// Schedule says how the learners' rounds are timed.
type Schedule string

// The schedules.
const (
	// Synchronous is the paper's Algorithm 1: global cycles of length at most T; every cycle
	// the policy plans all learners at once, and the models that arrive by the deadline are
	// merged at the cycle's end.
	Synchronous Schedule = "sync"
	// Asynchronous has no global cycle: every learner loops on its own — download the current
	// global model, train, upload, repeat — and the aggregator merges each arrival (or a
	// buffer of them) when it comes. See async.go.
	Asynchronous Schedule = "async"
)

// Async holds the settings of the asynchronous schedule. The zero value is its defaults.
//
// A round of learner k is planned by the configured policy on a one-learner problem: the
// round's time budget is the deadline T (Config.Deadline), its energy cap is the learner's
// E_k (drawn per round as E + σ(2U − 1), or once per run with CapsPerRun), and its samples
// are the learner's share D_k: d/K in PL mode (d = Config.Samples, 0 = all training
// samples), its whole local data set in FL mode (or d/K of it when Samples is set). With one
// learner and d_k fixed to D_k, every registered policy gives the largest tau that fits both
// budgets. A round still running T after it started is cut and its work discarded, as a
// late learner's is in a synchronous cycle.
type Async struct {
	Horizon      float64 // the run ends at this simulated time, s; 0 = Cycles × Deadline
	Aggregations int     // the run ends after this many aggregations; 0 = no limit
	Concurrency  int     // at most this many learners in a round at once (FedBuff's concurrency); 0 = all
}

// async reports whether c runs the asynchronous schedule.
func (c *Config) async() bool { return c.Schedule == Asynchronous }

// Horizon returns the simulated time at which a run of the asynchronous schedule ends:
// Async.Horizon, or Cycles × Deadline (with their defaults) when that is 0.
func (c Config) Horizon() float64 {
	c = c.withDefaults()
	return c.horizon()
}

// horizon returns the simulated time at which an asynchronous run ends; c has its defaults.
func (c *Config) horizon() float64 {
	if c.Async.Horizon > 0 {
		return c.Async.Horizon
	}
	return float64(c.Cycles) * c.Deadline
}

// evalEvery returns the period of the evaluation clock, 0 for none.
func (c *Config) evalEvery() float64 {
	if c.EvalEvery == 0 && c.async() {
		return c.Deadline
	}
	return c.EvalEvery
}

// scheduleProblems checks the schedule, the aggregation scheme and the evaluation clock.
func (c *Config) scheduleProblems() problems {
	var ps problems
	switch c.Schedule {
	case "", Synchronous, Asynchronous:
	default:
		ps.add(-1, "simulation.schedule", "%q: must be %q or %q", c.Schedule, Synchronous, Asynchronous)
	}
	if !finite(c.EvalEvery) || c.EvalEvery < 0 {
		ps.add(-1, "simulation.eval_every_s", "%v: must be finite and ≥ 0 (0 = at cycle ends, or every deadline_s in the asynchronous schedule)", c.EvalEvery)
	}
	_, _, err := c.Aggregation.Resolve(c.async())
	ps.params(-1, "aggregation", err)
	a := c.Async
	if !c.async() {
		if a != (Async{}) {
			ps.add(-1, "async", "set, but used only by simulation.schedule = %q", Asynchronous)
		}
		return ps
	}
	if !finite(a.Horizon) || a.Horizon < 0 {
		ps.add(-1, "async.horizon_s", "%v: must be finite and ≥ 0 (0 = cycles × deadline_s)", a.Horizon)
	} else if h := c.horizon(); h > maxHorizon {
		ps.add(-1, "async.horizon_s", "%s s: at most %s s of simulated time", fnum(h), fnum(maxHorizon))
	}
	if a.Aggregations < 0 {
		ps.add(-1, "async.aggregations", "%d: must be ≥ 0 (0 = no limit)", a.Aggregations)
	}
	if a.Concurrency < 0 {
		ps.add(-1, "async.concurrency", "%d: must be ≥ 0 (0 = every learner)", a.Concurrency)
	}
	return ps
}

// maxHorizon bounds an asynchronous run's simulated time (the evaluation clock and the
// rounds are events), as the cycle count bounds a synchronous one.
const maxHorizon = 1e9
