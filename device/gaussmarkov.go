package device

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mel-des/mel-des/param"
)

// streamGaussMarkov keeps the Gauss-Markov stream apart from other models' streams even when
// a caller hands them the same seed.
const streamGaussMarkov uint64 = 0x474d_4b56 // "GMKV"

// GaussMarkovConfig configures a [GaussMarkov] model. Speeds are in m/s, times in seconds,
// angles in radians.
type GaussMarkovConfig struct {
	Radius     float64 // radius of the cell, m; the learner turns back near its edge and reflects off it
	Alpha      float64 // memory in [0, 1]: 0 is a memoryless random walk, 1 a straight line at constant speed
	MeanSpeed  float64 // the speed the process reverts to
	SpeedSigma float64 // standard deviation of the speed's random part
	MaxSpeed   float64 // speeds are clipped to [0, MaxSpeed]
	DirSigma   float64 // standard deviation of the direction's random part, radians
	StepS      float64 // speed and direction are updated every StepS seconds
	Start      Point   // position at time 0, inside the cell
	Seed       uint64  // selects the random stream
}

// GaussMarkov is the Gauss-Markov mobility model (Liang and Haas, 1999, in the form of Camp,
// Boleng and Davies, 2002): every StepS seconds the speed s and direction θ are updated as
//
//	s_n = α·s_{n−1} + (1−α)·s̄ + √(1−α²)·σ_s·w,   θ_n = α·θ_{n−1} + (1−α)·θ̄_n + √(1−α²)·σ_θ·w'
//
// with w, w' standard normal, and the learner moves in a straight line in between. The mean
// direction θ̄ is drawn at the start; whenever the learner is within the outer tenth of the
// cell it is set to point to the centre, and keeps that value until the next edge, so that
// the learner turns back and crosses the cell (the edge rule of Camp et al.), and a step that
// would still cross the edge reflects off it. Unlike a random walk the motion has memory:
// speed and heading change smoothly, which suits vehicles and pedestrians on their way
// somewhere. Steps are generated lazily and cached, so a position is a pure function of
// (config, t) and costs O(1) per query after the first.
type GaussMarkov struct {
	cfg   GaussMarkovConfig
	rng   *rand.Rand
	mean  float64 // θ̄ away from the edge
	steps []walkStep
	theta []float64 // θ_n of each step
}

// NewGaussMarkov returns a Gauss-Markov model. Errors name the parameter.
func NewGaussMarkov(cfg GaussMarkovConfig) (*GaussMarkov, error) {
	if err := checkCell("GaussMarkov", cfg.Radius, cfg.Start); err != nil {
		return nil, err
	}
	if err := checkGaussMarkov(cfg.Alpha, cfg.MeanSpeed, cfg.SpeedSigma, cfg.MaxSpeed, cfg.DirSigma, cfg.StepS); err != nil {
		return nil, fmt.Errorf("device: GaussMarkov: %w", err)
	}
	g := &GaussMarkov{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, streamGaussMarkov))}
	g.mean = 2 * math.Pi * g.rng.Float64()
	return g, nil
}

// checkGaussMarkov is the one place that checks the model's parameters; its problems name
// the scenario keys.
func checkGaussMarkov(alpha, mean, sigma, maxSpeed, dirSigma, step float64) error {
	switch {
	case !(alpha >= 0 && alpha <= 1):
		return param.Errorf("alpha", "must be in [0, 1], got %v", alpha)
	case !(mean >= 0) || math.IsInf(mean, 0):
		return param.Errorf("mean_speed_mps", "must be finite and ≥ 0 m/s, got %v", mean)
	case !(sigma >= 0) || math.IsInf(sigma, 0):
		return param.Errorf("speed_sigma_mps", "must be finite and ≥ 0 m/s, got %v", sigma)
	case !(maxSpeed > 0) || math.IsInf(maxSpeed, 0):
		return param.Errorf(keyMaxSpeed, "must be finite and > 0 m/s, got %v", maxSpeed)
	case mean > maxSpeed:
		return param.Errorf("mean_speed_mps", "mean_speed_mps = %s is above max_speed_mps = %s",
			param.FormatNumber(mean), param.FormatNumber(maxSpeed))
	case !(dirSigma >= 0) || math.IsInf(dirSigma, 0):
		return param.Errorf("direction_sigma_deg", "must be finite and ≥ 0, got %v", dirSigma)
	case !(step > 0) || math.IsInf(step, 0):
		return param.Errorf("step_s", "must be finite and > 0 s, got %v", step)
	}
	return nil
}

// Position returns the position at time t seconds. It panics if t is NaN or +Inf, which
// would need an infinite trajectory.
func (g *GaussMarkov) Position(t float64) Point {
	if math.IsNaN(t) || math.IsInf(t, 1) {
		panic(fmt.Sprintf("device: GaussMarkov.Position: time must not be NaN or +Inf, got %v", t))
	}
	t = math.Max(t, 0)
	dt := g.cfg.StepS
	k := math.Floor(t / dt)
	for k*dt > t { // keep k·dt <= t < (k+1)·dt in float64, as the random walk does
		k--
	}
	for (k+1)*dt <= t {
		k++
	}
	for float64(len(g.steps)) <= k {
		g.extend()
	}
	s := g.steps[int(k)]
	return reflectPath(s.start, s.dir, g.cfg.Radius, s.speed*(t-k*dt))
}

