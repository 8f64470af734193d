package policy

import (
	"fmt"
	"math"
)

// Limits that keep every integer sum a policy forms within int64 and every
// search finite. They are far beyond any mobile edge learning cycle.
const (
	// MaxLearners is the largest number of learners a Problem may hold.
	MaxLearners = 1 << 20
	// MaxSamples is the largest total number of samples d a Problem may ask for.
	MaxSamples = 1 << 40
	// MaxTau is the largest number of local updates a policy plans for one
	// learner in one cycle; larger values are never considered.
	MaxTau = 1 << 20
)

// Learner holds one learner's coefficients for one global cycle.
//
// Training d samples for tau local updates takes
// C2·tau·d + C3·tau + C1·d + C0 seconds and uses G2·tau·d + G3·tau + G1·d + G0
// joules (paper eq. 10-11, with C3 = G3 = 0 when one update works through all d
// samples); the energy must not exceed E.
type Learner struct {
	C2 float64 // compute time per sample per update (s); C2 + C3 must be > 0
	C3 float64 // compute time per update independent of d (s): an update that touches a fixed number of samples
	C1 float64 // time per sample independent of tau, the data download in PL mode (s); 0 in FL mode
	C0 float64 // time independent of the samples, the model download and upload (s)
	G2 float64 // compute energy per sample per update (J)
	G3 float64 // compute energy per update independent of d (J)
	G1 float64 // energy per sample independent of tau (J); 0 in the paper's model
	G0 float64 // energy independent of the samples, the model upload (J)
	E  float64 // energy cap E_k for this cycle (J)
	// MaxD is the most samples the learner can take: its local data set in federated
	// learning, where d_k ≤ local size is a constraint of the problem. 0 means no limit
	// (parallelised learning: the orchestrator sends whatever it plans). A learner with
	// fewer than d_l samples of its own cannot take part.
	MaxD int
}

// Problem is one cycle's task-allocation problem (paper problem 16): choose
// integer updates tau_k and samples d_k for every learner to maximise
// (1/K)·Σ tau_k such that every learner meets the deadline T and its energy
// cap, Σ d_k = D, d_l ≤ d_k ≤ MaxD_k, and max tau − min tau ≤ C.
type Problem struct {
	Learners []Learner
	T        float64 // cycle deadline (s)
	D        int     // total samples d to allocate
	DL       int     // lower bound d_l on the samples of a learner that takes part
	C        int     // staleness cap c: the largest allowed difference between two learners' tau
}

// Validate reports the first problem with p's fields: non-finite or negative
// coefficients, a non-positive deadline, or sample counts that cannot be met
// (D < K·max(DL, 1)). The error names the learner index and field.
func (p Problem) Validate() error {
	k := len(p.Learners)
	if k == 0 {
		return fmt.Errorf("policy: problem has no learners")
	}
	if k > MaxLearners {
		return fmt.Errorf("policy: %d learners: at most %d are supported", k, MaxLearners)
	}
	if !(p.T > 0) || math.IsInf(p.T, 0) {
		return fmt.Errorf("policy: T = %v s: must be finite and > 0", p.T)
	}
	if p.D < 1 || p.D > MaxSamples {
		return fmt.Errorf("policy: d = %d: must be in [1, %d]", p.D, MaxSamples)
	}
	if p.DL < 0 {
		return fmt.Errorf("policy: d_l = %d: must be >= 0", p.DL)
	}
	if p.C < 0 {
		return fmt.Errorf("policy: c = %d: must be >= 0", p.C)
	}
	// D/k avoids overflowing k·dmin for huge DL.
	if dmin := p.minSamples(); dmin > p.D/k {
		return fmt.Errorf("policy: d = %d is less than K·max(d_l, 1) = %d·%d: not every learner can get its minimum", p.D, k, dmin)
	}
	for i, l := range p.Learners {
		fields := [...]struct {
			name     string
			v        float64
			positive bool
		}{
			{"C2", l.C2, false}, {"C3", l.C3, false}, {"C1", l.C1, false}, {"C0", l.C0, false},
			{"G2", l.G2, false}, {"G3", l.G3, false}, {"G1", l.G1, false}, {"G0", l.G0, false}, {"E", l.E, false},
		}
		if l.MaxD < 0 {
			return fmt.Errorf("policy: learner %d: MaxD = %d: must be ≥ 0 (0 = no limit)", i, l.MaxD)
		}
		for _, f := range fields {
			switch {
			case math.IsNaN(f.v) || math.IsInf(f.v, 0):
				return fmt.Errorf("policy: learner %d: %s = %v: must be finite", i, f.name, f.v)
			case f.positive && f.v <= 0:
				return fmt.Errorf("policy: learner %d: %s = %v: must be finite and > 0", i, f.name, f.v)
			case f.v < 0:
				return fmt.Errorf("policy: learner %d: %s = %v: must be finite and >= 0", i, f.name, f.v)
			}
		}
		if !(l.C2+l.C3 > 0) {
			return fmt.Errorf("policy: learner %d: C2 = %v and C3 = %v: one must be > 0 (an update takes time)", i, l.C2, l.C3)
		}
	}
	return nil
}

