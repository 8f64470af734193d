package device

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mel-des/mel-des/param"
)

// streamWalk keeps the random walk stream apart from other models' streams
// even when a caller hands them the same seed.
const streamWalk uint64 = 0x5741_4c4b // "WALK"

// RandomWalkConfig configures a [RandomWalk] model.
type RandomWalkConfig struct {
	// Radius is the radius of the cell around the orchestrator, in
	// metres; the walk reflects off its edge.
	Radius float64
	// MinSpeed and MaxSpeed bound the speed, drawn uniformly per interval,
	// in m/s; set them equal for a constant speed.
	MinSpeed, MaxSpeed float64
	// IntervalS is how often a new speed and direction are drawn, in
	// seconds; interval k covers [k·IntervalS, (k+1)·IntervalS).
	IntervalS float64
	// Start is the position at time 0, inside the cell.
	Start Point
	// Seed selects the random stream.
	Seed uint64
}

func init() {
	RegisterMobility(MobilityModel{
		Name:    "walk",
		Summary: "random walk: every turn_s seconds a new uniform direction and speed, reflecting at the cell edge",
		Params: append(speedSpecs(), param.Spec{Key: "turn_s", Kind: param.Float, Unit: "s",
			Range: param.Positive(1e6), Default: 10.0, Doc: "a new speed and direction every turn_s seconds"}),
		Check: func(p param.Values, _ Cell) error {
			return checkSpeedRange(p.Float(keyMinSpeed), p.Float(keyMaxSpeed), true, "a random walk")
		},
		New: func(p param.Values, cell Cell, start Point, seed uint64) (Mobility, error) {
			return NewRandomWalk(RandomWalkConfig{Radius: cell.Radius, MinSpeed: p.Float(keyMinSpeed),
				MaxSpeed: p.Float(keyMaxSpeed), IntervalS: p.Float("turn_s"), Start: start, Seed: seed})
		},
	})
}

// RandomWalk is a random walk inside the cell: every interval the learner
// draws a direction uniformly and a speed in [MinSpeed, MaxSpeed], and moves
// in a straight line, reflecting specularly off the cell edge. Intervals
// are generated lazily and cached, so a position is a pure function of
// (config, t); a position costs O(1) whatever the number of reflections.
type RandomWalk struct {
	cfg   RandomWalkConfig
	rng   *rand.Rand
	steps []walkStep
}

// walkStep is the motion during one interval.
type walkStep struct {
	start Point
	dir   Point // unit vector
	speed float64
}

// NewRandomWalk returns a random walk model. It returns an error naming the
// field if the radius, speeds, interval or start are invalid.
func NewRandomWalk(cfg RandomWalkConfig) (*RandomWalk, error) {
	if err := checkCell("RandomWalk", cfg.Radius, cfg.Start); err != nil {
		return nil, err
	}
	if err := checkSpeedRange(cfg.MinSpeed, cfg.MaxSpeed, true, "a random walk"); err != nil {
		return nil, fmt.Errorf("device: RandomWalk: %w", err)
	}
	if !(cfg.IntervalS > 0) || math.IsInf(cfg.IntervalS, 1) {
		return nil, fmt.Errorf("device: RandomWalk.IntervalS must be finite and > 0 s, got %v", cfg.IntervalS)
	}
	return &RandomWalk{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, streamWalk))}, nil
}

// Position returns the position at time t seconds. It panics if t is NaN
// or +Inf, which would need an infinite trajectory.
func (w *RandomWalk) Position(t float64) Point {
	if math.IsNaN(t) || math.IsInf(t, 1) {
		panic(fmt.Sprintf("device: RandomWalk.Position: time must not be NaN or +Inf, got %v", t))
	}
	t = math.Max(t, 0)
	dt := w.cfg.IntervalS
	k := math.Floor(t / dt)
	// Keep k·dt <= t < (k+1)·dt in float64, so that the end of interval k
	// and the start of k+1 agree.
	for k*dt > t {
		k--
	}
	for (k+1)*dt <= t {
		k++
	}
	for float64(len(w.steps)) <= k {
		w.extend()
	}
	s := w.steps[int(k)]
	return reflectPath(s.start, s.dir, w.cfg.Radius, s.speed*(t-k*dt))
}

// extend appends the next interval's motion.
func (w *RandomWalk) extend() {
	start := w.cfg.Start
	if n := len(w.steps); n > 0 {
		p := w.steps[n-1]
		start = reflectPath(p.start, p.dir, w.cfg.Radius, p.speed*w.cfg.IntervalS)
	}
	theta := 2 * math.Pi * w.rng.Float64()
	speed := w.cfg.MinSpeed + (w.cfg.MaxSpeed-w.cfg.MinSpeed)*w.rng.Float64()
	w.steps = append(w.steps, walkStep{start: start, dir: Point{math.Cos(theta), math.Sin(theta)}, speed: speed})
}

// DistanceAt returns the distance to the orchestrator at time t seconds.
func (w *RandomWalk) DistanceAt(t float64) float64 { return w.Position(t).Norm() }

// MaxSpeed returns the configured maximum speed in m/s.
func (w *RandomWalk) MaxSpeed() float64 { return w.cfg.MaxSpeed }

// reflectPath returns where a point starting at p inside the disc of the
// given radius ends up after travelling s metres in the unit direction d,
// reflecting specularly off the circle.
//
// In a circular billiard every chord after the first reflection has the same
// length L and the same central angle β, so the k-th chord is the first one
// rotated by k·β about the centre. That makes the cost O(1) whatever the
// number of reflections.
func reflectPath(p, d Point, radius, s float64) Point {
	if n := p.Norm(); n > radius {
		// Rounding left the point a hair outside; put it back on the edge.
		p = scale(p, radius/n)
	}
	b := dot(p, d)
	c := dot(p, p) - radius*radius
	toEdge := -b + math.Sqrt(math.Max(0, b*b-c))
	if s <= toEdge {
		return clampTo(add(p, scale(d, s)), radius)
	}
	h := add(p, scale(d, toEdge))
	h = scale(h, radius/h.Norm())
	n := scale(h, 1/radius)
	d1 := add(d, scale(n, -2*dot(d, n)))
	chord := -2 * dot(h, d1)
	left := s - toEdge
	if !(chord > 1e-12*radius) {
		// Grazing the edge: the limit of ever shorter chords is a slide
		// along the circle in the direction of motion.
		sign := math.Copysign(1, cross(h, d))
		return rotate(h, sign*left/radius)
	}
	h1 := add(h, scale(d1, chord))
	beta := math.Atan2(cross(h, h1), dot(h, h1))
	k := math.Floor(left / chord)
	rem := left - k*chord
	return clampTo(rotate(add(h, scale(d1, rem)), k*beta), radius)
}

func dot(a, b Point) float64   { return a.X*b.X + a.Y*b.Y }
func cross(a, b Point) float64 { return a.X*b.Y - a.Y*b.X }
func add(a, b Point) Point     { return Point{a.X + b.X, a.Y + b.Y} }
func scale(a Point, f float64) Point {
	return Point{a.X * f, a.Y * f}
}

// rotate turns p by angle radians about the origin.
func rotate(p Point, angle float64) Point {
	sin, cos := math.Sincos(angle)
	return Point{p.X*cos - p.Y*sin, p.X*sin + p.Y*cos}
}

// clampTo pulls a point that rounding left outside the disc back onto its
// edge.
func clampTo(p Point, radius float64) Point {
	if n := p.Norm(); n > radius {
		return scale(p, radius/n)
	}
	return p
}