// extend appends the next step's motion.
func (g *GaussMarkov) extend() {
	c := g.cfg
	n := len(g.steps)
	if n == 0 {
		g.steps = append(g.steps, walkStep{start: c.Start, dir: Point{math.Cos(g.mean), math.Sin(g.mean)}, speed: c.MeanSpeed})
		g.theta = append(g.theta, g.mean)
		return
	}
	prev := g.steps[n-1]
	start := reflectPath(prev.start, prev.dir, c.Radius, prev.speed*c.StepS)
	if start.Norm() > 0.9*c.Radius {
		// Camp et al.: the new mean direction persists until the next edge, so the learner
		// crosses the cell instead of returning to the edge it came from.
		g.mean = math.Atan2(-start.Y, -start.X)
	}
	mean := g.mean
	noise := math.Sqrt(1 - c.Alpha*c.Alpha)
	th := g.theta[n-1]
	// Mixing the angles through their wrapped difference keeps θ̄ = 359° and θ = 1° two
	// degrees apart rather than 358.
	th += (1-c.Alpha)*wrapAngle(mean-th) + noise*c.DirSigma*g.rng.NormFloat64()
	speed := c.Alpha*prev.speed + (1-c.Alpha)*c.MeanSpeed + noise*c.SpeedSigma*g.rng.NormFloat64()
	speed = math.Min(math.Max(speed, 0), c.MaxSpeed)
	g.steps = append(g.steps, walkStep{start: start, dir: Point{math.Cos(th), math.Sin(th)}, speed: speed})
	g.theta = append(g.theta, th)
}

// wrapAngle maps a to (−π, π].
func wrapAngle(a float64) float64 {
	a = math.Mod(a, 2*math.Pi)
	switch {
	case a > math.Pi:
		a -= 2 * math.Pi
	case a <= -math.Pi:
		a += 2 * math.Pi
	}
	return a
}

// DistanceAt returns the distance to the orchestrator at time t seconds.
func (g *GaussMarkov) DistanceAt(t float64) float64 { return g.Position(t).Norm() }

// MaxSpeed returns the configured maximum speed in m/s, a bound on every step's speed.
func (g *GaussMarkov) MaxSpeed() float64 { return g.cfg.MaxSpeed }

var _ Mobility = (*GaussMarkov)(nil)

func init() {
	RegisterMobility(MobilityModel{
		Name:    "gauss-markov",
		Summary: "Gauss-Markov: speed and heading with memory, updated every step_s seconds, turning back near the cell edge",
		Params: []param.Spec{
			{Key: "alpha", Kind: param.Float, Range: param.Closed(0, 1), Default: 0.75,
				Doc: "memory: 0 is a memoryless random walk, 1 keeps speed and heading forever"},
			{Key: "mean_speed_mps", Kind: param.Float, Unit: "m/s", Range: param.Closed(0, 100), Default: 1.0,
				Doc: "the speed the process reverts to; at most max_speed_mps"},
			{Key: "speed_sigma_mps", Kind: param.Float, Unit: "m/s", Range: param.Closed(0, 100), Default: 0.3,
				Doc: "standard deviation of the speed's random part"},
			{Key: keyMaxSpeed, Kind: param.Float, Unit: "m/s", Range: param.Positive(100), Default: 1.5,
				Doc: "speeds are clipped to [0, max_speed_mps]"},
			{Key: "direction_sigma_deg", Kind: param.Float, Unit: "degrees", Range: param.Closed(0, 180), Default: 30.0,
				Doc: "standard deviation of the heading's random part"},
			{Key: "step_s", Kind: param.Float, Unit: "s", Range: param.Positive(1e6), Default: 1.0,
				Doc: "speed and heading are updated every step_s seconds"},
		},
		Check: func(p param.Values, _ Cell) error {
			return checkGaussMarkov(p.Float("alpha"), p.Float("mean_speed_mps"), p.Float("speed_sigma_mps"),
				p.Float(keyMaxSpeed), p.Float("direction_sigma_deg")*math.Pi/180, p.Float("step_s"))
		},
		New: func(p param.Values, cell Cell, start Point, seed uint64) (Mobility, error) {
			return NewGaussMarkov(GaussMarkovConfig{Radius: cell.Radius, Alpha: p.Float("alpha"),
				MeanSpeed: p.Float("mean_speed_mps"), SpeedSigma: p.Float("speed_sigma_mps"),
				MaxSpeed: p.Float(keyMaxSpeed), DirSigma: p.Float("direction_sigma_deg") * math.Pi / 180,
				StepS: p.Float("step_s"), Start: start, Seed: seed})
		},
	})
}