// minSamples is the fewest samples a learner that takes part may get: DL, and
// at least one, since a learner training on nothing does not take part.
func (p Problem) minSamples() int {
	return max(p.DL, 1)
}

// Usage returns the time (s) and energy (J) learner k needs for tau local
// updates on d samples in one cycle. An excluded learner (tau = d = 0)
// uses nothing.
func (p Problem) Usage(k, tau, d int) (time, energy float64) {
	if tau == 0 && d == 0 {
		return 0, 0
	}
	l := p.Learners[k]
	ft, fd := float64(tau), float64(d)
	return l.C2*ft*fd + l.C3*ft + l.C1*fd + l.C0, l.G2*ft*fd + l.G3*ft + l.G1*fd + l.G0
}

// dataLimit returns learner k's MaxD as a real capacity, +Inf for no limit.
func (p Problem) dataLimit(k int) float64 {
	if m := p.Learners[k].MaxD; m > 0 {
		return float64(m)
	}
	return math.Inf(1)
}

// fits reports whether learner k meets both its constraints and its data
// limit with tau updates on d samples, with no tolerance. It is monotone in
// tau and in d because floating-point rounding is monotone.
func (p Problem) fits(k, tau, d int) bool {
	if m := p.Learners[k].MaxD; m > 0 && d > m {
		return false
	}
	t, e := p.Usage(k, tau, d)
	return t <= p.T && e <= p.Learners[k].E
}

// bounds returns the real-valued sample capacities that the time and the
// energy constraint allow learner k at tau updates (paper: D_k(tau) is their
// minimum). An unconstrained bound is +Inf; an unmeetable one is negative.
func (p Problem) bounds(k int, tau float64) (byTime, byEnergy float64) {
	l := p.Learners[k]
	return perSample(p.T-l.C0-l.C3*tau, l.C2*tau+l.C1), perSample(l.E-l.G0-l.G3*tau, l.G2*tau+l.G1)
}

// perSample returns the samples a budget left over pays for at cost per sample: +Inf when
// samples cost nothing and the budget is met, negative when it is not.
func perSample(left, cost float64) float64 {
	switch {
	case cost > 0:
		return left / cost
	case left >= 0:
		return math.Inf(1)
	}
	return -1
}

// tauBound returns the largest real tau at which learner k can still take fd samples:
// from T − C0 − C3·tau ≥ fd·(C2·tau + C1) and the same for the energy.
func (p Problem) tauBound(k int, fd float64) float64 {
	l := p.Learners[k]
	b := (p.T - l.C0 - fd*l.C1) / (l.C3 + fd*l.C2)
	if den := l.G3 + fd*l.G2; den > 0 {
		b = math.Min(b, (l.E-l.G0-fd*l.G1)/den)
	}
	return b
}

