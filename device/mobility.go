package device

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mel-des/mel-des/param"
)

// Point is a position in the plane in metres, with the orchestrator at the
// origin.
type Point struct {
	X, Y float64
}

// Norm returns the distance of p from the origin in metres.
func (p Point) Norm() float64 { return math.Hypot(p.X, p.Y) }

// Dist returns the distance between p and q in metres.
func (p Point) Dist(q Point) float64 { return math.Hypot(p.X-q.X, p.Y-q.Y) }

// lerp returns the point a fraction f of the way from p to q.
func lerp(p, q Point, f float64) Point {
	return Point{X: p.X + (q.X-p.X)*f, Y: p.Y + (q.Y-p.Y)*f}
}

// UniformDisc returns a point drawn uniformly over the area of the annulus
// minDist <= |p| <= radius around the origin, in metres, using rng. It
// panics unless 0 <= minDist <= radius and radius is finite and positive.
func UniformDisc(rng *rand.Rand, radius, minDist float64) Point {
	if !(radius > 0) || math.IsInf(radius, 1) || !(minDist >= 0) || minDist > radius {
		panic(fmt.Sprintf("device: UniformDisc: need 0 <= minDist <= radius < Inf, got minDist %v, radius %v", minDist, radius))
	}
	// Inverse transform of the area: P(|p| <= r) = (r²-m²)/(R²-m²).
	r := math.Sqrt(minDist*minDist + rng.Float64()*(radius*radius-minDist*minDist))
	theta := 2 * math.Pi * rng.Float64()
	return Point{X: r * math.Cos(theta), Y: r * math.Sin(theta)}
}

// Mobility gives a learner's position at any time in seconds. Times before
// 0 give the position at 0.
type Mobility interface {
	// Position returns the position at time t.
	Position(t float64) Point
	// DistanceAt returns the distance to the orchestrator at time t, in
	// metres.
	DistanceAt(t float64) float64
	// MaxSpeed returns an upper bound on the speed, in m/s; 0 for a
	// learner that never moves.
	MaxSpeed() float64
}

var (
	_ Mobility = Static{}
	_ Mobility = (*RandomWaypoint)(nil)
	_ Mobility = (*RandomWalk)(nil)
	_ Mobility = (*Trace)(nil)
)

// SampleStep returns the time in seconds within which a learner following m
// moves at most metres metres, metres/MaxSpeed, or +Inf if it never moves.
// A channel that resamples the distance at this step sees it change by at
// most metres between samples. SampleStep panics unless metres is finite
// and positive.
func SampleStep(m Mobility, metres float64) float64 {
	if !(metres > 0) || math.IsInf(metres, 1) {
		panic(fmt.Sprintf("device: SampleStep: metres must be finite and > 0, got %v", metres))
	}
	v := m.MaxSpeed()
	if v <= 0 {
		return math.Inf(1)
	}
	return metres / v
}

// Static is a learner that never moves.
type Static Point

// Position returns the fixed position.
func (s Static) Position(float64) Point { return Point(s) }

// DistanceAt returns the fixed distance to the orchestrator.
func (s Static) DistanceAt(float64) float64 { return Point(s).Norm() }

// MaxSpeed returns 0.
func (Static) MaxSpeed() float64 { return 0 }

func init() {
	RegisterMobility(MobilityModel{
		Name:    StaticModel,
		Summary: "the learner stays at its start position",
		New: func(_ param.Values, _ Cell, start Point, _ uint64) (Mobility, error) {
			return Static(start), nil
		},
	})
}

// checkCell validates the cell radius and a starting point inside it.
func checkCell(model string, radius float64, start Point) error {
	if !(radius > 0) || math.IsInf(radius, 1) {
		return fmt.Errorf("device: %s.Radius must be finite and > 0 m, got %v", model, radius)
	}
	if math.IsNaN(start.X) || math.IsNaN(start.Y) || start.Norm() > radius {
		return fmt.Errorf("device: %s.Start %v must lie within the cell of radius %v m", model, start, radius)
	}
	return nil
}