// capacity returns floor(D_k(tau)) clamped to [0, D]: the most samples
// learner k can take for tau updates. It is exact with respect to fits, so
// a plan built from capacities passes Check with zero tolerance.
func (p Problem) capacity(k, tau int) int {
	bt, be := p.bounds(k, float64(tau))
	est := math.Min(math.Min(bt, be), p.dataLimit(k))
	if !(est >= 0) { // also catches NaN
		est = 0
	}
	d := p.D
	if est < float64(p.D) {
		d = int(est)
	}
	// The estimate is almost always exact or off by one sample; otherwise
	// fall back to bisection on the monotone predicate.
	fit := func(x int) bool { return x == 0 || p.fits(k, tau, x) }
	switch {
	case fit(d) && (d == p.D || !fit(d+1)):
		return d
	case !fit(d) && fit(d-1):
		return d - 1
	case fit(d):
		return lastTrue(d+1, p.D, fit)
	default:
		return lastTrue(0, d-1, fit)
	}
}

// maxTau returns the largest tau in [0, MaxTau] at which learner k can still
// take dmin samples; 0 means it cannot do even one update.
func (p Problem) maxTau(k, dmin int) int {
	fit := func(tau int) bool { return tau == 0 || p.fits(k, tau, dmin) }
	if !fit(1) {
		return 0
	}
	// Closed form D_k(tau) = dmin, then verify; bisection if it is off.
	est := p.tauBound(k, float64(dmin))
	t := MaxTau
	switch {
	case !(est >= 1): // also NaN
		t = 1
	case est < MaxTau:
		t = int(est)
	}
	if fit(t) && (t == MaxTau || !fit(t+1)) {
		return t
	}
	if fit(t) {
		return lastTrue(t+1, MaxTau, fit)
	}
	return lastTrue(1, t-1, fit)
}

// lastTrue returns the largest x in [lo, hi] with pred(x), given pred(lo) or
// lo−1 is known to hold and pred is monotone (true, then false). It returns
// lo−1 when pred(lo) is false.
func lastTrue(lo, hi int, pred func(int) bool) int {
	ok := lo - 1
	for lo <= hi {
		mid := lo + (hi-lo)/2
		if pred(mid) {
			ok, lo = mid, mid+1
		} else {
			hi = mid - 1
		}
	}
	return ok
}

// Physical holds one learner's hardware and link quantities, from which
// Coefficients derives the problem coefficients (SI units).
type Physical struct {
	CyclesPerSample float64 // C_m: CPU cycles per sample per local update
	FreqHz          float64 // f_k: CPU frequency (Hz)
	Kappa           float64 // switched capacitance (J/(cycle·Hz²))
	RateBps         float64 // r_k: link rate, the same both ways (bit/s)
	TxPowerW        float64 // P_k: transmit power (W)
	ModelBits       float64 // P_m·S_m: size of the model (bits)
	SampleBits      float64 // F·P_d: size of one sample (bits)
	PL              bool    // parallelised learning: the orchestrator also sends the samples
	IterSamples     int     // samples one local update touches when fixed (mini-batch steps); 0 = all d
}

// Coefficients returns the time and energy coefficients of a learner with
// physical quantities ph (DESIGN.md): C2 = C_m/f, C1 = F·P_d/r in PL mode
// and 0 in FL mode, C0 = 2·P_m·S_m/r, G2 = κ·C_m·f², G1 = 0,
// G0 = P·P_m·S_m/r. When one update touches a fixed number of samples
// (IterSamples > 0) its cost does not grow with d: C3 = IterSamples·C_m/f and
// G3 = IterSamples·κ·C_m·f² instead of C2 and G2. The energy cap E is left 0
// for the caller to set.
// Invalid quantities (say a zero rate) give coefficients that
// Problem.Validate rejects.
func Coefficients(ph Physical) Learner {
	l := Learner{
		C2: ph.CyclesPerSample / ph.FreqHz,
		C0: 2 * ph.ModelBits / ph.RateBps,
		G2: ph.Kappa * ph.CyclesPerSample * ph.FreqHz * ph.FreqHz,
		G0: ph.TxPowerW * ph.ModelBits / ph.RateBps,
	}
	if ph.PL {
		l.C1 = ph.SampleBits / ph.RateBps
	}
	if n := float64(ph.IterSamples); n > 0 {
		l.C3, l.G3 = n*l.C2, n*l.G2
		l.C2, l.G2 = 0, 0
	}
	return l
}
